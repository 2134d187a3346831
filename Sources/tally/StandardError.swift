import Glibc
import TallyPaths

/// Standard error, written with write(2) and never allowed to stop the run.
///
/// Cron's log on a full disk, a closed descriptor (`2>&-`) or a reader that went away must not
/// crash a run whose outputs are already written (Foundation's `FileHandle.write` traps on such
/// errors). As Unix tools do, a failed write to stderr is dropped: the exit status still tells.
enum StandardError {
    /// Writes `line` and a newline, with its control characters and backslashes escaped (`\n`,
    /// `\r`, `\t`, `\\`, `\xNN`): a file name holding a newline or a CR cannot split one message
    /// over two lines or overwrite what a terminal shows. A path's bytes that are not UTF-8
    /// (`SystemPath`) are written `\xNN` too.
    static func print(_ line: String) {
        write(escaped(line) + "\n")
    }

    static func escaped(_ line: String) -> String {
        guard
            line.unicodeScalars.contains(where: {
                $0.value < 0x20 || $0.value == 0x7f || $0 == "\\" || SystemPath.isCarrier($0)
            })
        else { return line }
        var out = ""
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            case _ where SystemPath.isCarrier(scalar):
                out += "\\x" + String(SystemPath.byte(carriedBy: scalar), radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
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
