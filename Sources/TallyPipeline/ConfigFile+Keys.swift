import TOMLKit
import TallyAggregator
import TallyBytes
import TallyParser

/// What each key of a configuration file may be: one reader per key, with its messages.
extension ConfigReader {
    // MARK: - Input

    func format(_ entry: Entry) throws(ConfigFile.Error) -> LogFormat {
        let name = try string(entry)
        guard Self.formatNames.contains(name) else { throw notOneOf(entry, Self.formatNames, name) }
        guard let format = LogFormat(rawValue: name) else {
            throw problem(entry.key, "'\(entry.key)' \(Self.quoted(name)) is not supported by this build")
        }
        return format
    }

    /// One byte; `\t` written out (in a literal string, say) is a tab.
    func delimiter(_ entry: Entry) throws(ConfigFile.Error) -> UInt8 {
        let text = try string(entry)
        let bytes = text == "\\t" ? [ASCII.tab] : Array(text.utf8)
        guard bytes.count == 1 else {
            throw problem(entry.key, "'\(entry.key)' must be one byte, got \(Self.quoted(text))")
        }
        // The bytes that end a line or quote a field cannot also separate fields.
        guard ![ASCII.newline, ASCII.carriageReturn, ASCII.quote, ASCII.nul].contains(bytes[0]) else {
            throw problem(
                entry.key,
                "'\(entry.key)' cannot be a newline, a carriage return, a double quote or NUL, got \(Self.quoted(text))"
            )
        }
        return bytes[0]
    }

    func columns(_ entry: Entry) throws(ConfigFile.Error) -> [String] {
        guard entry.value.type == .array else { throw mismatch(entry, "an array of strings") }
        let columns = try names(entry)
        for (position, name) in columns.enumerated() where columns[..<position].contains(name) {
            throw problem(entry.key.appending(index: position), "'\(entry.key)' names \(Self.quoted(name)) twice")
        }
        return columns
    }

    func timeZone(_ entry: Entry) throws(ConfigFile.Error) -> String {
        let name = try string(entry)
        guard RunConfiguration.isKnownTimeZone(name) else {
            throw problem(
                entry.key,
                "'\(entry.key)' is not a known time zone: \(Self.quoted(name)) "
                    + "(use an IANA name such as UTC, Europe/London or America/New_York)")
        }
        return name
    }

    func maxLineBytes(_ entry: Entry) throws(ConfigFile.Error) -> Int {
        let bytes = try integer(entry)
        guard (1...Self.maxLineBytesLimit).contains(bytes) else {
            throw problem(entry.key, "'\(entry.key)' must be between 1 and \(Self.maxLineBytesLimit), got \(bytes)")
        }
        return bytes
    }

    // MARK: - Tables

    /// `[fields]`: a name belongs to one field only.
    func fields(_ entry: Entry) throws(ConfigFile.Error) -> [Field: [String]] {
        let known = Self.fieldNames.map(\.name)
        let found = entries(of: entry, try table(entry), known: known).entries
        var fields: [Field: [String]] = [:]
        var owners: [String: ConfigKey] = [:]
        for name in inFileOrder(found, known) {
            let field = found[name]!
            guard let names = take(field, names) else { continue }
            for alias in names {
                if let owner = owners[alias], owner != field.key {
                    add(problem(field.key, "'\(field.key)' names \(Self.quoted(alias)), as '\(owner)' does"))
                }
                owners[alias] = owners[alias] ?? field.key
            }
            fields[Self.fieldNames.first { $0.name == name }!.field] = names
        }
        return fields
    }

    /// `[types]`: a value (in any case) counts as one type only.
    func types(_ entry: Entry) throws(ConfigFile.Error) -> [EventKind: [String]] {
        let known = Self.kindNames.map(\.name)
        let found = entries(of: entry, try table(entry), known: known).entries
        var types: [EventKind: [String]] = [:]
        var owners: [String: ConfigKey] = [:]
        for name in inFileOrder(found, known) {
            let type = found[name]!
            guard let values = take(type, names) else { continue }
            for value in values {
                let folded = value.lowercased()
                if let owner = owners[folded], owner != type.key {
                    add(problem(type.key, "'\(type.key)' lists \(Self.quoted(value)), as '\(owner)' does"))
                }
                owners[folded] = owners[folded] ?? type.key
            }
            types[Self.kindNames.first { $0.name == name }!.kind] = values
        }
        return types
    }

    /// `[[sources]]`, or an array of inline tables.
    func sources(_ entry: Entry) throws(ConfigFile.Error) -> [ConfigFile.Source] {
        guard entry.value.type == .array, let array = entry.value.array else {
            throw mismatch(entry, "an array of tables ([[\(entry.key)]])")
        }
        var sources: [ConfigFile.Source] = []
        for (position, element) in array.enumerated() {
            if let source = take(Entry(key: entry.key.appending(index: position), value: element), source) {
                sources.append(source)
            }
        }
        return sources
    }

    func source(_ entry: Entry) throws(ConfigFile.Error) -> ConfigFile.Source? {
        let (found, unknown) = entries(of: entry, try table(entry), known: ["match", "type"])
        let match = take(found["match"], glob)
        let kind = take(found["type"], eventKind)
        // A misspelt key is the problem then, not the key it was meant to be.
        if !unknown {
            for key in ["match", "type"] where found[key] == nil {
                throw problem(entry.key, "'\(entry.key)' has no '\(key)'")
            }
        }
        guard let match, let kind else { return nil }
        return ConfigFile.Source(match: match, kind: kind)
    }

    /// A pattern for file names: `/` never matches one.
    func glob(_ entry: Entry) throws(ConfigFile.Error) -> String {
        let pattern = try nonEmptyString(entry)
        guard !pattern.contains("/") else {
            throw problem(
                entry.key,
                "'\(entry.key)' is matched against file names and cannot hold '/', got \(Self.quoted(pattern))"
            )
        }
        return pattern
    }

    func eventKind(_ entry: Entry) throws(ConfigFile.Error) -> EventKind {
        let name = try string(entry)
        guard let kind = Self.kindNames.first(where: { $0.name == name })?.kind else {
            throw notOneOf(entry, Self.kindNames.map(\.name), name)
        }
        return kind
    }

    func accessLog(_ entry: Entry) throws(ConfigFile.Error) -> ConfigFile.AccessLog {
        let found = entries(of: entry, try table(entry), known: ["type_param", "campaign_param", "path_prefix"])
            .entries
        var accessLog = ConfigFile.AccessLog()
        accessLog.typeParam = take(found["type_param"], nonEmptyString)
        accessLog.campaignParam = take(found["campaign_param"], nonEmptyString)
        accessLog.pathPrefix = take(found["path_prefix"], pathPrefix)
        return accessLog
    }

    func pathPrefix(_ entry: Entry) throws(ConfigFile.Error) -> String {
        let prefix = try string(entry)
        guard prefix.hasPrefix("/") else {
            throw problem(entry.key, "'\(entry.key)' must start with \"/\", got \(Self.quoted(prefix))")
        }
        return prefix
    }

    // MARK: - Rows and run

    /// `"a, b"` as `--by` writes it, or `["a", "b"]`. Whether they can be key columns depends on
    /// `[fields]` and the command line: the caller checks that.
    func keyNames(_ entry: Entry) throws(ConfigFile.Error) -> [String] {
        guard entry.value.type == .string else { return try names(entry) }
        let list = try nonEmptyString(entry)
        let names = list.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }
        guard !names.contains("") else {
            throw problem(entry.key, "'\(entry.key)' has an empty name: \(Self.quoted(list))")
        }
        return names
    }

    func granularity(_ entry: Entry) throws(ConfigFile.Error) -> Granularity {
        let name = try string(entry)
        guard let granularity = Granularity(rawValue: name) else {
            throw notOneOf(entry, Granularity.allCases.map(\.rawValue), name)
        }
        return granularity
    }

    func inflater(_ entry: Entry) throws(ConfigFile.Error) -> String {
        let name = try string(entry)
        guard Self.inflaterNames.contains(name) else { throw notOneOf(entry, Self.inflaterNames, name) }
        return name
    }

    func jobs(_ entry: Entry) throws(ConfigFile.Error) -> Int {
        let jobs = try integer(entry)
        guard jobs >= 1 else { throw problem(entry.key, "'\(entry.key)' must be at least 1, got \(jobs)") }
        return jobs
    }

    /// A path, relative to the file's folder if it is relative.
    func path(_ entry: Entry, dashIsStandardOutput: Bool) throws(ConfigFile.Error) -> String {
        let path = try nonEmptyString(entry)
        if path.hasPrefix("/") || directory == "." || (dashIsStandardOutput && path == "-") { return path }
        return (directory.hasSuffix("/") ? directory : directory + "/") + path
    }

    func state(_ entry: Entry) throws(ConfigFile.Error) -> ConfigFile.StateSetting {
        if entry.value.type == .bool, entry.value.bool == false { return .off }
        guard entry.value.type == .string else {
            let got = entry.value.type == .bool ? "true" : Self.described(entry.value.type)
            throw problem(entry.key, "'\(entry.key)' must be a path or false, got \(got)")
        }
        return .path(try path(entry, dashIsStandardOutput: false))
    }

    func maxRejectRate(_ entry: Entry) throws(ConfigFile.Error) -> Double {
        let rate = try number(entry)
        guard (0...1).contains(rate) else {
            throw problem(entry.key, "'\(entry.key)' must be between 0 and 1, got \(Self.shown(rate))")
        }
        return rate
    }

    func wait(_ entry: Entry) throws(ConfigFile.Error) -> Double {
        let seconds = try number(entry)
        guard (0...Self.maxWaitSeconds).contains(seconds) else {
            throw problem(
                entry.key,
                "'\(entry.key)' must be between 0 and \(Self.shown(Self.maxWaitSeconds)) seconds, got \(Self.shown(seconds))"
            )
        }
        return seconds
    }

    /// A number as it was likely written: `2`, not `2.0`.
    static func shown(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
