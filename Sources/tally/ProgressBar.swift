import Dispatch
import Foundation
import TallyPipeline

/// A one-line progress display on standard error, only when standard error is a terminal:
/// cron and pipes never see it. Redrawn twice a second from a timer; erased when the run ends.
final class ProgressBar: @unchecked Sendable {
    private let timer: any DispatchSourceTimer
    private let queue = DispatchQueue(label: "tally.progress")
    private let started = Date()

    /// Returns nil when standard error is not a terminal.
    init?(_ progress: RunProgress) {
        guard isatty(STDERR_FILENO) != 0 else { return nil }
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        let started = self.started
        timer.setEventHandler {
            let seconds = max(Date().timeIntervalSince(started), 0.001)
            StandardError.write("\r\u{1B}[K" + progress.line(afterSeconds: seconds))
        }
        timer.resume()
    }

    /// Stops redrawing and erases the line, so that what follows starts on a clean line.
    func finish() {
        timer.cancel()
        // A redraw may be running on the timer's queue: wait for it before erasing.
        queue.sync {}
        StandardError.write("\r\u{1B}[K")
    }
}
