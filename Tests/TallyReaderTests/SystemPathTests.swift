import TallyPaths
import TallyTestSupport
import Testing

/// Paths are bytes: every byte string survives the trip through a String exactly, and UTF-8
/// paths are their Strings unchanged.
@Suite struct SystemPathTests {}

extension SystemPathTests {
    @Test func anyBytesComeBackExactly() {
        var random = SplitMix(seed: 9)
        for _ in 0..<2_000 {
            let length = Int(random.next() % 24)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: 1 + random.next() % 255) }
            #expect(SystemPath.bytes(SystemPath.string(bytes)) == bytes, "\(bytes)")
        }
    }

    @Test func utf8PathsAreTheirOwnStrings() {
        for path in ["logs/a.gz", "café/日本.jsonl", "/tmp/x y", ""] {
            #expect(SystemPath.string(Array(path.utf8)) == path)
            #expect(SystemPath.bytes(path) == Array(path.utf8))
        }
    }

    @Test func bytesThatAreNotUTF8AreCarriedAndShown() {
        let bytes: [UInt8] = Array("in".utf8) + [0xff] + Array(".gz".utf8)
        let path = SystemPath.string(bytes)
        #expect(path == "in\u{F7FF}.gz")
        #expect(SystemPath.displayed(path) == "in\\xff.gz")
        // A path's own character in the carriers' range is carried byte by byte, so that no two
        // byte strings share a String.
        let own = Array("a\u{F7FF}".utf8)
        #expect(SystemPath.string(own) != "a\u{F7FF}")
        #expect(SystemPath.bytes(SystemPath.string(own)) == own)
    }
}
