import Glibc
import Synchronization
import TallyPaths

/// The temporary files this process has created and not yet renamed or removed, so that a run
/// stopped by a signal (cron's timeout sends SIGTERM, a person presses Ctrl-C) can remove them
/// on its way out instead of leaving them beside the outputs.
///
/// A file is created and registered in one step, under the registry's lock, and `stop()` takes
/// the same lock: so once `stop()` has removed the files, no other thread can create one, and
/// none can be left between its creation and its registration. (The writers go on working until
/// the process exits; without this, the files they made after the clean-up were left behind.)
public final class TemporaryFiles: Sendable {
    /// The registry of the process, which the writers use and the signal handler stops.
    public static let shared = TemporaryFiles()

    private struct State {
        var paths: Set<String> = []
        var stopped = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Creates the temporary file `path` with `make`, which returns its descriptor, and
    /// registers it; after `stop()`, creates nothing and throws.
    func create(_ path: String, with make: (String) throws(WriteError) -> Int32) throws(WriteError) -> Int32 {
        try state.withLock { (state: inout State) throws(WriteError) -> Int32 in
            if state.stopped { throw .cannotCreate(path: path, reason: "the run is stopping") }
            let fd = try make(path)
            state.paths.insert(path)
            return fd
        }
    }

    /// Forgets `path`: it has been renamed or removed.
    func gone(_ path: String) {
        state.withLock { _ = $0.paths.remove(path) }
    }

    /// Removes every temporary file still registered, and makes every later `create` fail.
    /// Safe to call from any thread, once the process is on its way out.
    public func stop() {
        state.withLock { state in
            state.stopped = true
            for path in state.paths { _ = SystemPath.withCString(path) { unlink($0) } }
            state.paths.removeAll()
        }
    }

    /// Whether `path` is registered now.
    func contains(_ path: String) -> Bool {
        state.withLock { $0.paths.contains(path) }
    }
}
