import TallyBytes
import Testing

@testable import TallyParser

@Suite struct KeyColumnsTests {
    @Test func theCampaignGoesByAnyOfItsNamesAndOtherNamesAreFields() throws {
        let key = try KeyColumns(names: ["country", "cid", "creative_id"])
        #expect(key.columns == [.field("country"), .campaign, .field("creative_id")])
        #expect(key.headers == ["country", "campaign_id", "creative_id"])
        #expect(key.fieldNames == ["country", "creative_id"])
        #expect(try KeyColumns(names: ["campaign"]) == .campaign)
    }

    @Test(arguments: [
        ([], KeyColumns.Problem.empty),
        (["campaign", ""], .emptyName),
        (["campaign", "campaign_id"], .duplicate("campaign_id")),
        (["country", "country"], .duplicate("country")),
        (["ts"], .notAKey("ts", .time)),
        (["campaign", "event_type"], .notAKey("event_type", .type)),
        (["a\tb"], .badName("a\tb")),
    ])
    func keysThatCannotBeAreRefused(names: [String], problem: KeyColumns.Problem) {
        #expect(throws: problem) { try KeyColumns(names: names) }
    }

    @Test func keyTuplesSplitBackIntoTheirColumns() {
        for (bytes, count, expected) in [
            ("a\0b\0c", 3, ["a", "b", "c"]), ("\0\0", 3, ["", "", ""]), ("abc", 1, ["abc"]), ("a\0", 2, ["a", ""]),
            ("", 1, [""]), ("a\0b", 1, ["a\0b"]),
            // Columns longer than the bytes looked at before `memchr` takes over, and one just as long.
            (
                String(repeating: "x", count: 40) + "\0" + String(repeating: "y", count: 32) + "\0z", 3,
                [String(repeating: "x", count: 40), String(repeating: "y", count: 32), "z"]
            ),
            (String(repeating: "x", count: 33), 2, [String(repeating: "x", count: 33), ""]),
        ] {
            var columns: [String] = []
            Array(bytes.utf8).withUnsafeBytes { key in
                KeyTuple.forEachColumn(of: key, columns: count) { index, column in
                    #expect(index == columns.count)
                    columns.append(String(decoding: column, as: UTF8.self))
                }
            }
            #expect(columns == expected, "\(bytes.debugDescription)")
        }
    }

    @Test func jsonKeysAreBuiltFromTheirFieldsInOrder() throws {
        var parser = EventParser(keyColumns: try KeyColumns(names: ["country", "campaign", "n"]))
        let time = #""ts":"2026-11-20T16:00:00Z","event":"imp""#
        // Strings decoded, numbers and literals as written; absent and null are empty cells.
        #expect(
            parser.parse(#"{\#(time),"campaign_id":"c","country":"D\u0045","n":-1.5}"#)
                == .event(instant: 1_795_190_400, kind: .impression, campaign: "DE\0c\0-1.5"))
        #expect(
            parser.parse(#"{"country":null,\#(time),"campaign_id":"c","n":true}"#)
                == .event(instant: 1_795_190_400, kind: .impression, campaign: "\0c\0true"))
        #expect(
            parser.parse(#"{\#(time),"campaign_id":"c","geo":{"country":"US"}}"#)
                == .event(instant: 1_795_190_400, kind: .impression, campaign: "\0c\0"))
        // The first of a repeated name, as for the campaign.
        #expect(
            parser.parse(#"{\#(time),"country":"A","campaign_id":"c","country":"B"}"#)
                == .event(instant: 1_795_190_400, kind: .impression, campaign: "A\0c\0"))
        // A key cell that could not be written is a rejected line, after the time's checks.
        #expect(parser.parse(#"{\#(time),"campaign_id":"c","country":"a\u0000"}"#) == .rejected(.nulByte))
        let invalid = Array(#"{\#(time),"campaign_id":"c","n":""#.utf8) + [0xff] + Array(#""}"#.utf8)
        #expect(parser.parse(bytes: invalid) == .rejected(.invalidUTF8))
        #expect(parser.parse(#"{\#(time),"campaign_id":"c","country":"\ud800"}"#) == .rejected(.malformed))
        #expect(
            parser.parse(#"{"ts":"nope","event":"imp","campaign_id":"c","country":"\ud800"}"#) == .rejected(.badTime))
        // An ignored line is not read for its key.
        #expect(parser.parse(#"{"ts":1,"event":"win","campaign_id":"c","country":"a\u0000"}"#) == .ignored(type: "win"))
    }

    @Test func csvKeysComeFromTheirColumnsAndShortRowsHaveEmptyCells() throws {
        var parser = EventParser(format: .csv, keyColumns: try KeyColumns(names: ["campaign", "country", "site"]))
        #expect(parser.parse("ts,country,event,campaign_id") == .header)
        #expect(parser.headerProblems == ["the header has no site column (a key column: its cells are empty)"])
        #expect(
            parser.parse(#"2026-11-20T16:00:00Z,"D""E",imp,c"#)
                == .event(instant: 1_795_190_400, kind: .impression, campaign: "c\0D\"E\0"))
        #expect(
            parser.parse("2026-11-20T16:00:00Z,,imp,c")
                == .event(instant: 1_795_190_400, kind: .impression, campaign: "c\0\0"))
        #expect(
            parser.parse(bytes: Array("2026-11-20T16:00:00Z,".utf8) + [0xfe] + Array(",imp,c".utf8))
                == .rejected(.invalidUTF8))
    }
}
