import TallyTime
import Testing

@testable import TallyParser

/// Times written without a zone, read in an input zone with daylight-saving changes.
@Suite struct InputZoneTests {
    /// 2026-11-01T00:00:00Z: New York's clocks go back from 02:00 EDT to 01:00 EST that night.
    static let november1: Int64 = 1_793_491_200
    /// 2026-03-08T00:00:00Z: they go forward from 02:00 EST to 03:00 EDT.
    static let march8: Int64 = 1_772_928_000

    static let localCases: [(String, Int64)] = {
        let hour: Int64 = 3600
        return [
            ("2026-11-21 00:00:00", nov21 + 5 * hour),
            ("2026-11-20-19:00:00", nov21),
            ("2026-11-01 00:30:00", november1 + 4 * hour + 1800),
            ("2026-11-01 00:59:59.999", november1 + 4 * hour + 3599),
            ("2026-11-01 02:00:00", november1 + 7 * hour),
            ("2026-11-01 02:30:00", november1 + 7 * hour + 1800),
            ("2026-03-08 01:59:59", march8 + 6 * hour + 3599),
            ("2026-03-08 03:00:00", march8 + 7 * hour),
            // A written zone wins over the input zone.
            ("2026-11-01T01:30:00Z", november1 + 5400),
            ("2026-11-01T01:30:00-04:00", november1 + 5 * hour + 1800),
            ("1795219200", nov21),
        ]
    }()

    let newYork = TimeParser(inputZone: "America/New_York")!

    func parse(_ text: String, _ parser: TimeParser) -> TimeParser.Result {
        Array(text.utf8).withUnsafeBytes { parser.parse(text: $0) }
    }
}

extension InputZoneTests {
    @Test(arguments: localCases)
    func localTimesInNewYork(text: String, instant: Int64) {
        #expect(parse(text, newYork) == .instant(instant))
    }

    @Test(arguments: ["2026-11-01 01:00:00", "2026-11-01 01:30:00", "2026-11-01-01:59:59"])
    func theRepeatedHourIsAmbiguous(text: String) {
        #expect(parse(text, newYork) == .ambiguous)
    }

    @Test(arguments: ["2026-03-08 02:00:00", "2026-03-08 02:59:59.5"])
    func theSkippedHourDoesNotExist(text: String) {
        #expect(parse(text, newYork) == .nonexistent)
    }

    @Test func theDefaultZoneIsUTCWhateverTheMachineSays() {
        let utc = TimeParser()
        #expect(utc.inputZone == nil)
        #expect(TimeParser(inputZone: "Etc/UTC")?.inputZone == nil)
        #expect(parse("2026-11-01 01:30:00", utc) == .instant(Self.november1 + 5400))
        #expect(TimeParser(inputZone: "EST5EDT_nonsense") == nil)
    }

    @Test func theEdgesOfTheRangeStayInRange() {
        #expect(parse("1999-12-31 23:00:00", newYork) == .instant(946_684_800 + 4 * 3600))
        #expect(parse("1999-12-30 00:00:00", newYork) == .outOfRange)
        #expect(parse("2100-12-31 23:00:00", newYork) == .outOfRange)
        #expect(parse("2100-12-31 12:00:00", newYork) == .instant(4_133_980_800 - 86_400 + 17 * 3600))
    }

    @Test func aZoneLessRowIsRejectedByName() {
        var parser = EventParser(timeParser: newYork)
        #expect(parser.parse("ts,event,campaign_id") == .header)
        #expect(parser.parse("2026-11-01 01:30:00,imp,c") == .rejected(.ambiguousTime))
        #expect(parser.parse("2026-03-08 02:30:00,imp,c") == .rejected(.nonexistentTime))
        #expect(
            parser.parse("2026-11-01 02:30:00,imp,c")
                == .event(instant: Self.november1 + 7 * 3600 + 1800, kind: .impression, campaign: "c"))
    }

    @Test func zoneOffsetsFindEveryChangeOfAYear() throws {
        let start: Int64 = 1_767_225_600  // 2026-01-01T00:00:00Z
        let zone = try #require(
            ZoneOffsets(identifier: "Europe/Berlin", covering: (start - 2 * 86_400)..<(start + 368 * 86_400)))
        var ambiguous = 0
        var nonexistent = 0
        for hour in 1..<(365 * 24) {
            switch zone.instant(local: start + Int64(hour) * 3600) {
            case .instant(let instant): #expect(instant + zone.offset(at: instant) == start + Int64(hour) * 3600)
            case .ambiguous(let early, let late):
                ambiguous += 1
                #expect(late - early == 3600)
            case .nonexistent: nonexistent += 1
            }
        }
        #expect(ambiguous == 1)
        #expect(nonexistent == 1)
    }
}
