/// Which input fields make up a rollup row's key (`--by`), in order.
///
/// The campaign is one of them by default and the only one; `campaign` (or any of the
/// campaign's names) in the list means the campaign field, read and checked as always. Any
/// other name is an input field taken as written: a JSON key at the top level of the line or a
/// CSV or TSV header name. A line missing such a field has an empty cell there; it is not
/// rejected for it. A line is rejected for a key field only if its value cannot be a cell: a
/// NUL in it (`nul_byte`, which `KeyTuple` needs), not UTF-8, or a lone surrogate escape.
///
/// The time and type fields cannot be key columns: the time makes the date (and the hour) and
/// the type picks the counter.
public struct KeyColumns: Sendable, Equatable {
    public enum Column: Sendable, Equatable {
        case campaign
        case field(String)
    }

    public let columns: [Column]

    /// The campaign alone: the key of every rollup before `--by`.
    public static let campaign = KeyColumns(uncheckedColumns: [.campaign])

    private init(uncheckedColumns: [Column]) {
        columns = uncheckedColumns
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case empty
        case emptyName
        case duplicate(String)
        case notAKey(String, Field)
        case badName(String)

        public var description: String {
            switch self {
            case .empty: "no key columns given"
            case .emptyName: "a key column has an empty name"
            case .duplicate(let name): "the key column '\(name)' is named twice"
            case .notAKey(let name, let field):
                "'\(name)' is the \(field) field, which cannot be a key column"
                    + (field == .time ? " (the date comes from it; see --granularity)" : " (it picks the counter)")
            case .badName(let name): "the key column name '\(name)' holds a control character"
            }
        }
    }

    /// - Parameter names: field names as the user wrote them (`--by a,b,c`).
    public init(names: [String], schema: LogSchema = .standard) throws(Problem) {
        guard !names.isEmpty else { throw .empty }
        var columns: [Column] = []
        for name in names {
            guard !name.isEmpty else { throw .emptyName }
            guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw .badName(name)
            }
            if name == "campaign" || schema.aliases[.campaign, default: []].contains(name) {
                columns.append(.campaign)
            } else if let field = [Field.time, .type].first(where: { schema.aliases[$0, default: []].contains(name) }) {
                throw .notAKey(name, field)
            } else {
                columns.append(.field(name))
            }
            if columns.dropLast().contains(columns.last!) { throw .duplicate(name) }
        }
        self.columns = columns
    }

    /// The column headers of the output: `campaign_id` for the campaign, else the field's name.
    public var headers: [String] {
        columns.map {
            switch $0 {
            case .campaign: "campaign_id"
            case .field(let name): name
            }
        }
    }

    /// The columns as `--by` names them: `campaign`, or the field's name. `init(names:)` of
    /// these gives the same columns.
    public var names: [String] {
        columns.map {
            switch $0 {
            case .campaign: "campaign"
            case .field(let name): name
            }
        }
    }

    /// The names of the key columns other than the campaign, in order.
    var fieldNames: [String] {
        columns.compactMap {
            if case .field(let name) = $0 { name } else { nil }
        }
    }

    /// Whether the key is the campaign alone, which the parser hands on without building anything.
    var isCampaignOnly: Bool { columns == [.campaign] }
}
