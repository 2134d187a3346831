import Testing

@testable import TallyParser

@Suite struct QueryParametersTests {
    /// The value of `name` in `query`, as text; nil if there is none.
    func value(_ name: String, in query: String) -> String? {
        Array(query.utf8).withUnsafeBytes { q in
            Array(name.utf8).withUnsafeBytes { n in
                QueryParameters(q).value(named: n).map { String(decoding: $0, as: UTF8.self) }
            }
        }
    }

    /// `value` percent-decoded, as bytes; nil if decoding fails.
    func decoded(_ value: String, scratch: ScratchBuffer = ScratchBuffer()) -> [UInt8]? {
        Array(value.utf8).withUnsafeBytes { QueryParameters.percentDecoded($0, into: scratch).map { Array($0) } }
    }
}

// MARK: - Lookup

extension QueryParametersTests {
    @Test func parametersAreFoundInAnyOrder() {
        #expect(value("ev", in: "ev=imp&cmp=abc%20d") == "imp")
        #expect(value("cmp", in: "ev=imp&cmp=abc%20d") == "abc%20d")
        #expect(value("ev", in: "cmp=abc&ev=click") == "click")
        #expect(value("cmp", in: "cmp=abc&ev=click") == "abc")
        #expect(value("ts", in: "ev=imp&ts=1795219200&cmp=x") == "1795219200")
    }

    @Test func theFirstOccurrenceWins() {
        #expect(value("a", in: "a=1&a=2") == "1")
        #expect(value("a", in: "b=0&a=&a=2") == "")
        #expect(value("a", in: "a&a=2") == "")
    }

    @Test func emptyAndMissingValues() {
        #expect(value("a", in: "a=&b=2") == "")
        #expect(value("a", in: "a&b=2") == "")
        #expect(value("b", in: "a=1&b") == "")
        #expect(value("b", in: "a=1&b=") == "")
        #expect(value("c", in: "a=1&b=2") == nil)
        #expect(value("a", in: "") == nil)
        #expect(value("", in: "=x&a=1") == nil)
    }

    @Test func namesMatchWhole() {
        #expect(value("ev", in: "evx=1&ev=2") == "2")
        #expect(value("ev", in: "e=1&xev=3") == nil)
        #expect(value("ev", in: "e") == nil)
        #expect(value("cmp", in: "CMP=1") == nil)
    }

    @Test func namesAreComparedRaw() {
        #expect(value("cmp", in: "c%6Dp=1") == nil)
        #expect(value("c%6Dp", in: "c%6Dp=1") == "1")
        #expect(value("a b", in: "a+b=1") == nil)
    }

    @Test func onlyTheAmpersandSeparates() {
        #expect(value("a", in: "a=1;b=2") == "1;b=2")
        #expect(value("b", in: "a=1;b=2") == nil)
        #expect(value("a", in: "&&a=1&") == "1")
        #expect(value("a", in: "a=b=c&d=e") == "b=c")
    }

    @Test func theValueIsASliceOfTheQuery() {
        let query = Array("ev=imp&cmp=abc".utf8)
        query.withUnsafeBytes { q in
            let found = Array("cmp".utf8).withUnsafeBytes { QueryParameters(q).value(named: $0) }
            #expect(found?.baseAddress == q.baseAddress! + 11)
            #expect(found?.count == 3)
        }
    }
}

// MARK: - Percent-decoding

extension QueryParametersTests {
    @Test(
        arguments: [
            ("a+b", Array("a b".utf8)),
            ("a%2Bb", Array("a+b".utf8)),
            ("a%2bb", Array("a+b".utf8)),
            ("%C3%A9", [0xc3, 0xa9]),
            ("caf%c3%a9", Array("café".utf8)),
            ("abc%20d", Array("abc d".utf8)),
            ("x%20y+z%21", Array("x y z!".utf8)),
            ("%25", Array("%".utf8)),
            ("%2525", Array("%25".utf8)),
            ("%00", [0]),
            ("%FF%fe", [0xff, 0xfe]),
            ("+", [0x20]),
            ("++%2B", Array("  +".utf8)),
        ] as [(String, [UInt8])])
    func valuesAreDecoded(value: String, bytes: [UInt8]) {
        #expect(decoded(value) == bytes)
    }

    @Test(arguments: ["%zz", "%4", "abc%4", "%", "abc%", "%%41", "%4g", "%g4", "a%2", "ok+%C3%A"])
    func brokenEscapesFail(value: String) {
        #expect(decoded(value) == nil)
    }

    @Test func plainValuesAreNotCopied() {
        let scratch = ScratchBuffer()
        for text in ["abc", "", "imp", "a-b_c.d~e"] {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { raw in
                let out = QueryParameters.percentDecoded(raw, into: scratch)
                #expect(out?.baseAddress == raw.baseAddress)
                #expect(out.map { Array($0) } == bytes)
            }
        }
    }

    @Test func longValuesGrowTheScratchBuffer() {
        let scratch = ScratchBuffer(capacity: 4)
        let value = String(repeating: "%41b", count: 300)
        #expect(decoded(value, scratch: scratch) == Array(String(repeating: "Ab", count: 300).utf8))
        #expect(decoded("x%20y", scratch: scratch) == Array("x y".utf8))
    }
}
