import Synchronization

/// How far a run has got, readable from any thread while the workers update it.
///
/// Updated once per decoded chunk (about 1 MiB) and once per input: cheap enough to keep always,
/// and what a progress bar on a terminal reads.
public final class RunProgress: Sendable {
    private let inputsTotalStorage = Atomic<Int>(0)
    private let inputsDoneStorage = Atomic<Int>(0)
    private let bytesStorage = Atomic<Int>(0)

    public init() {}

    /// Inputs to read, known once the named inputs have been expanded.
    public var inputsTotal: Int { inputsTotalStorage.load(ordering: .relaxed) }
    public var inputsDone: Int { inputsDoneStorage.load(ordering: .relaxed) }
    /// Decoded bytes read so far, over all inputs.
    public var bytesRead: Int { bytesStorage.load(ordering: .relaxed) }

    func setInputsTotal(_ count: Int) { inputsTotalStorage.store(count, ordering: .relaxed) }
    func inputDone() { inputsDoneStorage.wrappingAdd(1, ordering: .relaxed) }
    func read(_ count: Int) { bytesStorage.wrappingAdd(count, ordering: .relaxed) }
}
