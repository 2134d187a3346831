import TallyAggregator

/// One input's counts as its worker made them: the counting table of the hot path and, with
/// `--uniques`, each row's sketch of distinct values, kept apart so that the counting table
/// stays as it is for every run.
struct InputCounts {
    let table: CountingTable
    /// Rows with sketches and no counts: the counts are `table`'s.
    let distinct: RollupTable?

    /// Adds every count and sketch into `rollup`.
    func merge(into rollup: RollupTable) {
        rollup.merge(table)
        if let distinct { rollup.merge(distinct) }
    }

    /// The input's counts as a table of their own, as the state store keeps them.
    func rollupTable() -> RollupTable {
        let rollup = RollupTable(counterCount: table.counterCount, countsDistinct: distinct != nil)
        merge(into: rollup)
        return rollup
    }
}
