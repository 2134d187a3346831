import Testing

@testable import TallyParser

@Suite struct DelimitedTests {}

extension DelimitedTests {
    @Test func csvWithHeaderAndQuotedFields() {
        var parser = EventParser()
        #expect(parser.parse("user,timestamp,type,campaign_id") == .header)
        #expect(parser.format == .csv)
        #expect(
            parser.parse(#"u1,2026-11-21T00:00:00Z,click,"a,b""#)
                == .event(instant: nov21, kind: .click, campaign: "a,b"))
        #expect(
            parser.parse(#""u,2",1795219200,imp,"say ""hi""""#)
                == .event(instant: nov21, kind: .impression, campaign: "say \"hi\""))
        #expect(parser.parse("u3,1795219200,conversion,x") == .ignored(type: "conversion"))
    }

    @Test func tsvIsDetectedFromTheHeader() {
        var parser = EventParser()
        #expect(parser.parse("ts\tevent\tcid\tnote,with,commas") == .header)
        #expect(parser.format == .tsv)
        #expect(
            parser.parse("1795219200\tvideo_view\tc,1\tx") == .event(instant: nov21, kind: .videoView, campaign: "c,1"))
    }

    @Test(arguments: [
        (#"1795219200,imp,"open"#, RejectReason.malformed),
        (#"1795219200,imp,a"b"#, .malformed),
        (#"1795219200,imp,"a"b"#, .malformed),
        ("1795219200,imp", .missingField),
        (",imp,c", .missingField),
        ("1795219200,imp,", .emptyCampaign),
        ("soon,imp,c", .badTime),
        ("1795219200,,c", .missingField),
    ])
    func badRowsAreRejected(row: String, reason: RejectReason) {
        var parser = EventParser(format: .csv)
        #expect(parser.parse("ts,event,campaign_id") == .header)
        #expect(parser.parse(row) == .rejected(reason))
    }

    @Test func aHeaderWithoutACampaignColumnIsReported() {
        var parser = EventParser()
        #expect(parser.parse("ts,event,creative") == .header)
        #expect(parser.headerProblems.count == 1)
        #expect(parser.parse("1795219200,imp,x") == .rejected(.missingField))
    }
}
