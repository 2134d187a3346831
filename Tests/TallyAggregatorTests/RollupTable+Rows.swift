import TallyAggregator

/// Copies of a table's rows and sums, for the tests to compare: the writer reads rows in place.
extension RollupTable {
    /// One output row: a campaign's counters on a day.
    struct Row: Equatable {
        var campaign: [UInt8]
        var counts: [UInt64]
    }

    /// The rows of each day, copied out, in the writer's order.
    func rowsByDay() -> [(day: Int32, rows: [Row])] {
        rowsInOrder().map { day, rows in
            var copies: [Row] = []
            forEachRow(rows) { _, key, counts in copies.append(Row(campaign: Array(key), counts: Array(counts))) }
            return (day, copies)
        }
    }

    /// The sum of each counter over all keys.
    func totals() -> [UInt64] {
        var totals = [UInt64](repeating: 0, count: counterCount)
        for (day, rows) in rowsByDay() {
            _ = day
            for row in rows {
                for (counter, value) in row.counts.enumerated() { totals[counter] &+= value }
            }
        }
        return totals
    }
}
