// Helpers shared by the byte bitmaps of the parser (StringStopFinder, TextIndex,
// DelimitedRowScanner): making them from a line's last bytes, and searching them.

/// Hands out the last `count` (0...63) bytes of a line, at `p`, as 16-byte blocks for SIMD
/// classifying, without reading outside the line, which starts at `lineStart`.
///
/// Whole blocks come first. The rest is read as the 16 bytes that end the line, whose first
/// `dropped` bytes belong to the block before; only a line shorter than 16 bytes is copied, into
/// a zero-padded block. For each block, `body(block, at, dropped, valid)`: shifting a block's
/// mask right by `dropped` and masking it with `valid` gives the bits of tail bytes `at...`.
@inline(__always)
func forEachTailBlock(
    _ p: UnsafePointer<UInt8>, count: Int, lineStart: UnsafePointer<UInt8>,
    _ body: (_ block: UnsafePointer<UInt8>, _ at: Int, _ dropped: UInt32, _ valid: UInt32) -> Void
) {
    var j = 0
    while count - j >= 16 {
        body(p + j, j, 0, 0xffff)
        j += 16
    }
    let left = count - j
    guard left > 0 else { return }
    let end = p + count
    if end - lineStart >= 16 {
        body(end - 16, j, UInt32(16 - left), 0xffff)
    } else {
        var block: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &block) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: p + j, count: left))
            body(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), j, 0, 1 &<< UInt32(left) &- 1)
        }
    }
}

/// The position of the first set bit at or after bit `offset` of the bitmap `words` (bit `i` is
/// bit `i % 64` of `words[i / 64]`). There must be one: the bitmaps searched this way end with
/// a sentinel bit.
@inline(__always)
func firstSetBit(_ words: UnsafePointer<UInt64>, atOrAfter offset: Int) -> Int {
    var w = offset >> 6
    var bits = words[w] & (~0 &<< UInt64(offset & 63))
    while bits == 0 {
        w &+= 1
        bits = words[w]
    }
    return w &<< 6 | bits.trailingZeroBitCount
}
