import Foundation
import Testing

@testable import TallyAggregator

@Suite struct LocalDayCalendarTests {
    static let range: Range<Int64> = 946_684_800..<4_133_980_800

    /// Days since the epoch of a UTC date.
    func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: y, month: m, day: d))!
        return Int32(date.timeIntervalSince1970 / 86_400)
    }

    func instant(_ text: String) -> Int64 {
        Int64(ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970)
    }
}

extension LocalDayCalendarTests {
    @Test func utcDaysAreUTCDays() throws {
        let calendar = try #require(LocalDayCalendar(identifier: "UTC", covering: Self.range))
        #expect(calendar.day(of: instant("2026-11-21T00:00:00Z")) == day(2026, 11, 21))
        #expect(calendar.day(of: instant("2026-11-21T23:59:59Z")) == day(2026, 11, 21))
    }

    @Test func newYorkAcrossBothDSTChanges() throws {
        let ny = try #require(LocalDayCalendar(identifier: "America/New_York", covering: Self.range))
        // Spring forward 2026-03-08 07:00Z (EST -5 before, EDT -4 after).
        #expect(ny.day(of: instant("2026-03-08T04:59:59Z")) == day(2026, 3, 7))
        #expect(ny.day(of: instant("2026-03-08T05:00:00Z")) == day(2026, 3, 8))
        #expect(ny.day(of: instant("2026-03-09T03:59:59Z")) == day(2026, 3, 8))
        #expect(ny.day(of: instant("2026-03-09T04:00:00Z")) == day(2026, 3, 9))
        // Fall back 2026-11-01 06:00Z: the day has 25 hours.
        #expect(ny.day(of: instant("2026-11-01T03:59:59Z")) == day(2026, 10, 31))
        #expect(ny.day(of: instant("2026-11-01T04:00:00Z")) == day(2026, 11, 1))
        #expect(ny.day(of: instant("2026-11-02T04:59:59Z")) == day(2026, 11, 1))
        #expect(ny.day(of: instant("2026-11-02T05:00:00Z")) == day(2026, 11, 2))
    }

    @Test(arguments: [
        "Australia/Adelaide", "Asia/Kathmandu", "Australia/Lord_Howe", "Europe/Berlin", "America/Sao_Paulo",
    ])
    func everyHourOfTheseYearsMatchesFoundation(zone: String) throws {
        let calendar = try #require(LocalDayCalendar(identifier: zone, covering: Self.range))
        let timeZone = try #require(TimeZone(identifier: zone))
        // Every 15 minutes through 2024 and 2025, and the minutes around each change.
        var t = instant("2024-01-01T00:00:00Z")
        let end = instant("2026-01-01T00:00:00Z")
        while t < end {
            for probe in [t, t + 1, t - 1] {
                let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(probe))))
                let expected = Int32(LocalDayCalendar.floorDiv(probe + offset, 86_400))
                #expect(calendar.day(of: probe) == expected, "\(zone) at \(probe)")
            }
            t += 900
        }
    }

    @Test func unknownZonesAreRefused() {
        #expect(LocalDayCalendar(identifier: "Mars/Olympus_Mons", covering: Self.range) == nil)
    }
}
