import TallyAggregator

extension CountingTable {
    /// Distinct (period, key) keys held in the table, not counting spilled ones (for the tests:
    /// the product never asks).
    var keyCount: Int {
        var count = 0
        forEachKey { _, _, _ in count += 1 }
        return count
    }
}
