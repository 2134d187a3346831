/// The fields tally reads from every event.
public enum Field: Int, CaseIterable, Sendable {
    case time, type, campaign
}

/// What an event counts as: the index of one counter. New kinds are new cases, in order.
public enum EventKind: Int, CaseIterable, Sendable {
    case impression, click, videoView

    /// The name used in summaries and CSV headers.
    public var name: String {
        switch self {
        case .impression: "impressions"
        case .click: "clicks"
        case .videoView: "video_views"
        }
    }
}

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

    public init(aliases: [Field: [String]], typeValues: [String: EventKind]) {
        self.aliases = aliases
        self.typeValues = typeValues
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

/// Byte strings looked up by length first, so that a key of a length no name has costs one
/// array read: most keys in a log line are not fields tally wants.
struct ByteTable<Value> {
    private var byLength: [[(bytes: [UInt8], value: Value)]] = []

    init(_ entries: [(String, Value)]) {
        for (name, value) in entries {
            let bytes = Array(name.utf8)
            while byLength.count <= bytes.count { byLength.append([]) }
            byLength[bytes.count].append((bytes, value))
        }
    }

    /// - Parameter fold: compare ASCII letters case-insensitively (the table's names are lower case).
    func lookup(_ key: UnsafeRawBufferPointer, foldingCase fold: Bool = false) -> Value? {
        guard key.count < byLength.count else { return nil }
        for entry in byLength[key.count] {
            var equal = true
            for i in 0..<key.count {
                var byte = key[i]
                if fold, byte >= 0x41, byte <= 0x5a { byte |= 0x20 }
                if byte != entry.bytes[i] {
                    equal = false
                    break
                }
            }
            if equal { return entry.value }
        }
        return nil
    }
}

/// A field's name as found in a line, with its rank among the field's aliases (0 is preferred).
struct FieldMatch {
    let field: Field
    let rank: Int
}

extension LogSchema {
    func fieldTable() -> ByteTable<FieldMatch> {
        var entries: [(String, FieldMatch)] = []
        for (field, names) in aliases {
            for (rank, name) in names.enumerated() {
                entries.append((name, FieldMatch(field: field, rank: rank)))
            }
        }
        return ByteTable(entries)
    }

    func typeTable() -> ByteTable<EventKind> {
        ByteTable(typeValues.map { ($0.key.lowercased(), $0.value) })
    }
}
