/// A description of a log format: which names a field goes by and which type values count.
///
/// The parsers read this instead of constants spread through their code, so a configured format
/// is one more value of this type. `standard` is the built-in one.
public struct LogSchema: Sendable {
    /// For each field, its names in order of preference: when a line has several, the first
    /// listed here wins, wherever it stands in the line.
    public var aliases: [Field: [String]]
    /// Type values (compared case-insensitively, ASCII) and what they count as.
    public var typeValues: [String: EventKind]
    /// What every line counts as, whatever its type field says (a file that holds one kind of
    /// event, such as Ad Manager's `NetworkClicks_*`); nil to read the type from each line.
    public var fixedKind: EventKind?
    /// The delimiter of a delimited input; nil to find it from the first line.
    public var delimiter: UInt8?
    /// The column names of a delimited input without a header line; nil when the first line
    /// is the header.
    public var columns: [String]?
    /// How access-log requests carry their fields.
    public var accessLog = AccessLogFields()

    public init(aliases: [Field: [String]], typeValues: [String: EventKind]) {
        self.aliases = aliases
        self.typeValues = typeValues
    }

    /// An access log's pixel requests: which query parameters hold the type and the campaign
    /// (nil: the field's names, `aliases`), and the path under which requests are pixel
    /// requests (requests elsewhere are ignored; empty: every request is one).
    public struct AccessLogFields: Sendable, Equatable {
        public var typeParameters: [String]?
        public var campaignParameters: [String]?
        public var pathPrefix: String = ""

        public init() {}
    }

    public static let standard = LogSchema(
        aliases: [
            .time: ["ts", "timestamp", "time", "event_time"],
            .type: ["event", "event_type", "type"],
            .campaign: ["campaign_id", "campaign", "cid"],
        ],
        typeValues: [
            "impression": .impression, "imp": .impression, "impr": .impression,
            "click": .click, "clk": .click,
            "video_view": .videoView, "videoview": .videoView, "video_start": .videoView,
            "start": .videoView,
        ])
}

extension LogSchema {
    /// - Parameter keyFields: names of key columns other than the campaign, none of them a
    ///   name of the time, type or campaign (`KeyColumns` sees to that).
    func fieldTable(keyFields: [String] = []) -> ByteTable<FieldMatch> {
        var entries: [(String, FieldMatch)] = []
        for (field, names) in aliases {
            for (rank, name) in names.enumerated() {
                entries.append((name, FieldMatch(field: field, rank: rank)))
            }
        }
        for (index, name) in keyFields.enumerated() {
            entries.append((name, FieldMatch(keyField: index)))
        }
        return ByteTable(entries)
    }

    func typeTable() -> ByteTable<EventKind> {
        ByteTable(typeValues.map { ($0.key.lowercased(), $0.value) })
    }
}
