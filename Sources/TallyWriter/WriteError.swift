/// Why output could not be written. The case decides the exit status: 73 when the output
/// cannot be created at all, 74 when writing it failed part way (disk full, a failing fsync).
public enum WriteError: Error, Equatable, Sendable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot create \(path): \(reason)"
        case .io(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
