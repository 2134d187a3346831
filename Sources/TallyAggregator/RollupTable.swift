import CTallyKernels
import Glibc

/// Counts per (period, key): the whole state of a rollup, compact, for a whole run (or any
/// partial result that is kept or merged).
///
/// The hot path does not count here: each input is counted into a `CountingTable`, which is
/// built for one memory read per event and costs more bytes a key, and merged into the run's
/// rollup when the input has been read to its checked end.
///
/// A row is a period (a local day, or a local hour: see `Period`) and a key (the key columns'
/// values as one `KeyTuple`, interned); its value is a fixed set of counters (impressions,
/// clicks, video views: the caller decides what each index means). More counters widen
/// `counterCount`. With `countsDistinct` (`--uniques`), a row also holds a `HyperLogLog` of
/// the distinct values seen with its events.
///
/// Storage, all flat: row `r` has the period and interned key packed in `rowKeys[r]` and
/// counters `counts[r * counterCount ..< (r + 1) * counterCount]`. `slots` is an open-addressing
/// table (linear probing, at most half full) of `row + 1`, 0 meaning empty. A row costs 8 bytes,
/// its counters 8 each, and its share of the slots 8 to 16: about 40 to 50 bytes with three
/// counters, plus each distinct key's bytes once.
///
/// Not thread-safe: the run's rollup is merged into under a lock.
public final class RollupTable: @unchecked Sendable {
    public let counterCount: Int
    public let keyValues: ByteInterner
    /// Not arrays, which copy themselves to grow: see `ReallocArray`.
    let rowKeys = ReallocArray<UInt64>()
    let counts = ReallocArray<UInt64>()
    /// Each row's sketch of distinct values, by row; nil unless the table counts them.
    private(set) var sketches: [HyperLogLog]?
    /// The ids of identified events, by slot (`--dedupe`); nil unless the table keeps them.
    let identities: EventIdentities?
    private var slots: [UInt32]
    private var mask: Int

    /// - Parameters:
    ///   - countsDistinct: whether rows keep a sketch of distinct values (`addDistinct`).
    ///   - identifiesEvents: whether rows keep the ids of identified events (`addIdentified`).
    ///   - capacity: how many rows (and keys) to make room for at once, when the caller knows.
    public init(counterCount: Int, countsDistinct: Bool = false, identifiesEvents: Bool = false, capacity: Int = 0) {
        self.counterCount = counterCount
        keyValues = ByteInterner(capacity: max(capacity, 1024))
        sketches = countsDistinct ? [] : nil
        identities = identifiesEvents ? EventIdentities() : nil
        // At most half full, as `row(for:)` keeps it.
        var slotCount = 1024
        while slotCount < capacity * 2 { slotCount *= 2 }
        slots = [UInt32](zeroedSlots: slotCount)
        mask = slotCount - 1
        rowKeys.reserveCapacity(capacity)
        counts.reserveCapacity(capacity * counterCount)
    }

    /// Whether rows keep a sketch of distinct values: then `forEachRow` gives its estimate
    /// after the counters.
    public var countsDistinct: Bool { sketches != nil }

    /// Adds `value` to the distinct values of (`period`, `key`).
    /// - Precondition: `countsDistinct`.
    public func addDistinct(period: Int32, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        let row = row(for: Self.pack(period: period, keyID: keyValues.intern(key)))
        sketches![row].add(value)
    }

    /// Merges `sketch` into the distinct values of (`period`, key `keyID`).
    func mergeDistinct(period: Int32, keyID: UInt32, _ sketch: HyperLogLog) {
        mergeDistinct(row: row(for: Self.pack(period: period, keyID: keyID)), sketch)
    }

    /// Merges `sketch` into the distinct values of row `row`.
    func mergeDistinct(row: Int, _ sketch: HyperLogLog) {
        sketches![row].merge(sketch)
    }

    /// Whether rows keep the ids of identified events (`--dedupe`).
    public var identifiesEvents: Bool { identities != nil }

    /// Adds `amount` to counter `counter` of (`period`, the key interned as `keyID`).
    @inline(__always)
    func add(period: Int32, keyID: UInt32, counter: Int, amount: UInt64) {
        add(row: row(for: Self.pack(period: period, keyID: keyID)), counter: counter, amount: amount)
    }

    /// Adds `amount` to counter `counter` of row `row`.
    @inline(__always)
    func add(row: Int, counter: Int, amount: UInt64) {
        counts[row * counterCount + counter] &+= amount
    }

    /// The row of `key`, adding a zeroed one if new.
    func row(for key: UInt64) -> Int {
        row(for: key, hash: ByteHash.hash(key))
    }

    /// The rows of `keys` (packed periods and key ids), in order, adding zeroed ones that are
    /// new: what `row(for:)` of each gives, with the cache misses of the lookups overlapped as
    /// in `ByteInterner.intern(_:into:)`.
    func rows(for keys: UnsafeBufferPointer<UInt64>, into rows: UnsafeMutableBufferPointer<Int>) {
        precondition(rows.count >= keys.count)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: keys.count) { hashOf in
            // The passes that only read take each array's storage once, not once a key.
            let (mask, counterCount) = (self.mask, self.counterCount)
            slots.withUnsafeBufferPointer { slots in
                SlotProbe.hash(keys, into: hashOf, slots: slots, mask: mask) { ByteHash.hash($0) }
                rowKeys.withUnsafeBufferPointer { rowKeys in
                    counts.withUnsafeBufferPointer { counts in
                        SlotProbe.forEachProbedEntry(hashOf, count: keys.count, slots: slots, mask: mask) { _, row in
                            tally_prefetch(rowKeys.baseAddress! + row)
                            tally_prefetch(counts.baseAddress! + row * counterCount)
                        }
                    }
                }
            }
            for (index, key) in keys.enumerated() { rows[index] = row(for: key, hash: hashOf[index]) }
        }
    }

    /// The row of `key`, whose `ByteHash.hash` is `hash`, adding a zeroed one if new.
    @inline(__always)
    private func row(for key: UInt64, hash: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let row = Int(entry - 1)
            if rowKeys[row] == key { return row }
            slot = (slot + 1) & mask
        }
        let row = rowKeys.count
        precondition(row < Int(UInt32.max) - 1, "too many distinct keys")
        // A slot (row and counter) of an id is 32 bits, and its row's rank 30 when counted once.
        precondition(identities == nil || row < 1 << 30, "too many rows to keep event ids")
        rowKeys.append(key)
        counts.appendZeros(counterCount)
        sketches?.append(HyperLogLog())
        identities?.addRow(counterCount: counterCount)
        slots[slot] = UInt32(row + 1)
        if rowKeys.count * 2 > slots.count { grow() }
        return row
    }

    private func grow() {
        let size = slots.count * 2
        slots = [UInt32](zeroedSlots: size)
        mask = size - 1
        let mask = self.mask
        // Each row lands in a slot anywhere in the new table, a cache miss once the table is
        // larger than the cache: the slots of a batch are fetched together before any is written.
        let batchSize = CountingTable.batchSize
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: batchSize) { hashOf in
            rowKeys.withUnsafeBufferPointer { rowKeys in
                slots.withUnsafeMutableBufferPointer { slots in
                    for start in stride(from: 0, to: rowKeys.count, by: batchSize) {
                        let batch = UnsafeBufferPointer(
                            rebasing: rowKeys[start..<min(start + batchSize, rowKeys.count)])
                        SlotProbe.hash(batch, into: hashOf, slots: UnsafeBufferPointer(slots), mask: mask) {
                            ByteHash.hash($0)
                        }
                        for index in batch.indices {
                            var slot = Int(truncatingIfNeeded: hashOf[index]) & mask
                            while slots[slot] != 0 { slot = (slot + 1) & mask }
                            slots[slot] = UInt32(start + index + 1)
                        }
                    }
                }
            }
        }
    }

    static func pack(period: Int32, keyID: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: period)) << 32 | UInt64(keyID)
    }

    static func period(of key: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32)) }
    static func keyID(of key: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: key) }

    // MARK: - Reading

    /// Every row, grouped by local day (ascending) and, within a day, by period (for hours:
    /// in the order they happened) then bytewise by key, which is column by column (`KeyTuple`).
    /// Rows are indices for `forEachRow(_:_:)`: 4 bytes a row, so a writer
    /// never holds a second copy of the table.
    ///
    /// The keys are put in order once, each compared by its first 24 bytes as three numbers
    /// and only on a tie by all of them; the rows are then sorted as numbers, (period, key's rank).
    /// - Complexity: O(k log k + r log r) for k keys and r rows.
    public func rowsInOrder(by granularity: Granularity = .day) -> [(day: Int32, rows: ArraySlice<UInt32>)] {
        days(of: orderedRows().rows, by: granularity)
    }

    /// `rows`, in order, cut where the local day changes.
    func days(of rows: [UInt32], by granularity: Granularity) -> [(day: Int32, rows: ArraySlice<UInt32>)] {
        rowKeys.withUnsafeBufferPointer { rowKeys in
            Self.days(of: rows, by: granularity) { Self.period(of: rowKeys[Int($0)]) }
        }
    }

    /// `rows`, in order, cut where the local day of their periods (`period(row)`) changes.
    static func days(
        of rows: [UInt32], by granularity: Granularity, period: (UInt32) -> Int32
    ) -> [(day: Int32, rows: ArraySlice<UInt32>)] {
        let rows = ArraySlice(rows)
        func day(at index: Int) -> Int32 { Period.day(of: period(rows[index]), granularity) }
        var groups: [(day: Int32, rows: ArraySlice<UInt32>)] = []
        var start = rows.startIndex
        while start < rows.endIndex {
            let first = day(at: start)
            // Days ascend along the rows: the day's end is found by bisection, a few reads a
            // day rather than one of a scattered row for every row.
            var (low, high) = (start + 1, rows.endIndex)
            while low < high {
                let middle = low + (high - low) / 2
                if day(at: middle) == first { low = middle + 1 } else { high = middle }
            }
            groups.append((first, rows[start..<low]))
            start = low
        }
        return groups
    }

    /// Every row ordered by period, then bytewise by key; and each key id's rank in that order.
    func orderedRows() -> (rows: [UInt32], rankOfKey: [UInt32]) {
        keyValues.withStrings { strings in
            let rankOfKey = Self.keyRanks(count: keyValues.count, keys: strings, equalKeysShareRank: false)
            let rows = rowKeys.withUnsafeBufferPointer { rowKeys in
                Self.orderedRows(count: rowKeys.count, rankOfKey: rankOfKey) { row in
                    (Self.period(of: rowKeys[row]), Self.keyID(of: rowKeys[row]))
                }
            }
            return (rows, rankOfKey)
        }
    }

    /// Rows `0 ..< count` ordered by period, then by their key's rank; `row(r)` gives row `r`'s
    /// period and key id.
    @inline(__always)
    static func orderedRows(
        count: Int, rankOfKey: [UInt32], row: (Int) -> (period: Int32, keyID: UInt32)
    ) -> [UInt32] {
        var order = (0..<count).map { index in
            let (period, keyID) = row(index)
            // The period's bits flipped to order as unsigned: periods before 1970 are negative.
            return UInt64(UInt32(bitPattern: period) ^ 0x8000_0000) << 32 | UInt64(rankOfKey[Int(keyID)])
        }
        var rows = (0..<UInt32(count)).map { $0 }
        RadixSort.sort(keys: &order, values: &rows)
        return rows
    }

    /// Each key id's place in the bytewise order of the keys `keys` holds for ids `0 ..< count`.
    /// With `equalKeysShareRank`, ids of equal keys (a table with a key's bytes once for each of
    /// its periods) share one rank, and the ranks run from 0 to the number of distinct keys less
    /// one.
    static func keyRanks<Keys: KeysByID>(count: Int, keys strings: Keys, equalKeysShareRank: Bool) -> [UInt32] {
        // The first 24 bytes of each key as three big-endian numbers, zero-padded: ordered
        // as the bytes are, up to ties. 24, because keys of several columns share long
        // prefixes (a campaign and its NUL, a creative) and a wide key is mostly that short.
        // Word `w` of key `id` is `words[w * count + id]`: one flat array, read through
        // buffers, because the gathers below read it at random, and a nested array paid
        // a check of its uniqueness at every write.
        var words = [UInt64](repeating: 0, count: 3 * count)
        words.withUnsafeMutableBufferPointer { words in
            for id in 0..<count {
                let bytes = strings[UInt32(id)]
                for word in 0..<3 { words[word * count + id] = Self.bigEndianWord(bytes, at: word * 8) }
            }
        }
        // Ids sorted by the last number, then stably by the middle one, then by the first:
        // by all three. Radix sorts, which move each id once for each byte the keys differ in.
        var order = (0..<UInt32(count)).map { $0 }
        var sortKeys = [UInt64](repeating: 0, count: count)
        for word in (0..<3).reversed() {
            words.withUnsafeBufferPointer { words in
                order.withUnsafeBufferPointer { order in
                    sortKeys.withUnsafeMutableBufferPointer { sortKeys in
                        for position in 0..<count { sortKeys[position] = words[word * count + Int(order[position])] }
                    }
                }
            }
            RadixSort.sort(keys: &sortKeys, values: &order)
        }
        // Each run of keys alike in their first 24 bytes (longer keys, or keys that differ
        // by trailing NULs), by all their bytes.
        func prefix(_ id: UInt32) -> (UInt64, UInt64, UInt64) {
            (words[Int(id)], words[count + Int(id)], words[2 * count + Int(id)])
        }
        func compare(_ a: UInt32, _ b: UInt32) -> Int32 {
            let (x, y) = (strings[a], strings[b])
            let common = min(x.count, y.count)
            let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
            return order != 0 ? order : x.count < y.count ? -1 : x.count > y.count ? 1 : 0
        }
        var start = 0
        while start < count {
            var end = start + 1
            while end < count, prefix(order[end]) == prefix(order[start]) { end += 1 }
            if end - start > 1 { order[start..<end].sort { compare($0, $1) < 0 } }
            start = end
        }
        var ranks = [UInt32](repeating: 0, count: count)
        var rank: UInt32 = 0
        for (position, id) in order.enumerated() {
            if position > 0,
                !equalKeysShareRank || prefix(id) != prefix(order[position - 1])
                    || compare(id, order[position - 1]) != 0
            {
                rank += 1
            }
            ranks[Int(id)] = rank
        }
        return ranks
    }

    /// Bytes `offset ..< offset + 8` of `bytes` as a big-endian number, zero past its end, so that
    /// numbers order as the bytes do; read without touching a byte outside `bytes`.
    @inline(__always)
    static func bigEndianWord(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        let available = bytes.count - offset
        if available >= 8 { return UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        var value: UInt64 = 0
        var index = 0
        while index < available {
            value |= UInt64(bytes[offset + index]) << UInt64(56 - 8 * index)
            index += 1
        }
        return value
    }

    /// Calls `body` with the period, key bytes and counters of each of `rows`, in order; with
    /// `countsDistinct`, the estimate of the row's distinct values follows the counters.
    public func forEachRow(
        _ rows: ArraySlice<UInt32>, _ body: (Int32, UnsafeRawBufferPointer, UnsafeBufferPointer<UInt64>) -> Void
    ) {
        var withEstimate = [UInt64](repeating: 0, count: counterCount + 1)
        let counterCount = self.counterCount
        keyValues.withStrings { strings in
            counts.withUnsafeBufferPointer { counts in
                rowKeys.withUnsafeBufferPointer { rowKeys in
                    // Rows in key order are scattered over the table, and a row's key over the
                    // interner: each read is a cache miss, and each needs the one before it (the
                    // row's key id, then the key's place, then its bytes). So the rows ahead are
                    // fetched in steps: the row 16 ahead, the place of the key 8 ahead, the bytes
                    // of the key 4 ahead; by its turn a row's reads are all in the cache.
                    for (position, row) in zip(rows.indices, rows) {
                        if position + 16 < rows.endIndex {
                            let ahead = Int(rows[position + 16])
                            tally_prefetch(rowKeys.baseAddress! + ahead)
                            tally_prefetch(counts.baseAddress! + ahead * counterCount)
                        }
                        if position + 8 < rows.endIndex {
                            strings.prefetchPlace(of: Self.keyID(of: rowKeys[Int(rows[position + 8])]))
                        }
                        if position + 4 < rows.endIndex {
                            strings.prefetchBytes(of: Self.keyID(of: rowKeys[Int(rows[position + 4])]))
                        }
                        let rowKey = rowKeys[Int(row)]
                        let start = Int(row) * counterCount
                        let counters = UnsafeBufferPointer(rebasing: counts[start..<start + counterCount])
                        guard let sketches else {
                            body(Self.period(of: rowKey), strings[Self.keyID(of: rowKey)], counters)
                            continue
                        }
                        for (index, count) in counters.enumerated() { withEstimate[index] = count }
                        withEstimate[counterCount] = UInt64(sketches[Int(row)].estimate)
                        withEstimate.withUnsafeBufferPointer {
                            body(Self.period(of: rowKey), strings[Self.keyID(of: rowKey)], $0)
                        }
                    }
                }
            }
        }
    }
}
