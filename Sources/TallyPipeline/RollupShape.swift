import TallyAggregator
import TallyBytes
import TallyParser

/// The options that decide what a rollup's rows are: partial rollups made with different ones
/// count different things and cannot be merged.
///
/// Options that change only how fast a run goes or what it tells (`--jobs`, `--inflater`,
/// `--verbose`) or what is checked after the counting (`--max-reject-rate`, `--allow-empty`)
/// are not part of it.
public struct RollupShape: Equatable, Sendable {
    public var timeZone: String
    public var keyColumns: KeyColumns
    public var granularity: Granularity
    /// The field whose distinct values each row estimates (`--uniques`), if any.
    public var distinctField: String?
    /// The field that identifies an event, whose repeats count once a day (`--dedupe`), if any.
    public var dedupeField: String?
    public var format: LogFormat
    public var maxLineBytes: Int
    /// How lines are read, where a `--config` or `--input-tz` changes it: the field names,
    /// type values, delimiter, columns, access-log parameters, input zone and `[[sources]]`,
    /// in one canonical text; `standard` for tally's own reading.
    public var reading: String

    public init(_ configuration: RunConfiguration) {
        timeZone = configuration.timeZone
        keyColumns = configuration.keyColumns
        granularity = configuration.granularity
        distinctField = configuration.distinctField
        dedupeField = configuration.dedupeField
        format = configuration.format
        maxLineBytes = configuration.maxLineBytes
        reading = Self.reading(configuration)
    }

    /// `reading` for a configuration.
    static func reading(_ configuration: RunConfiguration) -> String {
        let schema = configuration.schema
        let standard = LogSchema.standard
        var parts: [String] = []
        for field in Field.allCases where schema.aliases[field] != standard.aliases[field] {
            parts.append("\(field)=" + (schema.aliases[field] ?? []).joined(separator: "|"))
        }
        if schema.typeValues != standard.typeValues {
            for kind in EventKind.allCases {
                let values = schema.typeValues.filter { $0.value == kind }.keys.map { $0.lowercased() }.sorted()
                parts.append("\(kind.name)=" + values.joined(separator: "|"))
            }
        }
        if let kind = schema.fixedKind { parts.append("type=\(kind.name)") }
        if let delimiter = schema.delimiter {
            let shown =
                delimiter > ASCII.space && delimiter < ASCII.delete
                ? String(UnicodeScalar(delimiter)) : "byte \(delimiter)"
            parts.append("delimiter=" + shown)
        }
        if let columns = schema.columns { parts.append("columns=" + columns.joined(separator: "|")) }
        let access = schema.accessLog
        if let names = access.typeParameters { parts.append("type_param=" + names.joined(separator: "|")) }
        if let names = access.campaignParameters { parts.append("campaign_param=" + names.joined(separator: "|")) }
        if !access.pathPrefix.isEmpty { parts.append("path_prefix=" + access.pathPrefix) }
        if let zone = configuration.timeParser.inputZone { parts.append("input_tz=" + zone.identifier) }
        for source in configuration.typeSources { parts.append("source \(source.match)=\(source.kind.name)") }
        return parts.isEmpty ? "standard" : parts.joined(separator: "; ")
    }

    /// The counters of every row, in order; a partial with others is refused.
    static let counters = EventKind.allCases.map(\.name)

    /// The shape as (option, value) pairs as a user would write them: how a partial file
    /// stores it, and how a mismatch is told.
    var options: [(option: String, value: String)] {
        [
            ("--tz", timeZone), ("--by", keyColumns.names.joined(separator: ",")),
            ("--granularity", granularity.rawValue), ("--format", format.rawValue),
            ("--max-line-bytes", String(maxLineBytes)), ("counters", Self.counters.joined(separator: ",")),
            ("reading", reading), ("--uniques", distinctField ?? ""), ("--dedupe", dedupeField ?? ""),
        ]
    }

    /// Why stored options are not a shape this tally knows.
    struct Unknown: Error {
        let why: String
    }

    /// The shape stored as `options`.
    init(options: [(option: String, value: String)]) throws(Unknown) {
        var values: [String: String] = [:]
        for (option, value) in options {
            guard values.updateValue(value, forKey: option) == nil else { throw Unknown(why: "\(option) is set twice") }
        }
        func value(_ option: String) throws(Unknown) -> String {
            guard let value = values.removeValue(forKey: option) else { throw Unknown(why: "\(option) is missing") }
            return value
        }
        guard try value("counters") == Self.counters.joined(separator: ",") else {
            throw Unknown(why: "it counts other events than this tally")
        }
        timeZone = try value("--tz")
        guard LocalDayCalendar.isZoneName(timeZone) else {
            throw Unknown(why: "its zone '\(timeZone)' is not known here")
        }
        let by = try value("--by")
        do throws(KeyColumns.Problem) {
            keyColumns = try KeyColumns(
                names: by.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        } catch {
            throw Unknown(why: "--by \(by): \(error)")
        }
        guard let granularity = Granularity(rawValue: try value("--granularity")),
            let format = LogFormat(rawValue: try value("--format")),
            let maxLineBytes = Int(try value("--max-line-bytes")), maxLineBytes > 0
        else { throw Unknown(why: "an option has a value this tally does not know") }
        self.granularity = granularity
        self.format = format
        self.maxLineBytes = maxLineBytes
        // Made before there was a --config: tally's own reading.
        reading = values.removeValue(forKey: "reading") ?? "standard"
        let distinct = values.removeValue(forKey: "--uniques") ?? ""
        distinctField = distinct.isEmpty ? nil : distinct
        let dedupe = values.removeValue(forKey: "--dedupe") ?? ""
        dedupeField = dedupe.isEmpty ? nil : dedupe
        if let option = values.keys.sorted().first {
            throw Unknown(why: "it was made with \(option), which this tally does not know (a newer version?)")
        }
    }

    /// The options that differ between two shapes, as `--tz UTC` against `--tz Europe/Paris`.
    func differences(from other: RollupShape) -> [(String, String)] {
        zip(options, other.options).filter { $0.value != $1.value }.map {
            ("\($0.option) \($0.value)", "\($1.option) \($1.value)")
        }
    }
}
