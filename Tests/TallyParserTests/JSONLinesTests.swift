import Testing

@testable import TallyParser

@Suite struct JSONLinesTests {}

extension JSONLinesTests {
    // MARK: - Fields and aliases

    @Test func readsTheThreeFields() {
        var parser = EventParser()
        #expect(
            parser.parse(#"{"ts":"2026-11-21T13:45:12Z","event":"impression","campaign_id":"c1","x":[1,{"a":null}]}"#)
                == .event(instant: nov21 + 13 * 3600 + 45 * 60 + 12, kind: .impression, campaign: "c1"))
    }

    @Test func thePreferredAliasWinsWhereverItStands() {
        var parser = EventParser()
        #expect(
            parser.parse(
                #"{"campaign":"late","time":1795219200,"cid":"x","type":"imp","campaign_id":"best","event":"click"}"#)
                == .event(instant: nov21, kind: .click, campaign: "best"))
    }

    @Test func nestedKeysAreNotFields() {
        var parser = EventParser()
        #expect(
            parser.parse(#"{"meta":{"campaign_id":"nested"},"ts":1795219200,"event":"imp"}"#)
                == .rejected(.missingField))
    }

    @Test(arguments: [
        ("impression", EventKind.impression), ("IMP", .impression), ("Impr", .impression), ("click", .click),
        ("CLK", .click), ("video_view", .videoView), ("VideoView", .videoView), ("video_start", .videoView),
        ("start", .videoView),
    ])
    func typeValuesAreCaseInsensitive(value: String, kind: EventKind) {
        var parser = EventParser()
        #expect(
            parser.parse(#"{"ts":1795219200,"event":"\#(value)","campaign_id":"c"}"#)
                == .event(instant: nov21, kind: kind, campaign: "c"))
    }

    @Test func otherTypesAreIgnored() {
        var parser = EventParser()
        #expect(
            parser.parse(#"{"ts":1795219200,"event":"conversion","campaign_id":"c"}"#) == .ignored(type: "conversion"))
        #expect(
            parser.parse(#"{"ts":"garbage","event":"impressions","campaign_id":""}"#) == .ignored(type: "impressions"))
    }

    // MARK: - Campaign values

    @Test func campaignEscapesAreDecoded() {
        var parser = EventParser()
        #expect(
            parser.parse(#"{"ts":1795219200,"event":"imp","campaign_id":"caf\u00e9 \"q\" \\ \/"}"#)
                == .event(instant: nov21, kind: .impression, campaign: "café \"q\" \\ /"))
        #expect(
            parser.parse(#"{"ts":1795219200,"event":"imp","campaign_id":"\ud83d\ude00"}"#)
                == .event(instant: nov21, kind: .impression, campaign: "😀"))
    }

    @Test func campaignBytesAreKeptExactly() {
        var parser = EventParser()
        // "é" precomposed and "e" + combining acute stay two different campaigns.
        #expect(
            parser.parse("{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"caf\u{e9}\"}")
                == .event(instant: nov21, kind: .impression, campaign: "caf\u{e9}"))
        let decomposed = parser.parse("{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"cafe\u{301}\"}")
        guard case .event(_, _, let campaign) = decomposed else {
            Issue.record("\(decomposed)")
            return
        }
        #expect(Array(campaign.utf8) == Array("cafe\u{301}".utf8))
    }

    @Test func integerCampaignsAreUsedAsWritten() {
        var parser = EventParser()
        #expect(
            parser.parse(#"{"ts":1795219200,"event":"imp","campaign_id":123}"#)
                == .event(instant: nov21, kind: .impression, campaign: "123"))
        #expect(
            parser.parse(#"{"ts":1795219200,"event":"imp","campaign_id":-5}"#)
                == .event(instant: nov21, kind: .impression, campaign: "-5"))
        #expect(parser.parse(#"{"ts":1795219200,"event":"imp","campaign_id":1.5}"#) == .rejected(.badCampaign))
        #expect(parser.parse(#"{"ts":1795219200,"event":"imp","campaign_id":true}"#) == .rejected(.badCampaign))
        #expect(parser.parse(#"{"ts":1795219200,"event":"imp","campaign_id":{}}"#) == .rejected(.badCampaign))
    }

    // MARK: - Rejections

    @Test(arguments: [
        (#"not json"#, RejectReason.malformed),
        (#"{"ts":1795219200,"event":"imp","campaign_id":"c""#, .malformed),
        (#"{"ts":1795219200,"event":"imp","campaign_id":"c"} x"#, .malformed),
        (#"{"ts":1795219200,"event":"imp","campaign_id":"c",}"#, .malformed),
        (#"{"ts":01795219200,"event":"imp","campaign_id":"c"}"#, .malformed),
        (#"{"ts":1795219200,"event":"imp","campaign_id":"a\qb"}"#, .malformed),
        (#"{"ts":1795219200,"event":"imp","campaign_id":"\ud800"}"#, .malformed),
        ("{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"a\tb\"}", .malformed),
        (#"[1,2]"#, .malformed),
        (#"{"ts":1795219200,"event":"imp"}"#, .missingField),
        (#"{"ts":null,"event":"imp","campaign_id":"c"}"#, .missingField),
        (#"{"ts":1795219200,"event":7,"campaign_id":"c"}"#, .badType),
        (#"{"ts":1795219200,"event":"imp","campaign_id":""}"#, .emptyCampaign),
        (#"{"ts":1795219200,"event":"imp","campaign_id":"a\u0000b"}"#, .nulByte),
        (#"{"ts":"yesterday","event":"imp","campaign_id":"c"}"#, .badTime),
        (#"{"ts":true,"event":"imp","campaign_id":"c"}"#, .badTime),
        (#"{"ts":"2026-11-21T13:45","event":"imp","campaign_id":"c"}"#, .badTime),
        (#"{"ts":0,"event":"imp","campaign_id":"c"}"#, .timeOutOfRange),
        (#"{"ts":"2101-01-01T00:00:00Z","event":"imp","campaign_id":"c"}"#, .timeOutOfRange),
    ])
    func badLinesAreRejectedWithTheirReason(line: String, reason: RejectReason) {
        var parser = EventParser(format: .jsonl)
        #expect(parser.parse(line) == .rejected(reason))
    }

    @Test func invalidUTF8InTheCampaignIsRejected() {
        var parser = EventParser()
        let line = Array(#"{"ts":1795219200,"event":"imp","campaign_id":"a"#.utf8) + [0xff] + Array(#""}"#.utf8)
        #expect(parser.parse(bytes: line) == .rejected(.invalidUTF8))
        let nul = Array(#"{"ts":1795219200,"event":"imp","campaign_id":"a"#.utf8) + [0] + Array(#""}"#.utf8)
        #expect(parser.parse(bytes: nul) == .rejected(.nulByte))
    }

    @Test func blankLinesAndCRLFEndings() {
        var parser = EventParser()
        #expect(parser.parse("") == .blank)
        #expect(parser.parse(" \t\r") == .blank)
        #expect(
            parser.parse("{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}\r")
                == .event(instant: nov21, kind: .impression, campaign: "c"))
    }

    @Test func aByteOrderMarkOnTheFirstLineIsSkipped() {
        var parser = EventParser()
        #expect(
            parser.parse("\u{feff}{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}")
                == .event(instant: nov21, kind: .impression, campaign: "c"))
    }
}
