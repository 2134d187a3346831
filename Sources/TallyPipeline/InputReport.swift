import TallyParser
import TallyReader

/// What became of one input.
public struct InputReport: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        /// Read to its end and checked; its counts are in the rollup.
        case ok
        /// Zero bytes: nothing to count, and not an error.
        case empty
        /// Missing, unreadable, damaged or in a refused format: it contributes nothing.
        case failed
        /// Its content is an earlier input's (same fingerprint), which is counted: this copy is not.
        case duplicate
        /// The state store has counted it, and it has not changed since: not read (or read, its
        /// modification time being new, and found the same).
        case unchanged
    }

    public var location: InputLocation
    public var status: Status
    public var error: InputError?
    public var compression: Compression?
    public var format: LogFormat?
    /// Its lines. For a failed input, what was read before the failure (none of it counts).
    public var accounting = LineAccounting()
    /// Problems that did not stop it, such as a CSV header without a campaign column.
    public var warnings: [String] = []
    /// What its stored bytes hash to, when the run fingerprints its inputs (`tally map`) and the
    /// input was read to its end.
    public var fingerprint: ContentFingerprint?
    /// For a duplicate: the input whose content it has, which is counted (in this run, or by an
    /// earlier one through the state store).
    public var original: String?
}
