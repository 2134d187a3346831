/// Splits one CSV or TSV row into fields, RFC 4180 style, in place.
///
/// A quoted field may hold the delimiter and doubled quotes (`""`). A quote inside an unquoted
/// field, text after a closing quote, or a quote left open is malformed. Newlines inside fields
/// are not expected (logs are one event a line), so a row is always one line.
struct DelimitedRowScanner {
    /// A field's place in the row, without its quotes. `doubled` says it holds `""` pairs,
    /// which `DelimitedRowScanner.undouble` turns into single quotes.
    struct FieldSpan {
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
            if i < n, row[i] == UInt8(ascii: "\"") {
                i += 1
                let start = i
                var doubled = false
                while true {
                    i = Self.next(row, from: i, UInt8(ascii: "\""), UInt8(ascii: "\""))
                    guard i < n else { return false }  // the quote is never closed
                    if row[i] == UInt8(ascii: "\"") {
                        if i + 1 < n, row[i + 1] == UInt8(ascii: "\"") {
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
                i = Self.next(row, from: i, delimiter, UInt8(ascii: "\""))
                if i < n, row[i] == UInt8(ascii: "\"") { return false }
                body(index, FieldSpan(start: start, end: i, doubled: false))
            }
            if i == n { return true }
            i += 1  // past the delimiter
            index += 1
        }
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
            i += field[i] == UInt8(ascii: "\"") ? 2 : 1
        }
        return UnsafeRawBufferPointer(start: out, count: n)
    }
}
