import Testing

@testable import TallyParser

/// Delimiters other than a comma or a tab, found or configured; inputs without a header line;
/// and files whose lines all count as one kind of event.
@Suite struct DelimiterTests {}

extension DelimiterTests {
    @Test(arguments: [
        ("ts;event;campaign_id", UInt8(ascii: ";")),
        ("ts|event|campaign_id", UInt8(ascii: "|")),
        ("Time^OrderId^Domain", UInt8(ascii: "^")),
        ("ts\tevent\tcid\tnote,with,commas", UInt8(ascii: "\t")),
        ("ts,event,campaign_id", UInt8(ascii: ",")),
        // Quoted delimiters are text; a tie goes to the earlier of , tab ; | ^.
        (#""a;b;c";"d;e",f,g"#, UInt8(ascii: ",")),
        ("a;b|c", UInt8(ascii: ";")),
        ("single", UInt8(ascii: ",")),
    ])
    func theDelimiterIsTheCommonestOutsideQuotes(header: String, delimiter: UInt8) {
        var parser = EventParser()
        #expect(parser.parse(header) == .header)
        #expect(parser.delimiter == delimiter)
    }

    @Test func aSemicolonFileRollsUpWithoutConfiguration() {
        var parser = EventParser()
        #expect(parser.parse("timestamp;event_type;campaign_id;country") == .header)
        #expect(parser.format == .delimited)
        #expect(parser.headerProblems.isEmpty)
        #expect(
            parser.parse(#"2026-11-21T00:00:00Z;click;"a;b";FR"#)
                == .event(instant: nov21, kind: .click, campaign: "a;b"))
        #expect(parser.parse("2026-11-21T00:00:00Z,click,c,FR") == .rejected(.missingField))
    }

    @Test func aConfiguredDelimiterIsNotGuessed() {
        var schema = LogSchema.standard
        schema.delimiter = UInt8(ascii: "^")
        var parser = EventParser(format: .delimited, schema: schema)
        // More commas than carets: a guess would take the comma.
        #expect(parser.parse("ts^event^campaign_id^note,a,b,c") == .header)
        #expect(parser.delimiter == UInt8(ascii: "^"))
        #expect(parser.parse("1795219200^imp^x,y^n") == .event(instant: nov21, kind: .impression, campaign: "x,y"))
    }

    /// `--format csv --delimiter ';'`: CSV quoting, another delimiter.
    @Test func csvAndTsvTakeAConfiguredDelimiter() {
        var schema = LogSchema.standard
        schema.delimiter = UInt8(ascii: ";")
        for format in [LogFormat.csv, .tsv] {
            var parser = EventParser(format: format, schema: schema)
            #expect(parser.parse("ts;event;campaign_id") == .header)
            #expect(
                parser.parse(#"1795219200;imp;"a;b""#) == .event(instant: nov21, kind: .impression, campaign: "a;b"))
        }
    }

    @Test func columnsStandInForAMissingHeader() {
        var schema = LogSchema.standard
        schema.columns = ["when", "event", "campaign", "country"]
        schema.aliases[.time] = ["when"]
        var parser = EventParser(format: .delimited, schema: schema)
        // The first line is a row, not a header.
        #expect(
            parser.parse(#"2026-11-21 00:00:00|imp|"a|""b"""|FR"#)
                == .event(instant: nov21, kind: .impression, campaign: #"a|"b""#))
        #expect(parser.delimiter == UInt8(ascii: "|"))
        #expect(parser.headerProblems.isEmpty)
        #expect(parser.parse("1795219200|click|c|DE") == .event(instant: nov21, kind: .click, campaign: "c"))
    }

    @Test func columnsWithoutAFieldAreReported() {
        var schema = LogSchema.standard
        schema.columns = ["a", "b", "c"]
        var parser = EventParser(format: .csv, schema: schema)
        #expect(parser.parse("1795219200,imp,c") == .rejected(.missingField))
        #expect(parser.headerProblems.count == 3)
        #expect(parser.headerProblems.allSatisfy { $0.hasPrefix("the columns have no") })
    }

    @Test func aFixedKindNeedsNoTypeField() {
        var schema = LogSchema.standard
        schema.fixedKind = .click
        schema.aliases[.campaign] = ["OrderId"]
        schema.aliases[.time] = ["Time", "ts"]
        var csv = EventParser(schema: schema)
        #expect(csv.parse("Time^OrderId^Domain") == .header)
        #expect(csv.headerProblems.isEmpty)
        #expect(csv.parse("2026-11-21-00:00:00^42^a.example") == .event(instant: nov21, kind: .click, campaign: "42"))
        #expect(csv.parse("^42^a.example") == .rejected(.missingField))
        var json = EventParser(schema: schema)
        // Whatever the line's type says.
        #expect(
            json.parse(#"{"ts":1795219200,"event":"impression","OrderId":7}"#)
                == .event(instant: nov21, kind: .click, campaign: "7"))
        #expect(json.parse(#"{"ts":1795219200,"OrderId":7}"#) == .event(instant: nov21, kind: .click, campaign: "7"))
    }
}
