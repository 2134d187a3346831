/// How long the time part of a rollup row is.
public enum Granularity: String, Sendable, CaseIterable {
    /// A local day: one row per day and key.
    case day
    /// A local hour: one row per hour and key, each told apart from a repeated hour (when the
    /// clocks go back) by its UTC offset.
    case hour
}

/// The time part of a rollup row as one `Int32`, so that a row's period and key pack in eight
/// bytes and order as numbers.
///
/// - A day is the local day's number, days since 1970-01-01.
/// - An hour is `localHour << 8 | (127 - offset)`: `localHour` counts local hours since
///   1970-01-01T00 (the local clock's time, as if it were UTC), `offset` is the zone's UTC
///   offset in quarter hours. The offset is part of the period because a local hour can happen
///   twice; the earlier of the two has the larger offset, so `127 - offset` orders them as they
///   happened. Every zone's offset since 1970 is a whole number of quarter hours (the calendar
///   checks), and 2100's hours times 256 still fit.
public enum Period {
    /// The hour period of local hour `localHour` at `offsetSeconds` from UTC.
    @inline(__always)
    public static func hour(localHour: Int64, offsetSeconds: Int64) -> Int32 {
        Int32(truncatingIfNeeded: localHour << 8 | (127 - offsetSeconds / 900))
    }

    /// The local day `period` falls on.
    public static func day(of period: Int32, _ granularity: Granularity) -> Int32 {
        switch granularity {
        case .day: period
        case .hour: Int32(LocalDayCalendar.floorDiv(Int64(period >> 8), 24))
        }
    }

    /// The hour of its local day (0 to 23) of an hour period.
    public static func hourOfDay(_ period: Int32) -> Int {
        Int(Int64(period >> 8) - LocalDayCalendar.floorDiv(Int64(period >> 8), 24) * 24)
    }

    /// The UTC offset of an hour period, in minutes (east positive).
    public static func utcOffsetMinutes(_ period: Int32) -> Int {
        (127 - Int(period & 0xff)) * 15
    }
}
