import Glibc
import TallyPaths

/// The first bytes of a file: enough to tell whether an output path holds what tally wrote.
public enum FileHead {
    /// Up to `count` bytes from the start of the file at `path`, or nil if it cannot be read.
    public static func read(_ path: String, upTo count: Int) -> [UInt8]? {
        let fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, count - filled) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            filled += n
        }
        return Array(head[..<filled])
    }
}
