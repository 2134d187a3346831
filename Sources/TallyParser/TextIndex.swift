import CTallyKernels

/// Bitmaps of a window of decoded text, made in one pass for all the lines in it: where lines
/// may break, and where the parser must look (JSON string stops; CSV delimiters and quotes).
///
/// Indexing each line on its own costs a call, a partial block at the line's end and, before
/// that, a `memchr` to find the line; indexing a whole window of lines at once costs none of
/// these, and the same bits then serve both the line splitter and the parser.
///
/// The whole 64-byte blocks are classified by a C kernel (`CTallyKernels`), which uses AVX2 where
/// the CPU has it; the tail, by the SSE2 code the per-line scanners use.
///
/// Invariant: after `index(_:count:for:)` of `count` bytes, for every byte `i < count`, bit `i` of
/// `breaks` is set exactly when the byte
/// - for JSON, is a backslash or a control byte (below 0x20: so every newline and CR is one);
///   and bit `i` of `stops` exactly when it is one of those or a quote;
/// - for CSV or TSV, is a control byte other than the delimiter; and bit `i` of `delimiters`
///   and of `quotes` exactly when it is the delimiter, a quote.
/// Bit `count` of `breaks` and `stops` is set as a sentinel, and so every search of them ends
/// by it. The bitmaps have a word more than a full window needs, so that 64 bits read from any
/// bit of the window stay inside them; readers mask off what lies past the line they read.
///
/// A line of the window with no `breaks` bit before its newline (or the CR of its CRLF) is
/// *plain*: for JSON, its `stops` are its quotes, and its end is a stop; for CSV or TSV, it
/// has no NUL and no control byte but the delimiter. Such a line is handed to the parser with
/// its place in the bitmaps (`Line`), so that it needs no bitmap of its own.
public final class TextIndex {
    /// What the text is.
    public enum Classes: Sendable, Equatable {
        case json
        /// CSV or TSV, with this delimiter (a comma or a tab).
        case delimited(UInt8)
    }

    /// A plain line's place in its window's bitmaps: bit `origin` is the line's first byte.
    /// For JSON, bit `origin + count` of `stops` (its newline or CR, `count` being the line's
    /// length) is set.
    public struct Line {
        let stops: UnsafePointer<UInt64>
        let delimiters: UnsafePointer<UInt64>
        let quotes: UnsafePointer<UInt64>
        let origin: Int
    }

    /// How many bytes a window holds at most.
    public let capacity: Int
    private let stopWords: UnsafeMutablePointer<UInt64>
    private let breakWords: UnsafeMutablePointer<UInt64>
    private let delimiterWords: UnsafeMutablePointer<UInt64>
    private let quoteWords: UnsafeMutablePointer<UInt64>

    public init(capacity: Int = 1 << 16) {
        precondition(capacity > 0)
        self.capacity = capacity
        let words = capacity >> 6 + 2
        func allocate() -> UnsafeMutablePointer<UInt64> {
            let pointer = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
            pointer.initialize(repeating: 0, count: words)
            return pointer
        }
        stopWords = allocate()
        breakWords = allocate()
        delimiterWords = allocate()
        quoteWords = allocate()
    }

    deinit {
        stopWords.deallocate()
        breakWords.deallocate()
        delimiterWords.deallocate()
        quoteWords.deallocate()
    }

    /// Indexes the `count` (at most `capacity`) bytes at `base`.
    /// - Complexity: O(count), one pass at 64 bytes a step (32 at a time with AVX2).
    func index(_ base: UnsafePointer<UInt8>, count: Int, for classes: Classes) {
        precondition(count <= capacity)
        let blocks = count >> 6
        let tail = base + blocks << 6
        let sentinel: UInt64 = 1 &<< UInt64(count & 63)
        // The last 0 to 63 bytes go through forEachTailBlock, which reads nothing outside them.
        switch classes {
        case .json:
            tally_index_json_blocks(base, blocks, stopWords, breakWords)
            var quotes: UInt64 = 0
            var others: UInt64 = 0
            forEachTailBlock(tail, count: count & 63, lineStart: base) { block, at, dropped, valid in
                let (q, e) = StringStopFinder.stopsOf16(block)
                quotes |= UInt64(q &>> dropped & valid) &<< UInt64(at)
                others |= UInt64(e &>> dropped & valid) &<< UInt64(at)
            }
            breakWords[blocks] = others | sentinel
            stopWords[blocks] = others | quotes | sentinel
        case .delimited(let delimiter):
            tally_index_delimited_blocks(base, blocks, delimiter, delimiterWords, quoteWords, breakWords)
            var masks: (UInt64, UInt64, UInt64) = (0, 0, 0)
            forEachTailBlock(tail, count: count & 63, lineStart: base) { block, at, dropped, valid in
                let classes = tally_classify_delimited16(block, delimiter)
                masks.0 |= UInt64(classes.delimiters &>> dropped & valid) &<< UInt64(at)
                masks.1 |= UInt64(classes.quotes &>> dropped & valid) &<< UInt64(at)
                masks.2 |= UInt64(classes.breaks &>> dropped & valid) &<< UInt64(at)
            }
            delimiterWords[blocks] = masks.0
            quoteWords[blocks] = masks.1
            breakWords[blocks] = masks.2 | sentinel
        }
    }

    /// The first `breaks` bit at or after `offset` (at most the window's length): the window's
    /// length, where the sentinel is, if there is none.
    @inline(__always)
    func nextBreak(atOrAfter offset: Int) -> Int {
        firstSetBit(breakWords, atOrAfter: offset)
    }

    /// The place of the plain line that starts at `offset`.
    @inline(__always)
    func line(at offset: Int) -> Line {
        Line(stops: stopWords, delimiters: delimiterWords, quotes: quoteWords, origin: offset)
    }
}

extension TextIndex.Line {
    /// Bits `at ..< at + count` (count 1...64, `at` counted from the window's start, like
    /// `origin`) of `words`, as one word.
    @inline(__always)
    static func bits(_ words: UnsafePointer<UInt64>, from at: Int, count: Int) -> UInt64 {
        let w = at >> 6
        let shift = UInt64(at & 63)
        // The word after is always there (see TextIndex); a shift by 64 would be 0, so it is split.
        let word = words[w] >> shift | (words[w &+ 1] << (63 &- shift)) << 1
        return count >= 64 ? word : word & (1 &<< UInt64(count) &- 1)
    }
}
