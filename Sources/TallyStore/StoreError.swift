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
            "the state store \(path) holds rows made with other options (" + Self.differences(stored, wanted)
                + "); give the same options, another --state, or --rebuild"
        }
    }

    /// `the store: --tz UTC, no --dedupe; this run: --tz Europe/Paris, --dedupe request_id`:
    /// the options that differ; an option without a value, or missing (a store made before it
    /// existed), is `no --dedupe`.
    private static func differences(_ stored: String, _ wanted: String) -> String {
        func options(_ text: String) -> [(String, String)] {
            text.split(separator: "\n").map { line in
                let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }
        }
        let (old, new) = (options(stored), options(wanted))
        let oldValues = Dictionary(old, uniquingKeysWith: { first, _ in first })
        let newValues = Dictionary(new, uniquingKeysWith: { first, _ in first })
        let names = new.map(\.0) + old.map(\.0).filter { newValues[$0] == nil }
        func shown(_ name: String, _ value: String?) -> String {
            guard let value, !value.isEmpty else { return "no \(name)" }
            return "\(name) \(value)"
        }
        let differing = names.filter { (oldValues[$0] ?? "") != (newValues[$0] ?? "") }
        return "the store: " + differing.map { shown($0, oldValues[$0]) }.joined(separator: ", ") + "; this run: "
            + differing.map { shown($0, newValues[$0]) }.joined(separator: ", ")
    }
}
