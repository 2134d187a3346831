import TallyAggregator

/// What one row of a day file holds, in order: the date; with an hourly grain the hour and its
/// UTC offset; the key columns; the counters; with `--uniques`, the estimate of distinct values.
/// (The ratios after them are a `CSVStyle`'s.)
public struct RowColumns: Sendable, Equatable {
    public var granularity: Granularity
    /// The header of each key column, in the key's order (`campaign_id` by default).
    public var keyHeaders: [String]
    public var counterNames: [String]
    /// The header of the distinct-values column after the counters (`unique_user_id`), if the
    /// rollup counts them: an estimate, which no total sums.
    public var distinctName: String?
    /// Names shown after the key column `campaignColumn` (`--campaigns`), if any.
    public var campaignNames: CampaignNames?
    public var campaignColumn = 0

    public init(granularity: Granularity = .day, keyHeaders: [String] = ["campaign_id"], counterNames: [String]) {
        precondition(!keyHeaders.isEmpty, "a row has at least one key column")
        self.granularity = granularity
        self.keyHeaders = keyHeaders
        self.counterNames = counterNames
    }

    /// The headers of the counters and of the distinct-values column.
    var countHeaders: [String] { counterNames + (distinctName.map { [$0] } ?? []) }

    /// The headers of the key columns and of the names after the campaign's.
    var keyAndNameHeaders: [String] {
        guard let campaignNames else { return keyHeaders }
        var headers = keyHeaders
        headers.insert(contentsOf: campaignNames.headers, at: campaignColumn + 1)
        return headers
    }

    /// The UTC offset as a cell: `UTC-04:00`, `UTC+05:45`. Not the bare ISO `-04:00`: a cell
    /// that starts with `-` or `+` is one a spreadsheet may take for a formula or a time.
    static func utcOffsetText(minutes: Int) -> String {
        let magnitude = abs(minutes)
        let hours = magnitude / 60
        let rest = magnitude % 60
        return "UTC" + (minutes < 0 ? "-" : "+") + (hours < 10 ? "0" : "") + String(hours) + ":"
            + (rest < 10 ? "0" : "") + String(rest)
    }

    /// The hour of the day as a cell, `00` to `23`.
    static func hourText(_ hour: Int) -> String { (hour < 10 ? "0" : "") + String(hour) }
}
