/// Where a CSV or TSV input's key fields other than the campaign are (-1: the header has no
/// such column), and room for their spans in one row.
final class KeyFieldColumns {
    let columns: UnsafeMutableBufferPointer<Int>
    /// The largest of `columns`: where a row's scan may stop.
    let last: Int
    let spans: UnsafeMutableBufferPointer<DelimitedRowScanner.FieldSpan?>

    init(_ columns: [Int]) {
        last = columns.max() ?? -1
        self.columns = .allocate(capacity: columns.count)
        _ = self.columns.initialize(from: columns)
        spans = .allocate(capacity: columns.count)
        spans.initialize(repeating: nil)
    }

    deinit {
        columns.deallocate()
        spans.deallocate()
    }
}
