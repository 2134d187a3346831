import Glibc
import TOMLKit
import TallyAggregator
import TallyBytes
import TallyParser
import TallyPaths

/// A `tally.toml` file (`tally rollup --config`), read and checked: every setting it makes, each
/// `nil` (or empty) where the file says nothing. The command line's options win over it; that
/// merge is the caller's.
///
/// Paths are resolved when the file is read: a relative one is relative to the file's folder,
/// so that a cron job finds the same files wherever it starts (`-`, standard output, stays `-`).
public struct ConfigFile: Equatable, Sendable {
    public var format: LogFormat?
    public var delimiter: UInt8?
    /// Whether a delimited input starts with a line of names; `false`: the names are `columns`.
    public var header: Bool?
    public var columns: [String]?
    /// The zone days are counted in (`--tz`).
    public var timeZone: String?
    /// The zone of times written without an offset.
    public var inputTimeZone: String?
    public var maxLineBytes: Int?
    /// For each field named in `[fields]`, its input names in order of preference.
    public var fields: [Field: [String]] = [:]
    /// For each event type named in `[types]`, the input values (any case) counted as it.
    public var types: [EventKind: [String]] = [:]
    /// The `[[sources]]` entries, in the file's order.
    public var sources: [Source] = []
    public var clf: AccessLog?
    /// The key columns (`--by`), as named.
    public var by: [String]?
    /// `--uniques`: the field whose distinct values each row estimates.
    public var uniques: String?
    /// `--dedupe`: the field that identifies an event.
    public var dedupe: String?
    public var granularity: Granularity?
    /// `auto`, `zlib` or `isal`; whether the library can be used is checked with the options.
    public var inflater: String?
    public var jobs: Int?
    public var out: String?
    public var rejects: String?
    public var summaryJSON: String?
    public var metrics: String?
    public var campaigns: String?
    public var combined: String?
    public var xlsx: String?
    public var state: StateSetting?
    public var bom: Bool?
    public var crlf: Bool?
    public var ratios: Bool?
    public var allowEmpty: Bool?
    public var verbose: Bool?
    public var maxRejectRate: Double?
    /// Seconds to wait for another run's lock (`--wait`).
    public var wait: Double?
    /// Where each key is in the file, for the errors of checks made later (`keyLines["header"]`);
    /// not part of the value's equality.
    public var keyLines = KeyLines()

    public init() {}

    /// Inputs whose file name matches `match` (fnmatch(3), no `/`) hold events of one type.
    public struct Source: Equatable, Sendable {
        public var match: String
        public var kind: EventKind

        public init(match: String, kind: EventKind) {
            self.match = match
            self.kind = kind
        }
    }

    /// `[clf]`: where a combined-log-format request carries the event's type and campaign.
    public struct AccessLog: Equatable, Sendable {
        /// The query parameter that holds the event's type.
        public var typeParam: String?
        /// The query parameter that holds the campaign.
        public var campaignParam: String?
        /// Requests whose path does not start with it are ignored; it starts with `/`.
        public var pathPrefix: String?

        public init(typeParam: String? = nil, campaignParam: String? = nil, pathPrefix: String? = nil) {
            self.typeParam = typeParam
            self.campaignParam = campaignParam
            self.pathPrefix = pathPrefix
        }
    }

    /// `state = "path"`, or `state = false` for no state store (`--no-state`).
    public enum StateSetting: Equatable, Sendable {
        case path(String)
        case off
    }

    /// What is wrong with a configuration file, as one line: `tally.toml:7: unknown key ...`.
    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// The file, as it was named.
        public var path: String
        /// Where the problem is, when it is known; a line is never given when it is not sure.
        public var line: Int?
        public var column: Int?
        /// The key at fault, as written in `message` (`fields.time`, `sources[0].type`).
        public var key: String?
        /// The problem, without the place.
        public var message: String

        public init(path: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
            self.path = path
            self.line = line
            self.column = column
            self.key = key
            self.message = message
        }

        public var description: String {
            var place = SystemPath.displayed(path)
            if let line {
                place += ":\(line)"
                if let column { place += ":\(column)" }
            }
            return place + ": " + message
        }
    }
}

extension ConfigFile {
    /// A configuration file is small; a bigger one is the wrong file (`--config /dev/zero`).
    static let maxFileBytes = 1 << 20

    /// Reads and checks the file at `path`.
    /// - Throws: the first problem in the file's order: it cannot be read, is not TOML, or a key
    ///   is unknown, of the wrong type or out of range.
    public static func load(path: String) throws(Error) -> ConfigFile {
        let bytes = try contents(of: path)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Error(path: path, line: firstInvalidLine(bytes), message: "not UTF-8 text")
        }
        return try ConfigFile(text: text, path: path)
    }

    /// Reads and checks `text` as the file at `path`, whose folder relative paths are resolved
    /// against.
    public init(text: String, path: String) throws(Error) {
        if let nul = text.utf8.firstIndex(of: 0) {
            // toml++ reads a C string: it would stop there, and miss the rest.
            let line = text.utf8[..<nul].count { $0 == ASCII.newline } + 1
            throw Error(path: path, line: line, message: "contains a NUL byte")
        }
        if let (line, column, why) = TOMLGuard.firstCrash(in: Array(text.utf8)) {
            throw Error(path: path, line: line, column: column, message: "TOML syntax error: " + why)
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let message = error.description.split(whereSeparator: \.isNewline).joined(separator: " ")
            throw Error(
                path: path, line: error.source.begin.line, column: error.source.begin.column,
                message: "TOML syntax error: \(message)")
        } catch {
            throw Error(path: path, message: "TOML syntax error: \(error)")
        }
        let reader = ConfigReader(path: path, text: text)
        if let line = reader.keyLines.nulEscapeLine {
            throw Error(path: path, line: line, message: "a string holds a NUL (\\u0000), which cannot be used")
        }
        var file = reader.read(root)
        if let problem = reader.firstProblem { throw problem }
        file.keyLines = reader.keyLines
        self = file
    }

    /// The folder relative paths in the file at `path` are relative to.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func contents(of path: String) throws(Error) -> [UInt8] {
        func failure(_ code: Int32) -> Error {
            Error(path: path, message: "cannot read: " + String(cString: strerror(code)))
        }
        let fd = SystemPath.withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw failure(errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            if bytes.count > maxFileBytes {
                throw Error(path: path, message: "cannot read: larger than 1 MiB, not a configuration file")
            }
        }
    }

    /// The line of the first byte that is not part of valid UTF-8.
    private static func firstInvalidLine(_ bytes: [UInt8]) -> Int? {
        for (number, line) in bytes.split(separator: ASCII.newline, omittingEmptySubsequences: false).enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            return number + 1
        }
        return nil
    }
}
