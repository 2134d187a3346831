#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// A bitmap of the bytes of one line where plain JSON string text stops: a quote, a backslash
/// or a control byte (below 0x20).
///
/// Most of a JSON log line is string text, so this is the scanner's inner loop, done once per
/// line at sixteen bytes a step: on x86-64 with SSE2 (part of every x86-64 CPU), elsewhere with
/// an exact bytewise-parallel (SWAR) version that gives the same bits. Finding where a string
/// ends is then a shift and a count of trailing zeros.
///
/// Invariant: after `index(_:count:)`, bit `i % 64` of `words[i / 64]` is set exactly when byte
/// `i` of the line is a stop, for `i < count`; bit `count` is set as a sentinel, so a reader
/// walking the bits always stops by the end; the bits after it are clear. After `use(_:count:)`
/// the words are a window's (`TextIndex`) and the same holds with every position shifted by
/// `origin`, where the line starts: positions given to and by readers are then counted from
/// the window's start.
final class StringStopFinder {
    private var storage: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var words: UnsafePointer<UInt64>
    /// The bit of the line's first byte.
    private(set) var origin = 0
    private var wordCount = 0
    /// The sentinel's bit: `origin` plus the line's length.
    private var count = 0
    /// Whether the line has a backslash or a control byte: if not, every stop is a quote.
    private(set) var hasEscapesOrControls = false

    init() {
        capacity = 64
        storage = .allocate(capacity: capacity)
        words = UnsafePointer(storage)
    }

    deinit {
        storage.deallocate()
    }

    /// Takes the stops of a plain line of `count` bytes from its window's index, which has
    /// them already (and no backslash or control byte among them).
    @inline(__always)
    func use(_ line: TextIndex.Line, count: Int) {
        words = line.stops
        origin = line.origin
        self.count = origin &+ count
        wordCount = self.count >> 6 &+ 1
        hasEscapesOrControls = false
    }

    /// Marks the stops of the `count` bytes at `base`.
    /// - Complexity: O(count), one pass.
    @inline(__always)
    func index(_ base: UnsafePointer<UInt8>, count: Int) {
        self.count = count
        origin = 0
        wordCount = count >> 6 + 1
        if wordCount > capacity { grow(to: wordCount) }
        words = UnsafePointer(storage)
        var i = 0
        var w = 0
        var others: UInt64 = 0
        while count - i >= 64 {
            let p = base + i
            let (q0, e0) = Self.stopsOf16(p)
            let (q1, e1) = Self.stopsOf16(p + 16)
            let (q2, e2) = Self.stopsOf16(p + 32)
            let (q3, e3) = Self.stopsOf16(p + 48)
            storage[w] = UInt64(q0 | e0) | UInt64(q1 | e1) << 16 | UInt64(q2 | e2) << 32 | UInt64(q3 | e3) << 48
            others |= UInt64(e0 | e1 | e2 | e3)
            i += 64
            w += 1
        }
        // The last 0 to 63 bytes.
        var quotes: UInt64 = 0
        var escapesOrControls: UInt64 = 0
        forEachTailBlock(base + i, count: count - i, lineStart: base) { block, at, dropped, valid in
            let (q, e) = Self.stopsOf16(block)
            quotes |= UInt64(q &>> dropped & valid) &<< UInt64(at)
            escapesOrControls |= UInt64(e &>> dropped & valid) &<< UInt64(at)
        }
        storage[w] = quotes | escapesOrControls | 1 &<< UInt64(count - i)
        hasEscapesOrControls = (others | escapesOrControls) != 0
    }

    /// The position of the first stop at or after `offset` (at most the sentinel's), or the
    /// sentinel's if there is none.
    @inline(__always)
    func first(atOrAfter offset: Int) -> Int {
        guard offset >> 6 < wordCount else { return count }
        // The sentinel at `count` ends the search.
        return firstSetBit(words, atOrAfter: offset)
    }

    /// A reader handing out the stops at or after `offset` (at most `count`) one by one.
    @inline(__always)
    func reader(from offset: Int) -> Reader {
        Reader(words: words, wordStart: offset & ~63, bits: words[offset >> 6] & (~0 &<< UInt64(offset & 63)))
    }

    /// Stops in order, ending with the sentinel at the line's end; ask for none after it.
    struct Reader {
        let words: UnsafePointer<UInt64>
        /// The position of bit 0 of the word `bits` is from: kept as a position, not a word's
        /// index, so that a stop's position is one addition.
        var wordStart: Int
        var bits: UInt64

        @inline(__always)
        mutating func next() -> Int {
            while bits == 0 {
                wordStart &+= 64
                bits = words[wordStart >> 6]
            }
            let offset = wordStart &+ bits.trailingZeroBitCount
            bits &= bits &- 1
            return offset
        }

        /// Passes the next stop without computing where it is: for a stop the caller already
        /// knows, such as a quote it has just seen in the line.
        @inline(__always)
        mutating func skip() {
            while bits == 0 {
                wordStart &+= 64
                bits = words[wordStart >> 6]
            }
            bits &= bits &- 1
        }
    }

    private func grow(to needed: Int) {
        storage.deallocate()
        capacity = max(needed, capacity * 2)
        storage = .allocate(capacity: capacity)
    }

    /// For the 16 bytes at `p`: bit `i` of `quotes` set if byte `i` is `"`, of `others` if it
    /// is a backslash or a control byte.
    @inline(__always)
    static func stopsOf16(_ p: UnsafePointer<UInt8>) -> (quotes: UInt32, others: UInt32) {
        #if arch(x86_64)
            let v = _mm_loadu_si128(UnsafeRawPointer(p).assumingMemoryBound(to: __m128i.self))
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x22))
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x5c))
            // v <= 0x1f (unsigned) exactly when max(v, 0x1f) == 0x1f.
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1f)), _mm_set1_epi8(0x1f))
            return (
                UInt32(truncatingIfNeeded: _mm_movemask_epi8(quote)),
                UInt32(truncatingIfNeeded: _mm_movemask_epi8(_mm_or_si128(backslash, control)))
            )
        #else
            return stopsOf16SWAR(p)
        #endif
    }

    /// The portable version of `stopsOf16`, exact in every bit (unlike the has-zero-byte test,
    /// whose bits above the lowest can be false alarms). Tested against the SSE2 one.
    static func stopsOf16SWAR(_ p: UnsafePointer<UInt8>) -> (quotes: UInt32, others: UInt32) {
        let raw = UnsafeRawPointer(p)
        let low = stopHighBits(raw.loadUnaligned(as: UInt64.self))
        let high = stopHighBits(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        return (
            UInt32(gatherHighBits(low.quotes)) | UInt32(gatherHighBits(high.quotes)) << 8,
            UInt32(gatherHighBits(low.others)) | UInt32(gatherHighBits(high.others)) << 8
        )
    }

    /// The high bit of each byte of `word` that is a quote, and of each that is a backslash or
    /// a control byte; no other bit.
    @inline(__always)
    private static func stopHighBits(_ word: UInt64) -> (quotes: UInt64, others: UInt64) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let lows: UInt64 = 0x7f7f_7f7f_7f7f_7f7f
        // A byte b is zero exactly when neither (b & 0x7f) + 0x7f nor b has its high bit set;
        // the sums stay within their bytes, so no carry crosses into a neighbour.
        func zeroBytes(_ x: UInt64) -> UInt64 { ~(((x & lows) &+ lows) | x | lows) }
        let quote = zeroBytes(word ^ (ones &* 0x22))
        let backslash = zeroBytes(word ^ (ones &* 0x5c))
        // b < 0x20 exactly when neither (b & 0x7f) + 0x60 nor b has its high bit set.
        let control = ~(((word & lows) &+ (ones &* 0x60)) | word | lows)
        return (quote, backslash | control)
    }

    /// Packs the high bit of each of the eight bytes into one byte, byte 0 into bit 0.
    @inline(__always)
    private static func gatherHighBits(_ highs: UInt64) -> UInt64 {
        ((highs >> 7) &* 0x0102_0408_1020_4080) >> 56
    }
}
