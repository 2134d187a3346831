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
}
