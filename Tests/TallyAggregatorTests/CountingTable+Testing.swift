import TallyAggregator

extension CountingTable {
    /// Calls `body` with each key the table holds (not the spilled ones), its period, bytes and
    /// counters, in the order keys were first seen: `forEachBatch(_:)` a key at a time.
    func forEachKey(_ body: (Int32, UnsafeRawBufferPointer, UnsafeBufferPointer<UInt64>) -> Void) {
        forEachBatch { batch in
            for (index, key) in batch.keys.enumerated() {
                body(
                    batch.periods[index], key,
                    UnsafeBufferPointer(rebasing: batch.counts[index * counterCount..<(index + 1) * counterCount]))
            }
        }
    }
}
