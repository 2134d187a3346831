import Glibc
import TallyPipeline
import TallyThreads

/// On SIGINT, SIGTERM or SIGHUP: remove the run's temporary files, say so, and exit 128 + the
/// signal number, as shells do. Every output file stays whole: outputs are only ever replaced by
/// a rename, which either happened or did not.
///
/// The signals are blocked in every thread and taken by one thread of their own with `sigwait`,
/// where the cleanup may do what a signal handler may not (allocate, lock). Not a libdispatch
/// signal source: libdispatch needs a thread of its own for it, and when none can be started
/// (the user's limit on threads reached) it waits and retries for as long as the limit lasts,
/// before the run has begun.
enum SignalCleanup {
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    /// Call before any other thread is started: threads inherit the blocked signals.
    static func install() {
        var set = signalSet()
        guard pthread_sigmask(SIG_BLOCK, &set, nil) == 0 else { return }
        let waiting = HelperThread.start(stackSize: 1 << 18) {
            var set = signalSet()
            var received: Int32 = 0
            while sigwait(&set, &received) != 0 {}
            RollupRun.abandonTemporaryFiles()
            StandardError.print(
                "tally: stopped by signal \(received); temporary files removed, no output left half written")
            exit(128 + received)
        }
        if !waiting {
            // No thread to take them: the signals keep their default action and end the run at
            // once, its outputs whole; its temporary files are removed by a later run
            // (`TemporaryFiles.removeStale`).
            _ = pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }
}
