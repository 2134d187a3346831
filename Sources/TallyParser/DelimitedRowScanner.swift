import CTallyKernels
import Glibc
import TallyBytes

/// Splits one CSV or TSV row into fields, RFC 4180 style, in place.
///
/// A quoted field may hold the delimiter and doubled quotes (`""`). A quote inside an unquoted
/// field, text after a closing quote, or a quote left open is malformed. Newlines inside fields
/// are not expected (logs are one event a line), so a row is always one line.
struct DelimitedRowScanner {
    /// A field's place in the row, without its quotes. `doubled` says it holds `""` pairs,
    /// which `DelimitedRowScanner.undouble` turns into single quotes.
    struct FieldSpan: Equatable {
        var start: Int
        var end: Int
        var doubled: Bool
    }

    let delimiter: UInt8

    /// Calls `body(index, span)` for every field of the row, checking all of them.
    /// - Returns: false if the row is malformed.
    func forEachField(_ row: UnsafeRawBufferPointer, _ body: (Int, FieldSpan) -> Void) -> Bool {
        var i = 0
        var index = 0
        let n = row.count
        while true {
            if i < n, row[i] == ASCII.quote {
                i += 1
                let start = i
                var doubled = false
                while true {
                    i = Self.next(row, from: i, ASCII.quote, ASCII.quote)
                    guard i < n else { return false }  // the quote is never closed
                    if row[i] == ASCII.quote {
                        if i + 1 < n, row[i + 1] == ASCII.quote {
                            doubled = true
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                body(index, FieldSpan(start: start, end: i, doubled: doubled))
                i += 1
                guard i == n || row[i] == delimiter else { return false }
            } else {
                let start = i
                i = Self.next(row, from: i, delimiter, ASCII.quote)
                if i < n, row[i] == ASCII.quote { return false }
                body(index, FieldSpan(start: start, end: i, doubled: false))
            }
            if i == n { return true }
            i += 1  // past the delimiter
            index += 1
        }
    }

    /// Where the fields numbered `wanted` lie, checking the quoting of the whole row, 64 bytes
    /// at a time: the work of `forEachField` done with bitmaps of delimiters and quotes rather
    /// than byte by byte.
    ///
    /// With `inside` the running parity of quotes (a prefix XOR), a quote that makes it odd
    /// opens and one that makes it even closes, and delimiters where it is odd are text. The
    /// row is well formed when every opening quote starts a field or directly follows a closing
    /// one (a doubled `""`), every closing quote is followed by a delimiter, the end of the row
    /// or an opening quote, and the parity is even at the end.
    ///
    /// - Parameters:
    ///   - plain: the row's place in its window's index (see `TextIndex`), whose bitmaps are
    ///     then used instead of classifying the row again; such a row has no NUL.
    ///   - keyFields: more fields wanted (the key's), by column, the largest of those columns,
    ///     and where their spans go (each nil if the row has too few fields, or the column is -1).
    /// - Returns: nil if the row has a NUL, for the caller to report; else whether the row is
    ///   well formed and, if so, the spans (each nil if the row has too few fields), which are
    ///   the ones `forEachField` gives.
    @inline(__always)
    func spans(
        _ row: UnsafeRawBufferPointer, _ wanted: (Int, Int, Int), plain: TextIndex.Line? = nil,
        keyFields: (
            columns: UnsafeMutableBufferPointer<Int>, last: Int, spans: UnsafeMutableBufferPointer<FieldSpan?>
        )? = nil
    ) -> (wellFormed: Bool, spans: (FieldSpan?, FieldSpan?, FieldSpan?))? {
        var spans: (FieldSpan?, FieldSpan?, FieldSpan?) = (nil, nil, nil)
        var last = max(wanted.0, wanted.1, wanted.2)
        if let keyFields {
            keyFields.spans.update(repeating: nil)
            last = max(last, keyFields.last)
        }
        guard let base = row.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (true, spans) }
        let n = row.count
        @inline(__always)
        func found(_ index: Int, _ start: Int, _ end: Int) {
            var span = FieldSpan(start: start, end: end, doubled: false)
            // (A quoted field of a well-formed row has both its quotes, so end - start >= 2.)
            if end - start >= 2, base[start] == ASCII.quote {
                // Quoted: the text between the quotes; any quote inside it is half of a `""`.
                span.start += 1
                span.end -= 1
                span.doubled = memchr(base + span.start, Int32(ASCII.quote), span.end - span.start) != nil
            }
            if index == wanted.0 { spans.0 = span }
            if index == wanted.1 { spans.1 = span }
            if index == wanted.2 { spans.2 = span }
            if let keyFields {
                for k in keyFields.columns.indices where keyFields.columns[k] == index { keyFields.spans[k] = span }
            }
        }
        var index = 0
        var fieldStart = 0
        var insideBefore: UInt64 = 0  // all ones if the parity before this word is odd
        var lastWasFieldStart: UInt64 = 1  // the row's start counts as after a delimiter
        var lastWasClosing: UInt64 = 0
        var malformed: UInt64 = 0
        var i = 0
        while i < n {
            let delimiters: UInt64
            let quotes: UInt64
            if let plain {
                let count = min(64, n - i)
                delimiters = TextIndex.Line.bits(plain.delimiters, from: plain.origin + i, count: count)
                quotes = TextIndex.Line.bits(plain.quotes, from: plain.origin + i, count: count)
            } else {
                let controls: UInt64
                (delimiters, quotes, controls) = classify64(base + i, count: min(64, n - i), rowStart: base)
                // A NUL is one of the control bytes, which rows seldom hold.
                if controls != 0, memchr(base + i, 0, min(64, n - i)) != nil { return nil }
            }
            var separators = delimiters
            // Words with no quote, none open and none just closed need no quote checks.
            if quotes | insideBefore | lastWasClosing != 0 {
                let inside = Self.prefixXOR(quotes) ^ insideBefore
                let opening = quotes & inside
                let closing = quotes & ~inside
                separators = delimiters & ~inside
                let afterSeparator = separators &<< 1 | lastWasFieldStart
                let afterClosing = closing &<< 1 | lastWasClosing
                let end: UInt64 = n - i < 64 ? 1 &<< UInt64(n - i) : 0
                malformed |= opening & ~(afterSeparator | afterClosing)
                malformed |= afterClosing & ~(delimiters | opening | end)
                insideBefore = inside >> 63 == 0 ? 0 : ~0
                lastWasClosing = closing >> 63
            } else {
                lastWasClosing = 0
            }
            lastWasFieldStart = separators >> 63
            var bits = separators
            while bits != 0, index <= last {
                let end = i + bits.trailingZeroBitCount
                bits &= bits &- 1
                found(index, fieldStart, end)
                index += 1
                fieldStart = end + 1
            }
            i += 64
        }
        guard malformed == 0, insideBefore == 0 else { return (false, spans) }
        if index <= last { found(index, fieldStart, n) }
        return (true, spans)
    }

    /// Bit i set where bit i of `x` or any bit below it is set an odd number of times.
    @inline(__always)
    static func prefixXOR(_ x: UInt64) -> UInt64 {
        var y = x
        y ^= y &<< 1
        y ^= y &<< 2
        y ^= y &<< 4
        y ^= y &<< 8
        y ^= y &<< 16
        y ^= y &<< 32
        return y
    }

    /// For the `count` (1...64) bytes at `p`: bitmaps of the delimiters, the quotes and the
    /// control bytes other than the delimiter.
    /// `rowStart` is where the row begins, so that nothing outside the row is read.
    @inline(__always)
    private func classify64(_ p: UnsafePointer<UInt8>, count: Int, rowStart: UnsafePointer<UInt8>)
        -> (UInt64, UInt64, UInt64)
    {
        if count == 64 { return classify64Whole(p) }
        var masks: (UInt64, UInt64, UInt64) = (0, 0, 0)
        forEachTailBlock(p, count: count, lineStart: rowStart) { block, at, dropped, valid in
            let (d, q, z) = classify16(block)
            masks.0 |= UInt64(d &>> dropped & valid) &<< UInt64(at)
            masks.1 |= UInt64(q &>> dropped & valid) &<< UInt64(at)
            masks.2 |= UInt64(z &>> dropped & valid) &<< UInt64(at)
        }
        return masks
    }

    @inline(__always)
    private func classify64Whole(_ p: UnsafePointer<UInt8>) -> (UInt64, UInt64, UInt64) {
        let a = classify16(p)
        let b = classify16(p + 16)
        let c = classify16(p + 32)
        let d = classify16(p + 48)
        @inline(__always)
        func join(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt64 {
            UInt64(a) | UInt64(b) << 16 | UInt64(c) << 32 | UInt64(d) << 48
        }
        return (join(a.0, b.0, c.0, d.0), join(a.1, b.1, c.1, d.1), join(a.2, b.2, c.2, d.2))
    }

    /// Bitmaps of the delimiters, quotes and control bytes (but the delimiter) among the 16
    /// bytes at `p`: tally's one definition, `tally_classify_delimited16`.
    @inline(__always)
    private func classify16(_ p: UnsafePointer<UInt8>) -> (UInt32, UInt32, UInt32) {
        let classes = tally_classify_delimited16(p, delimiter)
        return (classes.delimiters, classes.quotes, classes.breaks)
    }

    /// The index of the first `a` or `b` at or after `start`, or `row.count`: eight bytes at a
    /// time (the has-zero-byte test, whose lowest set bit is exact), then byte by byte.
    @inline(__always)
    static func next(_ row: UnsafeRawBufferPointer, from start: Int, _ a: UInt8, _ b: UInt8) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let wordA = ones &* UInt64(a)
        let wordB = ones &* UInt64(b)
        var i = start
        while i + 8 <= row.count {
            let word = row.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let x = word ^ wordA
            let y = word ^ wordB
            let found = (((x &- ones) & ~x) | ((y &- ones) & ~y)) & highs
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < row.count, row[i] != a, row[i] != b { i += 1 }
        return i
    }

    /// The field's bytes with each `""` made `"`, in `scratch` (valid until its next use).
    static func undouble(_ field: UnsafeRawBufferPointer, into scratch: ScratchBuffer) -> UnsafeRawBufferPointer {
        let out = scratch.reserve(field.count)
        var n = 0
        var i = 0
        while i < field.count {
            out[n] = field[i]
            n += 1
            i += field[i] == ASCII.quote ? 2 : 1
        }
        return UnsafeRawBufferPointer(start: out, count: n)
    }
}
