import Foundation

/// Maps instants to local calendar days in one IANA time zone, without Foundation per event.
///
/// Built once per run: for every UTC day in the accepted range it records the zone's offset at
/// the day's start and, if the offset changes during that day, the second it changes and the
/// offset after. Looking up an instant is then a division, one array read and a compare. The
/// change is found by bisection to the second, so zones whose changes fall on half or quarter
/// hours (Adelaide, Kathmandu, Lord Howe) are exact too. At most one change per UTC day is
/// assumed; no zone has had two in one day since 1970.
public struct LocalDayCalendar: Sendable {
    private struct DayEntry {
        var offset: Int32
        /// Seconds after the UTC day's start at which `offsetAfter` applies; 86_400 if never.
        var changeAt: Int32
        var offsetAfter: Int32
    }

    public let identifier: String
    private let firstDay: Int64
    private let entries: [DayEntry]
    /// Set for zones with one offset over the whole range (UTC, fixed-offset zones).
    private let fixedOffset: Int64?

    /// - Parameters:
    ///   - identifier: an IANA zone name such as `America/New_York`, or `UTC`.
    ///   - instants: the instants that will be looked up (seconds since the epoch, UTC).
    /// - Returns: nil if the zone is unknown.
    public init?(identifier: String, covering instants: Range<Int64>) {
        guard Self.isZoneName(identifier), let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        if Self.utcNames.contains(identifier) {
            // No table to build: this is most runs, and the table costs some 37,000 zone look-ups.
            firstDay = 0
            entries = []
            fixedOffset = 0
            return
        }
        let first = Self.floorDiv(instants.lowerBound, 86_400)
        let last = Self.floorDiv(instants.upperBound - 1, 86_400)
        firstDay = first
        func offset(_ instant: Int64) -> Int32 {
            Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant))))
        }
        var entries: [DayEntry] = []
        entries.reserveCapacity(Int(last - first + 1))
        var atStart = offset(first * 86_400)
        var isFixed = true
        for day in first...last {
            let start = day * 86_400
            let atNext = offset(start + 86_400)
            var entry = DayEntry(offset: atStart, changeAt: 86_400, offsetAfter: atStart)
            if atNext != atStart {
                isFixed = false
                // Invariant: offset(low) == atStart, offset(high) != atStart.
                var low = start
                var high = start + 86_400
                while high - low > 1 {
                    let middle = (low + high) / 2
                    if offset(middle) == atStart { low = middle } else { high = middle }
                }
                entry.changeAt = Int32(high - start)
                entry.offsetAfter = atNext
            }
            entries.append(entry)
            atStart = atNext
        }
        self.entries = entries
        fixedOffset = isFixed ? Int64(entries.first?.offset ?? 0) : nil
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
    public var hasQuarterHourOffsets: Bool {
        entries.allSatisfy { $0.offset % 900 == 0 && $0.offsetAfter % 900 == 0 } && (fixedOffset ?? 0) % 900 == 0
    }

    /// The zone's offset from UTC at `instant`, in seconds.
    @inline(__always)
    private func offset(at instant: Int64) -> Int64 {
        if let fixedOffset { return fixedOffset }
        let utcDay = Self.floorDiv(instant, 86_400)
        let entry = entries[Int(utcDay - firstDay)]
        return Int64(instant - utcDay * 86_400 < Int64(entry.changeAt) ? entry.offset : entry.offsetAfter)
    }

    /// Whether `name` is a time zone of the IANA database (tzdata), as `--tz` promises.
    ///
    /// Foundation alone is not enough: it also takes abbreviations and offsets, and reads them
    /// its own way (`BST` as Bangladesh, not British Summer Time; `GMT+5` as east of UTC, where
    /// tzdata's `Etc/GMT+5` is west), which would count events on the wrong days. So a name
    /// must also be a zone file of the system's tzdata (`$TZDIR`, else /usr/share/zoneinfo).
    /// Without tzdata installed, only UTC's names and `Area/Location` names are taken.
    public static func isZoneName(_ name: String) -> Bool {
        if utcNames.contains(name) { return true }
        guard !name.isEmpty, !name.hasPrefix("/"),
            !name.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }),
            TimeZone(identifier: name) != nil
        else { return false }
        let directory = ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
        guard FileManager.default.fileExists(atPath: directory) else { return name.contains("/") }
        // A zone file starts with the magic `TZif`; the directory also holds tables (zone.tab).
        guard let file = FileHandle(forReadingAtPath: directory + "/" + name) else { return false }
        defer { try? file.close() }
        return (try? file.read(upToCount: 4)) == Data("TZif".utf8)
    }

    /// Names of UTC itself, as tzdata spells it.
    static let utcNames: Set<String> = [
        "UTC", "GMT", "Etc/UTC", "Etc/GMT", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
        "Etc/Greenwich", "Greenwich", "GMT0", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT+0", "GMT-0",
    ]

    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
