import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The temporary files this process has created and not yet renamed or removed, so that a run
/// stopped by a signal (cron's timeout sends SIGTERM, a person presses Ctrl-C) can remove them
/// on its way out instead of leaving them beside the outputs.
public enum TemporaryFiles {
    private static let paths = Mutex<Set<String>>([])

    static func created(_ path: String) {
        paths.withLock { _ = $0.insert(path) }
    }

    static func gone(_ path: String) {
        paths.withLock { _ = $0.remove(path) }
    }

    /// Removes every temporary file still registered. Safe to call from any thread.
    public static func removeAll() {
        let all = paths.withLock { registered in
            defer { registered.removeAll() }
            return registered
        }
        for path in all { unlink(path) }
    }

    /// Whether `path` is registered now.
    public static func contains(_ path: String) -> Bool {
        paths.withLock { $0.contains(path) }
    }
}
