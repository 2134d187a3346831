import Foundation
import TallyTestSupport
import Testing

@testable import TallyParser

/// Replays fixtures/fuzz/FailCases/parser with the fuzzer's property: the same outcomes whatever
/// the chunk boundaries, and only sane events counted. The first byte of each case chooses the
/// line cap, as in the harness.
@Suite struct ParserFuzzFailCaseTests {
    static let directory = Repository.fixtures.appendingPathComponent("fuzz/FailCases/parser")

    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
}

extension ParserFuzzFailCaseTests {
    @Test(arguments: cases)
    func chunkingDoesNotChangeTheOutcomes(name: String) throws {
        let data = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let maxLine = 16 + Int(data[0]) * 4
        let body = Array(data.dropFirst())
        let whole = parseAll(body, chunkSize: max(1, body.count), maxLineBytes: maxLine)
        for chunk in [1, 2, 3, 13] {
            #expect(parseAll(body, chunkSize: chunk, maxLineBytes: maxLine) == whole, "\(name) chunk \(chunk)")
        }
        let time = TimeParser()
        for case .event(let instant, _, let campaign) in whole {
            #expect(!campaign.isEmpty)
            #expect(instant >= time.earliest && instant < time.end)
        }
    }
}
