import Testing

@testable import TallyAggregator

@Suite struct ReallocArrayTests {
    /// Past many growths, the last ones of blocks large enough to be mapped on their own (and so
    /// moved by `mremap`, not copied), every element is where it was put.
    @Test func keepsEveryElementAcrossGrowths() {
        let array = ReallocArray<UInt64>()
        let n = 5_000_000  // 40 MB: above glibc's largest mmap threshold
        for i in 0..<n { array.append(UInt64(i) &* 0x9E37_79B9_7F4A_7C15) }
        #expect(array.count == n)
        #expect(array.capacity >= n)
        var wrong = 0
        for i in 0..<n where array[i] != UInt64(i) &* 0x9E37_79B9_7F4A_7C15 { wrong += 1 }
        #expect(wrong == 0)
        array.withUnsafeBufferPointer { buffer in
            #expect(buffer.count == n)
            #expect(buffer.last == UInt64(n - 1) &* 0x9E37_79B9_7F4A_7C15)
        }
    }

    /// Zeros appended after a growth are zeros, whatever the new room held before.
    @Test func appendedZerosAreZeroAfterGrowth() {
        let array = ReallocArray<UInt64>()
        for round in 0..<2000 {
            array.append(UInt64.max)
            array.appendZeros(round % 5)
        }
        var expected: [UInt64] = []
        for round in 0..<2000 { expected += [UInt64.max] + Array(repeating: 0, count: round % 5) }
        #expect(Array(array) == expected)
    }

    @Test func bytesAppendedAcrossGrowthsReadBack() {
        let array = ReallocArray<UInt8>()
        var expected: [UInt8] = []
        for length in 0..<600 {
            let piece = (0..<length).map { UInt8(truncatingIfNeeded: $0 &+ length) }
            piece.withUnsafeBytes { array.append(contentsOf: $0) }
            expected += piece
        }
        array.withUnsafeBytes { #expect(Array($0) == expected) }
    }

    @Test func emptyAndReservedArraysHoldNothing() {
        let array = ReallocArray<UInt32>()
        array.withUnsafeBufferPointer { #expect($0.isEmpty) }
        array.reserveCapacity(1000)
        #expect(array.isEmpty && array.capacity == 1000)
        array.append(7)
        array[0] += 1
        #expect(Array(array) == [8])
        array.reserveCapacity(10)  // never shrinks
        #expect(array.capacity == 1000 && Array(array) == [8])
    }
}
