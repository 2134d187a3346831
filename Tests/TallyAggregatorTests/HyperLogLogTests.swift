import Foundation
import TallyBytes
import TallyTestSupport
import Testing

@testable import TallyAggregator

@Suite struct HyperLogLogTests {
    /// A sketch of `count` distinct values, the texts "u<random>-<i>" for i in 0..<count (the
    /// digits of i backwards, which are as distinct), as `--uniques` would see user ids.
    static func sketch(count: Int, seed: UInt64, from first: Int = 0) -> HyperLogLog {
        var random = SplitMix(seed: seed)
        var bytes = Array("u\(random.next())-".utf8)
        let prefix = bytes.count
        var sketch = HyperLogLog()
        for i in first..<first + count {
            bytes.removeLast(bytes.count - prefix)
            var rest = i
            repeat {
                bytes.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            } while rest > 0
            bytes.withUnsafeBytes { sketch.add($0) }
        }
        return sketch
    }

    /// The hash that sets register `index` to `rank` (1...51).
    static func hash(index: Int, rank: Int) -> UInt64 {
        UInt64(index) << 50 | (rank <= 50 ? 1 << (50 - UInt64(rank)) : 0)
    }

    /// A sketch whose `count` lowest-numbered registers of every `stride`-th are set, with ranks
    /// 1...51 in turn.
    static func sketch(registers count: Int, stride: Int = 1) -> HyperLogLog {
        var sketch = HyperLogLog()
        for i in 0..<count { sketch.add(hash: hash(index: i * stride, rank: i % 51 + 1)) }
        return sketch
    }

    static func encoded(_ sketch: HyperLogLog) -> [UInt8] {
        var writer = BinaryWriter()
        sketch.encode(into: &writer)
        return writer.bytes
    }

    static func decoded(_ bytes: [UInt8]) throws(HyperLogLog.DecodingError) -> HyperLogLog {
        var reader = BinaryReader(bytes)
        let sketch = try HyperLogLog.decode(from: &reader)
        guard reader.isAtEnd else { throw .notCanonical("bytes left over") }
        return sketch
    }

    /// Random hashes, as a stream of values for the merge tests.
    static func hashes(_ count: Int, seed: UInt64) -> [UInt64] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in random.next() }
    }

    static func sketch(of hashes: some Sequence<UInt64>) -> HyperLogLog {
        var sketch = HyperLogLog()
        for hash in hashes { sketch.add(hash: hash) }
        return sketch
    }

    /// Whether `sketch` holds its sparse form in memory, that is its dense registers are empty:
    /// read by reflection, since the product never asks. Nil if no `dense` array is found, which
    /// fails every test that compares it with a Bool.
    static func isSparse(_ sketch: HyperLogLog) -> Bool? {
        (Mirror(reflecting: sketch).descendant("dense") as? [UInt8]).map(\.isEmpty)
    }
}

// MARK: - Accuracy

extension HyperLogLogTests {
    @Test func anEmptySketchCountsNothing() {
        let sketch = HyperLogLog()
        #expect(sketch.nonZeroCount == 0)
        #expect(sketch.estimate == 0)
        #expect(Self.sketch(count: 1, seed: 1).nonZeroCount == 1)
    }

    /// Up to 100 values nearly every register is empty, and the estimate is linear counting's,
    /// m ln(m / (m - k)) for k registers set: within 1 of the truth, but for the values that
    /// fell in a register already set, a loss no estimator can undo (at 100 values, two or more
    /// such in 3% of sketches).
    @Test(arguments: [1, 2, 10, 37, 100])
    func fewValuesAreCountedWithinOne(count: Int) {
        var withinOne = 0
        for seed: UInt64 in 1...20 {
            let sketch = Self.sketch(count: count, seed: seed)
            let m = Double(HyperLogLog.registerCount)
            let k = Double(sketch.nonZeroCount)
            let linearCounting = m * log(m / (m - k))
            let estimate = sketch.estimate
            #expect(abs(Double(estimate) - linearCounting) <= 0.5, "\(estimate) for \(k) registers, seed \(seed)")
            let lost = count - sketch.nonZeroCount
            #expect(estimate <= count + 1 && estimate >= count - 1 - lost, "\(estimate) for \(count), seed \(seed)")
            if abs(estimate - count) <= 1 { withinOne += 1 }
        }
        #expect(withinOne >= 18, "\(withinOne) of 20 within 1 of \(count)")
    }

    /// The standard error is 1.04 / sqrt(16384) = 0.81%: over the seeds the errors' RMS must
    /// stay under 1.2% and each under 4% (5 standard errors). Fewer seeds where a sketch costs
    /// more (a million values take about a second in a debug build).
    @Test(arguments: [(1_000, 24), (10_000, 24), (100_000, 8), (1_000_000, 3)])
    func manyValuesAreCountedWithinOnePercent(count: Int, seeds: Int) async {
        let errors = await withTaskGroup(of: Double.self) { group in
            for seed in 0..<seeds {
                group.addTask {
                    let estimate = Self.sketch(count: count, seed: UInt64(count + seed)).estimate
                    return Double(estimate - count) / Double(count)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let rms = (errors.map { $0 * $0 }.reduce(0, +) / Double(errors.count)).squareRoot()
        #expect(rms <= 0.012, "RMS \(rms) over \(seeds) seeds at \(count)")
        for error in errors { #expect(abs(error) <= 0.04, "\(error) at \(count)") }
    }

    @Test func aSaturatedSketchEstimatesIntMax() {
        var sketch = HyperLogLog()
        for index in 0..<HyperLogLog.registerCount { sketch.add(hash: Self.hash(index: index, rank: 51)) }
        #expect(sketch.estimate == Int.max)
    }

    @Test func theRankIsOnePlusTheLeadingZerosAfterTheIndex() {
        var sketch = HyperLogLog()
        sketch.add(hash: 0x0000_0000_0000_0001)  // index 0, 49 zeros then 1: rank 50
        sketch.add(hash: 0xffff_ffff_ffff_ffff)  // index 16383, rank 1
        sketch.add(hash: 0x0004_0000_0000_0000)  // index 1, nothing after: rank 51
        sketch.add(hash: 0x0006_0000_0000_0000)  // index 1 again, rank 1: the larger stays
        let registers = sketch.registers
        #expect(registers[0] == 50)
        #expect(registers[1] == 51)
        #expect(registers[16_383] == 1)
        #expect(sketch.nonZeroCount == 3)
    }
}

// MARK: - Merging

extension HyperLogLogTests {
    /// Every pair of forms: sparse with sparse (staying sparse or not), sparse with dense, dense
    /// with dense; streams that overlap.
    @Test(arguments: [(50, 30), (3_000, 2_000), (50, 20_000), (20_000, 3_000), (30_000, 40_000)])
    func aMergeIsTheSketchOfBothStreams(first: Int, second: Int) {
        let a = Self.hashes(first, seed: 1)
        let b = Self.hashes(second, seed: 2) + a.prefix(first / 3)
        let union = Self.sketch(of: a + b)
        var ab = Self.sketch(of: a)
        ab.merge(Self.sketch(of: b))
        var ba = Self.sketch(of: b)
        ba.merge(Self.sketch(of: a))
        #expect(ab.registers == union.registers)
        #expect(ab == union)
        #expect(ba == union)
        #expect(Self.isSparse(ab) == (union.nonZeroCount <= HyperLogLog.sparseLimit))
        var twice = ab
        twice.merge(ab)
        #expect(twice == ab)
        var withEmpty = ab
        withEmpty.merge(HyperLogLog())
        #expect(withEmpty == ab)
        var intoEmpty = HyperLogLog()
        intoEmpty.merge(ab)
        #expect(intoEmpty == ab)
    }

    @Test func mergingIsAssociative() {
        let parts = [Self.hashes(100, seed: 3), Self.hashes(3_900, seed: 4), Self.hashes(9_000, seed: 5)]
        let sketches = parts.map { Self.sketch(of: $0) }
        var left = sketches[0]
        left.merge(sketches[1])
        left.merge(sketches[2])
        var right = sketches[1]
        right.merge(sketches[2])
        var rightFirst = sketches[0]
        rightFirst.merge(right)
        #expect(left == rightFirst)
        #expect(left == Self.sketch(of: parts.joined()))
    }
}

// MARK: - Encoding

extension HyperLogLogTests {
    @Test(arguments: [0, 1, 10, 100, 4_095, 4_096, 6_079, 6_080, 16_384])
    func anEncodingComesBackAsTheSameSketch(registers: Int) throws {
        for sketch in [Self.sketch(registers: registers), Self.sketch(count: registers * 3, seed: 9)] {
            let bytes = Self.encoded(sketch)
            let decoded = try Self.decoded(bytes)
            #expect(decoded == sketch)
            #expect(decoded.registers == sketch.registers)
            #expect(Self.encoded(decoded) == bytes)
        }
    }

    /// In memory a sketch turns dense after 4095 registers; its encoding after 6079.
    @Test func theFormsChangeAtTheirThresholds() throws {
        #expect(Self.isSparse(Self.sketch(registers: HyperLogLog.sparseLimit)) == true)
        #expect(Self.isSparse(Self.sketch(registers: HyperLogLog.sparseLimit + 1)) == false)
        #expect(HyperLogLog.sparseLimit == 4_095)
        #expect(HyperLogLog.sparseEncodingLimit == 6_079)
        // The registers far apart, so that the sparse form is at its longest.
        for stride in [1, 2] {
            let sparse = Self.encoded(Self.sketch(registers: 6_079, stride: stride))
            let dense = Self.encoded(Self.sketch(registers: 6_080, stride: stride))
            #expect(sparse.first == 0)
            #expect(dense.first == 1)
            #expect(dense.count == 1 + 12_288)
            #expect(sparse.count < dense.count)
        }
        // The longest sparse encoding of 6079 registers: as many differences of 128 (2 bytes)
        // as fit in 16384 with the rest at 1, 81 of them.
        var longest = HyperLogLog()
        var index = 127
        for i in 0..<6_079 {
            longest.add(hash: Self.hash(index: index, rank: 1))
            index += i < 80 ? 128 : 1
        }
        #expect(index <= 16_384)
        let bytes = Self.encoded(longest)
        #expect(bytes.first == 0)
        #expect(bytes.count == 3 + 81 * 2 + (6_079 - 81) + 6_079)
        #expect(bytes.count <= 1 + 12_288)
    }

    @Test func aFewValuesCostTensOfBytes() {
        let sketch = Self.sketch(count: 10, seed: 4)
        #expect(Self.isSparse(sketch) == true)
        #expect(Self.encoded(sketch).count <= 40)
        #expect(Self.encoded(HyperLogLog()) == [0, 0])
    }

    /// However the registers came about (order, merges, a dense sketch written sparse), their
    /// bytes are the same.
    @Test(arguments: [10, 2_000, 5_000, 50_000])
    func equalRegistersAreEqualBytes(count: Int) {
        let hashes = Self.hashes(count, seed: 12)
        let forward = Self.sketch(of: hashes)
        let backward = Self.sketch(of: hashes.reversed())
        var merged = Self.sketch(of: hashes.suffix(count / 3))
        merged.merge(Self.sketch(of: hashes.prefix(count - count / 3)))
        var twice = Self.sketch(of: hashes + hashes)
        twice.merge(forward)
        let bytes = Self.encoded(forward)
        #expect(Self.encoded(backward) == bytes)
        #expect(Self.encoded(merged) == bytes)
        #expect(Self.encoded(twice) == bytes)
    }

    @Test func everyTruncationIsRefused() {
        let sketches = [
            HyperLogLog(), Self.sketch(count: 10, seed: 1), Self.sketch(registers: 300, stride: 50),
            Self.sketch(registers: 7_000),
        ]
        for sketch in sketches {
            let bytes = Self.encoded(sketch)
            for count in 0..<bytes.count {
                #expect(throws: HyperLogLog.DecodingError.self, "\(count) of \(bytes.count) bytes") {
                    var reader = BinaryReader(Array(bytes.prefix(count)))
                    _ = try HyperLogLog.decode(from: &reader)
                }
            }
        }
    }

    /// Dense encodings with these registers (6-bit packed).
    static func dense(_ registers: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [1]
        for group in 0..<registers.count / 4 {
            let value = (0..<4).reduce(UInt32(0)) { $0 | UInt32(registers[4 * group + $1]) << (6 * UInt32($1)) }
            bytes += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16)]
        }
        return bytes
    }

    @Test func theDensePackingIsSixBitsLeastSignificantFirst() throws {
        var registers = [UInt8](repeating: 1, count: HyperLogLog.registerCount)
        registers[0] = 51
        registers[1] = 2
        registers[3] = 0
        registers[16_383] = 33
        let bytes = Self.dense(registers)
        #expect(Array(bytes.prefix(4)) == [1, 0xb3, 0x10, 0x00])  // 51 | 2 << 6 | 1 << 12 | 0 << 18
        #expect(try Self.decoded(bytes).registers == registers)
        #expect(Self.encoded(try Self.decoded(bytes)) == bytes)
    }

    /// Bytes `decode` must refuse, shown in test output by `why` alone.
    struct Refused: CustomTestStringConvertible, Sendable {
        let bytes: [UInt8]
        let why: String
        var testDescription: String { why }
    }

    static let refusals: [Refused] =
        ([
            ([2], "a tag other than 0 and 1"),
            ([0x80, 0x00], "a padded tag"),
            ([0, 1, 0, 1], "a difference of 0 for the first register"),
            ([0, 2, 1, 5, 0, 5], "a register repeated"),
            ([0, 2, 5, 5, 0x80, 0x80, 0x01, 5], "an index past 16383"),
            ([0, 1, 0x81, 0x80, 0x01, 5], "the first index at 16384"),
            ([0, 1, 1, 0], "a rank of 0"),
            ([0, 1, 1, 52], "a rank of 52"),
            ([0, 1, 1, 0x85, 0x00], "a padded rank"),
            ([0, 1, 0x81, 0x00, 5], "a padded difference"),
            ([0, 0x81, 0x00], "a padded count"),
            ([0, 2, 1, 5], "fewer registers than counted"),
            ([0, 0xc0, 0x2f] + [UInt8](repeating: 1, count: 2 * 6_080), "6080 registers written sparse"),
            ([1] + [UInt8](repeating: 0, count: 12_288), "an empty sketch written dense"),
            (dense((0..<16_384).map { $0 < 6_079 ? 1 : 0 }), "6079 registers written dense"),
            (dense((0..<16_384).map { $0 == 9 ? 52 : 1 }), "a dense rank of 52"),
            (dense((0..<16_384).map { $0 == 9 ? 63 : 1 }), "a dense rank of 63"),
            ([1] + [UInt8](repeating: 0x41, count: 12_287), "a dense form cut short"),
        ] as [([UInt8], String)]).map { Refused(bytes: $0.0, why: $0.1) }

    @Test(arguments: refusals)
    func aNonCanonicalEncodingIsRefused(_ refused: Refused) {
        #expect(throws: HyperLogLog.DecodingError.self, "\(refused.why)") {
            var reader = BinaryReader(refused.bytes)
            _ = try HyperLogLog.decode(from: &reader)
        }
    }

    /// What those refusals are measured against: the same shapes, written canonically.
    @Test func theirCanonicalNeighboursAreAccepted() throws {
        #expect(try Self.decoded([0, 1, 0x80, 0x80, 0x01, 51]).registers[16_383] == 51)
        #expect(try Self.decoded([0, 2, 1, 5, 1, 5]).nonZeroCount == 2)
        #expect(try Self.decoded(Self.dense((0..<16_384).map { $0 < 6_080 ? 51 : 0 })).nonZeroCount == 6_080)
        let error = #expect(throws: HyperLogLog.DecodingError.self) { try Self.decoded([0, 1, 1, 52]) }
        #expect(error == .notCanonical("a rank of 52 at byte 3, not 1...51"))
    }
}
