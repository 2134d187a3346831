import Dispatch
import Foundation
import TallyPipeline

/// On SIGINT, SIGTERM or SIGHUP: remove the run's temporary files, say so, and exit 128 + the
/// signal number, as shells do. Every output file stays whole: outputs are only ever replaced by
/// a rename, which either happened or did not.
enum SignalCleanup {
    /// Kept alive for the life of the process; written once, before any signal can arrive.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func install() {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            // Ignore the default action so that the dispatch source receives the signal instead.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                RollupRun.abandonTemporaryFiles()
                StandardError.print(
                    "tally: stopped by signal \(signalNumber); temporary files removed, no output left half written")
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
