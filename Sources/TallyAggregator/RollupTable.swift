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
/// `counterCount`.
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
    private(set) var rowKeys: [UInt64] = []
    private(set) var counts: [UInt64] = []
    private var slots: [UInt32]
    private var mask: Int

    public init(counterCount: Int) {
        self.counterCount = counterCount
        keyValues = ByteInterner()
        slots = [UInt32](repeating: 0, count: 1024)
        mask = slots.count - 1
    }

    /// Distinct (period, key) rows held.
    public var keyCount: Int { rowKeys.count }

    /// Adds `amount` to counter `counter` of (`period`, `key`).
    /// - Complexity: O(key.count) expected.
    @inline(__always)
    public func add(period: Int32, key: UnsafeRawBufferPointer, counter: Int, amount: UInt64 = 1) {
        add(period: period, keyID: keyValues.intern(key), counter: counter, amount: amount)
    }

    @inline(__always)
    func add(period: Int32, keyID: UInt32, counter: Int, amount: UInt64) {
        let row = row(for: Self.pack(period: period, keyID: keyID))
        counts[row * counterCount + counter] &+= amount
    }

    /// The row of `key`, adding a zeroed one if new.
    private func row(for key: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: ByteHash.hash(key)) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let row = Int(entry - 1)
            if rowKeys[row] == key { return row }
            slot = (slot + 1) & mask
        }
        let row = rowKeys.count
        precondition(row < Int(UInt32.max) - 1, "too many distinct keys")
        rowKeys.append(key)
        counts.append(contentsOf: repeatElement(0, count: counterCount))
        slots[slot] = UInt32(row + 1)
        if rowKeys.count * 2 > slots.count { grow() }
        return row
    }

    private func grow() {
        let size = slots.count * 2
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for (row, key) in rowKeys.enumerated() {
            var slot = Int(truncatingIfNeeded: ByteHash.hash(key)) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(row + 1)
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
    /// Rows are indices for `withKey(ofRow:)`, `period(ofRow:)` and `count(ofRow:counter:)`:
    /// 4 bytes a row, so a writer never holds a second copy of the table.
    /// - Complexity: O(k log k) for k rows.
    public func rowsInOrder(by granularity: Granularity = .day) -> [(day: Int32, rows: ArraySlice<UInt32>)] {
        var order = [UInt32](0..<UInt32(rowKeys.count))
        order.sort { a, b in
            let (periodA, periodB) = (Self.period(of: rowKeys[Int(a)]), Self.period(of: rowKeys[Int(b)]))
            if periodA != periodB { return periodA < periodB }
            return keyValues.precedes(Self.keyID(of: rowKeys[Int(a)]), Self.keyID(of: rowKeys[Int(b)]))
        }
        var groups: [(day: Int32, rows: ArraySlice<UInt32>)] = []
        var start = 0
        while start < order.count {
            let day = Period.day(of: Self.period(of: rowKeys[Int(order[start])]), granularity)
            var end = start + 1
            while end < order.count, Period.day(of: Self.period(of: rowKeys[Int(order[end])]), granularity) == day {
                end += 1
            }
            groups.append((day, order[start..<end]))
            start = end
        }
        return groups
    }

    /// The period of `row`.
    public func period(ofRow row: UInt32) -> Int32 { Self.period(of: rowKeys[Int(row)]) }

    /// Calls `body` with the key bytes of `row`.
    public func withKey<R>(ofRow row: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try keyValues.withBytes(of: Self.keyID(of: rowKeys[Int(row)]), body)
    }

    /// Counter `counter` of `row`.
    public func count(ofRow row: UInt32, counter: Int) -> UInt64 {
        counts[Int(row) * counterCount + counter]
    }
}
