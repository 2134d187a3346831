import TallyTime

/// Maps instants to local calendar days and hours in one IANA time zone, without Foundation
/// per event: a view of the zone's `ZoneOffsets`.
public struct LocalDayCalendar: Sendable {
    public let offsets: ZoneOffsets

    /// - Parameters:
    ///   - identifier: an IANA zone name such as `America/New_York`, or `UTC`.
    ///   - instants: the instants that will be looked up (seconds since the epoch, UTC).
    /// - Returns: nil if the zone is unknown.
    public init?(identifier: String, covering instants: Range<Int64>) {
        guard let offsets = ZoneOffsets(identifier: identifier, covering: instants) else { return nil }
        self.offsets = offsets
    }

    /// The local day (days since 1970-01-01) that `instant` falls on.
    /// - Precondition: `instant` is in the range given at creation.
    @inline(__always)
    public func day(of instant: Int64) -> Int32 {
        Int32(Self.floorDiv(instant + offset(at: instant), 86_400))
    }

    /// The local hour that `instant` falls in, as a `Period`.
    /// - Precondition: `instant` is in the range given at creation, and `hasQuarterHourOffsets`.
    @inline(__always)
    public func hour(of instant: Int64) -> Int32 {
        let offset = offset(at: instant)
        return Period.hour(localHour: Self.floorDiv(instant + offset, 3_600), offsetSeconds: offset)
    }

    /// The period of `granularity` that `instant` falls in.
    @inline(__always)
    public func period(of instant: Int64, _ granularity: Granularity) -> Int32 {
        switch granularity {
        case .day: day(of: instant)
        case .hour: hour(of: instant)
        }
    }

    /// Whether every offset of the zone over the range is a whole number of quarter hours, as
    /// an hour `Period` needs (true of every zone since 1970).
    public var hasQuarterHourOffsets: Bool { offsets.hasQuarterHourOffsets }

    @inline(__always)
    private func offset(at instant: Int64) -> Int64 { offsets.offset(at: instant) }

    /// Whether `name` is a time zone of the IANA database (tzdata), as `--tz` promises.
    public static func isZoneName(_ name: String) -> Bool { ZoneOffsets.isZoneName(name) }

    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { ZoneOffsets.floorDiv(a, b) }
}
