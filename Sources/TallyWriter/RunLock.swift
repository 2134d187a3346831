import Glibc
import TallyPaths

/// One run at a time per output folder: an exclusive `flock` on `.tally.lock` in it, held for
/// the life of the process. The kernel lets go when the holder exits or dies, so a killed run
/// never leaves the lock behind; the holder's pid is written in the file for the message a
/// second run gives.
public final class RunLock {
    public static let fileName = ".tally.lock"

    /// Why the lock could not be had.
    public enum Failure: Error, Equatable {
        /// Another run holds it: its pid, if it could be read.
        case held(by: Int32?)
        case cannotCreate(WriteError)
    }

    private let fd: Int32

    /// Takes the lock of `directory` (created if missing), waiting up to `waitSeconds` for
    /// another run to finish.
    public init(directory: String, waitSeconds: Double = 0, fileSystem: any FileSystem = PosixFileSystem())
        throws(Failure)
    {
        do {
            try fileSystem.createDirectory(directory)
        } catch {
            throw .cannotCreate(error)
        }
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + Self.fileName
        var fd = SystemPath.withCString(path) { open($0, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        if fd < 0, errno == EACCES {
            // Another user's lock file in a shared folder: a lock needs only a read descriptor.
            fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
        }
        guard fd >= 0 else {
            throw .cannotCreate(.cannotCreate(path: path, reason: String(cString: strerror(errno))))
        }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, waited < waitSeconds else {
                let holder = Self.pid(in: fd)
                close(fd)
                throw .held(by: holder)
            }
            usleep(100_000)
            waited += 0.1
        }
        // Ours now: say who holds it. A failure here only loses the pid from a later message.
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    private static func pid(in fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return nil }
        return String(decoding: bytes[..<n], as: UTF8.self).split(separator: "\n").first.flatMap { Int32($0) }
    }
}
