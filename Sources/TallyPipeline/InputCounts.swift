import TallyAggregator

/// One input's counts as its worker made them: the counting table of the hot path and, with
/// `--uniques` or `--dedupe`, each row's sketch of distinct values and its events' ids, kept
/// apart so that the counting table stays as it is for every run.
struct InputCounts {
    let table: CountingTable
    /// Rows with sketches or ids and no counts: the counts are `table`'s.
    let extras: RollupTable?

    /// Adds every count and sketch into `rollup`.
    func merge(into rollup: RollupTable) {
        rollup.merge(table)
        if let extras { rollup.merge(extras) }
    }

    /// The input's counts as a table of their own, as the state store keeps them.
    /// - Parameter reusing: a table to empty and fill instead of making one, if it fits: one of
    ///   the same counters, and neither it nor these counts with sketches or ids (`extras`).
    func rollupTable(reusing spare: RollupTable? = nil) -> RollupTable {
        if let spare, extras == nil, spare.counterCount == table.counterCount, !spare.countsDistinct,
            !spare.identifiesEvents
        {
            spare.removeAll()
            merge(into: spare)
            return spare
        }
        let rollup = RollupTable(
            counterCount: table.counterCount, countsDistinct: extras?.countsDistinct ?? false,
            identifiesEvents: extras?.identifiesEvents ?? false, capacity: table.keyCount)
        merge(into: rollup)
        return rollup
    }
}
