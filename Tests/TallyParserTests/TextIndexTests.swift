import CTallyKernels
import TallyTestSupport
import Testing

@testable import TallyParser

/// The text index (`TextIndex`) replaces finding each line with `memchr` and indexing it on its
/// own. These tests hold its kernels to a byte-by-byte definition and require the indexed
/// splitter and parser to give exactly what the plain ones give.
@Suite struct TextIndexTests {
    /// Bytes around every class boundary that matters: controls, quote, backslash, high bytes.
    static let interesting: [UInt8] = [
        0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xff,
    ]

    static func randomText(_ count: Int, _ rng: inout SplitMix) -> [UInt8] {
        (0..<count).map { _ in
            Bool.random(using: &rng) ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
        }
    }

    static func isBreak(_ byte: UInt8, _ classes: TextIndex.Classes = .json) -> Bool {
        switch classes {
        case .json: byte == 0x5c || byte < 0x20
        case .delimited(let delimiter): byte < 0x20 && byte != delimiter
        }
    }
    static func isStop(_ byte: UInt8) -> Bool { byte == 0x22 || isBreak(byte) }

    static let allClasses: [TextIndex.Classes] = [.json, .delimited(UInt8(ascii: ",")), .delimited(0x09)]

    static func bit(_ words: UnsafePointer<UInt64>, _ i: Int) -> Bool { words[i >> 6] >> UInt64(i & 63) & 1 == 1 }
}

extension TextIndexTests {
    @Test func theKernelsClassifyEveryByteAsDefined() {
        var rng = SplitMix(seed: 21)
        var stops = [UInt64](repeating: 0, count: 8)
        var breaks = stops
        var delimiters = stops
        var quotes = stops
        func bit(_ words: [UInt64], _ i: Int) -> Bool { words[i >> 6] >> UInt64(i & 63) & 1 == 1 }
        for _ in 0..<2_000 {
            let blocks = Int.random(in: 1...8, using: &rng)
            let text = Self.randomText(blocks * 64, &rng)
            for kernel in [tally_index_json_blocks, tally_index_json_blocks_baseline] {
                kernel(text, blocks, &stops, &breaks)
                for i in text.indices {
                    #expect(
                        bit(stops, i) == Self.isStop(text[i]) && bit(breaks, i) == Self.isBreak(text[i]),
                        "byte \(text[i]) at \(i)")
                }
            }
            for delimiter in [UInt8(ascii: ","), 0x09] {
                for kernel in [tally_index_delimited_blocks, tally_index_delimited_blocks_baseline] {
                    kernel(text, blocks, delimiter, &delimiters, &quotes, &breaks)
                    for i in text.indices {
                        #expect(
                            bit(delimiters, i) == (text[i] == delimiter) && bit(quotes, i) == (text[i] == 0x22)
                                && bit(breaks, i) == Self.isBreak(text[i], .delimited(delimiter)),
                            "byte \(text[i]) at \(i)")
                    }
                }
            }
        }
    }

    @Test(arguments: allClasses)
    func windowsOfEveryLengthAreIndexedUpToTheirSentinel(classes: TextIndex.Classes) {
        var rng = SplitMix(seed: 22)
        let index = TextIndex(capacity: 400)
        for count in 0..<300 {
            // Placed at a random offset in a larger buffer, so that reading outside would show.
            let padding = Int.random(in: 0..<40, using: &rng)
            let buffer = Self.randomText(padding + count + 40, &rng)
            buffer.withUnsafeBufferPointer { all in
                let base = all.baseAddress! + padding
                index.index(base, count: count, for: classes)
                let line = index.line(at: 0)
                for i in 0..<count {
                    switch classes {
                    case .json:
                        #expect(Self.bit(line.stops, i) == Self.isStop(base[i]), "byte \(base[i]) at \(i) of \(count)")
                    case .delimited(let delimiter):
                        #expect(
                            Self.bit(line.delimiters, i) == (base[i] == delimiter)
                                && Self.bit(line.quotes, i) == (base[i] == 0x22))
                        // 64 bits read from any bit, as the row scanner reads them.
                        let word = TextIndex.Line.bits(line.quotes, from: i, count: min(64, count - i))
                        let expected = (0..<min(64, count - i)).reduce(UInt64(0)) {
                            $0 | (base[i + $1] == 0x22 ? 1 << UInt64($1) : 0)
                        }
                        #expect(word == expected)
                    }
                }
                if classes == .json { #expect(Self.bit(line.stops, count), "no sentinel at \(count)") }
                for offset in 0...count {
                    let expected = (offset..<count).first { Self.isBreak(base[$0], classes) } ?? count
                    #expect(index.nextBreak(atOrAfter: offset) == expected)
                }
            }
        }
    }

    /// Lines of every kind the splitter treats apart: plain, with a backslash or a control byte,
    /// CRLF, a lone CR, empty, longer than a window or than the cap, and a last line with no
    /// newline.
    static func randomLines(_ rng: inout SplitMix) -> [UInt8] {
        var text: [UInt8] = []
        for _ in 0..<Int.random(in: 1...30, using: &rng) {
            let length =
                Int.random(in: 0...3, using: &rng) == 0
                ? Int.random(in: 0...300, using: &rng) : Int.random(in: 0...40, using: &rng)
            var line = (0..<length).map { _ in UInt8.random(in: 0x20...0x7e, using: &rng) }
            for _ in 0..<Int.random(in: 0...2, using: &rng) where !line.isEmpty {
                line[Int.random(in: 0..<line.count, using: &rng)] = [0x22, 0x5c, 0x09, 0x0d, 0x00, 0x2c].randomElement(
                    using: &rng)!
            }
            text += line
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: text += [0x0d, 0x0a]
            default: text.append(0x0a)
            }
        }
        if Bool.random(using: &rng) { text.removeLast(Int.random(in: 0...min(5, text.count), using: &rng)) }
        return text
    }

    enum Split: Equatable {
        case line([UInt8])
        case tooLong
    }

    static func split(_ text: [UInt8], chunk: Int, window: Int, indexed: TextIndex.Classes?, cap: Int) -> [Split] {
        var splitter = LineSplitter(maxLineBytes: cap, indexWindow: window)
        var pieces: [Split] = []
        func take(_ piece: LineSplitter.Piece) {
            switch piece {
            case .line(let bytes): pieces.append(.line(Array(bytes)))
            case .tooLong: pieces.append(.tooLong)
            case .plainLine(let bytes, let place):
                // A plain line has no break before its end; for JSON its stops are its quotes
                // and its end, for CSV and TSV its bitmaps are its delimiters and quotes.
                let body = bytes.last == 0x0d ? bytes.dropLast() : bytes[...]
                #expect(!body.contains { isBreak($0, indexed!) }, "\(Array(bytes))")
                for (i, byte) in body.enumerated() {
                    switch indexed! {
                    case .json:
                        #expect(Self.bit(place.stops, place.origin + i) == (byte == 0x22))
                    case .delimited(let delimiter):
                        #expect(Self.bit(place.delimiters, place.origin + i) == (byte == delimiter))
                        #expect(Self.bit(place.quotes, place.origin + i) == (byte == 0x22))
                    }
                }
                if indexed == .json { #expect(Self.bit(place.stops, place.origin + body.count)) }
                pieces.append(.line(Array(bytes)))
            }
        }
        text.withUnsafeBytes { raw in
            var start = 0
            while start < raw.count {
                let end = min(start + chunk, raw.count)
                splitter.consume(UnsafeRawBufferPointer(rebasing: raw[start..<end]), indexing: { indexed }, take)
                start = end
            }
        }
        splitter.finish(take)
        return pieces
    }

    @Test(arguments: allClasses)
    func indexedSplittingHandsOutTheLinesPlainSplittingDoes(classes: TextIndex.Classes) {
        var rng = SplitMix(seed: 23)
        for _ in 0..<1_500 {
            let text = Self.randomLines(&rng)
            let cap = Bool.random(using: &rng) ? 1 << 20 : Int.random(in: 1...200, using: &rng)
            let plain = Self.split(text, chunk: max(1, text.count), window: 1 << 16, indexed: nil, cap: cap)
            let chunk = Int.random(in: 1...400, using: &rng)
            let window = [1, 2, 7, 63, 64, 65, 100, 1000].randomElement(using: &rng)!
            #expect(
                Self.split(text, chunk: chunk, window: window, indexed: classes, cap: cap) == plain,
                "chunk \(chunk), window \(window)")
        }
    }

    @Test func indexedAndPlainParsingAgree() {
        var rng = SplitMix(seed: 24)
        let seeds = [
            #"{"ts":"2026-11-20T16:00:00.036Z","event":"impression","campaign_id":"cmp-03777","ua":"WeatherNow/3.4.1 (Android 14; Pixel 8)","price":0.0375,"deal_id":null}"#,
            #"{"ts": "2026-11-20T16:00:00Z", "event": "click", "campaign_id": 123, "n": -1.5e3, "ok": true}"#,
            #"{"url":"https:\/\/example.com\/a?b=\"c\"","event_type":"imp","campaign_id":"\u0041x","ts":1795219200123}"#,
            #"{"geo":{"country":"US"},"ts":"2026-11-20T16:00:00Z","event":"video_view","campaign_id":"v"}"#,
        ]
        let alphabet = Array(#"{}[]:,"\ 0123456789-.enul"#.utf8) + [0x00, 0x09, 0x0a, 0x0d, 0xc3, 0xa9]
        var events = 0
        var rejected = 0
        for _ in 0..<600 {
            var text: [UInt8] = []
            for _ in 0..<Int.random(in: 1...20, using: &rng) {
                var line = Array(seeds.randomElement(using: &rng)!.utf8)
                line.randomlyEdit(upTo: 2, from: alphabet, using: &rng)
                text += line + (Int.random(in: 0..<4, using: &rng) == 0 ? [0x0d, 0x0a] : [0x0a])
            }
            let plain = parseAll(text, chunkSize: text.count, indexing: false)
            let window = [16, 64, 150, 1 << 16].randomElement(using: &rng)!
            let indexed = parseAll(text, chunkSize: Int.random(in: 1...2_000, using: &rng), indexWindow: window)
            #expect(indexed == plain, "\(String(decoding: text, as: UTF8.self))")
            for result in plain {
                if case .event = result { events += 1 } else if case .rejected = result { rejected += 1 }
            }
        }
        // Both answers must be common, or the comparison above proves little.
        #expect(events > 1_000 && rejected > 1_000, "events \(events), rejected \(rejected)")
    }
}

extension TextIndexTests {
    @Test(arguments: [UInt8(ascii: ","), 0x09])
    func indexedAndPlainRowParsingAgree(delimiter: UInt8) {
        var rng = SplitMix(seed: 25)
        let header = "ts,event,campaign_id,ua,price"
        let seeds = [
            #"2026-11-20T16:00:00.139Z,impression,cmp-04282,"Mozilla/5.0 (KHTML, like Gecko) Chrome",0.0255"#,
            #""2026-11-20T16:00:00Z","click","cmp ""quoted"" id","",7"#,
            #"2026-11-20T16:00:00Z,video_view,v,"a,b""c""",end"#,
        ]
        let alphabet: [UInt8] = [delimiter, delimiter, 0x22, 0x22, 0x00, 0x20, 0x61, 0x2c, 0x09, 0x0d, 0x0a]
        var events = 0
        var rejected = 0
        for _ in 0..<600 {
            var text = Array(header.utf8).map { $0 == UInt8(ascii: ",") ? delimiter : $0 } + [0x0a]
            for _ in 0..<Int.random(in: 1...20, using: &rng) {
                var row = Array(seeds.randomElement(using: &rng)!.utf8).map { $0 == UInt8(ascii: ",") ? delimiter : $0 }
                row.randomlyEdit(upTo: 2, from: alphabet, using: &rng)
                // Long rows too, so that quotes and delimiters fall on 64-byte word edges.
                if Int.random(in: 0..<4, using: &rng) == 0 {
                    row += Array(repeating: UInt8(ascii: "x"), count: Int.random(in: 1...150, using: &rng))
                }
                text += row + (Int.random(in: 0..<4, using: &rng) == 0 ? [0x0d, 0x0a] : [0x0a])
            }
            let format: LogFormat = delimiter == 0x09 ? .tsv : .csv
            let plain = parseAll(text, chunkSize: text.count, format: format, indexing: false)
            let window = [16, 64, 150, 1 << 16].randomElement(using: &rng)!
            let indexed = parseAll(
                text, chunkSize: Int.random(in: 1...2_000, using: &rng), format: format, indexWindow: window)
            #expect(indexed == plain, "\(String(decoding: text, as: UTF8.self))")
            for result in plain {
                if case .event = result { events += 1 } else if case .rejected = result { rejected += 1 }
            }
        }
        #expect(events > 1_000 && rejected > 1_000, "events \(events), rejected \(rejected)")
    }
}
