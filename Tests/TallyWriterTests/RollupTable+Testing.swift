@testable import TallyAggregator

/// Adding by key bytes, which the tests do to make a rollup to write; the product adds by
/// interned key, merging counting tables.
extension RollupTable {
    /// Adds `amount` to counter `counter` of (`period`, `key`).
    func add(period: Int32, key: UnsafeRawBufferPointer, counter: Int, amount: UInt64 = 1) {
        add(period: period, keyID: keyValues.intern(key), counter: counter, amount: amount)
    }
}
