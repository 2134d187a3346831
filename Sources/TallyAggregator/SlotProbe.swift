import CTallyKernels

/// The first steps of a batch lookup in an open-addressing table of `UInt32` slots (an entry's
/// index plus one, 0 for an empty slot), shared by `ByteInterner.intern(_:into:)` and
/// `RollupTable.rows(for:into:)`: each step is issued for the whole batch before any result is
/// used, so that the cache misses of a large table overlap instead of following one another.
enum SlotProbe {
    /// Puts each item's hash in `hashes` and starts fetching the slot its probe starts at.
    @inline(__always)
    static func hash<Item>(
        _ items: UnsafeBufferPointer<Item>, into hashes: UnsafeMutableBufferPointer<UInt64>,
        slots: UnsafeBufferPointer<UInt32>, mask: Int, by hash: (Item) -> UInt64
    ) {
        for (index, item) in items.enumerated() {
            hashes[index] = hash(item)
            tally_prefetch(slots.baseAddress! + (Int(truncatingIfNeeded: hashes[index]) & mask))
        }
    }

    /// Calls `body` with the entries a lookup of each of the first `count` hashes may compare:
    /// those before the first empty slot, at most `limit`. A lookup reads each one's row until
    /// it finds its own, and a new key reads them all: fetching only the first left every later
    /// one a cache miss of its own.
    @inline(__always)
    static func forEachProbedEntry(
        _ hashes: UnsafeMutableBufferPointer<UInt64>, count: Int, slots: UnsafeBufferPointer<UInt32>, mask: Int,
        limit: Int = 4, _ body: (_ index: Int, _ entry: Int) -> Void
    ) {
        for index in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[index]) & mask
            for _ in 0..<limit {
                let entry = slots[slot]
                if entry == 0 { break }
                body(index, Int(entry - 1))
                slot = (slot + 1) & mask
            }
        }
    }
}
