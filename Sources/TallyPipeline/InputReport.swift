import TallyParser
import TallyReader

/// What became of one input.
public struct InputReport: Sendable {
    public enum Status: String, Sendable {
        /// Read to its end and checked; its counts are in the rollup.
        case ok
        /// Zero bytes: nothing to count, and not an error.
        case empty
        /// Missing, unreadable, damaged or in a refused format: it contributes nothing.
        case failed
        /// Its content is an earlier input's (same fingerprint), which is counted: this copy is not.
        case duplicate
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
}
