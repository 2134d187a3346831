import CTallyKernels
import Glibc

/// Counts per (period, key) for one input: the table the hot path counts into, one slot read
/// per event.
///
/// `RollupTable` is compact (each key's bytes once, 8 bytes a row, counters in dense rows), but a
/// count there is a chain of dependent reads: the interner's slot, the key's hash and
/// offset, its bytes, the key table's slot, the key, the row. Once the decoded text streams
/// through the core's cache those tables are no longer in it, and each read waits for the one
/// before. Here one 64-byte slot, one cache line, holds everything a lookup compares (a tag
/// from the hash, the period, the length and the first 24 bytes of the key) and the key's
/// counters. Keys are mostly that short (a campaign; a campaign, a creative and a country), so
/// a count is one line read and written; and that line is prefetched one event ahead (what
/// that gained is in docs/PERFORMANCE.md).
///
/// The table is folded into a `RollupTable` once its input has been read to its checked end
/// (`RollupTable.merge(_:)`), and is then emptied for the worker's next input (`removeAll()`), so
/// its extra bytes a key are paid per input, not per run. An input with more keys than
/// `keyLimit` spills the table into a compact `RollupTable` of its own each time it fills, so
/// memory stays that of the compact form plus one full table.
///
/// Storage. Row `r` has period `periods[r]` and key `arena[starts[r] ..< starts[r] + lengths[r]]`,
/// and its counters are in slot `slotOfRow[r]`. `slots` indexes the rows: open addressing,
/// linear probing, at most 3/4 full, rebuilt from the rows when it grows. Invariant: a slot
/// with `row != 0` describes row `row - 1` exactly (its period, length, and `head`/`tail`/`third`
/// are the first 24 bytes of its key, zero-padded), `slotOfRow[row - 1]` is that slot, and its
/// first `counterCount` counters are the row's.
public final class CountingTable: @unchecked Sendable {
    private struct Slot {
        /// The high half of the key's hash.
        var tag: UInt32 = 0
        /// The row plus one; 0 marks an empty slot.
        var row: UInt32 = 0
        var period: Int32 = 0
        var length: UInt32 = 0
        /// Bytes 0..<8, 8..<16 and 16..<24 of the key, little-endian, zero past its end.
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var third: UInt64 = 0
        /// The key's counters; the first `counterCount` are used.
        var counts: (UInt64, UInt64, UInt64) = (0, 0, 0)
    }

    /// The most counters a slot holds.
    public static let maxCounterCount = 3
    /// The longest key a slot holds whole; a longer one is compared with its row's bytes too.
    static let slotKeyBytes = 24
    /// The size of the huge pages `tally_advise_huge_pages` asks for.
    static let hugePageSize = 1 << 21

    /// An event whose count waits for the next `add` (see there).
    private struct Waiting {
        var isSet = false
        var hash: UInt64 = 0
        var period: Int32 = 0
        var length: UInt32 = 0
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var third: UInt64 = 0
        var counter = 0
        var amount: UInt64 = 0
    }

    public let counterCount: Int
    public let keyLimit: Int
    /// Keys spilled when the table was full; merged with the table's own (`RollupTable.merge(_:)`).
    private(set) var spilled: RollupTable?
    private var waiting = Waiting()
    /// The waiting event's key when it is longer than `slotKeyBytes`.
    private var waitingBytes: UnsafeMutableRawPointer
    private var waitingCapacity = 64
    /// Aligned to 64 bytes, so that no slot straddles two cache lines.
    private var slots: UnsafeMutablePointer<Slot>
    private var mask: Int
    /// Where a slot's counters are within it.
    private let countsOffset = MemoryLayout<Slot>.offset(of: \Slot.counts)!
    private var slotOfRow: [Int] = []
    private var periods: [Int32] = []
    private var starts: [Int] = []
    private var lengths: [UInt32] = []
    private var arena: [UInt8] = []

    /// - Parameters:
    ///   - counterCount: 1 to `maxCounterCount`.
    ///   - keyLimit: how many keys the table holds before it spills them into a compact
    ///     `RollupTable` and starts again; this bounds its slots at 32 MiB by default. The
    ///     slots grow with the keys, so an input with few keys (a campaign key: thousands) never
    ///     comes near it; a wide key (`--by`, hours) can have hundreds of thousands, and each
    ///     spill costs every key held a second hashing and copy.
    public init(counterCount: Int, keyLimit: Int = 1 << 19) {
        precondition(counterCount > 0 && counterCount <= Self.maxCounterCount && keyLimit > 0)
        precondition(MemoryLayout<Slot>.stride == 64)
        self.counterCount = counterCount
        self.keyLimit = keyLimit
        let slotCount = 1024
        slots = Self.allocateSlots(slotCount)
        mask = slotCount - 1
        waitingBytes = .allocate(byteCount: waitingCapacity, alignment: 16)
    }

    deinit {
        slots.deallocate()
        waitingBytes.deallocate()
    }

    private static func allocateSlots(_ count: Int) -> UnsafeMutablePointer<Slot> {
        let bytes = count * MemoryLayout<Slot>.stride
        // A wide key's slots are tens of megabytes, read at random: in huge pages if they can
        // be, and aligned to them so that all of them are.
        let alignment = bytes >= Self.hugePageSize ? Self.hugePageSize : 64
        let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment)
        tally_advise_huge_pages(memory, bytes)
        let slots = memory.bindMemory(to: Slot.self, capacity: count)
        slots.initialize(repeating: Slot(), count: count)
        return slots
    }

    /// The counters of slot `index`.
    @inline(__always)
    private func counters(_ index: Int) -> UnsafeMutablePointer<UInt64> {
        (UnsafeMutableRawPointer(slots + index) + countsOffset).assumingMemoryBound(to: UInt64.self)
    }

    /// Adds `amount` to counter `counter` of (`period`, `key`).
    ///
    /// The count is made one call late: this call prefetches the new event's slot, then makes
    /// the count of the event before, whose slot has had a whole line's parsing to arrive.
    /// Every read of the table makes the waiting count first.
    /// - Complexity: O(key.count) expected; one slot read for a key of up to 24 bytes.
    public func add(period: Int32, key: UnsafeRawBufferPointer, counter: Int, amount: UInt64 = 1) {
        precondition(counter >= 0 && counter < counterCount, "no such counter")
        precondition(key.count < Int(UInt32.max), "key too long")
        let hash = ByteHash.hash(key, seed: UInt32(bitPattern: period))
        tally_prefetch(slots + (Int(truncatingIfNeeded: hash) & mask))
        if waiting.isSet { count(waiting, waitingBytes) }
        let (head, tail) = Self.leadingWords(key)
        let third =
            key.count > 16 ? Self.leadingWords(UnsafeRawBufferPointer(rebasing: key[16..<min(key.count, 24)])).0 : 0
        waiting = Waiting(
            isSet: true, hash: hash, period: period, length: UInt32(truncatingIfNeeded: key.count),
            head: head, tail: tail, third: third, counter: counter, amount: amount)
        if key.count > Self.slotKeyBytes {
            if key.count > waitingCapacity {
                waitingBytes.deallocate()
                waitingCapacity = max(key.count, waitingCapacity * 2)
                waitingBytes = .allocate(byteCount: waitingCapacity, alignment: 16)
            }
            waitingBytes.copyMemory(from: key.baseAddress!, byteCount: key.count)
        }
    }

    /// Makes the waiting count, if any.
    private func settle() {
        if waiting.isSet { count(waiting, waitingBytes) }
        waiting.isSet = false
    }

    /// Adds one event's count: finds its row, or makes one.
    /// - Parameter longBytes: the key's bytes when it is longer than `slotKeyBytes` (`event.head`,
    ///   `event.tail` and `event.third` hold shorter ones whole).
    @inline(__always)
    private func count(_ event: Waiting, _ longBytes: UnsafeMutableRawPointer) {
        let tag = UInt32(truncatingIfNeeded: event.hash >> 32)
        var index = Int(truncatingIfNeeded: event.hash) & mask
        while true {
            let slot = slots[index]
            if slot.row == 0 { break }
            if slot.tag == tag, slot.period == event.period, slot.length == event.length, slot.head == event.head,
                slot.tail == event.tail, slot.third == event.third,
                event.length <= Self.slotKeyBytes
                    || equalsArena(row: Int(slot.row) - 1, longBytes, count: Int(event.length))
            {
                counters(index)[event.counter] &+= event.amount
                return
            }
            index = (index + 1) & mask
        }
        if periods.count == keyLimit {
            spill()
            // Every slot is empty now, the first one probed included.
            index = Int(truncatingIfNeeded: event.hash) & mask
        }
        let row: Int
        if event.length > Self.slotKeyBytes {
            row = appendRow(
                period: event.period, key: UnsafeRawBufferPointer(start: longBytes, count: Int(event.length)))
        } else {
            var words = (event.head, event.tail, event.third)
            row = withUnsafeBytes(of: &words) {
                appendRow(period: event.period, key: UnsafeRawBufferPointer(rebasing: $0[..<Int(event.length)]))
            }
        }
        slots[index] = Slot(
            tag: tag, row: UInt32(row + 1), period: event.period, length: event.length, head: event.head,
            tail: event.tail, third: event.third)
        counters(index)[event.counter] = event.amount
        slotOfRow.append(index)
        if periods.count * 4 > (mask + 1) * 3 { growSlots() }
    }

    /// Calls `body` with the keys the table holds (not the spilled ones: see `spilled`), a batch
    /// of up to `batchSize` at a time, in the order they were first seen: their periods, their
    /// bytes, and their counters (`counterCount` a key, end to end), valid during the call.
    /// In batches, so that a merge can overlap the cache misses of its lookups.
    public func forEachBatch(_ body: (Batch) -> Void) {
        settle()
        forEachRowBatch(body)
    }

    /// How many keys the table holds, not counting spilled ones.
    public var keyCount: Int {
        settle()
        return periods.count
    }

    /// Keys with their periods and counters, as `forEachBatch(_:)` gives them.
    public struct Batch {
        public let periods: UnsafeBufferPointer<Int32>
        public let keys: UnsafeBufferPointer<UnsafeRawBufferPointer>
        /// `counterCount` a key, end to end.
        public let counts: UnsafeBufferPointer<UInt64>
    }

    /// The most keys in a `Batch`: enough lookups at once to keep the memory busy, few enough
    /// that what the first pass fetched is still in the cache at the last.
    public static let batchSize = 64

    private func forEachRowBatch(_ body: (Batch) -> Void) {
        let size = Self.batchSize
        var keys = [UnsafeRawBufferPointer](repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: size)
        var counts = [UInt64](repeating: 0, count: size * counterCount)
        arena.withUnsafeBytes { arena in
            periods.withUnsafeBufferPointer { periods in
                keys.withUnsafeMutableBufferPointer { keys in
                    counts.withUnsafeMutableBufferPointer { counts in
                        var start = 0
                        while start < periods.count {
                            let end = min(start + size, periods.count)
                            // The counters are in the slots, in hash order: a cache miss each, overlapped.
                            for row in start..<end { tally_prefetch(slots + slotOfRow[row]) }
                            for row in start..<end {
                                let from = starts[row]
                                keys[row - start] = UnsafeRawBufferPointer(
                                    rebasing: arena[from..<from + Int(lengths[row])])
                                let counters = counters(slotOfRow[row])
                                for counter in 0..<counterCount {
                                    counts[(row - start) * counterCount + counter] = counters[counter]
                                }
                            }
                            body(
                                Batch(
                                    periods: UnsafeBufferPointer(rebasing: periods[start..<end]),
                                    keys: UnsafeBufferPointer(rebasing: keys[..<(end - start)]),
                                    counts: UnsafeBufferPointer(rebasing: counts[..<((end - start) * counterCount)])))
                            start = end
                        }
                    }
                }
            }
        }
    }

    /// Calls `body` with the rows the table holds (not the spilled ones) as the canonical
    /// encoding reads them; the waiting count is made first.
    func withEncodingView<R>(_ body: (EncodingRows) -> R) -> R {
        settle()
        return arena.withUnsafeBytes { arena in
            periods.withUnsafeBufferPointer { periods in
                starts.withUnsafeBufferPointer { starts in
                    lengths.withUnsafeBufferPointer { lengths in
                        slotOfRow.withUnsafeBufferPointer { slotOfRow in
                            body(
                                EncodingRows(
                                    counterCount: counterCount, periods: periods, slotOfRow: slotOfRow,
                                    counters: UnsafeRawPointer(slots) + countsOffset,
                                    slotStride: MemoryLayout<Slot>.stride,
                                    keys: EncodingRows.RowKeys(arena: arena, starts: starts, lengths: lengths)))
                        }
                    }
                }
            }
        }
    }

    /// Empties the table, the spilled keys and any waiting count included, for the next input,
    /// keeping its memory.
    ///
    /// Why a worker keeps one table rather than making one an input: a wide key's table is tens
    /// of megabytes, and memory new to the process costs a page fault and the kernel's zeroing
    /// of each page; clearing the slots of a kept table costs less, and no more than a pass
    /// over them.
    public func removeAll() {
        waiting.isSet = false
        spilled = nil
        removeRows()
    }

    /// Moves every key into `spilled` (made on first use) and empties the table, keeping its
    /// memory. Not through `forEachBatch`: this runs inside a count, which must not be made twice.
    private func spill() {
        let spilled = self.spilled ?? RollupTable(counterCount: counterCount)
        self.spilled = spilled
        forEachRowBatch { spilled.add($0) }
        removeRows()
    }

    /// Empties the rows and the slots, keeping their memory.
    private func removeRows() {
        if periods.count < (mask + 1) >> 4 {
            // A few rows in many slots (a small input after a large one): only their slots
            // are in use, and clearing those costs a write a row, not a pass over them all.
            for index in slotOfRow { slots[index] = Slot() }
        } else {
            slots.update(repeating: Slot(), count: mask + 1)
        }
        slotOfRow.removeAll(keepingCapacity: true)
        periods.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }

    /// Whether row `row`'s key is `key`, byte for byte (for keys longer than 16 bytes).
    private func equalsArena(row: Int, _ key: UnsafeRawPointer, count: Int) -> Bool {
        arena.withUnsafeBytes { memcmp($0.baseAddress! + starts[row], key, count) == 0 }
    }

    /// A new row for (period, key), without its slot yet; returns its index.
    private func appendRow(period: Int32, key: UnsafeRawBufferPointer) -> Int {
        let row = periods.count
        precondition(row < Int(UInt32.max) - 1, "too many distinct keys")
        periods.append(period)
        starts.append(arena.count)
        lengths.append(UInt32(key.count))
        arena.append(contentsOf: key)
        return row
    }

    /// Doubles the slots and indexes every row again, counters and all. Hashes are recomputed
    /// from the rows: a slot keeps only half of its hash.
    private func growSlots() {
        let old = slots
        let slotCount = (mask + 1) * 2
        slots = Self.allocateSlots(slotCount)
        mask = slotCount - 1
        forEachRow { row, period, key in
            let hash = ByteHash.hash(key, seed: UInt32(bitPattern: period))
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index].row != 0 { index = (index + 1) & mask }
            slots[index] = old[slotOfRow[row]]
            slotOfRow[row] = index
        }
        old.deallocate()
    }

    private func forEachRow(_ body: (Int, Int32, UnsafeRawBufferPointer) -> Void) {
        arena.withUnsafeBytes { arena in
            for row in 0..<periods.count {
                body(
                    row, periods[row],
                    UnsafeRawBufferPointer(rebasing: arena[starts[row]..<starts[row] + Int(lengths[row])]))
            }
        }
    }

    /// The first 16 bytes of `bytes` as two little-endian words, zero past its end, read
    /// without touching a byte outside it.
    @inline(__always)
    static func leadingWords(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let n = bytes.count
        if n >= 16 {
            return (bytes.loadUnaligned(as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        if n >= 8 {
            // Bytes 8..<n are the top of the last eight bytes.
            let last = bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
            return (bytes.loadUnaligned(as: UInt64.self), n == 8 ? 0 : last >> UInt64((16 - n) * 8))
        }
        if n >= 4 {
            // Bytes 4..<n are the top of the last four bytes.
            let low = UInt64(bytes.loadUnaligned(as: UInt32.self))
            let high = UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            return (low | (high >> UInt64((8 - n) * 8)) << 32, 0)
        }
        var word: UInt64 = 0
        for i in 0..<n { word |= UInt64(bytes[i]) << UInt64(i * 8) }
        return (word, 0)
    }
}
