import TallyAggregator
import TallyBytes

/// The bytes of one day's rollup file.
///
/// `date,campaign_id,` then one column per counter, LF line ends, rows in the order given
/// (the rollup hands them out sorted bytewise by campaign), UTF-8 without a BOM.
public enum DailyCSV {
    /// The file for `date`: `rows` (from `RollupTable.rowsInOrder()`) read in place from `rollup`.
    public static func render(date: CivilDate, rollup: RollupTable, rows: ArraySlice<UInt32>, counterNames: [String])
        -> [UInt8]
    {
        var out = header(counterNames)
        out.reserveCapacity(out.count + rows.count * 40)
        let dateBytes = Array(date.description.utf8)
        for row in rows {
            out.append(contentsOf: dateBytes)
            out.append(ASCII.comma)
            rollup.withCampaign(ofRow: row) { CSVField.append($0, to: &out) }
            for counter in 0..<rollup.counterCount {
                out.append(ASCII.comma)
                out.append(contentsOf: String(rollup.count(ofRow: row, counter: counter)).utf8)
            }
            out.append(ASCII.newline)
        }
        return out
    }

    private static func header(_ counterNames: [String]) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: "date,campaign_id".utf8)
        for name in counterNames {
            out.append(ASCII.comma)
            CSVField.append(Array(name.utf8), to: &out)
        }
        out.append(ASCII.newline)
        return out
    }
}
