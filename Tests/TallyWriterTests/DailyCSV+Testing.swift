@testable import TallyAggregator
@testable import TallyWriter

extension DailyCSV {
    /// The file for `date` as one array, for the tests to compare (the writer streams it).
    static func render(
        date: CivilDate, rollup: RollupTable, rows: ArraySlice<UInt32>, columns: RowColumns,
        style: CSVStyle = CSVStyle()
    ) -> [UInt8] {
        var out: [UInt8] = []
        var buffer = RecordBuffer { out.append(contentsOf: $0) }
        buffer.append(head(columns, style))
        appendRows(date: date, rollup: rollup, rows: rows, columns: columns, style: style, to: &buffer)
        buffer.flush()
        return out
    }
}
