import TallyBytes
import TallyTime

/// Event times, from bytes to seconds since the Unix epoch (UTC), with integer arithmetic only.
///
/// Accepted: ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fraction]` with `Z` or an offset (`+HH:MM`,
/// `+HHMM`, `+HH`), a space, `t` or `-` (Ad Manager's form) allowed for the `T`; and epoch
/// seconds, milliseconds, microseconds or nanoseconds, decided by size: 1e11 or more is
/// milliseconds, 1e14 or more microseconds, 1e17 or more nanoseconds (each bound is 1973 in the
/// smaller unit and past the year 5000 in the larger, so the years tally accepts never fall in
/// two). Fractions are truncated, never rounded, so 23:59:59.9999 stays on its day.
///
/// A time written without a zone is read in `inputZone` (UTC if none), never in the machine's
/// zone, so that it means the same instant everywhere. Where that zone's clocks go back, a
/// time in the repeated hour is `.ambiguous`; where they go forward, a time in the skipped
/// hour is `.nonexistent`: either is refused rather than guessed.
public struct TimeParser: Sendable {
    public enum Result: Equatable {
        case instant(Int64)
        case bad
        case outOfRange
        /// A zone-less time that `inputZone` showed twice.
        case ambiguous
        /// A zone-less time that `inputZone` never showed.
        case nonexistent
    }

    /// Instants outside `earliest..<end` are `.outOfRange`.
    public let earliest: Int64
    public let end: Int64
    /// The zone of times written without one; nil for UTC.
    public let inputZone: ZoneOffsets?

    /// The years accepted, inclusive, in UTC.
    static let firstYear = 2000
    static let lastYear = 2100

    /// - Parameter inputZone: the IANA name of the zone of times written without one.
    /// - Returns: nil if `inputZone` is not a zone.
    public init?(inputZone: String) {
        self.init()
        guard
            let zone = ZoneOffsets(
                identifier: inputZone, covering: (earliest - 2 * 86_400)..<(end + 2 * 86_400))
        else { return nil }
        self = TimeParser(earliest: earliest, end: end, inputZone: zone.isUTC ? nil : zone)
    }

    /// Times in UTC when written without a zone.
    public init() {
        earliest = Self.daysFromCivil(year: Self.firstYear, month: 1, day: 1) * 86_400
        end = Self.daysFromCivil(year: Self.lastYear + 1, month: 1, day: 1) * 86_400
        inputZone = nil
    }

    private init(earliest: Int64, end: Int64, inputZone: ZoneOffsets?) {
        self.earliest = earliest
        self.end = end
        self.inputZone = inputZone
    }

    /// The instant of a time written without a zone, `local` being its clock reading as if UTC.
    @inline(never)
    func check(local: Int64) -> Result {
        guard let inputZone else { return check(local) }
        // The zone's table covers a day either side of the accepted range, no more.
        guard local > earliest - 86_400, local < end + 86_400 else { return .outOfRange }
        switch inputZone.instant(local: local) {
        case .instant(let instant): return check(instant)
        case .ambiguous: return .ambiguous
        case .nonexistent: return .nonexistent
        }
    }

    /// Parses a time written as text: ISO 8601 or a numeric epoch.
    public func parse(text: UnsafeRawBufferPointer) -> Result {
        guard text.count > 0 else { return .bad }
        if text.count >= 19, text[4] == UInt8(ascii: "-") {
            return parseISO(text)
        }
        return parse(number: text)
    }

    /// Parses a JSON number or numeric string as epoch seconds, milli-, micro- or nanoseconds.
    public func parse(number text: UnsafeRawBufferPointer) -> Result {
        var i = 0
        var negative = false
        if i < text.count, text[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        let digitsStart = i
        var value: Int64 = 0
        while i < text.count, let digit = Self.digit(text[i]) {
            // Nanoseconds take 19 digits; a value past Int64 is out of any range we accept.
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, carry) = times10.addingReportingOverflow(Int64(digit))
            if overflow || carry { return Self.allDigitsOrFraction(text, from: i) ? .outOfRange : .bad }
            value = next
            i += 1
        }
        guard i > digitsStart else { return .bad }
        if i < text.count {
            // Only a fraction may follow; it is truncated.
            guard text[i] == UInt8(ascii: "."), i + 1 < text.count else { return .bad }
            i += 1
            while i < text.count {
                guard Self.digit(text[i]) != nil else { return .bad }
                i += 1
            }
        }
        if negative { return value == 0 ? check(0) : .outOfRange }
        let seconds =
            switch value {
            case 100_000_000_000_000_000...: value / 1_000_000_000
            case 100_000_000_000_000...: value / 1_000_000
            case 100_000_000_000...: value / 1000
            default: value
            }
        return check(seconds)
    }

    private static func allDigitsOrFraction(_ text: UnsafeRawBufferPointer, from start: Int) -> Bool {
        var sawDot = false
        for i in start..<text.count {
            if text[i] == UInt8(ascii: "."), !sawDot {
                sawDot = true
            } else if digit(text[i]) == nil {
                return false
            }
        }
        return true
    }

    func check(_ seconds: Int64) -> Result {
        seconds >= earliest && seconds < end ? .instant(seconds) : .outOfRange
    }

    /// The last date and hour parsed, so that a run of lines in one hour (logs are written in
    /// time order) skips the calendar arithmetic, and the last second: one per parser, since it
    /// changes on every miss.
    public struct HourCache {
        /// Bytes 0..<8 and 5..<13 of the cached text: `YYYY-MM-DDTHH` in two overlapping words.
        fileprivate var head: UInt64 = 0
        fileprivate var tail: UInt64 = 0
        /// Seconds since the epoch of that date and hour, before the zone offset; nil if none yet.
        fileprivate var hourStart: Int64?
        /// Bytes 11..<19 (`HH:MM:SS`) of the last text of that hour that ended in UTC (`Z`, after
        /// a fraction or not), and the instant of that second; nil if none yet. Logs write
        /// hundreds of lines a second, so most lines repeat the second before.
        fileprivate var clock: UInt64 = 0
        fileprivate var secondStart: Int64?

        public init() {}
    }

    /// `parse(text:)`, with the date and hour taken from `cache` when the text starts with the
    /// same 13 bytes as the last text that filled it, and the whole second when it starts with
    /// the same 19 and ends in UTC. Same results, always.
    @inline(__always)
    public func parse(text t: UnsafeRawBufferPointer, cache: inout HourCache) -> Result {
        guard t.count >= 20, t[4] == UInt8(ascii: "-") else { return parse(text: t) }
        let head = t.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let tail = t.loadUnaligned(fromByteOffset: 5, as: UInt64.self)
        if let hourStart = cache.hourStart, head == cache.head, tail == cache.tail {
            let clock = t.loadUnaligned(fromByteOffset: 11, as: UInt64.self)
            if let secondStart = cache.secondStart, clock == cache.clock, Self.endsInUTC(t) {
                return check(secondStart)
            }
            if let seconds = Self.minutesAndSecondsInUTC(t) {
                cache.clock = clock
                cache.secondStart = hourStart + seconds
                return check(hourStart + seconds)
            }
            return parseMinutesAndZone(t, hourStart: hourStart)
        }
        guard let hourStart = Self.dateAndHour(t) else { return .bad }
        cache.head = head
        cache.tail = tail
        cache.hourStart = hourStart
        cache.secondStart = nil
        return parseMinutesAndZone(t, hourStart: hourStart)
    }

    private func parseISO(_ t: UnsafeRawBufferPointer) -> Result {
        guard let hourStart = Self.dateAndHour(t) else { return .bad }
        return parseMinutesAndZone(t, hourStart: hourStart)
    }

    /// Checks `YYYY-MM-DDTHH` (bytes 0..<13) and gives the seconds from the epoch to that hour,
    /// as if in UTC. The caller has checked that there are at least 19 bytes.
    private static func dateAndHour(_ t: UnsafeRawBufferPointer) -> Int64? {
        guard
            let year = number(t, 0, 4), t[4] == UInt8(ascii: "-"),
            let month = number(t, 5, 2), t[7] == UInt8(ascii: "-"),
            let day = number(t, 8, 2),
            t[10] == UInt8(ascii: "T") || t[10] == UInt8(ascii: "t") || t[10] == ASCII.space
                || t[10] == UInt8(ascii: "-"),
            let hour = number(t, 11, 2)
        else { return nil }
        guard month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year), hour <= 23 else {
            return nil
        }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + Int64(hour * 3600)
    }

    /// The seconds after the hour of a time that ends `:MM:SS[.fraction]Z`, the usual shape,
    /// read with word operations; nil for any other ending (an offset, say, or a mistake),
    /// which `parseMinutesAndZone` then reads byte by byte. Where both answer, they agree.
    /// The caller has checked that there are at least 20 bytes.
    @inline(__always)
    private static func minutesAndSecondsInUTC(_ t: UnsafeRawBufferPointer) -> Int64? {
        // Bytes 12...19: the hour's last digit, then `:MM:SS` and the byte after.
        let word = t.loadUnaligned(fromByteOffset: 12, as: UInt64.self)
        // Bytes 1 and 4 are colons; the high nibbles of bytes 2, 3, 5, 6 are 3, and stay 3
        // after adding 6, which is exactly 0x30...0x39. (A carry out of a byte that is not
        // a digit fails the first test already.)
        let highNibbles: UInt64 = 0x00f0_f000_f0f0_0000
        let digitHighs: UInt64 = 0x0030_3000_3030_0000
        guard word & 0x0000_00ff_0000_ff00 == 0x0000_003a_0000_3a00,
            word & highNibbles == digitHighs,
            (word &+ 0x0006_0600_0606_0000) & highNibbles == digitHighs
        else { return nil }
        let digits = word &- digitHighs
        func digit(_ byte: UInt64) -> Int64 { Int64(truncatingIfNeeded: digits >> (byte * 8) & 0xff) }
        let minute = digit(2) * 10 + digit(3)
        let second = digit(5) * 10 + digit(6)
        guard minute <= 59, second <= 60, endsInUTC(t) else { return nil }
        // A leap second (:60) belongs to the minute it ends, as in `parseMinutesAndZone`.
        return minute * 60 + min(second, 59)
    }

    /// Whether what follows the seconds (from byte 19) is `Z` or `z`, after a fraction or not:
    /// the ending `parseMinutesAndZone` reads as UTC with nothing to add. The caller has checked
    /// that there are at least 20 bytes.
    @inline(__always)
    private static func endsInUTC(_ t: UnsafeRawBufferPointer) -> Bool {
        var i = 19
        if t[i] == UInt8(ascii: ".") || t[i] == ASCII.comma {
            i += 1
            while i < t.count, t[i] &- ASCII.zero < 10 { i += 1 }
            guard i > 20 else { return false }
        }
        return i == t.count - 1 && t[i] | ASCII.caseBit == UInt8(ascii: "z")
    }

    /// Checks and adds the rest of an ISO time after its hour: `:MM:SS[.fraction]` and the zone.
    @inline(__always)
    private func parseMinutesAndZone(_ t: UnsafeRawBufferPointer, hourStart: Int64) -> Result {
        guard
            t[13] == ASCII.colon, let minute = Self.number(t, 14, 2), t[16] == ASCII.colon,
            let second = Self.number(t, 17, 2), minute <= 59, second <= 60
        else { return .bad }
        var i = 19
        if i < t.count, t[i] == UInt8(ascii: ".") || t[i] == ASCII.comma {
            i += 1
            let fractionStart = i
            while i < t.count, Self.digit(t[i]) != nil { i += 1 }
            guard i > fractionStart else { return .bad }
        }
        // A leap second (:60) belongs to the minute it ends, so it stays on its day.
        let clock = hourStart + Int64(minute * 60 + min(second, 59))
        guard i < t.count else { return check(local: clock) }
        var offset = 0
        switch t[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = t[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let hours = Self.number(t, i, 2), hours <= 23 else { return .bad }
            i += 2
            var minutes = 0
            if i < t.count {
                if t[i] == ASCII.colon { i += 1 }
                guard let m = Self.number(t, i, 2), m <= 59 else { return .bad }
                minutes = m
                i += 2
            }
            offset = sign * (hours * 3600 + minutes * 60)
        default:
            return .bad
        }
        guard i == t.count else { return .bad }
        return check(clock - Int64(offset))
    }

    @inline(__always)
    static func digit(_ byte: UInt8) -> Int? {
        byte &- ASCII.zero < 10 ? Int(byte &- ASCII.zero) : nil
    }

    @inline(__always)
    static func number(_ t: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= t.count else { return nil }
        var value = 0
        for i in start..<(start + count) {
            guard let d = digit(t[i]) else { return nil }
            value = value * 10 + d
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
