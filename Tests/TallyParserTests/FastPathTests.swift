import CTallyKernels
import TallyTestSupport
import Testing

@testable import TallyParser

/// The parser's fast paths (SIMD string stops, the compact-member walk and its loop once the
/// preferred names are found, word-wise digit runs, row bitmaps, the hour and second cache,
/// word-wise name compares, the kept type value) each have a plain path beside them. These
/// tests feed both the same random and damaged input and require the same answers, so a fast
/// path can only ever be faster, never different.
@Suite struct FastPathTests {}

extension FastPathTests {
    // MARK: - String stops

    /// tally's one definition of its byte classes (`tally_classify_json16` and
    /// `tally_classify_delimited16`, SSE2 here) against the definition written byte by byte.
    @Test func byteClassesAreTheDefinitionsBits() {
        var rng = SplitMix(seed: 11)
        // Bytes around every class boundary that matters: controls, quote, backslash, high bytes.
        let interesting: [UInt8] = [
            0x00, 0x09, 0x0a, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x2c, 0x5b, 0x5c, 0x5d, 0x7c, 0x7f, 0x80, 0x9f, 0xa2, 0xdc,
            0xff,
        ]
        for _ in 0..<20_000 {
            let block = (0..<16).map { _ in
                Bool.random(using: &rng)
                    ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            let delimiter = [UInt8(0x2c), 0x09, 0x7c][Int(rng.next() % 3)]
            block.withUnsafeBufferPointer { p in
                let json = tally_classify_json16(p.baseAddress!)
                let delimited = tally_classify_delimited16(p.baseAddress!, delimiter)
                var expected = (quotes: UInt32(0), others: UInt32(0), delimiters: UInt32(0), breaks: UInt32(0))
                for (i, byte) in block.enumerated() {
                    let bit = UInt32(1) << UInt32(i)
                    if byte == 0x22 { expected.quotes |= bit }
                    if byte == 0x5c || byte < 0x20 { expected.others |= bit }
                    if byte == delimiter { expected.delimiters |= bit }
                    if byte < 0x20, byte != delimiter { expected.breaks |= bit }
                }
                #expect(json.quotes == expected.quotes && json.others == expected.others, "\(block)")
                #expect(
                    delimited.quotes == expected.quotes && delimited.delimiters == expected.delimiters
                        && delimited.breaks == expected.breaks, "\(block) \(delimiter)")
            }
        }
    }

    @Test func stopsAreFoundAtEveryOffsetOfLinesOfEveryLength() {
        var rng = SplitMix(seed: 12)
        let finder = StringStopFinder()
        for length in 0..<300 {
            let line = (0..<length).map { _ -> UInt8 in
                switch Int.random(in: 0..<20, using: &rng) {
                case 0: 0x22
                case 1: 0x5c
                case 2: UInt8.random(in: 0..<0x20, using: &rng)
                default: UInt8.random(in: 0x20...0xff, using: &rng)
                }
            }
            let stops = line.indices.filter { line[$0] == 0x22 || line[$0] == 0x5c || line[$0] < 0x20 }
            line.withUnsafeBufferPointer { p in
                finder.index(p.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: length)
                #expect(finder.hasEscapesOrControls == line.contains { $0 == 0x5c || $0 < 0x20 })
                for offset in 0...length {
                    #expect(finder.first(atOrAfter: offset) == (stops.first { $0 >= offset } ?? length))
                }
                var reader = finder.reader(from: 0)
                for stop in stops { #expect(reader.next() == stop) }
                #expect(reader.next() == length)
            }
        }
    }

    // MARK: - JSON scanning

    /// With no key fields, and with key fields (whose values decide when the fast path may stop
    /// looking keys up): `country` nested in one seed, `creative_id` after the preferred names.
    @Test(arguments: [[], ["creative_id", "country", "n"]])
    func theJSONFastPathsGiveWhatTheCarefulWalkGives(keyFields: [String]) {
        var rng = SplitMix(seed: 13)
        var fast = JSONFieldScanner<FastPaths>(schema: .standard, keyFields: keyFields)
        var careful = JSONFieldScanner<PlainPaths>(schema: .standard, keyFields: keyFields)
        let seeds = [
            #"{"ts":"2026-11-20T16:00:00.036Z","event":"impression","campaign_id":"cmp-03777","creative_id":"crv-037773","ua":"WeatherNow/3.4.1 (Android 14; Pixel 8)","price":0.0375,"deal_id":null}"#,
            #"{"ts": "2026-11-20T16:00:00Z", "event": "click", "campaign_id": 123, "n": -1.5e3, "ok": true}"#,
            #"{"campaign":"a","cid":"b","campaign_id":"c","time":1795219200,"type":"imp","ts":"x","event":"clk"}"#,
            #"{"url":"https:\/\/example.com\/a?b=\"c\"","event_type":"imp","campaign_id":"\u0041x","ts":1795219200123}"#,
            #"{"geo":{"country":"US","ll":[1.5,2]},"ts":"2026-11-20T16:00:00Z","event":"video_view","campaign_id":"v"}"#,
            #"  {  "ts" : 1795219200 ,"event":"imp" , "campaign_id":"c" }  "#,
            #"{}"#,
            // Numbers of every length around the word-wise digit runs' limit of seven.
            #"{"ts":1795219200,"event":"imp","campaign_id":7,"a":0,"b":-0.5,"c":1234567,"d":12345678,"e":1.1234567,"f":0.12345678,"g":-12,"h":null,"i":"x"}"#,
        ]
        let alphabet = Array(#"{}[]:,"\ 0123456789-+.eEnulltrufals"#.utf8) + [0x00, 0x09, 0x7f, 0xc3, 0xa9]
        var valid = 0
        var invalid = 0
        for seed in seeds {
            for _ in 0..<4_000 {
                var line = Array(seed.utf8)
                for _ in 0..<Int.random(in: 0...3, using: &rng) where !line.isEmpty {
                    let at = Int.random(in: 0..<line.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: line[at] = alphabet.randomElement(using: &rng)!
                    case 1: line.insert(alphabet.randomElement(using: &rng)!, at: at)
                    case 2: line.remove(at: at)
                    default: line.removeLast(Int.random(in: 0...min(3, line.count), using: &rng))
                    }
                }
                line.withUnsafeBytes { bytes in
                    var a = (JSONFieldValue(), JSONFieldValue(), JSONFieldValue())
                    var b = a
                    let fastValid = fast.scan(bytes, into: &a)
                    let carefulValid = careful.scan(bytes, into: &b)
                    let text = String(decoding: line, as: UTF8.self)
                    #expect(fastValid == carefulValid, "\(text)")
                    if carefulValid { valid += 1 } else { invalid += 1 }
                    if fastValid && carefulValid {
                        #expect(a == b, "\(text)")
                        for index in keyFields.indices {
                            #expect(fast.keyFields?[index] == careful.keyFields?[index], "\(text)")
                        }
                    }
                }
            }
        }
        // Both answers must be common, or the comparison above proves little.
        #expect(valid > 5_000 && invalid > 5_000, "valid \(valid), invalid \(invalid)")
    }

    @Test func wordWiseDigitRunsEndAtTheFirstByteThatIsNotADigit() {
        for position in 0..<8 {
            for byte in UInt8(0)...UInt8(255) {
                var word = [UInt8](repeating: UInt8(ascii: "7"), count: 8)
                word[position] = byte
                let isDigit = byte >= 0x30 && byte <= 0x39
                word.withUnsafeBufferPointer { p in
                    #expect(
                        JSONFieldScanner<FastPaths>.digitRun(p.baseAddress!) == (isDigit ? 8 : position),
                        "\(byte) at \(position)")
                }
            }
        }
    }

    @Test func theRecentLookupAnswersAsItsTableDoes() {
        var rng = SplitMix(seed: 17)
        let table = LogSchema.standard.typeTable()
        var recent = RecentLookup<EventKind>()
        // Same lengths, cases and near misses, so that both the kept key and the table are asked.
        let keys = [
            "impression", "Impression", "IMPRESSION", "impressioN", "video_view", "click", "CLICK", "clk", "imp",
            "x", "", "conversion", "video_start", "videoview", "a-very-long-type-name", "start", "Start",
        ]
        for _ in 0..<5_000 {
            let key = Array(keys.randomElement(using: &rng)!.utf8)
            key.withUnsafeBytes { bytes in
                #expect(recent.lookup(bytes, in: table, foldingCase: true) == table.lookup(bytes, foldingCase: true))
            }
        }
    }

    // MARK: - CSV and TSV rows

    @Test(arguments: [UInt8(ascii: ","), 0x09])
    func rowBitmapsGiveWhatTheFieldWalkGives(delimiter: UInt8) {
        var rng = SplitMix(seed: 16)
        let scanner = DelimitedRowScanner(delimiter: delimiter)
        let seeds = [
            #"2026-11-20T16:00:00.139Z,impression,cmp-04282,crv-042823,"Mozilla/5.0 (KHTML, like Gecko) Chrome",GB,0.0255,"#,
            #""2026-11-20T16:00:00Z","click","cmp ""quoted"" id",x,"",,"a,b""c""",end"#,
            #"a,b"#,
        ]
        // Long rows too, so that quotes, delimiters and damage fall on 64-byte word boundaries.
        let long = String(repeating: #"field,"quoted, with ""doubles""","#, count: 6)
        let alphabet: [UInt8] = [delimiter, delimiter, 0x22, 0x22, 0x00, 0x20, 0x61, 0x2c, 0x09]
        var wellFormedRows = 0
        var malformedRows = 0
        for seed in seeds + [long] {
            let original = Array(seed.utf8).map { $0 == UInt8(ascii: ",") ? delimiter : $0 }
            for _ in 0..<6_000 {
                var row = original
                row.randomlyEdit(upTo: 3, from: alphabet, using: &rng)
                let wanted = (Int.random(in: -1...4, using: &rng), Int.random(in: 0...8, using: &rng), 2)
                row.withUnsafeBytes { bytes in
                    var walked: [Int: DelimitedRowScanner.FieldSpan] = [:]
                    let wellFormed = scanner.forEachField(bytes) { index, span in walked[index] = span }
                    let text = String(decoding: row, as: UTF8.self)
                    guard let fast = scanner.spans(bytes, wanted) else {
                        #expect(row.contains(0), "\(text)")
                        return
                    }
                    #expect(!row.contains(0), "\(text)")
                    #expect(fast.wellFormed == wellFormed, "\(text)")
                    if wellFormed { wellFormedRows += 1 } else { malformedRows += 1 }
                    guard wellFormed, fast.wellFormed else { return }
                    for (index, span) in [(wanted.0, fast.spans.0), (wanted.1, fast.spans.1), (wanted.2, fast.spans.2)]
                    {
                        #expect(span == walked[index], "\(text) field \(index)")
                    }
                }
            }
        }
        #expect(
            wellFormedRows > 3_000 && malformedRows > 3_000, "well formed \(wellFormedRows), malformed \(malformedRows)"
        )
    }

    // MARK: - Times

    /// The cached path also reads the usual `:MM:SS[.fff]Z` ending with word operations, and
    /// keeps the last second read in UTC.
    @Test func theHourCacheGivesWhatAFreshParseGives() {
        var rng = SplitMix(seed: 14)
        let parser = TimeParser()
        var cache = TimeParser.HourCache()
        let seeds = [
            "2026-11-20T16:00:00.036Z", "2026-11-20T16:59:59Z", "2026-11-20T16:07:05+05:30", "2026-11-20 16:07:05-0800",
            "2026-02-28T23:59:60.5z", "2024-02-29T00:00:00+14", "2100-12-31T23:59:59Z", "1999-12-31T23:59:59Z",
            // One second written several ways, so that the kept second is met by other endings.
            "2026-11-20T16:00:00.001Z", "2026-11-20T16:00:00,999999Z", "2026-11-20T16:00:00+01:00",
            "2026-11-20T16:00:00.Z",
        ]
        let alphabet = Array("0123456789-:T .Zz+".utf8)
        var instants = 0
        for _ in 0..<40_000 {
            var text = Array(seeds.randomElement(using: &rng)!.utf8)
            // Mostly small changes after the hour, so the cache is hit; sometimes before it.
            for _ in 0..<Int.random(in: 0...2, using: &rng) {
                let at = Int.random(in: 0..<text.count, using: &rng)
                if Int.random(in: 0..<3, using: &rng) == 0 {
                    text.remove(at: at)
                } else {
                    text[at] = alphabet.randomElement(using: &rng)!
                }
            }
            text.withUnsafeBytes { bytes in
                let fresh = parser.parse(text: bytes)
                #expect(parser.parse(text: bytes, cache: &cache) == fresh, "\(String(decoding: text, as: UTF8.self))")
                if case .instant = fresh { instants += 1 }
            }
        }
        #expect(instants > 10_000 && instants < 30_000, "\(instants) of 40,000 times parsed")
    }

    // MARK: - Names

    @Test func wordWiseLowerCasingMatchesBytewise() {
        var rng = SplitMix(seed: 15)
        for _ in 0..<20_000 {
            let bytes = (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            let expected = bytes.map { $0 >= 0x41 && $0 <= 0x5a ? $0 | 0x20 : $0 }
            let lowered = withUnsafeBytes(of: ByteTable<Int>.lowercasedASCII(word)) { Array($0) }
            #expect(lowered == expected)
        }
    }

    @Test func namesOfEveryLengthAreFoundWithAndWithoutFolding() {
        var names: [String] = []
        for n in 1...40 {
            let letters = (0..<n).map { i -> UInt8 in UInt8(0x61 + (i * 7 + n) % 26) }
            names.append(String(decoding: letters, as: UTF8.self))
        }
        let table = ByteTable<Int>(names.enumerated().map { ($0.element, $0.offset) })
        for (index, name) in names.enumerated() {
            let lower = Array(name.utf8)
            let upper = Array(name.uppercased().utf8)
            lower.withUnsafeBytes { #expect(table.lookup($0) == index) }
            upper.withUnsafeBytes { #expect(table.lookup($0, foldingCase: true) == index) }
            upper.withUnsafeBytes { #expect(table.lookup($0) == nil) }
            // One byte changed, in each place, is not a match.
            for at in 0..<lower.count {
                var other = lower
                other[at] ^= 0x01
                other.withUnsafeBytes { #expect(table.lookup($0) != index) }
            }
        }
    }
}

/// The JSON scanner with every shortcut off: the plain walk the fast paths are held to.
enum PlainPaths: ScanPaths {
    static var usesShortcuts: Bool { false }
}

extension FastPathTests {
    // MARK: - Key building

    /// UTF-8 validation reads a value of 4 to 16 bytes as two overlapping words: every length,
    /// with a high byte at every place (alone, a valid sequence or a broken one), must be judged
    /// as the standard library's decoder judges it.
    @Test func shortValuesAreValidUTF8AsTheStandardLibrarySays() {
        var rng = SplitMix(seed: 5)
        let high: [[UInt8]] = [
            [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0x80], [0xc3], [0xff], [0xed, 0xa0, 0x80],
        ]
        for length in 0...20 {
            for place in 0...max(0, length - 1) {
                for bytes in high {
                    var value = (0..<length).map { _ in UInt8.random(in: 0x20...0x7e, using: &rng) }
                    if length > 0 { value.replaceSubrange(place..<min(length, place + bytes.count), with: bytes) }
                    let expected = String(validating: value, as: UTF8.self) != nil
                    value.withUnsafeBytes { #expect(UTF8Validation.isValid($0) == expected, "\(value)") }
                }
            }
        }
    }

    /// A key is built of short appends copied by overlapping words: any lengths, in any order,
    /// must give the bytes appended, end to end, growth included.
    @Test func appendedBytesAreKeptInOrder() {
        var rng = SplitMix(seed: 9)
        let accumulator = ByteAccumulator(capacity: 4)
        for _ in 0..<200 {
            accumulator.removeAll()
            var expected: [UInt8] = []
            for _ in 0..<Int(rng.next() % 8) {
                if rng.next() % 4 == 0 {
                    let byte = UInt8(truncatingIfNeeded: rng.next())
                    accumulator.append(byte)
                    expected.append(byte)
                    continue
                }
                let piece = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                piece.withUnsafeBytes { accumulator.append($0) }
                expected += piece
            }
            #expect(Array(accumulator.bytes) == expected)
        }
    }
}
