import TOMLKit
import TallyAggregator
import TallyParser

/// Turns a parsed TOML document into a `ConfigFile`, checking each key as it goes.
///
/// A key that is wrong is noted and read as absent, and reading goes on, so that the problem
/// reported is the first in the file's order, not in this reader's.
final class ConfigReader {
    let path: String
    /// The folder relative paths are relative to.
    let directory: String
    let keyLines: KeyLines
    private var problems: [ConfigFile.Error] = []

    init(path: String, text: String) {
        self.path = path
        directory = ConfigFile.directory(of: path)
        keyLines = KeyLines(text)
    }

    /// A value of the document, with the key it is at.
    struct Entry {
        let key: ConfigKey
        let value: any TOMLValueConvertible
    }

    /// The problem first in the file: the lowest line, then the first found.
    var firstProblem: ConfigFile.Error? {
        problems.enumerated().min { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }?
            .element
    }

    static let topLevelKeys = [
        "format", "delimiter", "header", "columns", "timezone", "input_timezone", "max_line_bytes", "fields", "types",
        "sources", "clf", "by", "uniques", "dedupe", "granularity", "inflater", "jobs", "out", "rejects",
        "summary_json",
        "metrics",
        "campaigns", "combined", "xlsx", "state", "bom", "crlf", "ratios", "allow_empty", "verbose",
        "max_reject_rate", "wait",
    ]
    static let formatNames = ["auto", "jsonl", "csv", "tsv", "delimited", "clf"]
    static let fieldNames: [(name: String, field: Field)] = [("time", .time), ("type", .type), ("campaign", .campaign)]
    static let kindNames: [(name: String, kind: EventKind)] = [
        ("impression", .impression), ("click", .click), ("video_view", .videoView),
    ]
    static let inflaterNames = ["auto", "zlib", "isal"]
    static let maxLineBytesLimit = 1 << 30
    /// As `--wait`: a day at most.
    static let maxWaitSeconds = 86_400.0

    /// Output paths, and whether `-` (standard output) stays `-`.
    /// (Computed: key paths are not `Sendable`.)
    static var pathKeys: [(key: String, property: WritableKeyPath<ConfigFile, String?>, dashIsStandardOutput: Bool)] {
        [
            ("out", \.out, false), ("rejects", \.rejects, true), ("summary_json", \.summaryJSON, true),
            ("metrics", \.metrics, true), ("campaigns", \.campaigns, false), ("combined", \.combined, false),
            ("xlsx", \.xlsx, false),
        ]
    }
    static var flagKeys: [(key: String, property: WritableKeyPath<ConfigFile, Bool?>)] {
        [
            ("header", \.header), ("bom", \.bom), ("crlf", \.crlf), ("ratios", \.ratios),
            ("allow_empty", \.allowEmpty), ("verbose", \.verbose),
        ]
    }

    func read(_ root: TOMLTable) -> ConfigFile {
        let top = entries(of: Entry(key: .root, value: root), root, known: Self.topLevelKeys).entries
        var file = ConfigFile()
        file.format = take(top["format"], format)
        file.delimiter = take(top["delimiter"], delimiter)
        file.columns = take(top["columns"], columns)
        file.timeZone = take(top["timezone"], timeZone)
        file.inputTimeZone = take(top["input_timezone"], timeZone)
        file.maxLineBytes = take(top["max_line_bytes"], maxLineBytes)
        file.fields = take(top["fields"], fields) ?? [:]
        file.types = take(top["types"], types) ?? [:]
        file.sources = take(top["sources"], sources) ?? []
        file.clf = take(top["clf"], accessLog)
        file.by = take(top["by"], keyNames)
        file.uniques = take(top["uniques"], nonEmptyString)
        file.dedupe = take(top["dedupe"], nonEmptyString)
        file.granularity = take(top["granularity"], granularity)
        file.inflater = take(top["inflater"], inflater)
        file.jobs = take(top["jobs"], jobs)
        for (key, property, dashIsStandardOutput) in Self.pathKeys {
            file[keyPath: property] = take(top[key]) { (entry) throws(ConfigFile.Error) in
                try self.path(entry, dashIsStandardOutput: dashIsStandardOutput)
            }
        }
        file.state = take(top["state"], state)
        for (key, property) in Self.flagKeys {
            file[keyPath: property] = take(top[key], bool)
        }
        file.maxRejectRate = take(top["max_reject_rate"], maxRejectRate)
        file.wait = take(top["wait"], wait)
        return file
    }

    // MARK: - Problems

    /// `read(entry)` if there is an entry; a problem is noted, and the value read as absent.
    func take<T>(_ entry: Entry?, _ read: (Entry) throws(ConfigFile.Error) -> T?) -> T? {
        guard let entry else { return nil }
        do {
            return try read(entry)
        } catch {
            problems.append(error)
            return nil
        }
    }

    /// Notes a problem found beside a value that was read.
    func add(_ problem: ConfigFile.Error) {
        problems.append(problem)
    }

    func problem(_ key: ConfigKey, _ message: String) -> ConfigFile.Error {
        ConfigFile.Error(path: path, line: keyLines.line(of: key), key: key.description, message: message)
    }

    func mismatch(_ entry: Entry, _ expected: String) -> ConfigFile.Error {
        problem(entry.key, "'\(entry.key)' must be \(expected), got \(Self.described(entry.value.type))")
    }

    func notOneOf(_ entry: Entry, _ names: [String], _ value: String) -> ConfigFile.Error {
        problem(entry.key, "'\(entry.key)' must be one of \(names.joined(separator: ", ")), got \(Self.quoted(value))")
    }

    /// The entries of `table` whose keys are `known`; each other key is a problem.
    func entries(of entry: Entry, _ table: TOMLTable, known: [String]) -> (
        entries: [String: Entry], unknown: Bool
    ) {
        var found: [String: Entry] = [:]
        var unknown = false
        for (name, value) in table {
            let key = entry.key.appending(name)
            if known.contains(name) {
                found[name] = Entry(key: key, value: value)
            } else {
                unknown = true
                problems.append(problem(key, "unknown key '\(key)' (known: \(known.joined(separator: ", ")))"))
            }
        }
        return (found, unknown)
    }

    /// The names of `known` that `entries` has, in the file's order where it is known.
    func inFileOrder(_ entries: [String: Entry], _ known: [String]) -> [String] {
        known.enumerated().filter { entries[$0.element] != nil }
            .sorted {
                (keyLines.line(of: entries[$0.element]!.key) ?? .max, $0.offset)
                    < (keyLines.line(of: entries[$1.element]!.key) ?? .max, $1.offset)
            }
            .map(\.element)
    }

    // MARK: - Types

    func string(_ entry: Entry) throws(ConfigFile.Error) -> String {
        guard entry.value.type == .string, let text = entry.value.string else { throw mismatch(entry, "a string") }
        return text
    }

    func nonEmptyString(_ entry: Entry) throws(ConfigFile.Error) -> String {
        let text = try string(entry)
        guard !text.isEmpty else { throw problem(entry.key, "'\(entry.key)' must not be empty") }
        return text
    }

    func bool(_ entry: Entry) throws(ConfigFile.Error) -> Bool {
        guard entry.value.type == .bool, let flag = entry.value.bool else { throw mismatch(entry, "true or false") }
        return flag
    }

    func integer(_ entry: Entry) throws(ConfigFile.Error) -> Int {
        guard entry.value.type == .int, let number = entry.value.int else { throw mismatch(entry, "an integer") }
        return number
    }

    /// An integer or a float.
    func number(_ entry: Entry) throws(ConfigFile.Error) -> Double {
        switch entry.value.type {
        case .int: if let number = entry.value.int { return Double(number) }
        case .double: if let number = entry.value.double { return number }
        default: break
        }
        throw mismatch(entry, "a number")
    }

    func table(_ entry: Entry) throws(ConfigFile.Error) -> TOMLTable {
        guard entry.value.type == .table, let table = entry.value.table else { throw mismatch(entry, "a table") }
        return table
    }

    /// A string, or a non-empty array of them, none empty.
    func names(_ entry: Entry) throws(ConfigFile.Error) -> [String] {
        if entry.value.type == .string { return [try nonEmptyString(entry)] }
        guard entry.value.type == .array, let array = entry.value.array else {
            throw mismatch(entry, "a string or an array of strings")
        }
        guard !array.isEmpty else { throw problem(entry.key, "'\(entry.key)' must not be empty") }
        var names: [String] = []
        for (position, element) in array.enumerated() {
            names.append(try nonEmptyString(Entry(key: entry.key.appending(index: position), value: element)))
        }
        return names
    }

    /// How a message names a TOML type.
    static func described(_ type: TOMLType) -> String {
        switch type {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a float"
        case .bool: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }

    /// `text` in double quotes, with TOML's escapes for what would not show on one line.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                result +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16, uppercase: true)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
