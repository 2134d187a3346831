import Dispatch
import Foundation
import TallyPipeline
import TallyThreads

/// A one-line progress display on standard error, only when standard error is a terminal:
/// cron and pipes never see it. Redrawn twice a second by a thread of its own; erased when the
/// run ends.
///
/// Not a libdispatch timer: when no thread can be started, libdispatch waits on the calling
/// thread until one can, and the run with it. Without a thread there is simply no bar.
final class ProgressBar: Sendable {
    private let stop = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    /// Returns nil when standard error is not a terminal, or no thread can draw the bar.
    init?(_ progress: RunProgress) {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        let (stop, stopped) = (self.stop, self.stopped)
        let started = Date()
        let drawing = HelperThread.start(stackSize: 1 << 18) {
            while stop.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
                let seconds = max(Date().timeIntervalSince(started), 0.001)
                StandardError.write("\r\u{1B}[K" + progress.line(afterSeconds: seconds))
            }
            stopped.signal()
        }
        guard drawing else { return nil }
    }

    /// Stops redrawing and erases the line, so that what follows starts on a clean line.
    func finish() {
        stop.signal()
        // A redraw may be under way: wait for the thread's last before erasing.
        stopped.wait()
        StandardError.write("\r\u{1B}[K")
    }
}
