import Testing

@testable import TallyParser

@Suite struct LineSplitterTests {
    static let sample: [UInt8] = Array(
        """
        {"ts":1795219200,"event":"imp","campaign_id":"caf\u{e9}"}\r
        \r

        {"ts":"2026-11-21T00:00:00Z","event":"click","campaign_id":"\u{1F600}"}
        oops
        {"ts":1795219200,"event":"start","campaign_id":"last"}
        """.utf8)

    static let expected: [Parsed] = [
        .event(instant: nov21, kind: .impression, campaign: "caf\u{e9}"), .blank, .blank,
        .event(instant: nov21, kind: .click, campaign: "\u{1F600}"), .rejected(.malformed),
        .event(instant: nov21, kind: .videoView, campaign: "last"),
    ]
}

extension LineSplitterTests {
    // Chunk sizes that cut inside CRLF, inside multi-byte UTF-8 characters and inside every line.
    @Test(arguments: [1, 2, 3, 5, 7, 64, 4096])
    func chunkBoundariesDoNotChangeTheResult(chunkSize: Int) {
        #expect(parseAll(Self.sample, chunkSize: chunkSize) == Self.expected)
    }

    @Test(arguments: [1, 3, 10, 1000])
    func overlongLinesAreRejectedAndParsingResumes(chunkSize: Int) {
        let long =
            "{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"" + String(repeating: "x", count: 100) + "\"}"
        let text = Array((long + "\n{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"ok\"}\n" + long).utf8)
        let results = parseAll(text, chunkSize: chunkSize, maxLineBytes: 80)
        #expect(
            results == [
                .rejected(.lineTooLong), .event(instant: nov21, kind: .impression, campaign: "ok"),
                .rejected(.lineTooLong),
            ])
    }

    @Test func theCapDoesNotCountTheCROfCRLF() {
        let line = "{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}"
        let cap = line.utf8.count
        for chunk in [1, 7, 100] {
            #expect(
                parseAll(Array((line + "\r\n" + line + "\r").utf8), chunkSize: chunk, maxLineBytes: cap)
                    == [
                        .event(instant: nov21, kind: .impression, campaign: "c"),
                        .event(instant: nov21, kind: .impression, campaign: "c"),
                    ])
            #expect(
                parseAll(Array((line + "x\r\n").utf8), chunkSize: chunk, maxLineBytes: cap) == [.rejected(.lineTooLong)]
            )
        }
    }

    @Test func aLineOfExactlyTheCapIsKept() {
        let line = "{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}"
        for chunk in [1, 7, 100] {
            #expect(parseAll(Array(line.utf8), chunkSize: chunk, maxLineBytes: line.utf8.count).count == 1)
            #expect(
                parseAll(Array(line.utf8), chunkSize: chunk, maxLineBytes: line.utf8.count - 1)
                    == [.rejected(.lineTooLong)])
        }
    }

    @Test func everyLineIsHandedOutOnceInOrder() {
        var splitter = LineSplitter()
        var lines: [String] = []
        Array("a\nb\n\nc".utf8).withUnsafeBytes { raw in
            splitter.consume(raw) { piece in
                if case .line(let bytes) = piece { lines.append(String(decoding: bytes, as: UTF8.self)) }
            }
        }
        splitter.finish { piece in
            if case .line(let bytes) = piece { lines.append(String(decoding: bytes, as: UTF8.self)) }
        }
        #expect(lines == ["a", "b", "", "c"])
        #expect(splitter.lineNumber == 4)
    }
}
