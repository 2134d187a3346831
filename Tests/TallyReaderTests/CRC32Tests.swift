import CTallyKernels
import CTallyZlib
import TallyTestSupport
import Testing

@testable import TallyReader

/// tally's CRC-32 (carry-less multiply where the CPU has it, slice-by-8 otherwise) against
/// zlib's: the gzip trailer check depends on them agreeing on every length, alignment and split.
@Suite struct CRC32Tests {
    static func zlibCRC(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(crc32(UInt(crc), bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), UInt32(bytes.count)))
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }
}

extension CRC32Tests {
    @Test func everyShortLengthAtEveryAlignment() {
        let bytes = Self.randomBytes(1024 + 64, seed: 1)
        bytes.withUnsafeBytes { raw in
            for alignment in 0..<64 {
                for length in 0...1024 {
                    let slice = UnsafeRawBufferPointer(rebasing: raw[alignment..<(alignment + length)])
                    let expected = Self.zlibCRC(0, slice)
                    #expect(tally_crc32(0, slice.baseAddress, length) == expected, "length \(length) at \(alignment)")
                    #expect(
                        tally_crc32_portable(0, slice.baseAddress, length) == expected,
                        "portable, \(length) at \(alignment)")
                }
            }
        }
    }

    @Test func randomLengthsAndSplitsContinueTheSameCRC() {
        let bytes = Self.randomBytes(1 << 20, seed: 2)
        var random = SplitMix(seed: 3)
        bytes.withUnsafeBytes { raw in
            for _ in 0..<300 {
                let start = Int(random.next() % 4096)
                let length = Int(random.next() % UInt64(raw.count - start))
                let whole = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                let initial = UInt32(truncatingIfNeeded: random.next())
                let expected = Self.zlibCRC(initial, whole)
                #expect(tally_crc32(initial, whole.baseAddress, length) == expected, "\(length) at \(start)")
                // Three pieces, as a member's output arrives over several reads.
                let cuts = [Int(random.next() % UInt64(length + 1)), Int(random.next() % UInt64(length + 1))].sorted()
                var crc = initial
                for (from, to) in [(0, cuts[0]), (cuts[0], cuts[1]), (cuts[1], length)] {
                    crc = tally_crc32(crc, whole.baseAddress.map { $0 + from }, to - from)
                }
                #expect(crc == expected, "\(length) at \(start) cut at \(cuts)")
            }
        }
    }

    /// Each inflater's CRC-32 (with ISA-L, ISA-L's own) is zlib's.
    @Test(arguments: inflaters)
    func everyInflatersCRCIsZlibs(inflater: Inflater) {
        let raw = inflater.makeRawInflater()
        let bytes = Self.randomBytes(1 << 18, seed: 4)
        var random = SplitMix(seed: 5)
        bytes.withUnsafeBytes { all in
            for _ in 0..<200 {
                let start = Int(random.next() % 1024)
                let length = Int(random.next() % UInt64(all.count - start))
                let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                let initial = UInt32(truncatingIfNeeded: random.next())
                #expect(
                    raw.crc32(initial, slice.baseAddress, length) == Self.zlibCRC(initial, slice),
                    "\(inflater) \(length)")
            }
        }
        #expect(raw.crc32(7, nil, 0) == 7)
    }

    @Test func nothingLeavesTheCRCAsItWas() {
        #expect(tally_crc32(0xdead_beef, nil, 0) == 0xdead_beef)
        #expect(tally_crc32(0, nil, 0) == 0)
    }
}
