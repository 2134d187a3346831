import TallyAggregator
import TallyBytes

/// The bytes of one day's rollup file.
///
/// `date,campaign_id,` then one column per counter, rows in the order given (the rollup hands
/// them out sorted bytewise by campaign), UTF-8; line ends and a byte order mark as `style` says.
public enum DailyCSV {
    /// The file for `date`: `rows` (from `RollupTable.rowsInOrder()`) read in place from `rollup`.
    public static func render(
        date: CivilDate, rollup: RollupTable, rows: ArraySlice<UInt32>, counterNames: [String],
        style: CSVStyle = CSVStyle()
    ) -> [UInt8] {
        var out = style.byteOrderMark ? CSVStyle.byteOrderMarkBytes : []
        out += header(counterNames, style)
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
            for ratio in style.ratios {
                out.append(ASCII.comma)
                let text = CSVStyle.Ratio.text(
                    rollup.count(ofRow: row, counter: ratio.numerator),
                    over: rollup.count(ofRow: row, counter: ratio.denominator))
                out.append(contentsOf: text.utf8)
            }
            endRecord(&out, style)
        }
        return out
    }

    @inline(__always)
    private static func endRecord(_ out: inout [UInt8], _ style: CSVStyle) {
        if style.crlf { out.append(ASCII.carriageReturn) }
        out.append(ASCII.newline)
    }

    private static func header(_ counterNames: [String], _ style: CSVStyle) -> [UInt8] {
        var out: [UInt8] = []
        out.append(contentsOf: "date,campaign_id".utf8)
        for name in counterNames {
            out.append(ASCII.comma)
            CSVField.append(Array(name.utf8), to: &out)
        }
        for ratio in style.ratios {
            out.append(ASCII.comma)
            CSVField.append(Array(ratio.name.utf8), to: &out)
        }
        endRecord(&out, style)
        return out
    }
}
