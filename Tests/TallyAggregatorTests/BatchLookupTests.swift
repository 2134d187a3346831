import TallyTestSupport
import Testing

@testable import TallyAggregator

/// The batched lookups of a merge and the radix sort of the rows must give exactly what the
/// plain ones give: they only change when memory is read.
@Suite struct BatchLookupTests {
    /// Strings with repeats, an empty one, and lengths on both sides of 8, 16 and 24 bytes.
    static func strings(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in
            let pick = generator.next() % 700
            if pick == 0 { return [] }
            let length = Int(pick % 40)
            return Array("k\(pick)-".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: length)
        }
    }

    @Test(arguments: [1, 7, 64, 1000])
    func internInBatchesGivesTheIdsOfInterningOneByOne(batch: Int) {
        let values = Self.strings(count: 5000, seed: UInt64(batch))
        let single = ByteInterner(capacity: 4)
        let expected = values.map { value in value.withUnsafeBytes { single.intern($0) } }
        let batched = ByteInterner(capacity: 4)
        var ids: [UInt32] = []
        for start in stride(from: 0, to: values.count, by: batch) {
            let chunk = values[start..<min(start + batch, values.count)]
            // Pointers into arrays that live to the end of the call.
            let buffers = chunk.map { value in
                let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: value.count, alignment: 1)
                copy.copyBytes(from: value)
                return UnsafeRawBufferPointer(copy)
            }
            defer { for buffer in buffers { buffer.deallocate() } }
            var out = [UInt32](repeating: .max, count: chunk.count)
            buffers.withUnsafeBufferPointer { buffers in
                out.withUnsafeMutableBufferPointer { batched.intern(buffers, into: $0) }
            }
            ids += out
        }
        #expect(ids == expected)
        #expect(batched.count == single.count)
        for id in 0..<UInt32(single.count) {
            #expect(batched.withBytes(of: id, Array.init) == single.withBytes(of: id, Array.init))
        }
    }

    @Test func rowsInBatchesAreTheRowsOfOneByOne() {
        var generator = SplitMix(seed: 9)
        let keys = (0..<20_000).map { _ in
            RollupTable.pack(period: Int32(generator.next() % 50) - 25, keyID: UInt32(generator.next() % 900))
        }
        let single = RollupTable(counterCount: 2)
        let expected = keys.map { single.row(for: $0) }
        let batched = RollupTable(counterCount: 2)
        var rows: [Int] = []
        for start in stride(from: 0, to: keys.count, by: 64) {
            let chunk = Array(keys[start..<min(start + 64, keys.count)])
            var out = [Int](repeating: -1, count: chunk.count)
            chunk.withUnsafeBufferPointer { chunk in
                out.withUnsafeMutableBufferPointer { batched.rows(for: chunk, into: $0) }
            }
            rows += out
        }
        #expect(rows == expected)
    }

    /// Growing rehashes every row into a table twice the size, a batch of slots at a time: no
    /// row may be lost (a later lookup would add it again) or land where a lookup cannot find it.
    @Test(arguments: [1, 63, 64, 65, 1000, 5001, 40_000])
    func aTableThatGrowsFindsEveryRow(rowCount: Int) {
        let table = RollupTable(counterCount: 1)
        let keys = (0..<rowCount).map { RollupTable.pack(period: Int32($0 % 24), keyID: UInt32($0 / 24)) }
        let rows = keys.map { table.row(for: $0) }
        #expect(rows == Array(0..<rowCount))
        #expect(keys.map { table.row(for: $0) } == rows)
        #expect(table.rowKeys.count == rowCount)
    }

    @Test(arguments: [0, 1, 2, 1000, 100_000])
    func radixSortOrdersAsASortDoesAndIsStable(count: Int) {
        var generator = SplitMix(seed: UInt64(count))
        // Keys as a day file's rows have them (a few periods, either sign, and ranks), and
        // keys random in every byte; repeats to show stability.
        for shape in 0..<3 {
            let keys: [UInt64] = (0..<count).map { _ in
                switch shape {
                case 0:
                    let period = UInt64(UInt32(bitPattern: Int32(generator.next() % 48) - 24) ^ 0x8000_0000)
                    return period << 32 | generator.next() % 300_000
                case 1: return generator.next()
                default: return generator.next() % 5
                }
            }
            var sortedKeys = keys
            var values = (0..<UInt32(count)).map { $0 }
            RadixSort.sort(keys: &sortedKeys, values: &values)
            let expected = keys.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
            #expect(sortedKeys == expected.map(\.element))
            #expect(values == expected.map { UInt32($0.offset) })
        }
    }

    @Test func keysAreRankedBytewise() {
        // Keys alike in their first 8, 16 or 24 bytes and apart after, NULs and 0xff bytes,
        // prefixes of each other, the empty key: the radix sort of the first 24 bytes and the
        // comparison of the rest must together give the bytewise order.
        var generator = SplitMix(seed: 24)
        let stems: [[UInt8]] = [[], Array("cmp-00001".utf8) + [0], Array(repeating: 0xff, count: 24), [0, 0, 0]]
        var keys: Set<[UInt8]> = []
        while keys.count < 3000 {
            let stem = stems[Int(generator.next() % UInt64(stems.count))]
            let tail: [UInt8] = (0..<Int(generator.next() % 30)).map { _ in
                [0, 1, 0x7f, 0xff][Int(generator.next() % 4)]
            }
            keys.insert(Array((stem + tail).prefix(Int(generator.next() % 40))))
        }
        let table = RollupTable(counterCount: 1)
        for key in keys { key.withUnsafeBytes { table.add(period: 7, key: $0, counter: 0, amount: 1) } }
        var seen: [[UInt8]] = []
        for (_, rows) in table.rowsInOrder() { table.forEachRow(rows) { _, key, _ in seen.append(Array(key)) } }
        #expect(seen == keys.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
