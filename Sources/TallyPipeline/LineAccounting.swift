import TallyParser

/// What became of every line: the run's accounting as a value, summed per input and per run.
///
/// The identity `lines == counted + ignored + rejected + blank` holds by construction: each line
/// goes through `record` exactly once. CSV and TSV header lines are not lines here; they are
/// counted in `headers`.
public struct LineAccounting: Equatable, Sendable {
    public var lines = 0
    public var counted = 0
    public var ignored = 0
    public var rejected = 0
    public var blank = 0
    public var headers = 0
    /// Counted events per kind, indexed by `EventKind.rawValue`.
    public var events = [Int](repeating: 0, count: EventKind.allCases.count)
    /// Rejected lines per reason, indexed by `RejectReason.rawValue`.
    public var rejectedByReason = [Int](repeating: 0, count: RejectReason.allCases.count)
    /// Ignored lines per type value as written (see `IgnoredTypeTally`), filled in once an input
    /// ends, not line by line.
    public var ignoredTypes: [String: Int] = [:]

    public init() {}

    @inline(__always)
    mutating func record(_ outcome: LineOutcome) {
        switch outcome {
        case .event(let event):
            lines += 1
            counted += 1
            events[event.kind.rawValue] += 1
        case .ignored:
            lines += 1
            ignored += 1
        case .blank:
            lines += 1
            blank += 1
        case .header:
            headers += 1
        case .rejected(let reason):
            lines += 1
            rejected += 1
            rejectedByReason[reason.rawValue] += 1
        }
    }

    /// Adds `other` in. Exact, associative and commutative, like `RollupTable.merge`.
    public mutating func merge(_ other: LineAccounting) {
        lines += other.lines
        counted += other.counted
        ignored += other.ignored
        rejected += other.rejected
        blank += other.blank
        headers += other.headers
        for i in events.indices { events[i] += other.events[i] }
        for i in rejectedByReason.indices { rejectedByReason[i] += other.rejectedByReason[i] }
        ignoredTypes.merge(other.ignoredTypes, uniquingKeysWith: +)
    }

    public func events(_ kind: EventKind) -> Int { events[kind.rawValue] }
    public func rejected(_ reason: RejectReason) -> Int { rejectedByReason[reason.rawValue] }
}
