import Glibc
import TallyPaths

/// Raw bytes of an open file descriptor, with a few bytes pushed back in front.
///
/// The push-back holds the bytes read to sniff the compression, so that sniffing never needs to
/// seek (standard input and pipes cannot).
public final class FileDescriptorSource: ByteSource {
    private let fd: Int32
    private let closesOnDeinit: Bool
    private var pushedBack: [UInt8] = []
    /// Told how many bytes each read(2) gave, for a progress display.
    var onRead: (@Sendable (Int) -> Void)?
    /// If set, given every byte read from the descriptor, once and in order (pushed-back bytes
    /// are not given again): for a fingerprint of the input's stored bytes.
    var onBytes: ((UnsafeRawBufferPointer) -> Void)?

    /// Whether the descriptor is a regular file, whose size says how much there is to read (a
    /// pipe's, `<(zcat ...)`, says 0).
    var isRegularFile: Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// Opens `path` for reading.
    public convenience init(path: String) throws(InputError) {
        let fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound }
            // Limits of this process or system, not a fault of the input's.
            if code == EMFILE || code == ENFILE || code == ENOMEM { throw .outOfResources(Self.message(code)) }
            throw .unreadable(Self.message(code))
        }
        self.init(fd: fd, closesOnDeinit: true)
    }

    /// Wraps an already open descriptor, such as standard input, which is not closed.
    public init(fd: Int32, closesOnDeinit: Bool) {
        self.fd = fd
        self.closesOnDeinit = closesOnDeinit
    }

    /// The thread reading ahead, once `startReadingAhead()` has started one.
    private(set) var readAhead: ReadAhead?

    deinit {
        // The thread must be out of read(2) before the descriptor's number can be reused.
        readAhead?.stop()
        if closesOnDeinit { close(fd) }
    }

    /// Reads the rest of a regular file on a thread of its own, ahead of `read(into:)`, which
    /// then copies from it (`ReadAhead`). `onRead` and `onBytes` as they are now are called on
    /// that thread from now on (setting them later changes nothing). Bytes pushed back are still
    /// returned first.
    /// - Returns: whether a thread reads ahead: not for a pipe or a terminal, whose reads may
    ///   block for ever, nor when no thread can be started; reads are then made as before.
    @discardableResult
    func startReadingAhead(bufferSize: Int = 1 << 18, ringSize: Int = 4) -> Bool {
        guard readAhead == nil, isRegularFile else { return false }
        readAhead = ReadAhead(fd: fd, bufferSize: bufferSize, ringSize: ringSize, onRead: onRead, onBytes: onBytes)
        return readAhead != nil
    }

    /// Puts `bytes` back in front of what the next `read` returns.
    func pushBack(_ bytes: [UInt8]) {
        pushedBack = bytes + pushedBack
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard buffer.count > 0 else { return 0 }
        if !pushedBack.isEmpty {
            let n = min(buffer.count, pushedBack.count)
            pushedBack.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pushedBack.removeFirst(n)
            return n
        }
        if let readAhead { return try readAhead.read(into: buffer) }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                onRead?(n)
                onBytes?(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
                return n
            }
            let code = errno
            if code == EINTR { continue }
            throw Self.readError(code)
        }
    }

    /// What a read(2) that failed with `code` means for the input.
    static func readError(_ code: Int32) -> InputError {
        code == EISDIR ? .unreadable("is a directory") : .io(message(code))
    }

    /// Reads until `count` bytes or the end of input, whichever comes first.
    func readUpTo(_ count: Int) throws(InputError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count - filled, alignment: 1)
            defer { buffer.deallocate() }
            let n = try read(into: buffer)
            if n == 0 { break }
            bytes.replaceSubrange(filled..<(filled + n), with: buffer[..<n])
            filled += n
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    static func message(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
