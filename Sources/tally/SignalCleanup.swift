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
    /// Call before any other thread is started: threads inherit the blocked signals.
    ///
    /// A signal that tally was started with ignored stays ignored (`nohup tally ...`, or a
    /// shell's background job, which ignores SIGINT): taken here, it would stop the run.
    static func install() {
        let signals = [SIGINT, SIGTERM, SIGHUP].filter { !isIgnored($0) }
        guard !signals.isEmpty else { return }
        var set = signalSet(signals)
        guard pthread_sigmask(SIG_BLOCK, &set, nil) == 0 else { return }
        let waiting = HelperThread.start(stackSize: 1 << 18) {
            var set = signalSet(signals)
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

    /// Whether `signal`'s action is to ignore it (`SIG_IGN`, the handler 1).
    private static func isIgnored(_ signal: Int32) -> Bool {
        var action = sigaction()
        guard sigaction(signal, nil, &action) == 0 else { return false }
        return unsafeBitCast(action.__sigaction_handler.sa_handler, to: Int.self) == 1
    }

    private static func signalSet(_ signals: [Int32]) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        return set
    }
}
