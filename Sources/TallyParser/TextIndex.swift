import CTallyKernels

/// Bitmaps of a window of decoded text, made in one pass for all the lines in it: where lines
/// may break, and where JSON string text stops.
///
/// Indexing each line on its own costs a call, a partial block at the line's end and, before
/// that, a `memchr` to find the line; indexing a whole window of lines at once costs none of
/// these, and the same bits then serve both the line splitter and the parser.
///
/// The whole 64-byte blocks are classified by a C kernel (`CTallyKernels`), which uses AVX2 where
/// the CPU has it; the tail, by the same SSE2 code as `StringStopFinder`.
///
/// Invariant: after `index(_:count:)`, for every byte `i < count` of the window, bit `i` of
/// `breaks` is set exactly when the byte is a backslash or a control byte (below 0x20: so
/// every newline and CR is one), and bit `i` of `stops` exactly when it is one of those or a
/// quote. Bit `count` of both is set as a sentinel; all bits after it are clear.
///
/// A line of the window with no `breaks` bit before its newline (or the CR of its CRLF) is
/// *plain*: its `stops` are its quotes, and its end is a stop. Such a line is handed to the
/// parser with its place in the bitmaps (`Line`), so that it needs no bitmap of its own.
public final class TextIndex {
    /// The text the index is for. Only JSON Lines have an index for now; lines of other
    /// formats are split and scanned one at a time.
    public enum Classes: Sendable, Equatable {
        case json
    }

    /// A plain line's place in the window's `stops`: bit `origin` is the line's first byte, and
    /// bit `origin + count` (its newline or CR, `count` being the line's length) is a stop.
    public struct Line {
        let stops: UnsafePointer<UInt64>
        let origin: Int
    }

    /// How many bytes a window holds at most.
    public let capacity: Int
    private let stopWords: UnsafeMutablePointer<UInt64>
    private let breakWords: UnsafeMutablePointer<UInt64>
    private(set) var count = 0

    public init(capacity: Int = 1 << 16) {
        precondition(capacity > 0)
        self.capacity = capacity
        stopWords = .allocate(capacity: capacity >> 6 + 1)
        breakWords = .allocate(capacity: capacity >> 6 + 1)
    }

    deinit {
        stopWords.deallocate()
        breakWords.deallocate()
    }

    /// Indexes the `count` (at most `capacity`) bytes at `base`.
    /// - Complexity: O(count), one pass at 64 bytes a step (32 at a time with AVX2).
    func index(_ base: UnsafePointer<UInt8>, count: Int) {
        precondition(count <= capacity)
        self.count = count
        let blocks = count >> 6
        tally_index_json_blocks(base, blocks, stopWords, breakWords)
        // The last 0 to 63 bytes.
        var quotes: UInt64 = 0
        var others: UInt64 = 0
        forEachTailBlock(base + blocks << 6, count: count & 63, lineStart: base) { block, at, dropped, valid in
            let (q, e) = StringStopFinder.stopsOf16(block)
            quotes |= UInt64(q &>> dropped & valid) &<< UInt64(at)
            others |= UInt64(e &>> dropped & valid) &<< UInt64(at)
        }
        let sentinel: UInt64 = 1 &<< UInt64(count & 63)
        breakWords[blocks] = others | sentinel
        stopWords[blocks] = others | quotes | sentinel
    }

    /// The first `breaks` bit at or after `offset` (at most `count`): `count` if there is none.
    @inline(__always)
    func nextBreak(atOrAfter offset: Int) -> Int {
        var w = offset >> 6
        var bits = breakWords[w] & (~0 &<< UInt64(offset & 63))
        // The sentinel at `count` ends this loop.
        while bits == 0 {
            w &+= 1
            bits = breakWords[w]
        }
        return w &<< 6 | bits.trailingZeroBitCount
    }

    /// The place of the plain line that starts at `offset`.
    @inline(__always)
    func line(at offset: Int) -> Line {
        Line(stops: stopWords, origin: offset)
    }
}
