import TallyTestSupport
import Testing

@testable import TallyAggregator

/// The counting table is checked against `RollupTable`, the plain way to count: same events, same counts.
@Suite struct CountingTableTests {
    /// Campaigns of every length around the table's 4-, 8-, 16- and 24-byte word edges, with
    /// zero and high bytes, and pairs that agree in all the bytes a slot holds.
    static let campaigns: [[UInt8]] = {
        var all: [[UInt8]] = [[], [0], [0, 0], Array("a".utf8), Array("a\0".utf8), Array("a\0\0\0\0\0\0\0\0".utf8)]
        var random = SplitMix(seed: 7)
        for length in [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 23, 24, 31, 40, 100] {
            for _ in 0..<6 {
                all.append((0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            }
        }
        // Equal in the first 16 bytes, different after them, or in length only.
        let prefix = Array("campaign-abcdefgh".utf8.prefix(16))
        all += [prefix + [1], prefix + [2], prefix + [1, 0], prefix + Array(repeating: 9, count: 30)]
        all += [prefix + Array(repeating: 9, count: 29) + [8]]
        // Equal in the first 24 bytes (all a slot holds), or in the first 16 and up to 24.
        let longer = Array("campaign-abcdefgh-country".utf8.prefix(24))
        all += [longer + [1], longer + [2], longer + [1, 0], longer + Array(repeating: 9, count: 30)]
        all += [Array(longer.prefix(20)), Array(longer.prefix(20)) + [0], Array(longer.prefix(23)) + [0xff]]
        return all
    }()

    static func snapshot(_ rollup: RollupTable) -> [String] {
        rollup.rowsByDay().flatMap { day, rows in rows.map { "\(day) \($0.campaign) \($0.counts)" } }
    }

    static func snapshot(_ table: CountingTable) -> [String] {
        var keys: [String] = []
        table.forEachKey { day, campaign, counts in keys.append("\(day) \(Array(campaign)) \(Array(counts))") }
        return keys.sorted()
    }
}

extension CountingTableTests {
    /// With a small key limit the table spills again and again, and must still lose nothing.
    @Test(arguments: [(1, 24_576), (7, 24_576), (5_000, 24_576), (5_000, 50), (5_000, 1)])
    func countsWhatRollupCounts(events: Int, keyLimit: Int) {
        var random = SplitMix(seed: UInt64(events))
        let table = CountingTable(counterCount: 3, keyLimit: keyLimit)
        let rollup = RollupTable(counterCount: 3)
        for _ in 0..<events {
            let campaign = Self.campaigns[Int(random.next() % UInt64(Self.campaigns.count))]
            let day = Int32(truncatingIfNeeded: Int(random.next() % 5) - 2) &* 20_000
            let counter = Int(random.next() % 3)
            let amount = random.next() % 4 + 1
            campaign.withUnsafeBytes {
                table.add(period: day, key: $0, counter: counter, amount: amount)
                rollup.add(period: day, key: $0, counter: counter, amount: amount)
            }
        }
        if rollup.keyCount <= keyLimit { #expect(table.keyCount == rollup.keyCount) }
        let merged = RollupTable(counterCount: 3)
        merged.merge(table)
        #expect(Self.snapshot(merged) == Self.snapshot(rollup))
        #expect(merged.totals() == rollup.totals())
    }

    @Test func keysThatShareTheirFirstBytesStayApart() {
        let table = CountingTable(counterCount: 1)
        for (i, campaign) in Self.campaigns.enumerated() {
            for _ in 0...i { campaign.withUnsafeBytes { table.add(period: 1, key: $0, counter: 0) } }
        }
        let distinct = Set(Self.campaigns)
        #expect(table.keyCount == distinct.count)
        var seen: [[UInt8]: UInt64] = [:]
        table.forEachKey { _, campaign, counts in seen[Array(campaign)] = counts[0] }
        for (i, campaign) in Self.campaigns.enumerated() {
            let expected = Self.campaigns.enumerated().filter { $0.element == campaign }.map { UInt64($0.offset + 1) }
                .reduce(0, +)
            #expect(seen[campaign] == expected, "campaign \(i)")
        }
    }

    @Test(arguments: [24_576, 10_000])
    func growsWithoutLosingCounts(keyLimit: Int) {
        let table = CountingTable(counterCount: 3, keyLimit: keyLimit)
        for i in 0..<50_000 {
            Array("campaign-\(i % 9001)".utf8).withUnsafeBytes {
                table.add(period: Int32(i % 3), key: $0, counter: i % 3)
            }
        }
        let merged = RollupTable(counterCount: 3)
        merged.merge(table)
        #expect(merged.keyCount == 9001 * 3)
        #expect(merged.totals().reduce(0, +) == 50_000)
        #expect((table.spilled != nil) == (9001 * 3 > keyLimit))
    }

    /// A worker's table is emptied and used again for its next input: nothing of the inputs
    /// before may stay, whether the last was much smaller than the table's slots (its slots
    /// cleared one by one), about as large (cleared whole), spilled, or left a count waiting.
    @Test(arguments: [(9_001, 40, 24_576), (2_000, 2_000, 24_576), (9_001, 500, 1_000)])
    func anEmptiedTableCountsTheNextInputAlone(firstKeys: Int, middleKeys: Int, keyLimit: Int) {
        let table = CountingTable(counterCount: 3, keyLimit: keyLimit)
        for (name, keys) in [("first", firstKeys), ("middle", middleKeys)] {
            table.removeAll()
            for i in 0..<30_000 {
                Array("\(name)-\(i % keys)".utf8).withUnsafeBytes {
                    table.add(period: Int32(i % 2), key: $0, counter: i % 3)
                }
            }
            #expect((table.spilled != nil) == (keys * 2 > keyLimit))
        }
        table.removeAll()
        #expect(table.keyCount == 0 && table.spilled == nil)
        // A count made, then dropped before it was settled: the next input must not see it.
        Array("first-0".utf8).withUnsafeBytes { table.add(period: 7, key: $0, counter: 0) }
        table.removeAll()

        let rollup = RollupTable(counterCount: 3)
        for i in 0..<10_000 {
            // A third of the keys are the earlier inputs', in the same period as some of theirs.
            let key = Array((i % 3 == 0 ? "middle-\(i % 50)" : "last-\(i % 700)").utf8)
            key.withUnsafeBytes {
                table.add(period: 1, key: $0, counter: i % 3, amount: 2)
                rollup.add(period: 1, key: $0, counter: i % 3, amount: 2)
            }
        }
        let merged = RollupTable(counterCount: 3)
        merged.merge(table)
        #expect(Self.snapshot(merged) == Self.snapshot(rollup))
        #expect(merged.totals().reduce(0, +) == 20_000)
    }

    @Test func leadingWordsReadOnlyTheBytesGiven() {
        // Each campaign lies between 0xff bytes: words that took in a byte outside it would
        // differ from the ones built byte by byte.
        for length in 0...24 {
            var buffer = [UInt8](repeating: 0xff, count: 64)
            for i in 0..<length { buffer[32 - length + i] = UInt8(i + 1) }
            let (head, tail) = buffer.withUnsafeBytes {
                CountingTable.leadingWords(UnsafeRawBufferPointer(rebasing: $0[(32 - length)..<32]))
            }
            var expected: (UInt64, UInt64) = (0, 0)
            for i in 0..<min(length, 16) {
                if i < 8 {
                    expected.0 |= UInt64(i + 1) << UInt64(i * 8)
                } else {
                    expected.1 |= UInt64(i + 1) << UInt64((i - 8) * 8)
                }
            }
            #expect(head == expected.0 && tail == expected.1, "length \(length)")
        }
    }
}

@Suite struct PeriodTests {
    static let newYork = LocalDayCalendar(identifier: "America/New_York", covering: 946_684_800..<4_102_444_800)!

    @Test func aRepeatedHourIsTwoPeriodsInTheOrderTheyHappened() {
        // 2026-11-01: 01:00 EDT is 05:00Z, and 01:00 EST is 06:00Z.
        let first = Self.newYork.hour(of: 1_793_509_200 + 600)
        let second = Self.newYork.hour(of: 1_793_512_800 + 600)
        #expect(first < second)
        #expect(Period.hourOfDay(first) == 1 && Period.hourOfDay(second) == 1)
        #expect(Period.utcOffsetMinutes(first) == -240 && Period.utcOffsetMinutes(second) == -300)
        #expect(Period.day(of: first, .hour) == Period.day(of: second, .hour))
        #expect(Period.day(of: first, .hour) == Self.newYork.day(of: 1_793_509_200))
    }

    @Test func quarterHourZonesAndTheEndOfTheRangeFit() {
        let kathmandu = LocalDayCalendar(identifier: "Asia/Kathmandu", covering: 946_684_800..<4_102_444_800)!
        #expect(kathmandu.hasQuarterHourOffsets)
        // 2026-11-20T18:14:59Z is 23:59:59 on the 20th in Kathmandu (+05:45); a second later, the 21st.
        let late = kathmandu.hour(of: 1_795_198_499)
        #expect(Period.hourOfDay(late) == 23 && Period.utcOffsetMinutes(late) == 345)
        #expect(Period.day(of: late, .hour) == kathmandu.day(of: 1_795_198_499))
        #expect(Period.day(of: kathmandu.hour(of: 1_795_198_500), .hour) == kathmandu.day(of: 1_795_198_499) + 1)
        // The last second tally accepts (2100-12-31T23:59:59Z) at the largest offset (+14:00).
        let kiritimati = LocalDayCalendar(identifier: "Pacific/Kiritimati", covering: 946_684_800..<4_133_980_800)!
        let last = kiritimati.hour(of: 4_133_980_799)
        #expect(last > 0 && Period.utcOffsetMinutes(last) == 840 && Period.hourOfDay(last) == 13)
    }
}

extension CountingTableTests {
    /// The state store's bytes for an input come straight from its counting table: they must be
    /// those of the rollup table of the same counts, whatever the keys (alike in their first 24
    /// bytes, apart by a trailing NUL), periods (hours of several days, days before 1970) and
    /// number of counters; a key counted in several periods is one key of each day's list.
    @Test(arguments: [1, 3], [Granularity.day, .hour])
    func encodesItsDaysAsTheRollupTableOfItsCounts(counterCount: Int, granularity: Granularity) throws {
        var random = SplitMix(seed: UInt64(counterCount) * 31 + (granularity == .hour ? 1 : 0))
        let table = CountingTable(counterCount: counterCount)
        for _ in 0..<4_000 {
            let campaign = Self.campaigns[Int(random.next() % UInt64(Self.campaigns.count))]
            let day = Int64(random.next() % 4) - 1
            let period =
                granularity == .day
                ? Int32(day) : Period.hour(localHour: day * 24 + Int64(random.next() % 30), offsetSeconds: -3_600)
            campaign.withUnsafeBytes {
                table.add(
                    period: period, key: $0, counter: Int(random.next() % UInt64(counterCount)),
                    amount: random.next() % 4 + 1)
            }
        }
        // Encoded before the merge, which would make the last count (still waiting) for it.
        let direct = try #require(table.encodedDays(by: granularity))
        let rollup = RollupTable(counterCount: counterCount)
        rollup.merge(table)
        let expected = rollup.encodedDays(by: granularity)
        #expect(direct.map(\.day) == expected.map(\.day))
        #expect(direct.map(\.rows) == expected.map(\.rows))
        #expect(expected.count > 2)
    }

    /// A table that spilled keys does not encode itself: part of its counts are elsewhere.
    @Test func aTableThatSpilledDoesNotEncodeItself() {
        let table = CountingTable(counterCount: 1, keyLimit: 2)
        for campaign in ["a", "b", "c"] {
            Array(campaign.utf8).withUnsafeBytes { table.add(period: 0, key: $0, counter: 0) }
        }
        #expect(table.encodedDays(by: .day) == nil)
        table.removeAll()
        Array("a".utf8).withUnsafeBytes { table.add(period: 0, key: $0, counter: 0) }
        #expect(table.encodedDays(by: .day)?.count == 1)
    }
}
