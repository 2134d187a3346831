import Glibc

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
