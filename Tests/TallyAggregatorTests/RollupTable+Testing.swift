@testable import TallyAggregator

/// What the tests ask of a rollup that the product does not: adding by key bytes (the product
/// adds by interned key, merging counting tables) and the number of rows.
extension RollupTable {
    /// Adds `amount` to counter `counter` of (`period`, `key`).
    /// - Complexity: O(key.count) expected.
    func add(period: Int32, key: UnsafeRawBufferPointer, counter: Int, amount: UInt64 = 1) {
        add(period: period, keyID: keyValues.intern(key), counter: counter, amount: amount)
    }

    /// Distinct (period, key) rows held.
    var keyCount: Int { rowKeys.count }
}
