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

/// Byte strings looked up by length and first byte, so that a key no name matches costs an
/// array read or two: most keys in a log line are not fields tally wants.
///
/// Storage is flat: the names of length `n` are entries `starts[n] ..< starts[n + 1]`; entry `e`
/// has its bytes at `bytes[offsets[e] ..< offsets[e] + n]` and its value in `values[e]`.
struct ByteTable<Value> {
    private let starts: [Int]
    private let offsets: [Int]
    private let bytes: [UInt8]
    private let values: [Value]

    init(_ entries: [(String, Value)]) {
        let sorted = entries.map { (Array($0.0.utf8), $0.1) }.sorted { $0.0.count < $1.0.count }
        let longest = sorted.last?.0.count ?? 0
        var starts = [Int](repeating: sorted.count, count: longest + 2)
        var offsets: [Int] = []
        var bytes: [UInt8] = []
        for (index, entry) in sorted.enumerated().reversed() { starts[entry.0.count] = index }
        for length in stride(from: longest, through: 0, by: -1) where starts[length] > starts[length + 1] {
            starts[length] = starts[length + 1]
        }
        for entry in sorted {
            offsets.append(bytes.count)
            bytes.append(contentsOf: entry.0)
        }
        self.starts = starts
        self.offsets = offsets
        self.bytes = bytes
        self.values = sorted.map(\.1)
    }

    /// - Parameter fold: compare ASCII letters case-insensitively (the table's names are lower case).
    @inline(__always)
    func lookup(_ key: UnsafeRawBufferPointer, foldingCase fold: Bool = false) -> Value? {
        let n = key.count
        guard n + 1 < starts.count, n > 0 else { return nil }
        var entry = starts[n]
        let end = starts[n + 1]
        while entry < end {
            let offset = offsets[entry]
            var i = 0
            while i < n {
                var byte = key[i]
                if fold, byte &- 0x41 < 26 { byte |= 0x20 }
                if byte != bytes[offset + i] { break }
                i += 1
            }
            if i == n { return values[entry] }
            entry += 1
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
