import Glibc
import TallyPaths

/// A file as the system knows it, whatever the path it is reached by: its device and inode.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    public init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// The identity of what `path` names (links followed), or nil if there is nothing there.
    public init?(path: String) {
        var info = stat()
        guard SystemPath.withCString(path, { stat($0, &info) }) == 0 else { return nil }
        self.init(info)
    }
}

/// What the state store checks before it reads an input again: the file's absolute path (links
/// resolved), its size and its modification time. Equal stamps are taken for equal content;
/// any difference has the content read and fingerprinted.
public struct FileStamp: Hashable, Sendable {
    public let path: String
    public let size: Int64
    /// Nanoseconds since 1970.
    public let modified: Int64

    /// The stamp of the regular file `path` names, or nil if it cannot be examined.
    public init?(path: String) {
        var info = stat()
        guard SystemPath.withCString(path, { stat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFREG,
            let resolved = SystemPath.withCString(path, { realpath($0, nil) })
        else { return nil }
        defer { free(resolved) }
        self.path = SystemPath.string(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)))
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }
}
