import CTallyKernels

/// A bitmap of the bytes of one line where plain JSON string text stops: a quote, a backslash
/// or a control byte (below 0x20).
///
/// Most of a JSON log line is string text, so this is the scanner's inner loop, done once per
/// line at sixteen bytes a step with the byte classes of `CTallyKernels` (SSE2 on x86-64).
/// Finding where a string ends is then a shift and a count of trailing zeros.
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
    /// is a backslash or a control byte (tally's one definition, `tally_classify_json16`).
    @inline(__always)
    static func stopsOf16(_ p: UnsafePointer<UInt8>) -> (quotes: UInt32, others: UInt32) {
        let classes = tally_classify_json16(p)
        return (classes.quotes, classes.others)
    }
}
