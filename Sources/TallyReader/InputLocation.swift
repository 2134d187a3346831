/// Where one input comes from.
public enum InputLocation: Hashable, Sendable, CustomStringConvertible {
    case file(String)
    case standardInput

    public var description: String {
        switch self {
        case .file(let path): path
        case .standardInput: "-"
        }
    }
}
