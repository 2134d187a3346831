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
