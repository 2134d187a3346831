import Glibc
import TallyPaths

/// The real thing: POSIX calls.
public struct PosixFileSystem: FileSystem {
    public init() {}

    public func createDirectory(_ path: String) throws(WriteError) {
        var info = stat()
        if SystemPath.withCString(path, { stat($0, &info) }) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                throw .cannotCreate(path: path, reason: "exists and is not a directory")
            }
            return
        }
        let parent = Self.parent(of: path)
        if parent != path, !parent.isEmpty { try createDirectory(parent) }
        if SystemPath.withCString(path, { mkdir($0, 0o755) }) != 0, errno != EEXIST {
            throw .cannotCreate(path: path, reason: Self.reason())
        }
    }

    public func createFile(_ path: String) throws(WriteError) -> Int32 {
        let fd = SystemPath.withCString(path) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644) }
        guard fd >= 0 else { throw .cannotCreate(path: path, reason: Self.reason()) }
        return fd
    }

    public func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(WriteError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: Self.reason())
            }
            done += n
        }
    }

    public func sync(_ fd: Int32, path: String) throws(WriteError) {
        guard fsync(fd) == 0 else { throw .io(path: path, reason: Self.reason()) }
    }

    public func close(_ fd: Int32, path: String) throws(WriteError) {
        // close can report a delayed write error (NFS); the descriptor is gone either way.
        guard Glibc.close(fd) == 0 else { throw .io(path: path, reason: Self.reason()) }
    }

    public func rename(_ from: String, to: String) throws(WriteError) {
        let status = SystemPath.withCString(from) { from in SystemPath.withCString(to) { Glibc.rename(from, $0) } }
        guard status == 0 else { throw .io(path: to, reason: Self.reason()) }
    }

    public func remove(_ path: String) {
        _ = SystemPath.withCString(path) { unlink($0) }
    }

    public func nonRegularKind(_ path: String) -> String? {
        var info = stat()
        guard SystemPath.withCString(path, { lstat($0, &info) }) == 0 else { return nil }
        if info.st_mode & S_IFMT == S_IFLNK {
            // A link is replaced, not followed, by the rename; but a link to a device or the
            // like (`/dev/stdout`) is refused all the same: the name stands for that file.
            var target = stat()
            guard SystemPath.withCString(path, { stat($0, &target) }) == 0 else { return nil }
            return Self.kind(target.st_mode).map { "a link to " + $0 }
        }
        return Self.kind(info.st_mode)
    }

    /// What a file of this mode is, if not a regular file.
    private static func kind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        default: return "not a file"
        }
    }

    public func syncDirectory(_ path: String) throws(WriteError) {
        let fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw .io(path: path, reason: Self.reason()) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: path, reason: Self.reason()) }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func reason() -> String {
        String(cString: strerror(errno))
    }
}
