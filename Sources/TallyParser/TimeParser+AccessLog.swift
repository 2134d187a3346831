import TallyBytes

extension TimeParser {
    /// Parses the time of an access log line, as Apache's `%t` and nginx's `$time_local` write it
    /// between the brackets: `21/Nov/2026:13:45:12 +0000`, and only that shape (two-digit day,
    /// English month abbreviation in any case, four-digit year, an offset of a sign and four
    /// digits). Both servers always write the offset, so a time without one is `.bad`, as a time
    /// without a zone is for `parse(text:)`: it would be read differently on every machine.
    ///
    /// A leap second (`:60`) belongs to the minute it ends, as in `parse(text:)`, so it stays on
    /// its day.
    func parse(accessLogTime t: UnsafeRawBufferPointer) -> Result {
        let slash = UInt8(ascii: "/")
        guard t.count == 26,
            let day = Self.number(t, 0, 2), t[2] == slash, let month = Self.month(t, 3), t[6] == slash,
            let year = Self.number(t, 7, 4), t[11] == ASCII.colon,
            let hour = Self.number(t, 12, 2), t[14] == ASCII.colon,
            let minute = Self.number(t, 15, 2), t[17] == ASCII.colon,
            let second = Self.number(t, 18, 2), t[20] == ASCII.space,
            t[21] == UInt8(ascii: "+") || t[21] == UInt8(ascii: "-"),
            let offsetHours = Self.number(t, 22, 2), let offsetMinutes = Self.number(t, 24, 2)
        else { return .bad }
        guard day >= 1, hour <= 23, minute <= 59, second <= 60, offsetHours <= 23, offsetMinutes <= 59 else {
            return .bad
        }
        // The month's length from the calendar itself, leap years included.
        let firstOfMonth = Self.daysFromCivil(year: year, month: month, day: 1)
        let firstOfNext =
            month == 12
            ? Self.daysFromCivil(year: year + 1, month: 1, day: 1)
            : Self.daysFromCivil(year: year, month: month + 1, day: 1)
        guard day <= firstOfNext - firstOfMonth else { return .bad }
        let offset = (offsetHours * 3600 + offsetMinutes * 60) * (t[21] == UInt8(ascii: "-") ? -1 : 1)
        let local = (firstOfMonth + Int64(day - 1)) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        return check(local - Int64(offset))
    }

    /// The month (1...12) named by the three English letters at `start`, in any case; nil for
    /// anything else. The three bytes are read as one little-endian word with the case bit set
    /// in each: that makes an uppercase letter lowercase and no other byte a lowercase letter, so
    /// the word equals a name's only when the bytes spell that name.
    private static func month(_ t: UnsafeRawBufferPointer, _ start: Int) -> Int? {
        let word = UInt32(t[start]) | UInt32(t[start + 1]) << 8 | UInt32(t[start + 2]) << 16
        let caseBits = UInt32(ASCII.caseBit) * 0x01_0101
        switch word | caseBits {
        case 0x6e_616a: return 1  // n a j
        case 0x62_6566: return 2  // b e f
        case 0x72_616d: return 3  // r a m
        case 0x72_7061: return 4  // r p a
        case 0x79_616d: return 5  // y a m
        case 0x6e_756a: return 6  // n u j
        case 0x6c_756a: return 7  // l u j
        case 0x67_7561: return 8  // g u a
        case 0x70_6573: return 9  // p e s
        case 0x74_636f: return 10  // t c o
        case 0x76_6f6e: return 11  // v o n
        case 0x63_6564: return 12  // c e d
        default: return nil
        }
    }
}
