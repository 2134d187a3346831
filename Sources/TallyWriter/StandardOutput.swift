import Glibc

/// Standard output as an output like the files: `-` for `--summary-json` or `--rejects`.
public enum StandardOutput {
    /// Writes all of `bytes` to descriptor 1.
    public static func write(_ bytes: UnsafeRawBufferPointer) throws(WriteError) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if n > 0 {
                offset += n
            } else if n < 0, errno == EINTR {
                continue
            } else {
                throw .io(path: "standard output", reason: n < 0 ? String(cString: strerror(errno)) : "nothing written")
            }
        }
    }
}
