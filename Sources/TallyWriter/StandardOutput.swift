import Glibc

/// Standard output as an output like the files: `-` for `--summary-json`, `--rejects` or
/// `--metrics`.
public enum StandardOutput {
    /// Writes all of `bytes` to descriptor 1.
    public static func write(_ bytes: UnsafeRawBufferPointer) throws(WriteError) {
        try PosixFileSystem().write(STDOUT_FILENO, bytes, path: "standard output")
    }
}
