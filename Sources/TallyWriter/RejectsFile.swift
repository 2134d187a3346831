import Glibc
import Synchronization
import TallyBytes
import TallyPaths

/// The `--rejects` file: every rejected line of the inputs that were rolled up, so a person can
/// see what was dropped. Tab-separated lines, gzip-compressed when the path ends in `.gz`:
///
///     source	line	reason	text
///     logs/a.gz	12	malformed	{"ts":1795219200,"event":"imp"
///
/// `text` is the line's first 4 KiB (empty for `line_too_long`, which is never held); in
/// `source` and `text`, `\`, tab, CR and LF are written `\\`, `\t`, `\r` and `\n`, so each
/// record is one line and the bytes can be recovered.
///
/// Each input's records go to a part of their own (a gzip member, or plain lines) in a temporary
/// file beside the target, because an input's rejects count only if the input itself does: a
/// damaged input's part is discarded. `commit` joins the kept parts in input order (gzip
/// members may be concatenated) into a temporary file and renames it over the target.
public final class RejectsFile: Sendable {
    public let path: String
    let fileSystem: any FileSystem
    private let nextPart = Atomic<Int>(0)
    /// The process id and a random part: see `AtomicFileWriter` on stale temporary files.
    private let unique = "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    static let textLimit = 4096

    /// Whether the file is gzip: its name ends in `.gz`. Standard output gets plain lines.
    let compressed: Bool

    public init(path: String, fileSystem: any FileSystem = PosixFileSystem()) {
        self.path = path
        self.fileSystem = fileSystem
        compressed = path.hasSuffix(".gz")
    }

    /// Where the parts are written: beside the target, or for standard output (`-`) in the
    /// system's temporary directory.
    public var directory: String {
        guard path != "-" else {
            let temporary = getenv("TMPDIR").map { String(cString: $0) } ?? ""
            return temporary.isEmpty ? "/tmp" : temporary
        }
        return AtomicFileWriter.split(path).directory
    }
    private var baseName: String { path == "-" ? "tally-rejects" : AtomicFileWriter.split(path).name }

    /// Makes sure the file can be written at all, before any input is read.
    public func prepare() throws(WriteError) {
        try fileSystem.createDirectory(directory)
    }

    /// A new part for the rejects of one input.
    public func makePart(source: String) -> Part {
        let index = nextPart.wrappingAdd(1, ordering: .relaxed).oldValue
        return Part(
            path: "\(directory)/.\(baseName).tally-\(unique)-\(index).part", source: source, compressed: compressed,
            fileSystem: fileSystem)
    }

    /// Writes the header and the kept parts, in order, as the new rejects file (atomically, like
    /// the day files); removes the parts.
    public func commit(_ parts: [Part]) throws(WriteError) {
        defer { for part in parts { part.discard() } }
        for part in parts {
            part.finish()
            if let error = part.error { throw error }
        }
        let header = compressed ? Self.headerMember() : Self.headerLine
        if path == "-" {
            try header.withUnsafeBytes { raw in Result { () throws(WriteError) in try StandardOutput.write(raw) } }
                .get()
            for part in parts where part.recorded > 0 {
                try copy(part.path, to: { (bytes) throws(WriteError) in try StandardOutput.write(bytes) })
            }
            return
        }
        try AtomicFileWriter(fileSystem: fileSystem).replace(
            [
                (
                    baseName,
                    { (sink: AtomicFileWriter.Sink) throws(WriteError) in
                        try header.withUnsafeBytes { raw in Result { () throws(WriteError) in try sink(raw) } }.get()
                        for part in parts where part.recorded > 0 {
                            try self.copy(part.path, to: sink)
                        }
                    }
                )
            ], in: directory)
    }

    /// Whether the file at `path` is a rejects file that tally wrote: it starts with the header,
    /// byte for byte (as a gzip member, or as a line).
    public static func isRejectsFile(_ path: String) -> Bool {
        let member = headerMember()
        guard let head = FileHead.read(path, upTo: max(member.count, headerLine.count)) else { return false }
        return head.starts(with: member) || head.starts(with: headerLine)
    }

    static let headerLine = Array("source\tline\treason\ttext\n".utf8)

    /// The header line as a gzip member of its own, so the file has one even with no rejects.
    static func headerMember() -> [UInt8] {
        var member: [UInt8] = []
        let encoder = GzipEncoder { bytes in member.append(contentsOf: bytes) }
        do {
            try encoder.write(headerLine)
            try encoder.finish()
        } catch {
            // The sink appends to an array, which cannot fail.
            preconditionFailure("the header member could not be made: \(error)")
        }
        return member
    }

    private func copy(_ source: String, to sink: AtomicFileWriter.Sink) throws(WriteError) {
        let input = SystemPath.withCString(source) { open($0, O_RDONLY | O_CLOEXEC) }
        guard input >= 0 else { throw .io(path: source, reason: String(cString: strerror(errno))) }
        defer { close(input) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(input, buffer.baseAddress, buffer.count)
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw .io(path: source, reason: String(cString: strerror(errno))) }
            if n == 0 { return }
            try sink(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
    }

    /// One input's rejected lines, as one gzip member or as plain lines in a temporary file,
    /// opened on first use.
    ///
    /// A failure to write is kept, not thrown: it must not stop the input's rollup, and
    /// `RejectsFile.commit` reports it.
    public final class Part {
        let path: String
        let fileSystem: any FileSystem
        /// The source's name as written in every record, escaped once.
        private let sourceField: [UInt8]
        private var fd: Int32 = -1
        private let compressed: Bool
        private var encoder: (any ByteEncoder)?
        private var finished = false
        private var created = false
        private var line: [UInt8] = []
        public private(set) var recorded = 0
        public private(set) var error: WriteError?

        init(path: String, source: String, compressed: Bool, fileSystem: any FileSystem) {
            self.path = path
            self.compressed = compressed
            self.fileSystem = fileSystem
            var field: [UInt8] = []
            // The name's own bytes, as the lines' are: recoverable exactly.
            Self.appendEscaped(SystemPath.bytes(source), to: &field)
            sourceField = field
        }

        /// Records rejected line `number`; `text` is nil when the line was never held.
        public func record(line number: Int, reason: String, text: UnsafeRawBufferPointer?) {
            guard error == nil, !finished else { return }
            do throws(WriteError) {
                if encoder == nil { try open() }
                line.removeAll(keepingCapacity: true)
                line.append(contentsOf: sourceField)
                line.append(ASCII.tab)
                line.append(contentsOf: String(number).utf8)
                line.append(ASCII.tab)
                line.append(contentsOf: reason.utf8)
                line.append(ASCII.tab)
                if var text {
                    // The CR of a CRLF line end is the end's, not the line's.
                    if text.last == ASCII.carriageReturn { text = UnsafeRawBufferPointer(rebasing: text.dropLast()) }
                    Self.appendEscaped(text.prefix(RejectsFile.textLimit), to: &line)
                }
                line.append(ASCII.newline)
                try encoder!.write(line)
                recorded += 1
            } catch {
                self.error = error
            }
        }

        private func open() throws(WriteError) {
            let fd = try TemporaryFiles.shared.create(path, with: fileSystem.createFile)
            self.fd = fd
            created = true
            let fileSystem = self.fileSystem
            let path = self.path
            let sink = { (bytes: UnsafeRawBufferPointer) throws(WriteError) in
                try fileSystem.write(fd, bytes, path: path)
            }
            encoder = compressed ? GzipEncoder(sink: sink) : BufferedEncoder(sink: sink)
        }

        /// Ends the member and closes the file. Called as soon as the input is read, so that open
        /// descriptors (and deflate state) do not grow with the number of inputs.
        public func finish() {
            guard !finished else { return }
            finished = true
            guard let encoder else { return }
            // The descriptor is closed even when the member cannot be ended (a full disk): left
            // open, the removed file would keep its blocks until the process exits.
            var failure: WriteError?
            do throws(WriteError) { try encoder.finish() } catch { failure = error }
            do throws(WriteError) { try fileSystem.close(fd, path: path) } catch { failure = failure ?? error }
            if let failure, self.error == nil { self.error = failure }
            fd = -1
            self.encoder = nil
        }

        /// Removes the part: its input did not count, or it has been copied.
        public func discard() {
            if !finished {
                finished = true
                if fd >= 0 { try? fileSystem.close(fd, path: path) }
            }
            encoder = nil
            if created {
                fileSystem.remove(path)
                TemporaryFiles.shared.gone(path)
            }
        }

        static func appendEscaped<C: Collection<UInt8>>(_ bytes: C, to out: inout [UInt8]) {
            for byte in bytes {
                switch byte {
                case ASCII.backslash: out.append(contentsOf: [ASCII.backslash, ASCII.backslash])
                case ASCII.tab: out.append(contentsOf: [ASCII.backslash, UInt8(ascii: "t")])
                case ASCII.carriageReturn: out.append(contentsOf: [ASCII.backslash, UInt8(ascii: "r")])
                case ASCII.newline: out.append(contentsOf: [ASCII.backslash, UInt8(ascii: "n")])
                default: out.append(byte)
                }
            }
        }
    }
}
