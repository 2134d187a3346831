import TallyBytes
import TallyTestSupport
import Testing

@testable import TallyAggregator

/// The ids of identified events (`--dedupe`) in a rollup table: kept per slot, merged as a
/// set, encoded in one canonical form, and counted once per day and counter.
@Suite struct EventIdentitiesTests {
    /// (period, key, counter, id or nil) events into a table that keeps ids, as an input's
    /// worker does: every event counted, the ones with an id recorded besides.
    static func table(_ events: [(Int32, String, Int, String?)]) -> RollupTable {
        let table = RollupTable(counterCount: 3, identifiesEvents: true)
        for (period, key, counter, id) in events {
            Array(key.utf8).withUnsafeBytes { key in
                table.add(period: period, key: key, counter: counter)
                if let id {
                    Array(id.utf8).withUnsafeBytes {
                        table.addIdentified(period: period, key: key, counter: counter, value: $0)
                    }
                }
            }
        }
        return table
    }

    static func encoded(_ table: RollupTable) -> [UInt8] {
        var writer = BinaryWriter()
        table.encode(into: &writer)
        return writer.bytes
    }

    static func randomEvents(seed: UInt64, count: Int) -> [(Int32, String, Int, String?)] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in
            (
                Int32.random(in: 0...3, using: &random), "k\(Int.random(in: 0..<20, using: &random))",
                Int.random(in: 0..<3, using: &random),
                Int.random(in: 0..<10, using: &random) == 0 ? nil : "id\(Int.random(in: 0..<300, using: &random))"
            )
        }
    }

    @Test func idsEncodeTheSameHoweverTheTableWasBuilt() throws {
        let events = Self.randomEvents(seed: 3, count: 3000)
        let whole = Self.table(events)
        let halves = Self.table(Array(events.suffix(1100)))
        halves.merge(Self.table(Array(events.prefix(1900))))
        #expect(Self.encoded(whole) == Self.encoded(halves))
        var reader = BinaryReader(Self.encoded(whole))
        let decoded = try RollupTable.decode(from: &reader, counterCount: 3, identifiesEvents: true)
        #expect(reader.isAtEnd)
        #expect(Self.encoded(decoded) == Self.encoded(whole))
        // And what counts once is the same from the decoded table.
        let (a, duplicatesA) = whole.countingDuplicatesOnce(by: .day)
        let (b, duplicatesB) = decoded.countingDuplicatesOnce(by: .day)
        #expect(Self.encoded(a) == Self.encoded(b))
        #expect(duplicatesA == duplicatesB)
        #expect(duplicatesA > 0)
    }

    @Test func anIdCountsInTheFirstRowOfItsDayAndCounter() throws {
        // Periods 0 and 1 are two days. "b" and "a" share id x on day 0: "a" is first by key.
        let table = Self.table([
            (0, "b", 0, "x"), (0, "a", 0, "x"), (0, "a", 0, "x"), (0, "a", 1, "x"), (1, "b", 0, "x"),
            (0, "b", 0, nil), (0, "c", 0, "x"),
        ])
        let (counted, duplicates) = table.countingDuplicatesOnce(by: .day)
        #expect(duplicates == 3)
        var rows: [String] = []
        for (_, dayRows) in counted.rowsInOrder() {
            counted.forEachRow(dayRows) { period, key, counts in
                rows.append("\(period) \(String(decoding: key, as: UTF8.self)) \(Array(counts))")
            }
        }
        // "c" had only a repeat: it has no row.
        #expect(rows == ["0 a [1, 1, 0]", "0 b [1, 0, 0]", "1 b [1, 0, 0]"])
        #expect(!counted.identifiesEvents)
    }

    /// A table of one row, `k` on period 0, counting `count` impressions of which `identified`
    /// have the ids `ids`, written field by field.
    static func handMade(count: UInt64, identified: UInt64, ids: [UInt64], idCount: Int? = nil) -> [UInt8] {
        var writer = BinaryWriter()
        writer.append(1)
        writer.append(0)  // the first key shares no bytes with one before
        writer.append("k")
        writer.append(1)
        writer.append(signed: 0)
        writer.append(0)
        for amount: UInt64 in [count, 0, 0] { writer.append(amount) }
        writer.append(identified)
        if identified > 0 {
            writer.append(idCount ?? ids.count)
            for id in ids { withUnsafeBytes(of: id.littleEndian) { writer.append(raw: Array($0)) } }
        }
        writer.append(UInt64(0))
        writer.append(UInt64(0))
        return writer.bytes
    }

    @Test func onlyTheCanonicalFormIsRead() throws {
        func decode(_ bytes: [UInt8]) throws(RollupTable.DecodingError) -> RollupTable {
            var reader = BinaryReader(bytes)
            return try RollupTable.decode(from: &reader, counterCount: 3, identifiesEvents: true)
        }
        let good = Self.handMade(count: 3, identified: 2, ids: [5, 9])
        #expect(Self.encoded(try decode(good)) == good)
        for (bytes, why) in [
            (Self.handMade(count: 3, identified: 2, ids: [9, 5]), "event ids out of order"),
            (Self.handMade(count: 3, identified: 2, ids: [5, 5]), "event ids out of order"),
            (Self.handMade(count: 1, identified: 2, ids: [5, 9]), "more events with an id than events"),
            (Self.handMade(count: 3, identified: 2, ids: []), "events with an id and no id"),
        ] {
            #expect(throws: RollupTable.DecodingError.notCanonical(why)) { try decode(bytes) }
        }
        // A count of ids the bytes cannot hold is refused, not allocated.
        #expect(throws: RollupTable.DecodingError.self) {
            try decode(Self.handMade(count: 1 << 60, identified: 1 << 60, ids: [5], idCount: 1 << 60))
        }
        // More ids than events with an id.
        #expect(throws: RollupTable.DecodingError.self) {
            try decode(Self.handMade(count: 3, identified: 1, ids: [5, 9]))
        }
    }
}
