import TallyBytes
import TallyTestSupport
import Testing

@testable import TallyAggregator

@Suite struct BinaryCodingTests {
    @Test func numbersAndStringsComeBackAsWritten() throws {
        var random = SplitMix(seed: 7)
        var writer = BinaryWriter()
        var values: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, UInt64.max]
        var signed: [Int64] = [0, -1, 1, Int64.min, Int64.max]
        for _ in 0..<1000 {
            values.append(random.next() >> UInt64.random(in: 0...63, using: &random))
            signed.append(Int64(bitPattern: random.next()) >> Int64.random(in: 0...63, using: &random))
        }
        for value in values { writer.append(value) }
        for value in signed { writer.append(signed: value) }
        writer.append("café\u{0}")
        var reader = BinaryReader(writer.bytes)
        for value in values { #expect(try reader.readUInt64() == value) }
        for value in signed { #expect(try reader.readSigned() == value) }
        #expect(try reader.readString() == "café\u{0}")
        #expect(reader.isAtEnd)
    }

    @Test func aNumberWithASecondEncodingOrCutShortIsRefused() {
        for bytes: [UInt8] in [
            [0x80, 0x00], [0xff], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02], [],
        ] {
            var reader = BinaryReader(bytes)
            #expect(throws: BinaryReader.Malformed.self) { try reader.readUInt64() }
        }
        var reader = BinaryReader([5, 0x61])
        #expect(throws: BinaryReader.Malformed.self) { try reader.readString() }
    }

    @Test func aTableEncodesTheSameHoweverItWasBuilt() throws {
        var random = SplitMix(seed: 11)
        let events = (0..<2000).map { _ in
            (
                Int32.random(in: -3...40, using: &random), "k\(Int.random(in: 0..<90, using: &random))",
                Int.random(in: 0..<3, using: &random)
            )
        }
        func table(_ events: [(Int32, String, Int)]) -> RollupTable {
            let table = RollupTable(counterCount: 3)
            for (period, key, counter) in events {
                Array(key.utf8).withUnsafeBytes { table.add(period: period, key: $0, counter: counter) }
            }
            return table
        }
        var a = BinaryWriter()
        table(events).encode(into: &a)
        var b = BinaryWriter()
        let halves = table(Array(events.suffix(700)))
        halves.merge(table(Array(events.prefix(1300))))
        halves.encode(into: &b)
        #expect(a.bytes == b.bytes)
        var reader = BinaryReader(a.bytes)
        var again = BinaryWriter()
        try RollupTable.decode(from: &reader, counterCount: 3).encode(into: &again)
        #expect(reader.isAtEnd)
        #expect(again.bytes == a.bytes)
    }

    @Test func eachDaysEncodingIsThatOfATableOfItsRowsAlone() throws {
        var random = SplitMix(seed: 5)
        let whole = RollupTable(counterCount: 3)
        var byDay: [Int32: RollupTable] = [:]
        for _ in 0..<3000 {
            let hour = Period.hour(
                localHour: Int64.random(in: 490_000..<490_100, using: &random), offsetSeconds: -14_400)
            let key = Array("k\(Int.random(in: 0..<200, using: &random))\u{0}x".utf8)
            let counter = Int.random(in: 0..<3, using: &random)
            let day = Period.day(of: hour, .hour)
            let ofDay = byDay[day] ?? RollupTable(counterCount: 3)
            byDay[day] = ofDay
            for table in [whole, ofDay] {
                key.withUnsafeBytes { table.add(period: hour, key: $0, counter: counter) }
            }
        }
        let days = whole.encodedDays(by: .hour)
        #expect(days.count > 1)
        let merged = RollupTable(counterCount: 3)
        for (day, bytes) in days {
            var alone = BinaryWriter()
            try #require(byDay[day]).encode(into: &alone)
            #expect(bytes == alone.bytes, "day \(day)")
            var reader = BinaryReader(bytes)
            merged.merge(try RollupTable.decode(from: &reader, counterCount: 3))
        }
        var a = BinaryWriter()
        var b = BinaryWriter()
        whole.encode(into: &a)
        merged.encode(into: &b)
        #expect(a.bytes == b.bytes)
    }

    /// Keys are listed in order, each as the bytes it shares with the one before and the rest;
    /// a list any other way (a shared part too short, keys out of order or twice) is refused,
    /// and a list of whole keys, as tally wrote them before, is read when asked for.
    @Test func keysAreFrontCodedAndReadOnlyInTheirCanonicalForm() throws {
        let table = RollupTable(counterCount: 1)
        for key in ["cmp-1\u{0}a", "cmp-1\u{0}b", "cmp-2", "cmp-2\u{0}"] {
            Array(key.utf8).withUnsafeBytes { table.add(period: 0, key: $0, counter: 0) }
        }
        var encoded = BinaryWriter()
        table.encode(into: &encoded)
        // The keys: 0 shared, "cmp-1\0a"; 6 shared, "b"; 4 shared, "2"; 5 shared, "\0".
        let keys: [UInt8] =
            [4, 0, 7] + Array("cmp-1\u{0}a".utf8) + [6, 1] + Array("b".utf8) + [4, 1] + Array("2".utf8) + [5, 1, 0]
        #expect(Array(encoded.bytes.prefix(keys.count)) == keys)
        let rows = Array(encoded.bytes.dropFirst(keys.count))

        func decode(_ bytes: [UInt8], keys: RollupTable.KeyList = .frontCoded) throws(RollupTable.DecodingError)
            -> [UInt8]
        {
            var reader = BinaryReader(bytes)
            let table = try RollupTable.decode(from: &reader, counterCount: 1, keys: keys)
            var again = BinaryWriter()
            table.encode(into: &again)
            return again.bytes
        }
        #expect(try decode(encoded.bytes) == encoded.bytes)
        // The same keys whole, as version 1 listed them, give the same table.
        let whole: [UInt8] =
            [4, 7] + Array("cmp-1\u{0}a".utf8) + [7] + Array("cmp-1\u{0}b".utf8) + [5] + Array("cmp-2".utf8) + [6]
            + Array("cmp-2\u{0}".utf8)
        #expect(try decode(whole + rows, keys: .whole) == encoded.bytes)

        for (list, why) in [
            // "cmp-1\0b" sharing 5 bytes, not the 6 it shares.
            (
                [4, 0, 7] + Array("cmp-1\u{0}a".utf8) + [5, 2] + Array("\u{0}b".utf8) + [4, 1] + Array("2".utf8) + [
                    5, 1, 0,
                ], "keys out of order"
            ),
            // The second key before the first.
            (
                [4, 0, 7] + Array("cmp-1\u{0}b".utf8) + [6, 1] + Array("a".utf8) + [4, 1] + Array("2".utf8) + [
                    5, 1, 0,
                ], "keys out of order"
            ),
            // The third key twice ("cmp-2" again: all 5 bytes shared, nothing more).
            (
                [4, 0, 7] + Array("cmp-1\u{0}a".utf8) + [6, 1] + Array("b".utf8) + [4, 1] + Array("2".utf8) + [5, 0],
                "keys out of order"
            ),
        ] as [([UInt8], String)] {
            #expect(throws: RollupTable.DecodingError.notCanonical(why)) { try decode(list + rows) }
        }
        // A first key said to share bytes with none before it, or a key more than the one before has.
        #expect(throws: RollupTable.DecodingError.self) {
            try decode([4, 1, 7] + Array("cmp-1\u{0}a".utf8) + Array(encoded.bytes.dropFirst(10)))
        }
        #expect(throws: RollupTable.DecodingError.self) {
            try decode(
                [4, 0, 7] + Array("cmp-1\u{0}a".utf8) + [8, 1] + Array("b".utf8) + Array(encoded.bytes.dropFirst(13)))
        }
    }
}
