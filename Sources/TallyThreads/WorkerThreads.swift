import Dispatch
import Foundation

/// Runs one loop on several threads at once, the calling thread among them: the workers of a
/// run (one input after another) and the day files' writers.
public enum WorkerThreads {
    /// The stack of each thread started: what the main thread has by default.
    public static let defaultStackSize = 8 << 20

    /// Runs `body` on up to `count` threads at once, the calling thread one of them, and never on
    /// more than the cores the process may use (as `DispatchQueue.concurrentPerform` did: more
    /// threads would only share them, each with its buffers); returns once every one has
    /// returned. A `count` below 1 runs nothing.
    ///
    /// `body` runs on several threads at once, so what it touches must be safe to share (the
    /// caller's promise: this does not check it, as `DispatchQueue.concurrentPerform` did not).
    /// And it must take its work from a shared queue (an atomic index) until the queue is empty:
    /// when threads cannot be started, fewer run it, and the calling thread's turn does whatever
    /// work the missing ones would have taken.
    public static func run(_ count: Int, stackSize: Int = defaultStackSize, _ body: () -> Void) {
        guard count > 0 else { return }
        let threads = min(count, usableCores)
        withoutActuallyEscaping(body) { body in
            // The other threads reach `body` through an unowned reference, so that none holds it
            // once it has signalled `returned`: `withoutActuallyEscaping` checks that nothing does.
            let shared = Unmanaged.passRetained(SharedBody(body))
            defer { shared.release() }
            let returned = DispatchSemaphore(value: 0)
            var started = 0
            for _ in 1..<threads {
                guard
                    HelperThread.start(
                        stackSize: stackSize,
                        {
                            shared._withUnsafeGuaranteedRef { $0.body() }
                            returned.signal()
                        })
                else { break }
                started += 1
            }
            body()
            // `body` must not outlive this call: every thread that runs it has returned.
            for _ in 0..<started { returned.wait() }
        }
    }

    /// The cores this process may use (its affinity mask and CPU quota, as Foundation counts
    /// them for the default `--jobs`), at least 1.
    public static var usableCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The body, handed to the other threads; they run it only while `run` waits for them.
    private final class SharedBody: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
