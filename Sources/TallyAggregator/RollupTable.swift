/// Counts per (day, campaign): the whole state of a rollup, compact, for a whole run (or any
/// partial result that is kept or merged).
///
/// The hot path does not count here: each input is counted into a `CountingTable`, which is
/// built for one memory read per event and costs more bytes a key, and merged into the run's
/// rollup when the input has been read to its checked end.
///
/// A key is a local day (days since 1970-01-01 in the run's time zone) and an interned campaign;
/// its value is a fixed set of counters (impressions, clicks, video views: the caller decides
/// what each index means). More key columns would be interned the same way and packed into
/// the key; more counters widen `counterCount`.
///
/// Storage, all flat: row `r` has key `keys[r]` and counters
/// `counts[r * counterCount ..< (r + 1) * counterCount]`. `slots` is an open-addressing table
/// (linear probing, at most half full) of `row + 1`, 0 meaning empty. A key costs 8 bytes, its
/// counters 8 each, and its share of the slots 8 to 16: about 40 to 50 bytes with three counters,
/// plus the campaign's bytes once per campaign.
///
/// Not thread-safe: the run's rollup is merged into under a lock.
public final class RollupTable: @unchecked Sendable {
    public let counterCount: Int
    public let campaigns: ByteInterner
    private(set) var keys: [UInt64] = []
    private(set) var counts: [UInt64] = []
    private var slots: [UInt32]
    private var mask: Int

    public init(counterCount: Int) {
        self.counterCount = counterCount
        campaigns = ByteInterner()
        slots = [UInt32](repeating: 0, count: 1024)
        mask = slots.count - 1
    }

    /// Distinct (day, campaign) keys held.
    public var keyCount: Int { keys.count }

    /// Adds `amount` to counter `counter` of (`day`, `campaign`).
    /// - Complexity: O(campaign.count) expected.
    @inline(__always)
    public func add(day: Int32, campaign: UnsafeRawBufferPointer, counter: Int, amount: UInt64 = 1) {
        add(day: day, campaignID: campaigns.intern(campaign), counter: counter, amount: amount)
    }

    @inline(__always)
    func add(day: Int32, campaignID: UInt32, counter: Int, amount: UInt64) {
        let row = row(for: Self.key(day: day, campaign: campaignID))
        counts[row * counterCount + counter] &+= amount
    }

    /// The row of `key`, adding a zeroed one if new.
    private func row(for key: UInt64) -> Int {
        var slot = Int(truncatingIfNeeded: ByteHash.hash(key)) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let row = Int(entry - 1)
            if keys[row] == key { return row }
            slot = (slot + 1) & mask
        }
        let row = keys.count
        precondition(row < Int(UInt32.max) - 1, "too many distinct keys")
        keys.append(key)
        counts.append(contentsOf: repeatElement(0, count: counterCount))
        slots[slot] = UInt32(row + 1)
        if keys.count * 2 > slots.count { grow() }
        return row
    }

    private func grow() {
        let size = slots.count * 2
        slots = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for (row, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: ByteHash.hash(key)) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(row + 1)
        }
    }

    static func key(day: Int32, campaign: UInt32) -> UInt64 {
        UInt64(UInt32(bitPattern: day)) << 32 | UInt64(campaign)
    }

    static func day(of key: UInt64) -> Int32 { Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32)) }
    static func campaign(of key: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: key) }

    // MARK: - Reading

    /// Every row, grouped by day (ascending) and, within a day, in bytewise campaign order.
    /// Rows are indices for `withCampaign(ofRow:)` and `count(ofRow:counter:)`: 4 bytes a key,
    /// so a writer never holds a second copy of the table.
    /// - Complexity: O(k log k) for k keys.
    public func rowsInOrder() -> [(day: Int32, rows: ArraySlice<UInt32>)] {
        var order = [UInt32](0..<UInt32(keys.count))
        order.sort { a, b in
            let (dayA, dayB) = (Self.day(of: keys[Int(a)]), Self.day(of: keys[Int(b)]))
            if dayA != dayB { return dayA < dayB }
            return campaigns.precedes(Self.campaign(of: keys[Int(a)]), Self.campaign(of: keys[Int(b)]))
        }
        var groups: [(day: Int32, rows: ArraySlice<UInt32>)] = []
        var start = 0
        while start < order.count {
            let day = Self.day(of: keys[Int(order[start])])
            var end = start + 1
            while end < order.count, Self.day(of: keys[Int(order[end])]) == day { end += 1 }
            groups.append((day, order[start..<end]))
            start = end
        }
        return groups
    }

    /// Calls `body` with the campaign bytes of `row`.
    public func withCampaign<R>(ofRow row: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try campaigns.withBytes(of: Self.campaign(of: keys[Int(row)]), body)
    }

    /// Counter `counter` of `row`.
    public func count(ofRow row: UInt32, counter: Int) -> UInt64 {
        counts[Int(row) * counterCount + counter]
    }
}
