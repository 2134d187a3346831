/// Counts per (day, campaign): the whole state of a rollup, for one input or for a whole run.
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
/// Not thread-safe: each worker fills its own and they are merged (`merge(_:)`) on one thread.
public final class Rollup: @unchecked Sendable {
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

    /// One output row: a campaign's counters on a day.
    public struct Row: Equatable, Sendable {
        public var campaign: [UInt8]
        public var counts: [UInt64]
    }

    /// The days with at least one key, ascending.
    public func days() -> [Int32] {
        Set(keys.map(Self.day(of:))).sorted()
    }

    /// The rows of each day, each day's rows in bytewise campaign order.
    /// - Complexity: O(k log k) for k keys.
    public func rowsByDay() -> [(day: Int32, rows: [Row])] {
        var rowsOfDay: [Int32: [Int]] = [:]
        for (row, key) in keys.enumerated() { rowsOfDay[Self.day(of: key), default: []].append(row) }
        return rowsOfDay.keys.sorted().map { day in
            let ordered = rowsOfDay[day]!.sorted {
                campaigns.precedes(Self.campaign(of: keys[$0]), Self.campaign(of: keys[$1]))
            }
            return (day, ordered.map { row in
                Row(
                    campaign: campaigns.bytes(of: Self.campaign(of: keys[row])),
                    counts: Array(counts[row * counterCount..<(row + 1) * counterCount]))
            })
        }
    }

    /// The sum of each counter over all keys.
    public func totals() -> [UInt64] {
        var totals = [UInt64](repeating: 0, count: counterCount)
        for (i, value) in counts.enumerated() { totals[i % counterCount] &+= value }
        return totals
    }
}
