import Foundation
import TallyParser
import TallyStore
import TallyWriter

/// The outcome of a run, as a value: what the command prints and the summary file hold.
public struct RunReport: Sendable {
    /// Every input named or found, in order: problems with named paths first.
    public var inputs: [InputReport] = []
    /// The lines of the inputs that are in the rollup (status `ok`).
    public var accounting = LineAccounting()
    /// Files written in the output directory, in day order.
    public var daysWritten: [String] = []
    /// The partial rollup file written, if the run writes one.
    public var partialWritten: String?
    /// With `--campaigns`: how many distinct campaigns of the rows written have no name there.
    public var unnamedCampaigns: Int?
    /// With `--dedupe`: events of this run's inputs not counted, their id counted already that day.
    public var duplicateEvents: UInt64?
    /// Why a merge read no partial at all: one could not be read or merged.
    public var refusal: PartialRollup.Refusal?
    /// Why the state store could not be used; no day file is written then (or, if it failed
    /// after its commit, the days left dirty are written by the next run).
    public var stateError: StoreError?
    /// The state store's folder's lock, when the store is not in the output folder.
    public var stateLock: RunLock?
    public var writeError: WriteError?
    /// The share of lines rejected was over `RunConfiguration.maxRejectRate`.
    public var rejectRateExceeded = false
    /// The logs stopped looking like logs (and `--allow-empty` was not given).
    public var drift: Drift?
    /// Another run held the output folder's lock: why this one did nothing.
    public var busy: String?
    /// The output folder's lock, held while the report lives: until the caller has written the
    /// summary and the metrics.
    public var lock: RunLock?
    public var warnings: [String] = []
    /// When the run started and ended, and in which zone its days are.
    public var started = Date()
    public var finished = Date()
    public var timeZone = "UTC"

    /// A run that read nothing to count: as a nightly job, a sign that the logs moved, were
    /// renamed or changed shape, which must not pass as a quiet success.
    public enum Drift: Sendable, Equatable, CustomStringConvertible {
        /// No input at all: no file, or only empty ones (an empty standard input, say).
        case noInput
        /// The inputs held lines, and none of them was counted: all rejected or ignored.
        case nothingCounted(lines: Int)

        public var description: String {
            switch self {
            case .noInput:
                "no input: nothing to count in any input (empty, blank or only a header; "
                    + "use --allow-empty if that is expected)"
            case .nothingCounted(let lines):
                "\(lines) \(lines == 1 ? "line" : "lines") read and none counted: every line was rejected or ignored "
                    + "(a renamed field or event type?; use --allow-empty if that is expected)"
            }
        }
    }

    public var failedInputs: [InputReport] { inputs.filter { $0.status == .failed } }

    /// The exit status, after sysexits(3). When several things went wrong, the one that
    /// most needs a person wins: output not written, then an input that could not be read, then
    /// one that was missing, then bad data (a damaged input, or too many rejected lines).
    public var exitStatus: ExitStatus {
        if busy != nil { return .tempFail }
        if let refusal { return refusal.exitStatus }
        if let stateError {
            switch stateError {
            case .unavailable: return .unavailable
            case .otherOptions: return .usage
            case .foreign: return .dataError
            case .sqlite: return .ioError
            }
        }
        if let writeError {
            switch writeError {
            case .cannotCreate: return .cannotCreateOutput
            case .io: return .ioError
            }
        }
        let kinds = Set(failedInputs.compactMap(\.error?.kind))
        if kinds.contains(.resources) { return .osError }
        if kinds.contains(.io) { return .ioError }
        if kinds.contains(.missing) || drift == .noInput { return .noInput }
        if kinds.contains(.badData) || rejectRateExceeded || drift != nil { return .dataError }
        return .ok
    }
}
