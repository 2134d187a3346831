import TallyTestSupport
import Testing

@testable import TallyAggregator

@Suite struct RollupTests {
    func add(_ rollup: RollupTable, _ day: Int32, _ campaign: String, _ counter: Int, _ amount: UInt64 = 1) {
        Array(campaign.utf8).withUnsafeBytes { rollup.add(period: day, key: $0, counter: counter, amount: amount) }
    }

    func snapshot(_ rollup: RollupTable) -> [String] {
        rollup.rowsByDay().flatMap { day, rows in
            rows.map { "\(day) \(String(decoding: $0.campaign, as: UTF8.self)) \($0.counts)" }
        }
    }
}

extension RollupTests {
    @Test func countsPerDayAndCampaignSortedBytewise() {
        let rollup = RollupTable(counterCount: 3)
        add(rollup, 2, "b", 0)
        add(rollup, 1, "b", 1)
        add(rollup, 1, "B", 0)
        add(rollup, 1, "é", 2)
        add(rollup, 1, "b", 1)
        add(rollup, 1, "a", 0)
        #expect(
            snapshot(rollup) == ["1 B [1, 0, 0]", "1 a [1, 0, 0]", "1 b [0, 2, 0]", "1 é [0, 0, 1]", "2 b [1, 0, 0]"])
        #expect(rollup.totals() == [3, 2, 1])
        #expect(rollup.rowsInOrder().map(\.day) == [1, 2])
    }

    @Test func tablesGrowWithoutLosingCounts() {
        let rollup = RollupTable(counterCount: 3)
        for i in 0..<20_000 { add(rollup, Int32(i % 7), "campaign-\(i % 3001)", i % 3) }
        #expect(rollup.totals().reduce(0, +) == 20_000)
        #expect(rollup.keyCount == Set((0..<20_000).map { "\($0 % 7)/\($0 % 3001)" }).count)
        #expect(rollup.keyValues.count == 3001)
    }

    /// Slot arrays large enough to be asked for huge pages (4 MiB and more) hold zeros like any
    /// other, to their last slot.
    @Test(arguments: [0, 1, 1024, 1 << 20, (1 << 20) + 3])
    func slotArraysStartEmptyAtAnySize(count: Int) {
        let slots = [UInt32](zeroedSlots: count)
        #expect(slots.count == count)
        #expect(slots.allSatisfy { $0 == 0 })
    }

    @Test(arguments: [1, 2, 3, 5])
    func mergeIsExactWhateverTheGrouping(parts: Int) {
        var generator = SplitMix(seed: UInt64(parts))
        let events = (0..<5000).map { _ in
            (
                day: Int32(generator.next() % 4), campaign: "c\(generator.next() % 300)",
                counter: Int(generator.next() % 3)
            )
        }
        let whole = RollupTable(counterCount: 3)
        for e in events { add(whole, e.day, e.campaign, e.counter) }

        // Split into `parts` partial rollups, merge them in a nested, reversed order.
        let partials = (0..<parts).map { _ in RollupTable(counterCount: 3) }
        for (i, e) in events.enumerated() { add(partials[i % parts], e.day, e.campaign, e.counter) }
        let merged = RollupTable(counterCount: 3)
        let inner = RollupTable(counterCount: 3)
        for partial in partials.reversed() { inner.merge(partial) }
        merged.merge(inner)
        merged.merge(RollupTable(counterCount: 3))
        #expect(snapshot(merged) == snapshot(whole))
    }

    /// The words keys are ranked by: every length, every offset, bytes of every value (the
    /// top bit set, where a signed shift would go wrong), against a byte-at-a-time reading.
    @Test func keyWordsAreTheBytesBigEndianZeroPadded() {
        var generator = SplitMix(seed: 41)
        for _ in 0..<2_000 {
            let bytes = (0..<Int(generator.next() % 31)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            bytes.withUnsafeBytes { raw in
                for offset in [0, 8, 16] {
                    var expected: UInt64 = 0
                    for index in offset..<offset + 8 {
                        expected = expected << 8 | UInt64(index < raw.count ? raw[index] : 0)
                    }
                    #expect(RollupTable.bigEndianWord(raw, at: offset) == expected, "\(bytes) at \(offset)")
                }
            }
        }
    }

    /// The days a table has rows of, whether rows of one period come together or not, by day
    /// and by hour (an hour's day is its local day).
    @Test func daysAreEveryPeriodsDay() {
        let byDay = RollupTable(counterCount: 1)
        for day: Int32 in [5, 5, 3, 5, 9, 3, 3, -2] { add(byDay, day, "c\(day)", 0) }
        #expect(byDay.days(by: .day) == [5, 3, 9, -2])
        #expect(RollupTable(counterCount: 1).days(by: .day).isEmpty)

        let byHour = RollupTable(counterCount: 1)
        let hours = [(day: 7, hour: 23), (7, 23), (8, 0), (7, 22), (8, 1), (6, 0)]
        for (index, (day, hour)) in hours.enumerated() {
            let period = Period.hour(localHour: Int64(day * 24 + hour), offsetSeconds: -4 * 3600)
            add(byHour, period, "c\(index % 2)", 0)
        }
        #expect(byHour.days(by: .hour) == [6, 7, 8])
    }
}
