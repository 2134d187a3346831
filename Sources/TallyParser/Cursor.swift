import Glibc
import TallyBytes

/// A read position in a line. Invariant: `p <= end`; bytes are read only below `end`.
struct Cursor {
    var p: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>

    @inline(__always)
    mutating func take(_ byte: UInt8) -> Bool {
        guard p < end, p.pointee == byte else { return false }
        p += 1
        return true
    }

    /// `skipWhitespace()` then `take(byte)`, with one compare when there is no whitespace.
    @inline(__always)
    mutating func take(_ byte: UInt8, afterWhitespace: Bool) -> Bool {
        if p < end, p.pointee == byte {
            p += 1
            return true
        }
        skipWhitespace()
        return take(byte)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        // Compact JSON has none: one compare says so.
        if p < end, p.pointee > ASCII.space { return }
        skipWhitespaceBytes()
    }

    private mutating func skipWhitespaceBytes() {
        while p < end {
            let c = p.pointee
            // Most calls find no whitespace at all (compact JSON): one compare says so.
            guard c <= ASCII.space,
                c == ASCII.space || c == ASCII.tab || c == ASCII.newline || c == ASCII.carriageReturn
            else { return }
            p += 1
        }
    }

    mutating func takeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - p >= count, memcmp(p, literal.utf8Start, count) == 0 else { return false }
        p += count
        return true
    }

    /// Skips a string's body after its opening quote, and the closing quote.
    /// - Returns: whether the string had escapes, or nil if it is not a valid JSON string.
    mutating func skipStringBody() -> Bool? {
        var escaped = false
        while true {
            // Eight bytes at a time to the first `"`, `\` or control byte (< 0x20).
            while end - p >= 8 {
                let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
                let special = Self.specialBytes(word)
                if special != 0 {
                    p += special.trailingZeroBitCount >> 3
                    break
                }
                p += 8
            }
            guard p < end else { return nil }
            let c = p.pointee
            if c == ASCII.quote {
                p += 1
                return escaped
            }
            if c == ASCII.backslash {
                escaped = true
                guard end - p >= 2 else { return nil }
                switch p[1] {
                case ASCII.quote, ASCII.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    p += 2
                case UInt8(ascii: "u"):
                    guard end - p >= 6 else { return nil }
                    for i in 2..<6 where EscapeDecoder.hexValue(p[i]) == nil { return nil }
                    p += 6
                default:
                    return nil
                }
                continue
            }
            if c < ASCII.firstPrintable { return nil }
            p += 1
        }
    }

    /// A mask whose lowest set bit is the high bit of the first byte of `word` (in memory order,
    /// little-endian) that is `"` (0x22), `\` (0x5c) or below 0x20; 0 if there is none. This is
    /// the classic has-zero-byte test: bits above the lowest may be false alarms caused by a
    /// borrow, so only the lowest is used.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* UInt64(ASCII.quote))
        let backslash = word ^ (ones &* UInt64(ASCII.backslash))
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- ones &* UInt64(ASCII.firstPrintable)) & ~word
        return (hasQuote | hasBackslash | hasControl) & highs
    }

    /// Skips a JSON number, checking its grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func skipNumber() -> Bool {
        _ = take(UInt8(ascii: "-"))
        guard p < end else { return false }
        if p.pointee == UInt8(ascii: "0") {
            p += 1
        } else {
            guard skipDigits() else { return false }
        }
        if take(UInt8(ascii: ".")) {
            guard skipDigits() else { return false }
        }
        if p < end, p.pointee | ASCII.caseBit == UInt8(ascii: "e") {
            p += 1
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard skipDigits() else { return false }
        }
        return true
    }

    /// Skips one or more digits; false if there is none.
    private mutating func skipDigits() -> Bool {
        let start = p
        while p < end, p.pointee &- ASCII.zero < 10 { p += 1 }
        return p > start
    }
}
