import Testing

@testable import TallyParser

/// Expected instants are from `date -u -d '<time>' +%s`, not from the parser's own arithmetic.
@Suite struct AccessLogTimeTests {
    let parser = TimeParser()

    func parse(_ text: String) -> TimeParser.Result {
        Array(text.utf8).withUnsafeBytes { parser.parse(accessLogTime: $0) }
    }
}

// MARK: - Accepted

extension AccessLogTimeTests {
    @Test(arguments: [
        ("21/Nov/2026:13:45:12 +0000", 1_795_268_712 as Int64),
        ("21/Nov/2026:13:45:12 +0530", 1_795_248_912),
        ("21/Nov/2026:13:45:12 -0800", 1_795_297_512),
        ("21/Nov/2026:13:45:12 -0000", 1_795_268_712),
        ("21/Nov/2026:00:00:00 +0000", nov21),
        ("10/Oct/2000:13:55:36 -0700", 971_211_336),
        ("29/Feb/2028:12:00:00 +0000", 1_835_438_400),
        ("29/Feb/2000:00:00:00 +0000", 951_782_400),
        ("31/Dec/2026:23:59:59 +0000", 1_798_761_599),
        ("31/Dec/2026:23:59:60 +0000", 1_798_761_599),
        ("01/Mar/2026:00:00:00 +1400", 1_772_272_800),
        ("01/Jan/2026:00:30:00 -1200", 1_767_270_600),
    ])
    func acceptedTimes(text: String, instant: Int64) {
        #expect(parse(text) == .instant(instant))
    }

    /// Every month, in every case a server or a hand could write it.
    @Test(
        arguments: zip(
            ["Jan", "FEB", "mar", "Apr", "mAY", "Jun", "jUL", "Aug", "SEP", "oct", "Nov", "DeC"],
            [
                1_799_993_228, 1_802_671_628, 1_805_090_828, 1_807_769_228, 1_810_361_228, 1_813_039_628,
                1_815_631_628, 1_818_310_028, 1_820_988_428, 1_823_580_428, 1_826_258_828, 1_828_850_828,
            ] as [Int64]))
    func everyMonth(name: String, instant: Int64) {
        #expect(parse("15/\(name)/2027:06:07:08 +0000") == .instant(instant))
    }
}

// MARK: - Refused

extension AccessLogTimeTests {
    @Test(arguments: [
        "", "21/Nov/2026:13:45:12", "21/Nov/2026:13:45:12 ", "21/Nov/2026:13:45:12 +000", "21/Nov/2026:13:45:12 0000",
        "21/Nov/2026:13:45:12 +00:00", "21/Nov/2026:13:45:12 +00000", "21/Nov/2026:13:45:12 Z",
        "21/Nov/2026:13:45:12 +0000 ", "1/Nov/2026:13:45:12 +0000", "21/11/2026:13:45:12 +0000",
        "21/Nvv/2026:13:45:12 +0000", "21/No@/2026:13:45:12 +0000", "21-Nov-2026:13:45:12 +0000",
        "21/Nov/2026 13:45:12 +0000", "21/Nov/26:13:45:12 +0000", "2026-11-21T13:45:12Z",
        "00/Nov/2026:13:45:12 +0000", "31/Nov/2026:13:45:12 +0000", "32/Jan/2026:13:45:12 +0000",
        "29/Feb/2026:00:00:00 +0000", "29/Feb/2100:00:00:00 +0000", "31/Apr/2026:00:00:00 +0000",
        "21/Nov/2026:24:00:00 +0000", "21/Nov/2026:13:60:00 +0000", "21/Nov/2026:13:45:61 +0000",
        "21/Nov/2026:13:45:12 +2400", "21/Nov/2026:13:45:12 +0060", "21/Nov/2026:1a:45:12 +0000",
    ])
    func refusedTimes(text: String) {
        #expect(parse(text) == .bad)
    }

    @Test func monthLengthsFollowTheCalendar() {
        #expect(parse("30/Apr/2026:00:00:00 +0000") != .bad)
        #expect(parse("31/Jan/2026:00:00:00 +0000") != .bad)
        #expect(parse("28/Feb/2026:00:00:00 +0000") != .bad)
        #expect(parse("29/Feb/2024:00:00:00 +0000") != .bad)
    }

    @Test(arguments: ["31/Dec/1999:23:59:59 +0000", "01/Jan/2000:00:30:00 +0100", "01/Jan/2101:00:00:00 +0000"])
    func timesOutOfRange(text: String) {
        #expect(parse(text) == .outOfRange)
    }
}
