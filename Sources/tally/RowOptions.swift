import ArgumentParser
import TallyPipeline

extension Granularity: ExpressibleByArgument {}

/// What one row of a day file counts: the key columns and the time grain.
struct RowOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Key columns after the date: campaign and any input field names, comma-separated (default: campaign).",
            valueName: "FIELDS"))
    var by: String?

    @Option(
        help: ArgumentHelp(
            "Add a unique_FIELD column: the distinct values of FIELD per row, estimated (standard error 0.81%).",
            valueName: "FIELD"))
    var uniques: String?

    @Option(
        help: ArgumentHelp(
            "Count an event whose FIELD (an id such as request_id) repeats one of the same day and type once.",
            valueName: "FIELD"))
    var dedupe: String?

    @Option(help: "One row per day and key, or per hour and key with hour and utc_offset columns (default: day).")
    var granularity: Granularity?

    func validate() throws {
        guard let by else { return }
        do {
            _ = try KeyColumns(names: Self.names(by))
        } catch {
            throw ValidationError("--by: \(error).")
        }
    }

    /// `a, b,c` as `["a", "b", "c"]`: spaces around a name are not part of it.
    private static func names(_ list: String) -> [String] {
        list.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        }
    }

    /// After a `--config` file, whose field names say which `--by` name is the campaign.
    func apply(to configuration: inout RunConfiguration) throws {
        if let by {
            do {
                configuration.keyColumns = try KeyColumns(names: Self.names(by), schema: configuration.schema)
            } catch {
                throw ValidationError("--by: \(error).")
            }
        }
        if let granularity { configuration.granularity = granularity }
        if let name = uniques ?? configuration.distinctField, let problem = configuration.setDistinctField(name) {
            throw ValidationError("--uniques: \(problem).")
        }
        if let name = dedupe ?? configuration.dedupeField, let problem = configuration.setDedupeField(name) {
            throw ValidationError("--dedupe: \(problem).")
        }
    }
}
