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

    /// The input's counts of each local day, encoded as the state store keeps them
    /// (`RollupTable.encodedDays(by:)`): straight from the counting table when that holds them
    /// all, else from a table of their own.
    func encodedDays(by granularity: Granularity) -> [(day: Int32, rows: [UInt8])] {
        if extras == nil, let days = table.encodedDays(by: granularity) { return days }
        let rollup = RollupTable(
            counterCount: table.counterCount, countsDistinct: extras?.countsDistinct ?? false,
            identifiesEvents: extras?.identifiesEvents ?? false, capacity: table.keyCount)
        merge(into: rollup)
        return rollup.encodedDays(by: granularity)
    }
}
