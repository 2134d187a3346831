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
            (
                day,
                rows.map { row in
                    Row(
                        campaign: withKey(ofRow: row) { Array($0) },
                        counts: (0..<counterCount).map { count(ofRow: row, counter: $0) })
                }
            )
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
