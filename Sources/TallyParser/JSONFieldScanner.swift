import TallyBytes

/// Finds the wanted members of a one-line JSON object (the time, type and campaign, and any
/// other key fields), in place, and checks that the whole line is valid JSON.
///
/// A general JSON decoder would build every value of every line; this scanner builds nothing.
/// It walks the line once, validating as it goes (strings, escapes, numbers, literals, nesting),
/// and for top-level keys that name a wanted field it remembers where the value lies. Values are
/// decoded later, and only those wanted.
///
/// Three things keep it fast. `StringStopFinder` marks, 16 bytes at a time, every quote,
/// backslash and control byte of the line, so a top-level string ends at the next mark and only
/// a string with a backslash or a control byte is walked byte by byte. Members written the usual
/// way (`"key":"text"`, a number or null, each followed by `,` or `}`) are read by
/// `scanCompactMembers` a quote at a time, checking only the bytes between strings; any other
/// member (whitespace, escapes, nesting, `true`) goes through the careful walk. And once each
/// field has been found under its preferred name, later keys are not looked up: the first
/// occurrence of the preferred name wins, so nothing after it can change the result.
struct JSONFieldScanner<Paths: ScanPaths> {
    typealias ValueKind = JSONValueKind
    typealias Value = JSONFieldValue

    private let fields: ByteTable<FieldMatch>
    /// Nesting deeper than this is refused rather than followed: a guard against stack use.
    private let maxDepth = 64
    private var keyScratch = EscapeDecoder()
    private let stops = StringStopFinder()
    /// The values of the key fields other than the campaign (`--by`), found by the last scan;
    /// nil when there are none. `keyFieldCount` is their count, kept here so that the default
    /// path tests a value of its own rather than an object's.
    let keyFields: KeyFieldValues?
    private let keyFieldCount: Int

    init(schema: LogSchema, keyFields names: [String] = []) {
        fields = schema.fieldTable(keyFields: names)
        keyFieldCount = names.count
        keyFields = names.isEmpty ? nil : KeyFieldValues(count: names.count)
    }

    /// Scans `line` (no newline, no trailing CR) into `values`; false if it is not one valid JSON object.
    /// - Parameter plain: the line's place in its window's index, if it has one.
    mutating func scan(
        _ line: UnsafeRawBufferPointer, plain: TextIndex.Line? = nil, into values: inout (Value, Value, Value)
    ) -> Bool {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var cursor = Cursor(p: base, end: base + line.count)
        if Paths.usesShortcuts {
            if let plain { stops.use(plain, count: line.count) } else { stops.index(base, count: line.count) }
        }
        // Where position 0 of the stops is: the line's start, or its window's.
        let stopsBase = base - stops.origin
        var allPreferred = false
        if keyFieldCount > 0 { keyFields.unsafelyUnwrapped.reset() }
        cursor.skipWhitespace()
        guard cursor.take(ASCII.openBrace) else { return false }
        cursor.skipWhitespace()
        if cursor.take(ASCII.closeBrace) {
            cursor.skipWhitespace()
            return cursor.p == cursor.end
        }
        while true {
            if Paths.usesShortcuts, scanCompactMembers(&cursor, stopsBase, &values, &allPreferred) {
                cursor.skipWhitespace()
                return cursor.p == cursor.end
            }
            // One member the compact path did not take, read with every check. The compact
            // path may have stopped inside the whitespace before it.
            cursor.skipWhitespace()
            guard cursor.take(ASCII.quote) else { return false }
            let keyStart = cursor.p
            guard let keyHasEscape = skipString(&cursor, stopsBase) else { return false }
            let key = UnsafeRawBufferPointer(start: keyStart, count: cursor.p - keyStart - 1)
            guard cursor.take(ASCII.colon, afterWhitespace: true) else { return false }
            cursor.skipWhitespace()
            guard cursor.p < cursor.end else { return false }
            let valueStart = cursor.p
            var kind = ValueKind.other
            var valueHasEscape = false
            switch cursor.p.pointee {
            case ASCII.quote:
                cursor.p += 1
                guard let escaped = skipString(&cursor, stopsBase) else { return false }
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
            if keyHasEscape {
                // Decoded even when not looked up: a key that does not decode (a lone
                // surrogate) makes the line malformed.
                guard let decoded = keyScratch.decode(key) else { return false }
                if !allPreferred {
                    record(
                        fields.lookup(decoded), kind, valueStart - base, cursor.p - base, valueHasEscape, &values,
                        &allPreferred)
                }
            } else if !allPreferred {
                record(
                    fields.lookup(key), kind, valueStart - base, cursor.p - base, valueHasEscape, &values, &allPreferred
                )
            }
            if cursor.take(ASCII.comma, afterWhitespace: true) {
                cursor.skipWhitespace()
                continue
            }
            guard cursor.take(ASCII.closeBrace, afterWhitespace: true) else { return false }
            cursor.skipWhitespace()
            return cursor.p == cursor.end
        }
    }

    /// Reads members written the usual way, `"key":"text"` or `"key":number` or `"key":null`
    /// (a space after the colon and after the comma allowed), each followed by `,` or `}`,
    /// in a line with no backslash and no control byte: there every stop in the bitmap is a
    /// quote, so strings are walked a quote at a time and only the bytes between them are read.
    ///
    /// The commonest joins, `":"` between a key and a string and `","` between members, are each
    /// checked with one two-byte compare; a quote so checked is then passed in the bitmap
    /// without asking where it is.
    ///
    /// `base` is where position 0 of the stops is (the line's start, or its window's), and
    /// positions here are counted from it.
    ///
    /// - Returns: true after the object's closing `}` (the cursor just past it); false at the
    ///   first member written any other way (the cursor at its start, nothing recorded for it),
    ///   which the careful path then reads. Everything this accepts, the careful path accepts
    ///   with the same values.
    @inline(__always)
    private func scanCompactMembers(
        _ cursor: inout Cursor, _ base: UnsafePointer<UInt8>, _ values: inout (Value, Value, Value),
        _ allPreferred: inout Bool
    ) -> Bool {
        guard !stops.hasEscapesOrControls else { return false }
        let n = cursor.end - base
        var p = cursor.p - base
        // A local copy, which can stay in a register while the loop runs.
        var found = allPreferred
        defer {
            cursor.p = base + p
            allPreferred = found
        }
        var quotes = stops.reader(from: p)
        guard quotes.next() == p, p < n else { return false }
        var stop = CompactStop.allFound
        if !found { stop = compactMembers(KeepingValues.self, &quotes, base, n, cursor.end, &p, &values, &found) }
        if stop == .allFound {
            stop = compactMembers(CheckingOnly.self, &quotes, base, n, cursor.end, &p, &values, &found)
        }
        return stop == .closed
    }

    /// Why `compactMembers` stopped.
    private enum CompactStop {
        /// After the object's closing `}`.
        case closed
        /// At a member written another way, for the careful path.
        case other
        /// Every field is found under its preferred name: the rest need only be checked.
        case allFound
    }

    /// The walk of `scanCompactMembers`, written once and compiled twice: `KeepingValues` looks
    /// up each key and records wanted values until every field is found under its preferred
    /// name; `CheckingOnly` then reads the rest of the line's members, accepting the same ones
    /// and keeping nothing (a string member is four quotes and two two-byte compares).
    ///
    /// Invariant, on entry and at each turn of the loop: `p` (below `n`) is a member's opening
    /// quote, and `quotes` has passed it. The cursor is left at the member where it stops.
    @inline(__always)
    private func compactMembers<Walk: CompactWalk>(
        _: Walk.Type, _ quotes: inout StringStopFinder.Reader, _ base: UnsafePointer<UInt8>, _ n: Int,
        _ end: UnsafePointer<UInt8>, _ p: inout Int, _ values: inout (Value, Value, Value), _ found: inout Bool
    ) -> CompactStop {
        while true {
            if Walk.keepsValues, found { return .allFound }
            // Each `quotes.next()` or `skip()` below follows one that was below n, so the
            // sentinel at n has not been passed.
            let keyEnd = quotes.next()
            // Room for `:`, a value's first byte and a separator.
            guard n &- keyEnd > 3 else { return .other }
            let valueStart: Int
            var valueEnd: Int
            let kind: ValueKind
            if Self.pair(base + (keyEnd &+ 1)) == Self.colonQuote {
                // The quote at keyEnd + 2 is the next stop.
                quotes.skip()
                valueStart = keyEnd &+ 2
                valueEnd = quotes.next() &+ 1
                kind = .string
            } else {
                guard base[keyEnd &+ 1] == ASCII.colon else { return .other }
                valueStart = base[keyEnd &+ 2] == ASCII.space ? keyEnd &+ 3 : keyEnd &+ 2
                if base[valueStart] == ASCII.quote {
                    // The quote at valueStart is the next stop: only `:` and a space lie between.
                    quotes.skip()
                    valueEnd = quotes.next() &+ 1
                    kind = .string
                } else {
                    guard let (scalarEnd, scalarKind) = Self.scalarValue(base, valueStart, n, end) else {
                        return .other
                    }
                    valueEnd = scalarEnd
                    kind = scalarKind
                }
            }
            // A string without its closing quote ends at the sentinel, n, and stops here too.
            guard valueEnd < n else { return .other }
            if Walk.keepsValues {
                let key = UnsafeRawBufferPointer(start: base + p + 1, count: keyEnd &- p &- 1)
                let origin = stops.origin
                record(fields.lookup(key), kind, valueStart &- origin, valueEnd &- origin, false, &values, &found)
            }
            if n &- valueEnd > 1, Self.pair(base + valueEnd) == Self.commaQuote {
                // The quote after the comma is the next stop: passed without asking where it is.
                p = valueEnd &+ 1
                quotes.skip()
                continue
            }
            switch Self.separator(base, valueEnd, n) {
            case .comma(let next): p = next
            case .close:
                p = valueEnd &+ 1
                return .closed
            case nil: return .other
            }
            guard quotes.next() == p, p < n else { return .other }
        }
    }

    /// What follows a value, other than the commonest `,"`.
    private enum Separator {
        /// A comma, and then a space if any: `next` is where the next member should start.
        case comma(next: Int)
        /// The object's closing brace.
        case close
    }

    /// The separator at `valueEnd` (below `n`), if it is a comma or the closing brace.
    @inline(__always)
    private static func separator(_ base: UnsafePointer<UInt8>, _ valueEnd: Int, _ n: Int) -> Separator? {
        switch base[valueEnd] {
        case ASCII.closeBrace: return .close
        case ASCII.comma:
            let next = valueEnd &+ 1
            return .comma(next: next < n && base[next] == ASCII.space ? next &+ 1 : next)
        default: return nil
        }
    }

    /// The number or null at `start` (the byte after a member's colon, or after the space
    /// after it). Reading stops at `n`, or at `end` for a long number.
    /// - Returns: where the value ends, and its kind; nil for anything else.
    @inline(__always)
    private static func scalarValue(_ base: UnsafePointer<UInt8>, _ start: Int, _ n: Int, _ end: UnsafePointer<UInt8>)
        -> (Int, ValueKind)?
    {
        switch base[start] {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let numberEnd = shortNumberEnd(base, start, n) { return (numberEnd, .number) }
            var number = Cursor(p: base + start, end: end)
            guard number.skipNumber() else { return nil }
            return (number.p - base, .number)
        case UInt8(ascii: "n"):
            guard n &- start >= 4, UnsafeRawPointer(base + start).loadUnaligned(as: UInt32.self) == nullWord else {
                return nil
            }
            return (start &+ 4, .null)
        default:
            return nil
        }
    }

    /// Where the number at `start` ends, for a number written `-?digits(.digits)?` whose two
    /// runs of digits are each shorter than eight, with eight bytes readable after each run's
    /// start (below `n`); nil for any other number, and for anything not a valid number, which
    /// `Cursor.skipNumber` then reads (and agrees with this where this answers).
    ///
    /// A log's numbers are mostly prices and ids, short and without exponents: finding the end
    /// of each run of digits with one word operation costs a fraction of reading byte by byte.
    @inline(__always)
    private static func shortNumberEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Int? {
        var i = start
        if base[i] == UInt8(ascii: "-") { i &+= 1 }
        guard n &- i >= 8 else { return nil }
        let whole = digitRun(base + i)
        // No digits, eight or more, or a leading zero followed by a digit: the careful path.
        guard whole > 0, whole < 8, whole == 1 || base[i] != UInt8(ascii: "0") else { return nil }
        i &+= whole
        if base[i] == UInt8(ascii: ".") {
            i &+= 1
            guard n &- i >= 8 else { return nil }
            let fraction = digitRun(base + i)
            guard fraction > 0, fraction < 8 else { return nil }
            i &+= fraction
        }
        // An exponent, or a digit or sign where none may be: the careful path decides.
        guard base[i] | ASCII.caseBit != UInt8(ascii: "e") else { return nil }
        return i
    }

    /// How many of the eight bytes at `p` are ASCII digits before the first that is not (8 if
    /// all are).
    @inline(__always)
    static func digitRun(_ p: UnsafePointer<UInt8>) -> Int {
        let lows: UInt64 = 0x7f7f_7f7f_7f7f_7f7f
        let x = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) ^ 0x3030_3030_3030_3030
        // A digit's byte is now 0...9. For each byte, (x & 0x7f) + 0x76 reaches 0x80 exactly
        // from 10 up, without carrying into the next byte; `| x` adds the bytes from 0x80 up.
        let notDigits = (((x & lows) &+ 0x7676_7676_7676_7676) | x) & ~lows
        return notDigits.trailingZeroBitCount >> 3
    }

    /// The two bytes at `p` as a little-endian number, to compare with `colonQuote` and the like.
    @inline(__always)
    private static func pair(_ p: UnsafePointer<UInt8>) -> UInt16 {
        UnsafeRawPointer(p).loadUnaligned(as: UInt16.self)
    }

    /// `:"` and `,"` as little-endian pairs.
    private static var colonQuote: UInt16 { 0x223a }
    private static var commaQuote: UInt16 { 0x222c }

    /// `null` as a little-endian word.
    private static var nullWord: UInt32 { 0x6c6c_756e }

    /// Keeps a member's value if its key names a wanted field under a better alias than any
    /// seen so far. `start` and `end` are the value's bounds in the line, quotes included.
    @inline(__always)
    private func record(
        _ match: FieldMatch?, _ kind: ValueKind, _ start: Int, _ end: Int, _ hasEscape: Bool,
        _ values: inout (Value, Value, Value), _ allPreferred: inout Bool
    ) {
        guard let match else { return }
        var value = Value()
        value.kind = kind
        value.hasEscape = hasEscape
        value.rank = match.rank
        // A string's value is the text between its quotes.
        value.start = kind == .string ? start + 1 : start
        value.end = kind == .string ? end - 1 : end
        switch match.slot {
        case 0: if match.rank < values.0.rank { values.0 = value }
        case 1: if match.rank < values.1.rank { values.1 = value }
        case 2: if match.rank < values.2.rank { values.2 = value }
        default: keyFields.unsafelyUnwrapped.record(value, at: match.slot - Field.allCases.count)
        }
        allPreferred =
            Paths.usesShortcuts && values.0.rank == 0 && values.1.rank == 0 && values.2.rank == 0
            && (keyFieldCount == 0 || keyFields.unsafelyUnwrapped.found == keyFieldCount)
    }

    /// Skips a top-level string's body after its opening quote, and the closing quote. `base`
    /// is where position 0 of the stops is.
    /// - Returns: whether the string had escapes, or nil if it is not a valid JSON string.
    @inline(__always)
    private func skipString(_ cursor: inout Cursor, _ base: UnsafePointer<UInt8>) -> Bool? {
        if Paths.usesShortcuts {
            let stop = stops.first(atOrAfter: cursor.p - base)
            if base + stop < cursor.end, base[stop] == ASCII.quote {
                cursor.p = base + stop + 1
                return false
            }
            // A backslash, a control byte or no closing quote: the careful walk decides.
            cursor.p = base + stop
        }
        return cursor.skipStringBody()
    }

    /// Skips one JSON value of any kind, checking it.
    private func skipValue(_ cursor: inout Cursor, depth: Int) -> Bool {
        guard cursor.p < cursor.end, depth <= maxDepth else { return false }
        switch cursor.p.pointee {
        case ASCII.quote:
            cursor.p += 1
            return cursor.skipStringBody() != nil
        case ASCII.openBrace:
            cursor.p += 1
            cursor.skipWhitespace()
            if cursor.take(ASCII.closeBrace) { return true }
            while true {
                guard cursor.take(ASCII.quote), cursor.skipStringBody() != nil else { return false }
                cursor.skipWhitespace()
                guard cursor.take(ASCII.colon) else { return false }
                cursor.skipWhitespace()
                guard skipValue(&cursor, depth: depth + 1) else { return false }
                cursor.skipWhitespace()
                if cursor.take(ASCII.comma) {
                    cursor.skipWhitespace()
                    continue
                }
                return cursor.take(ASCII.closeBrace)
            }
        case UInt8(ascii: "["):
            cursor.p += 1
            cursor.skipWhitespace()
            if cursor.take(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue(&cursor, depth: depth + 1) else { return false }
                cursor.skipWhitespace()
                if cursor.take(ASCII.comma) {
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

/// Which of its two forms `JSONFieldScanner.compactMembers` is compiled in: as a parameter of
/// the type, so each form is specialized with the other's work left out.
protocol CompactWalk {
    static var keepsValues: Bool { get }
}

/// Looks up each member's key and keeps the wanted values.
enum KeepingValues: CompactWalk {
    static var keepsValues: Bool { true }
}

/// Checks members and keeps nothing.
enum CheckingOnly: CompactWalk {
    static var keepsValues: Bool { false }
}
