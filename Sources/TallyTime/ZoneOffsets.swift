import Foundation

/// One IANA time zone's offsets from UTC over a range of instants, as a table read without
/// Foundation: built once per run, then an offset is a division, one array read and a compare.
///
/// For every UTC day in the range the table records the zone's offset at the day's start and,
/// if the offset changes during that day, the second it changes and the offset after. The
/// change is found by bisection to the second, so zones whose changes fall on half or quarter
/// hours (Adelaide, Kathmandu, Lord Howe) are exact too. At most one change per UTC day is
/// assumed; no zone has had two in one day since 1970.
public struct ZoneOffsets: Sendable {
    @usableFromInline
    struct DayEntry: Sendable {
        @usableFromInline var offset: Int32
        /// Seconds after the UTC day's start at which `offsetAfter` applies; 86_400 if never.
        @usableFromInline var changeAt: Int32
        @usableFromInline var offsetAfter: Int32
    }

    public let identifier: String
    @usableFromInline let firstDay: Int64
    @usableFromInline let entries: [DayEntry]
    /// Set for zones with one offset over the whole range (UTC, fixed-offset zones).
    @usableFromInline let fixedOffset: Int64?

    /// - Parameters:
    ///   - identifier: an IANA zone name such as `America/New_York`, or `UTC`.
    ///   - instants: the instants that will be looked up (seconds since the epoch, UTC).
    /// - Returns: nil if the zone is unknown (see `isZoneName`).
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

    /// The zone's offset from UTC at `instant`, in seconds.
    /// - Precondition: `instant` is in the range given at creation.
    @inlinable @inline(__always)
    public func offset(at instant: Int64) -> Int64 {
        if let fixedOffset { return fixedOffset }
        let utcDay = Self.floorDiv(instant, 86_400)
        let entry = entries[Int(utcDay - firstDay)]
        return Int64(instant - utcDay * 86_400 < Int64(entry.changeAt) ? entry.offset : entry.offsetAfter)
    }

    /// Whether the zone is UTC over the whole range.
    public var isUTC: Bool { fixedOffset == 0 }

    /// Whether every offset of the zone over the range is a whole number of quarter hours (true
    /// of every zone since 1970).
    public var hasQuarterHourOffsets: Bool {
        entries.allSatisfy { $0.offset % 900 == 0 && $0.offsetAfter % 900 == 0 } && (fixedOffset ?? 0) % 900 == 0
    }

    /// What a local time, written without an offset, is in UTC.
    public enum LocalTime: Equatable, Sendable {
        case instant(Int64)
        /// The clock showed it twice (the hour repeated when clocks go back): these are the two.
        case ambiguous(Int64, Int64)
        /// The clock never showed it (the hour skipped when clocks go forward).
        case nonexistent
    }

    /// The instant of a local time: `local` is the seconds since the epoch that the wall clock
    /// reading would be in UTC.
    /// - Precondition: `local` is at least a day inside the range given at creation.
    @inlinable
    public func instant(local: Int64) -> LocalTime {
        if let fixedOffset { return .instant(local - fixedOffset) }
        // A change moves the clock by less than a day, so the offsets a day either side are the
        // only candidates; each is right if the instant it gives has that offset.
        let before = offset(at: local - 86_400)
        let after = offset(at: local + 86_400)
        let early = local - before
        let late = local - after
        let earlyHolds = offset(at: early) == before
        let lateHolds = offset(at: late) == after
        switch (earlyHolds, lateHolds) {
        case (true, true): return early == late ? .instant(early) : .ambiguous(min(early, late), max(early, late))
        case (true, false): return .instant(early)
        case (false, true): return .instant(late)
        case (false, false): return .nonexistent
        }
    }

    /// Whether `name` is a time zone of the IANA database (tzdata).
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
    public static let utcNames: Set<String> = [
        "UTC", "GMT", "Etc/UTC", "Etc/GMT", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
        "Etc/Greenwich", "Greenwich", "GMT0", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT+0", "GMT-0",
    ]

    @inlinable @inline(__always)
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
