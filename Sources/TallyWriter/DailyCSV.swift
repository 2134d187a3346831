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
        var out = head(columns, style)
        appendRows(date: date, rollup: rollup, rows: rows, columns: columns, style: style, to: &out)
        return out
    }

    /// What starts every file: the byte order mark if asked for, and the header.
    public static func head(_ columns: RowColumns, _ style: CSVStyle) -> [UInt8] {
        (style.byteOrderMark ? CSVStyle.byteOrderMarkBytes : []) + header(columns, style)
    }

    /// Appends the records of `rows` of `date` to `out`.
    public static func appendRows(
        date: CivilDate, rollup: RollupTable, rows: ArraySlice<UInt32>, columns: RowColumns, style: CSVStyle,
        to out: inout [UInt8]
    ) {
        out.reserveCapacity(out.count + rows.count * (32 + 16 * columns.keyHeaders.count))
        let dateBytes = Array(date.description.utf8)
        let keyColumns = columns.keyHeaders.count
        // Rows come grouped by period, so the hour's two cells are made once a period, not a row.
        var cellsPeriod: Int32? = nil
        var periodCells: [UInt8] = []
        rollup.forEachRow(rows) { period, key, counts in
            out.append(contentsOf: dateBytes)
            if columns.granularity == .hour {
                if period != cellsPeriod {
                    cellsPeriod = period
                    periodCells = [ASCII.comma] + Array(RowColumns.hourText(Period.hourOfDay(period)).utf8)
                    periodCells +=
                        [ASCII.comma] + Array(RowColumns.utcOffsetText(minutes: Period.utcOffsetMinutes(period)).utf8)
                }
                out.append(contentsOf: periodCells)
            }
            KeyTuple.forEachColumn(of: key, columns: keyColumns) { column, cell in
                out.append(ASCII.comma)
                CSVField.append(cell, to: &out)
                if column == columns.campaignColumn, let names = columns.campaignNames {
                    names.appendCells(for: cell, to: &out, comma: ASCII.comma)
                }
            }
            for count in counts {
                out.append(ASCII.comma)
                appendDecimal(count, to: &out)
            }
            for ratio in style.ratios {
                out.append(ASCII.comma)
                let text = CSVStyle.Ratio.text(counts[ratio.numerator], over: counts[ratio.denominator])
                out.append(contentsOf: text.utf8)
            }
            endRecord(&out, style)
        }
    }

    /// Appends `value` in decimal: a day file is mostly counts, and this keeps them from
    /// becoming `String`s on the way.
    @inline(__always)
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 {
            out.append(ASCII.zero &+ UInt8(truncatingIfNeeded: value))
            return
        }
        // UInt64.max has 20 digits.
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = 20
            var rest = value
            repeat {
                start -= 1
                buffer[start] = ASCII.zero &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<20]))
        }
    }

    @inline(__always)
    private static func endRecord(_ out: inout [UInt8], _ style: CSVStyle) {
        if style.crlf { out.append(ASCII.carriageReturn) }
        out.append(ASCII.newline)
    }

    private static func header(_ columns: RowColumns, _ style: CSVStyle) -> [UInt8] {
        var names = ["date"]
        if columns.granularity == .hour { names += ["hour", "utc_offset"] }
        names += columns.keyAndNameHeaders + columns.countHeaders + style.ratios.map(\.name)
        var out: [UInt8] = []
        for (index, name) in names.enumerated() {
            if index > 0 { out.append(ASCII.comma) }
            CSVField.append(Array(name.utf8), to: &out)
        }
        endRecord(&out, style)
        return out
    }
}
