import TallyReader

/// Exit statuses, from sysexits(3).
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case osError = 71
    case cannotCreateOutput = 73
    case ioError = 74
    case tempFail = 75
    /// A configuration file that cannot be read or is wrong (`--config`).
    case config = 78
}

extension ExitStatus {
    /// The status an input that could not be read ends a run with, by whose fault it is.
    public init(inputError: InputError) {
        self =
            switch inputError.kind {
            case .missing: .noInput
            case .badData: .dataError
            case .io: .ioError
            case .resources: .osError
            }
    }
}
