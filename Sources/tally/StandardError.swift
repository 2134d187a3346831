#if canImport(Glibc)
import Glibc
#endif

/// Standard error, written with write(2) and never allowed to stop the run.
///
/// Cron's log on a full disk, a closed descriptor (`2>&-`) or a reader that went away must not
/// crash a run whose outputs are already written (Foundation's `FileHandle.write` traps on such
/// errors). As Unix tools do, a failed write to stderr is dropped: the exit status still tells.
enum StandardError {
    /// Writes `line` and a newline.
    static func print(_ line: String) {
        write(line + "\n")
    }

    /// Writes `text` as it is, retrying only an interrupted or partial write.
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if n > 0 {
                    offset += n
                } else if n < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
