import Glibc

/// Starts tally's threads, reporting when one cannot be started.
///
/// Not Foundation's `Thread`: its `start()` does not say when `pthread_create` fails (out of
/// memory for the stack, or the process's or the user's limit on threads reached), and the
/// thread's body then never runs; whoever waits for it, a worker waiting for a chunk or for a
/// fingerprint, waits for ever, and a nightly run hangs holding its lock. Nor libdispatch's
/// workers: without a thread it sleeps and tries again, for ever if the limit stays. Here the
/// caller learns of it and does the work on its own thread instead: slower, the same result.
public enum HelperThread {
    /// Starts `body` on a new detached thread with a stack of `stackSize` bytes.
    /// - Returns: false if the thread could not be started; `body` is then dropped, not run.
    public static func start(stackSize: Int, _ body: @escaping @Sendable () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setstacksize(&attributes, stackSize) == 0,
            pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) == 0
        else { return false }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        if started != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            return false
        }
        return true
    }

    /// Makes the calling thread a batch thread (Linux's `SCHED_BATCH`, a thread's own policy),
    /// if the system lets it: one that never preempts another thread when it wakes, and takes
    /// the others' idle time instead. Unlike a lower priority, it keeps its full share of a busy
    /// machine, so a helper made one cannot become the slowest stage of a pipeline.
    public static func preferBatchScheduling() {
        var parameters = sched_param(sched_priority: 0)
        _ = sched_setscheduler(0, batchPolicy, &parameters)
    }

    /// `SCHED_BATCH`, which Glibc's module does not export.
    private static let batchPolicy: Int32 = 3

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
