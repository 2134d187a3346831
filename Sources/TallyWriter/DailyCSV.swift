import TallyAggregator
import TallyBytes

/// The bytes of one day's rollup file.
///
/// A header, then one record per row with the cells `columns` names, in the order given (the
/// rollup hands rows out sorted by period, then key), UTF-8; line ends and a byte order mark as
/// `style` says. Key cells are guarded like any text from a log (`CSVField`); tally's own
/// cells (the date, hour, offset, counts and ratios) need no guard.
public enum DailyCSV {
    /// Streams the file for `date` into `sink`, a buffer at a time: `rows` (from
    /// `RollupTable.rowsInOrder(by:)`) read in place from `rollup`.
    static func write(
        date: CivilDate, rollup: RollupTable, rows: ArraySlice<UInt32>, columns: RowColumns, style: CSVStyle,
        to sink: AtomicFileWriter.Sink
    ) throws(WriteError) {
        try stream(to: sink) { (buffer: inout RecordBuffer) in
            buffer.append(head(columns, style))
            appendRows(date: date, rollup: rollup, rows: rows, columns: columns, style: style, to: &buffer)
        }
    }

    /// Streams what `body` formats into `sink`, and throws the sink's first error, if any.
    static func stream(to sink: AtomicFileWriter.Sink, _ body: (inout RecordBuffer) -> Void) throws(WriteError) {
        let failure = withoutActuallyEscaping(sink) { sink in
            var buffer = RecordBuffer(sink: sink)
            body(&buffer)
            buffer.flush()
            return buffer.failure
        }
        if let failure { throw failure }
    }

    /// What starts every file: the byte order mark if asked for, and the header.
    static func head(_ columns: RowColumns, _ style: CSVStyle) -> [UInt8] {
        (style.byteOrderMark ? CSVStyle.byteOrderMarkBytes : []) + header(columns, style)
    }

    /// Appends the records of `rows` of `date` to `out`.
    static func appendRows(
        date: CivilDate, rollup: RollupTable, rows: ArraySlice<UInt32>, columns: RowColumns, style: CSVStyle,
        to out: inout RecordBuffer
    ) {
        let dateBytes = Array(date.description.utf8)
        let keyColumns = columns.keyHeaders.count
        // Rows come grouped by period, so the hour's two cells are made once a period, not a row.
        var cellsPeriod: Int32? = nil
        var periodCells: [UInt8] = []
        var nameCells: [UInt8] = []
        rollup.forEachRow(rows) { period, key, counts in
            out.append(dateBytes)
            if columns.granularity == .hour {
                if period != cellsPeriod {
                    cellsPeriod = period
                    periodCells = [ASCII.comma] + Array(RowColumns.hourText(Period.hourOfDay(period)).utf8)
                    periodCells +=
                        [ASCII.comma] + Array(RowColumns.utcOffsetText(minutes: Period.utcOffsetMinutes(period)).utf8)
                }
                out.append(periodCells)
            }
            KeyTuple.forEachColumn(of: key, columns: keyColumns) { column, cell in
                out.append(ASCII.comma)
                out.appendCell(cell)
                if column == columns.campaignColumn, let names = columns.campaignNames {
                    nameCells.removeAll(keepingCapacity: true)
                    names.appendCells(for: cell, to: &nameCells, comma: ASCII.comma)
                    out.append(nameCells)
                }
            }
            for count in counts {
                out.append(ASCII.comma)
                out.appendDecimal(count)
            }
            for ratio in style.ratios {
                out.append(ASCII.comma)
                out.append(Array(CSVStyle.Ratio.text(counts[ratio.numerator], over: counts[ratio.denominator]).utf8))
            }
            if style.crlf { out.append(ASCII.carriageReturn) }
            out.append(ASCII.newline)
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
