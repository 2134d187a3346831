/// Why the state store cannot be used. Opening or writing it failing stops the run before any
/// day file is written.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The system's SQLite library is not installed.
    case unavailable
    case sqlite(String)
    /// The store was made by a newer tally, or holds what this one cannot read.
    case foreign(String)
    /// The store counts other rows than this run would (another `--tz`, `--by`, ...).
    case otherOptions(path: String, stored: String, wanted: String)

    public var description: String {
        switch self {
        case .unavailable:
            "the state store needs SQLite (libsqlite3.so.0, Debian's libsqlite3-0), which is not installed; "
                + "install it, or run with --no-state"
        case .sqlite(let message): "SQLite: \(message)"
        case .foreign(let why): why
        case .otherOptions(let path, let stored, let wanted):
            "the state store \(path) holds rows made with other options ("
                + Self.differences(stored, wanted) + "); give the same options, another --state, or --rebuild"
        }
    }

    /// `--tz UTC, not --tz Europe/Paris`, for each option that differs.
    private static func differences(_ stored: String, _ wanted: String) -> String {
        let (old, new) = (stored.split(separator: "\n"), wanted.split(separator: "\n"))
        return zip(old, new).filter { $0 != $1 }.map { "\($0), not \($1)" }.joined(separator: "; ")
    }
}
