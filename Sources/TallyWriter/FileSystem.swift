/// The file-system calls the writer makes, behind one seam so tests can make any of them fail
/// (disk full, a failing fsync or rename) and check that nothing is left half done.
public protocol FileSystem: Sendable {
    /// Creates `path` and its missing parents; succeeds if it is already a directory.
    func createDirectory(_ path: String) throws(WriteError)
    /// Creates and opens a new, empty file at `path`, failing if it exists.
    func createFile(_ path: String) throws(WriteError) -> Int32
    func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(WriteError)
    func sync(_ fd: Int32, path: String) throws(WriteError)
    func close(_ fd: Int32, path: String) throws(WriteError)
    func rename(_ from: String, to: String) throws(WriteError)
    func remove(_ path: String)
    /// What `path` is if it exists and is not a regular file or a link to one ("a directory",
    /// "a character device", "a link to a character device", ...); nil otherwise. Outputs are
    /// only ever renamed over those: as root, a rename over `/dev/null` would replace the device,
    /// and one over the link `/dev/stdout` the system's link.
    func nonRegularKind(_ path: String) -> String?
    /// Makes a directory's entries (the renames in it) durable.
    func syncDirectory(_ path: String) throws(WriteError)
}

extension FileSystem {
    /// Writes all of `bytes`.
    func write(_ fd: Int32, _ bytes: [UInt8], path: String) throws(WriteError) {
        // withUnsafeBytes only rethrows untyped errors; the Result keeps the type.
        let written = bytes.withUnsafeBytes { raw in
            Result { () throws(WriteError) in try write(fd, raw, path: path) }
        }
        try written.get()
    }
}
