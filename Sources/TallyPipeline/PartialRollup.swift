import TallyAggregator
import TallyReader

/// A rollup not yet written out: counts per (period, key), the inputs it covers, and the
/// options that shaped it. What `tally map` writes to a file and `tally merge` sums; a run's
/// per-input counts become one through it too.
///
/// Invariants: `table` holds exactly the counts of the inputs with status `ok`; no two of those
/// have the same fingerprint (where they have one), so no content is counted twice.
public final class PartialRollup: @unchecked Sendable {
    public let shape: RollupShape
    /// Every input, whatever became of it, so that a merge reports the failures of its parts.
    public private(set) var inputs: [InputReport]
    public let table: RollupTable
    /// The fingerprints of the `ok` inputs, to the index of the input in `inputs`.
    private var covered: [ContentFingerprint: Int] = [:]

    public init(shape: RollupShape) {
        self.shape = shape
        inputs = []
        table = RollupTable(
            counterCount: RollupShape.counters.count, countsDistinct: shape.distinctField != nil,
            identifiesEvents: shape.dedupeField != nil)
    }

    init(shape: RollupShape, inputs: [InputReport], table: RollupTable) throws(MergeError) {
        self.shape = shape
        self.inputs = []
        self.table = table
        for input in inputs {
            if let other = cover(input) { throw .overlap(input: input.location.description, other: other) }
            self.inputs.append(input)
        }
    }

    /// Why two partials cannot be merged. Nothing is merged when one is thrown.
    public enum MergeError: Error, Equatable, CustomStringConvertible {
        /// Made with different options: what one counts, the other does not.
        case shapes([(String, String)])
        /// Both cover one input's content: merging would count it twice.
        case overlap(input: String, other: String)

        public static func == (a: MergeError, b: MergeError) -> Bool { a.description == b.description }

        public var description: String {
            switch self {
            case .shapes(let differences):
                "they were made with different options: "
                    + differences.map { "\($0.0) against \($0.1)" }.joined(separator: ", ")
            case .overlap(let input, let other):
                input == other
                    ? "both cover \(input): merged, it would be counted twice"
                    : "both cover the same content, as \(other) and as \(input): merged, it would be counted twice"
            }
        }
    }

    /// One input of a run, with its counts if it was read to its end: the run's path. An input
    /// whose content an earlier one already has is not counted again; it comes back with status
    /// `duplicate`.
    ///
    /// - Parameters:
    ///   - counted: contents counted before this run (the state store's), by fingerprint, with a
    ///     name they have; an input of one of them is not counted again.
    ///   - ownContent: the fingerprint the store has for this input's own path, if any: the same
    ///     content again makes it `unchanged`, not a duplicate.
    func add(
        _ input: InputReport, counts: InputCounts?, counted: [ContentFingerprint: String] = [:],
        ownContent: ContentFingerprint? = nil
    ) -> InputReport {
        var input = input
        if input.status == .ok, let fingerprint = input.fingerprint, let owner = counted[fingerprint] {
            input.status = fingerprint == ownContent ? .unchanged : .duplicate
            if input.status == .duplicate { input.original = owner }
        } else if let other = cover(input) {
            input.status = .duplicate
            input.original = other
        } else if let counts {
            counts.merge(into: table)
        }
        inputs.append(input)
        return input
    }

    /// Adds every input and count of `other`: exact, associative and commutative (inputs are
    /// kept in path order, so any grouping and order gives the same partial). Refused, with
    /// nothing changed, if the shapes differ or both cover some input.
    public func merge(_ other: PartialRollup) throws(MergeError) {
        guard other.shape == shape else { throw .shapes(shape.differences(from: other.shape)) }
        for input in other.inputs where input.status == .ok {
            if let fingerprint = input.fingerprint, let index = covered[fingerprint] {
                throw .overlap(input: input.location.description, other: inputs[index].location.description)
            }
        }
        replaceInputs((inputs + other.inputs).sorted { Self.order($0).lexicographicallyPrecedes(Self.order($1)) })
        table.merge(other.table)
    }

    /// Puts the same inputs in another order, or relabels which of two copies is counted.
    func replaceInputs(_ reordered: [InputReport]) {
        inputs = reordered
        covered = [:]
        for (index, input) in inputs.enumerated() {
            if input.status == .ok, let fingerprint = input.fingerprint { covered[fingerprint] = index }
        }
    }

    /// Where an input goes in a merged partial: by path, and for two of one path (on two
    /// machines, say) by content, so that the order never depends on the order of merging.
    private static func order(_ input: InputReport) -> [String] {
        [
            input.location.description, input.fingerprint?.description ?? "", input.status.rawValue,
            input.error?.description ?? "",
        ]
    }

    /// Records an `ok` input's fingerprint as covered; if another input already covers it,
    /// gives that one's location and records nothing.
    private func cover(_ input: InputReport) -> String? {
        guard input.status == .ok, let fingerprint = input.fingerprint else { return nil }
        if let index = covered[fingerprint] { return inputs[index].location.description }
        covered[fingerprint] = inputs.count
        return nil
    }
}
