import Glibc
import TallyPaths

/// One run at a time per output folder: an exclusive `flock` on `.tally.lock` in it, held while
/// this value lives (the run keeps it in its report until the summary and metrics are written).
/// The kernel lets go when the holder exits or dies, so a killed run never leaves the lock
/// behind; the holder's pid is written in the file for the message a second run gives.
public final class RunLock: @unchecked Sendable {  // Immutable: a descriptor, closed once.
    public static let fileName = ".tally.lock"

    /// Why the lock could not be had.
    public enum Failure: Error, Equatable {
        /// Another run holds it: its pid, if the file names a live process.
        case held(by: Int32?)
        case cannotCreate(WriteError)
    }

    private let fd: Int32
    /// Why the folder could not be locked, if it could not, though the run may go on: a file
    /// system without locks (NFS with another user's lock file, say). nil when the lock is held.
    public let notLocked: String?

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
        // Never through a link: a link planted in a shared folder would have its target truncated.
        var fd = SystemPath.withCString(path) { open($0, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o644) }
        var code = errno
        if fd < 0, code == EACCES {
            // Another user's lock file in a shared folder: a lock needs only a read descriptor.
            fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) }
            if fd < 0 { fd = -1 } else { code = 0 }
        }
        guard fd >= 0 else {
            let reason = code == ELOOP ? "is a symbolic link" : String(cString: strerror(code))
            throw .cannotCreate(.cannotCreate(path: path, reason: reason))
        }
        var waited = 0.0
        var notLocked: String?
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            guard failure == EWOULDBLOCK else {
                // No lock to be had here at all; the run goes on, and says so.
                notLocked =
                    "\(path): cannot lock (\(String(cString: strerror(failure)))); "
                    + "a second run at the same time would not be stopped"
                break
            }
            guard waited < waitSeconds else {
                let holder = Self.livePID(in: fd)
                close(fd)
                throw .held(by: holder)
            }
            usleep(100_000)
            waited += 0.1
        }
        if notLocked == nil {
            // Ours now: say who holds it. A failure here (a read-only descriptor) only loses the
            // pid from a later message, which names a pid only while that process lives.
            let pid = Array("\(getpid())\n".utf8)
            _ = ftruncate(fd, 0)
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        self.fd = fd
        self.notLocked = notLocked
    }

    deinit {
        close(fd)
    }

    /// The pid in the lock file, if that process is alive.
    private static func livePID(in fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0,
            let pid = String(decoding: bytes[..<n], as: UTF8.self).split(separator: "\n").first.flatMap({ Int32($0) })
        else { return nil }
        return kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }
}
