#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the three wanted members of a one-line JSON object, in place, and checks that the
/// whole line is valid JSON.
///
/// A general JSON decoder would build every value of every line; this scanner builds nothing.
/// It walks the line once, validating as it goes (strings, escapes, numbers, literals, nesting),
/// and for top-level keys that name a wanted field it remembers where the value lies. Strings are
/// skipped eight bytes at a time until a quote, a backslash or a control byte shows up. Values
/// are decoded later, and only those three.
struct JSONFieldScanner {
    enum ValueKind: UInt8 {
        case string, number, null, other
    }

    /// Where a wanted field's value lies in the line. For a string: the bytes between the quotes.
    struct Value {
        var kind = ValueKind.other
        var start = 0
        var end = 0
        var hasEscape = false
        /// The alias rank that supplied this value; `Int.max` while none did.
        var rank = Int.max

        /// Absent from the line, or JSON null.
        var isMissing: Bool { rank == Int.max || kind == .null }
    }

    private let fields: ByteTable<FieldMatch>
    /// Nesting deeper than this is refused rather than followed: a guard against stack use.
    private let maxDepth = 64
    private var keyScratch = EscapeDecoder()

    init(schema: LogSchema) {
        fields = schema.fieldTable()
    }

    /// Scans `line` (no newline, no trailing CR) into `values`; false if it is not one valid JSON object.
    mutating func scan(_ line: UnsafeRawBufferPointer, into values: inout (Value, Value, Value)) -> Bool {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var cursor = Cursor(p: base, end: base + line.count)
        cursor.skipWhitespace()
        guard cursor.take(UInt8(ascii: "{")) else { return false }
        cursor.skipWhitespace()
        if !cursor.take(UInt8(ascii: "}")) {
            while true {
                guard cursor.take(UInt8(ascii: "\"")) else { return false }
                let keyStart = cursor.p
                guard let keyHasEscape = cursor.skipStringBody() else { return false }
                let key = UnsafeRawBufferPointer(start: keyStart, count: cursor.p - keyStart - 1)
                cursor.skipWhitespace()
                guard cursor.take(UInt8(ascii: ":")) else { return false }
                cursor.skipWhitespace()
                guard cursor.p < cursor.end else { return false }
                let valueStart = cursor.p
                var kind = ValueKind.other
                var valueHasEscape = false
                switch cursor.p.pointee {
                case UInt8(ascii: "\""):
                    cursor.p += 1
                    guard let escaped = cursor.skipStringBody() else { return false }
                    kind = .string
                    valueHasEscape = escaped
                case UInt8(ascii: "n"):
                    guard cursor.takeLiteral("null") else { return false }
                    kind = .null
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    guard cursor.skipNumber() else { return false }
                    kind = .number
                default:
                    guard skipValue(&cursor, depth: 1) else { return false }
                }
                let match: FieldMatch?
                if keyHasEscape {
                    guard let decoded = keyScratch.decode(key) else { return false }
                    match = fields.lookup(decoded)
                } else {
                    match = fields.lookup(key)
                }
                if let match {
                    var value = Value()
                    value.kind = kind
                    value.hasEscape = valueHasEscape
                    value.rank = match.rank
                    if kind == .string {
                        value.start = valueStart + 1 - base
                        value.end = cursor.p - 1 - base
                    } else {
                        value.start = valueStart - base
                        value.end = cursor.p - base
                    }
                    switch match.field {
                    case .time: if match.rank < values.0.rank { values.0 = value }
                    case .type: if match.rank < values.1.rank { values.1 = value }
                    case .campaign: if match.rank < values.2.rank { values.2 = value }
                    }
                }
                cursor.skipWhitespace()
                if cursor.take(UInt8(ascii: ",")) {
                    cursor.skipWhitespace()
                    continue
                }
                guard cursor.take(UInt8(ascii: "}")) else { return false }
                break
            }
        }
        cursor.skipWhitespace()
        return cursor.p == cursor.end
    }

    /// Skips one JSON value of any kind, checking it.
    private func skipValue(_ cursor: inout Cursor, depth: Int) -> Bool {
        guard cursor.p < cursor.end, depth <= maxDepth else { return false }
        switch cursor.p.pointee {
        case UInt8(ascii: "\""):
            cursor.p += 1
            return cursor.skipStringBody() != nil
        case UInt8(ascii: "{"):
            cursor.p += 1
            cursor.skipWhitespace()
            if cursor.take(UInt8(ascii: "}")) { return true }
            while true {
                guard cursor.take(UInt8(ascii: "\"")), cursor.skipStringBody() != nil else { return false }
                cursor.skipWhitespace()
                guard cursor.take(UInt8(ascii: ":")) else { return false }
                cursor.skipWhitespace()
                guard skipValue(&cursor, depth: depth + 1) else { return false }
                cursor.skipWhitespace()
                if cursor.take(UInt8(ascii: ",")) {
                    cursor.skipWhitespace()
                    continue
                }
                return cursor.take(UInt8(ascii: "}"))
            }
        case UInt8(ascii: "["):
            cursor.p += 1
            cursor.skipWhitespace()
            if cursor.take(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue(&cursor, depth: depth + 1) else { return false }
                cursor.skipWhitespace()
                if cursor.take(UInt8(ascii: ",")) {
                    cursor.skipWhitespace()
                    continue
                }
                return cursor.take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"): return cursor.takeLiteral("true")
        case UInt8(ascii: "f"): return cursor.takeLiteral("false")
        case UInt8(ascii: "n"): return cursor.takeLiteral("null")
        default: return cursor.skipNumber()
        }
    }
}

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

    @inline(__always)
    mutating func skipWhitespace() {
        while p < end {
            let c = p.pointee
            // Most calls find no whitespace at all (compact JSON): one compare says so.
            guard c <= 0x20, c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d else { return }
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
            if c == UInt8(ascii: "\"") {
                p += 1
                return escaped
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard end - p >= 2 else { return nil }
                switch p[1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
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
            if c < 0x20 { return nil }
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
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5c)
        let hasQuote = (quote &- ones) & ~quote
        let hasBackslash = (backslash &- ones) & ~backslash
        let hasControl = (word &- ones &* 0x20) & ~word
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
        if p < end, p.pointee | 0x20 == UInt8(ascii: "e") {
            p += 1
            if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
            guard skipDigits() else { return false }
        }
        return true
    }

    /// Skips one or more digits; false if there is none.
    private mutating func skipDigits() -> Bool {
        let start = p
        while p < end, p.pointee &- 0x30 < 10 { p += 1 }
        return p > start
    }
}
