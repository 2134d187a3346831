import Glibc

/// How an input's bytes are stored, told from its first bytes, never from its name.
public enum Compression: String, Sendable {
    case none, gzip

    /// The formats tally recognises and refuses, by magic number.
    static let refused: [(name: String, magic: [UInt8])] = [
        ("bzip2", [0x42, 0x5a, 0x68]),
        ("xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
        ("zstd", [0x28, 0xb5, 0x2f, 0xfd]),
        ("lz4", [0x04, 0x22, 0x4d, 0x18]),
        ("zip", [0x50, 0x4b, 0x03, 0x04]),
    ]
    static let gzipMagic: [UInt8] = [0x1f, 0x8b]
    static let longestMagic = 6
}

/// Where one input comes from.
public enum InputLocation: Hashable, Sendable, CustomStringConvertible {
    case file(String)
    case standardInput

    public var description: String {
        switch self {
        case .file(let path): path
        case .standardInput: "-"
        }
    }
}

/// An opened input: its plain bytes, how they were stored, and whether there were none at all.
public struct OpenedInput {
    public let source: any ByteSource
    public let compression: Compression
    /// The input had zero bytes (which is reported, and is not an error).
    public let isEmpty: Bool
}

/// Opens inputs and puts the right decoder in front of them.
public enum InputOpener {
    /// - Parameters:
    ///   - inflater: what inflates a gzip input; it must be available.
    ///   - onRead: told how many bytes of a file are read as stored, each time (for progress).
    ///   - storedBytes: given every byte of the input as stored, once and in order, as the
    ///     source reads them (on the thread that reads it), for a fingerprint; all of them once
    ///     the source has returned 0.
    public static func open(
        _ location: InputLocation, inflater: Inflater = .zlib, onRead: (@Sendable (Int) -> Void)? = nil,
        storedBytes: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(InputError) -> OpenedInput {
        let raw: FileDescriptorSource
        switch location {
        case .file(let path):
            raw = try FileDescriptorSource(path: path)
            // Progress counts what the total counts: files with a size.
            if raw.isRegularFile { raw.onRead = onRead }
        case .standardInput: raw = FileDescriptorSource(fd: STDIN_FILENO, closesOnDeinit: false)
        }
        raw.onBytes = storedBytes
        let head = try raw.readUpTo(Compression.longestMagic)
        raw.pushBack(head)
        if head.isEmpty {
            return OpenedInput(source: raw, compression: .none, isEmpty: true)
        }
        if head.starts(with: Compression.gzipMagic) {
            return OpenedInput(
                source: GzipDecoder(upstream: raw, inflater: inflater), compression: .gzip, isEmpty: false)
        }
        // A whole input of the one byte that starts gzip's magic: a gzip file cut after its
        // first byte, not a log (as text it would be a header line, and the run would succeed).
        if head == [Compression.gzipMagic[0]] {
            throw .corrupt("stream cut short after its first byte")
        }
        for format in Compression.refused where head.starts(with: format.magic) {
            throw .unsupportedCompression(format.name)
        }
        return OpenedInput(source: TextSource(upstream: raw), compression: .none, isEmpty: false)
    }
}

/// Plain input, refused if its start is not text.
///
/// Without this, a gzip file whose magic bytes are damaged would be read as text: every line
/// rejected, the run successful, its counts silently gone. Compressed data holds a NUL byte
/// every 256 bytes or so, and text logs hold none, so one NUL in the first 64 KiB refuses the
/// input as a whole. (A NUL later on rejects just its line.)
final class TextSource: ByteSource {
    static let window = 1 << 16
    private let upstream: any ByteSource
    private var checked = 0

    init(upstream: any ByteSource) {
        self.upstream = upstream
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        let n = try upstream.read(into: buffer)
        if checked < Self.window, n > 0 {
            let count = min(n, Self.window - checked)
            if memchr(buffer.baseAddress!, 0, count) != nil { throw .binary }
            checked += count
        }
        return n
    }
}
