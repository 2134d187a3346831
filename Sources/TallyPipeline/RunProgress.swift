import Foundation
import Synchronization

/// How far a run has got, readable from any thread while the workers update it.
///
/// Updated once per decoded chunk (about 1 MiB) and once per input: cheap enough to keep always,
/// and what a progress bar on a terminal reads.
public final class RunProgress: Sendable {
    private let inputsTotalStorage = Atomic<Int>(0)
    private let inputsDoneStorage = Atomic<Int>(0)
    private let bytesStorage = Atomic<Int>(0)
    private let storedTotalStorage = Atomic<Int>(0)
    private let storedReadStorage = Atomic<Int>(0)

    public init() {}

    /// Inputs to read, known once the named inputs have been expanded.
    public var inputsTotal: Int { inputsTotalStorage.load(ordering: .relaxed) }
    public var inputsDone: Int { inputsDoneStorage.load(ordering: .relaxed) }
    /// Decoded bytes read so far, over all inputs.
    public var bytesRead: Int { bytesStorage.load(ordering: .relaxed) }

    /// The size of the inputs as stored (compressed or not), over the inputs that are files;
    /// 0 while unknown. Standard input has no size, and is not in it.
    public var storedBytesTotal: Int { storedTotalStorage.load(ordering: .relaxed) }
    /// Bytes read from those files so far, as stored: with the total, how far the run is.
    public var storedBytesRead: Int { storedReadStorage.load(ordering: .relaxed) }

    func setInputsTotal(_ count: Int) { inputsTotalStorage.store(count, ordering: .relaxed) }
    func setStoredBytesTotal(_ count: Int) { storedTotalStorage.store(count, ordering: .relaxed) }
    /// For the reader's thread: `count` more bytes read from a file as stored.
    @Sendable func readStored(_ count: Int) { storedReadStorage.wrappingAdd(count, ordering: .relaxed) }
    func inputDone() { inputsDoneStorage.wrappingAdd(1, ordering: .relaxed) }
    func read(_ count: Int) { bytesStorage.wrappingAdd(count, ordering: .relaxed) }

    /// The progress line: `tally: 3/16 inputs, 680 MB read, 1234 MB/s, 45%, about 12 s left`.
    /// The share and the time left come from the files' stored (compressed) bytes read against
    /// their sizes, when those are known (not for standard input).
    public func line(afterSeconds seconds: Double) -> String {
        let seconds = max(seconds, 0.001)
        let megabytes = Double(bytesRead) / 1_000_000
        var line = String(
            format: "tally: %d/%d inputs, %.0f MB read, %.0f MB/s", inputsDone, inputsTotal, megabytes,
            megabytes / seconds)
        let (read, total) = (storedBytesRead, storedBytesTotal)
        if total > 0, read > 0 {
            let share = min(Double(read) / Double(total), 1)
            let left = seconds * (1 - share) / share
            line += String(format: ", %.0f%%, about %.0f s left", share * 100, left.rounded(.up))
        }
        return line
    }
}
