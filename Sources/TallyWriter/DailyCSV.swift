import TallyAggregator
import TallyBytes

/// The bytes of one day's rollup file.
///
/// A header, then one record per row with the cells `columns` names, in the order given (the
/// rollup hands rows out sorted by period, then key), UTF-8; line ends and a byte order mark as
/// `style` says. Key cells are guarded like any text from a log (`CSVField`); tally's own
/// cells (the date, hour, offset, counts and ratios) need no guard.
public enum DailyCSV {
    /// The file for `date`: `rows` (from `RollupTable.rowsInOrder(by:)`) read in place from `rollup`.
    public static func render(
        date: CivilDate, rollup: RollupTable, rows: ArraySlice<UInt32>, columns: RowColumns,
        style: CSVStyle = CSVStyle()
    ) -> [UInt8] {
        var out = style.byteOrderMark ? CSVStyle.byteOrderMarkBytes : []
        out += header(columns, style)
        out.reserveCapacity(out.count + rows.count * (32 + 16 * columns.keyHeaders.count))
        let dateBytes = Array(date.description.utf8)
        let keyColumns = columns.keyHeaders.count
        for row in rows {
            out.append(contentsOf: dateBytes)
            if columns.granularity == .hour {
                let period = rollup.period(ofRow: row)
                out.append(ASCII.comma)
                out.append(contentsOf: RowColumns.hourText(Period.hourOfDay(period)).utf8)
                out.append(ASCII.comma)
                out.append(contentsOf: RowColumns.utcOffsetText(minutes: Period.utcOffsetMinutes(period)).utf8)
            }
            rollup.withKey(ofRow: row) { key in
                KeyTuple.forEachColumn(of: key, columns: keyColumns) { _, cell in
                    out.append(ASCII.comma)
                    CSVField.append(cell, to: &out)
                }
            }
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

    private static func header(_ columns: RowColumns, _ style: CSVStyle) -> [UInt8] {
        var names = ["date"]
        if columns.granularity == .hour { names += ["hour", "utc_offset"] }
        names += columns.keyHeaders + columns.counterNames + style.ratios.map(\.name)
        var out: [UInt8] = []
        for (index, name) in names.enumerated() {
            if index > 0 { out.append(ASCII.comma) }
            CSVField.append(Array(name.utf8), to: &out)
        }
        endRecord(&out, style)
        return out
    }
}
