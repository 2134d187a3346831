import Testing

@testable import TallyParser

@Suite struct TimeParserTests {
    let parser = TimeParser()

    func parse(_ text: String) -> TimeParser.Result {
        Array(text.utf8).withUnsafeBytes { parser.parse(text: $0) }
    }
}

extension TimeParserTests {
    @Test(arguments: [
        ("2026-11-21T00:00:00Z", nov21),
        ("2026-11-21t00:00:00z", nov21),
        ("2026-11-21 00:00:00Z", nov21),
        ("2026-11-21T00:00:00.999999Z", nov21),
        ("2026-11-20T23:59:59.9999Z", nov21 - 1),
        ("2026-11-20T19:00:00-05:00", nov21),
        ("2026-11-21T05:30:00+05:30", nov21),
        ("2026-11-21T05:30:00+0530", nov21),
        ("2026-11-21T05:00:00+05", nov21),
        ("2026-11-20T23:59:60Z", nov21 - 1),
        ("1795219200", nov21),
        ("1795219200.75", nov21),
        ("1795219200999", nov21),
        ("1795219200999.5", nov21),
        ("1795219200999999", nov21),
        ("1795219200999999999", nov21),
        ("1795219200999999999.9", nov21),
        ("2026-11-21T00:00:00", nov21),
        ("2026-11-21 00:00:00.123", nov21),
        ("2026-11-21-00:00:00", nov21),
        ("2026-11-21-05:00:00+05:00", nov21),
        ("2000-01-01T00:00:00Z", 946_684_800),
        ("2024-02-29T00:00:00Z", 1_709_164_800),
    ])
    func acceptedTimes(text: String, instant: Int64) {
        #expect(parse(text) == .instant(instant))
    }

    @Test(arguments: [
        "", "2026-11-21", "2026-11-21T00", "2026-11-21_00:00:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-11-21T24:00:00Z", "2026-11-21T00:00:00+25:00", "2026-11-21T00:00:00Zjunk", "1.7e9", "12ab",
        "2026-11-21T00:00:00.Z", "--5",
    ])
    func refusedTimes(text: String) {
        #expect(parse(text) == .bad)
    }

    @Test(arguments: [
        "1999-12-31T23:59:59Z", "2101-01-01T00:00:00Z", "0", "-5", "99999999999999999999", "9223372036854775808",
        "99999999999999", "99999999999999999",
    ])
    func timesOutOfRange(text: String) {
        #expect(parse(text) == .outOfRange)
    }

    @Test func daysFromCivilMatchesKnownDates() {
        #expect(TimeParser.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
        #expect(TimeParser.daysFromCivil(year: 2026, month: 11, day: 21) * 86_400 == nov21)
        #expect(TimeParser.daysFromCivil(year: 1969, month: 12, day: 31) == -1)
    }
}
