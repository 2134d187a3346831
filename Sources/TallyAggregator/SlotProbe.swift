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

    /// Calls `body` with the entry in the slot each of the first `count` hashes starts at, where
    /// the slot is not empty: the entry the lookup will most likely compare first.
    @inline(__always)
    static func forEachFirstEntry(
        _ hashes: UnsafeMutableBufferPointer<UInt64>, count: Int, slots: UnsafeBufferPointer<UInt32>, mask: Int,
        _ body: (Int) -> Void
    ) {
        for index in 0..<count {
            let entry = slots[Int(truncatingIfNeeded: hashes[index]) & mask]
            if entry != 0 { body(Int(entry - 1)) }
        }
    }
}
