import Foundation
import TallyTestSupport
import Testing

@testable import TallyReader

@Suite struct GzipDecoderTests {}

/// One row of fixtures/gzip/MANIFEST.tsv.
struct CorpusFile: CustomTestStringConvertible, Sendable {
    let name: String
    let expect: String
    let note: String
    var testDescription: String { "\(name) (\(expect))" }

    static let all: [CorpusFile] = {
        let manifest = try! String(contentsOf: fixtures.appendingPathComponent("gzip/MANIFEST.tsv"), encoding: .utf8)
        return manifest.split(separator: "\n").dropFirst().map { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return CorpusFile(name: columns[0], expect: columns[1], note: columns.count > 2 ? columns[2] : "")
        }
    }()
}

extension GzipDecoderTests {
    // MARK: - What real producers write

    @Test(arguments: CorpusFile.all, inflaters)
    func corpusFileDecodesAsTheManifestSays(file: CorpusFile, inflater: Inflater) throws {
        let payload = Array(try Data(contentsOf: fixtures.appendingPathComponent("gzip/payload.jsonl")))
        let path = fixtures.appendingPathComponent("gzip/\(file.name)").path
        let result: Result<[UInt8], InputError> = Result { () throws(InputError) in
            let opened = try InputOpener.open(.file(path), inflater: inflater)
            return try drain(opened.source)
        }
        switch file.expect {
        case "ok":
            #expect(try result.get() == payload, "\(file.note)")
        case "empty":
            #expect(try result.get() == [], "\(file.note)")
        case "corrupt":
            guard case .failure(.corrupt) = result else {
                Issue.record("\(file.name) (\(file.note)) was not refused as corrupt: \(result)")
                return
            }
        case "unsupported":
            guard case .failure(.unsupportedCompression) = result else {
                Issue.record("\(file.name) was not refused as unsupported: \(result)")
                return
            }
        default:
            Issue.record("unknown expectation \(file.expect)")
        }
    }

    @Test(arguments: [(inputStep: 1, outputChunk: 1), (7, 3), (4093, 65_536), (.max, 17)], inflaters)
    func readBoundariesDoNotChangeTheBytes(sizes: (inputStep: Int, outputChunk: Int), inflater: Inflater) throws {
        let (inputStep, outputChunk) = sizes
        let payload = Array(try Data(contentsOf: fixtures.appendingPathComponent("gzip/payload.jsonl")))
        for name in ["many-members.gz", "bgzip.gz", "empty-member-middle.gz", "zero-padding.gz"] {
            let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("gzip/\(name)")))
            // One byte at a time through 300 KB is slow in debug builds; a prefix member is enough there.
            let decoder = GzipDecoder(
                upstream: MemorySource(bytes, step: inputStep), inflater: inflater, inputBufferSize: 4096)
            let decoded = try drain(decoder, chunk: outputChunk == 1 && inputStep == 1 ? 1 : outputChunk)
            #expect(decoded == payload, "\(name)")
        }
    }

    @Test(arguments: inflaters)
    func concatenatedMembersAreAllRead(inflater: Inflater) throws {
        let first = try gzipped("{\"a\":1}\n")
        let second = try gzipped("{\"b\":2}\n")
        let decoder = GzipDecoder(upstream: MemorySource(first + second + first), inflater: inflater)
        #expect(String(decoding: try drain(decoder), as: UTF8.self) == "{\"a\":1}\n{\"b\":2}\n{\"a\":1}\n")
        #expect(decoder.membersDone == 3)
    }

    // MARK: - Damage anywhere refuses the whole input

    @Test(arguments: inflaters)
    func truncationAtEveryOffsetIsCorrupt(inflater: Inflater) throws {
        let first = try gzipped(String(repeating: "{\"ts\":1}\n", count: 50))
        let bytes = first + (try gzipped("x\n"))
        // A cut exactly between members leaves a valid, shorter file: gzip cannot tell.
        for cut in 1..<bytes.count where cut != first.count {
            let decoder = GzipDecoder(upstream: MemorySource(Array(bytes[..<cut])), inflater: inflater)
            #expect(throws: InputError.self, "cut at \(cut) of \(bytes.count)") { try drain(decoder) }
        }
    }

    @Test(arguments: inflaters)
    func garbageAfterTheLastMemberIsCorrupt(inflater: Inflater) throws {
        let member = try gzipped("line\n")
        for tail: [UInt8] in [[0x41], [0, 0, 0, 1], [0x1f], [0x1f, 0x8b]] {
            let decoder = GzipDecoder(upstream: MemorySource(member + tail), inflater: inflater)
            #expect(throws: InputError.self, "tail \(tail)") { try drain(decoder) }
        }
        let padded = GzipDecoder(
            upstream: MemorySource(member + [UInt8](repeating: 0, count: 5000), step: 999), inflater: inflater)
        #expect(try drain(padded) == Array("line\n".utf8))
    }
}

extension GzipDecoderTests {
    // MARK: - The inflaters agree

    /// The switch CI uses to build and test the zlib-only reader on a machine with ISA-L.
    @Test func withoutISALTheBuildHasZlibAlone() {
        let switchedOff = ProcessInfo.processInfo.environment["TALLY_WITHOUT_ISAL"].map { !$0.isEmpty && $0 != "0" }
        if switchedOff == true {
            #expect(!Inflater.isal.isBuiltIn && !Inflater.isal.isAvailable && Inflater.fastest == .zlib)
        }
        #expect(inflaters.contains(.zlib))
    }

    /// What decoding gave: the bytes, or the error as the user reads it.
    static func outcome(_ bytes: [UInt8], _ inflater: Inflater, step: Int) -> Result<[UInt8], InputError> {
        Result { () throws(InputError) in
            try drain(GzipDecoder(upstream: MemorySource(bytes, step: step), inflater: inflater, inputBufferSize: 4096))
        }
    }

    /// Random damage in the deflate data of two members: ISA-L must give what zlib gives (see
    /// `isalAgrees`).
    @Test(.enabled(if: Inflater.isal.isAvailable, "ISA-L is not built in, or libisal.so.2 is not installed"))
    func inflatersAgreeOnRandomDamage() throws {
        let payload = Array(try Data(contentsOf: fixtures.appendingPathComponent("gzip/payload.jsonl")))
        let text = String(decoding: payload[..<20_000], as: UTF8.self)
        let members = try gzipped(text) + (try gzipped(String(text.prefix(5_000))))
        var random = SplitMix(seed: 11)
        var refused = 0
        for round in 0..<2_000 {
            var damaged = members
            for _ in 0...(random.next() % 3) {
                let at = 10 + Int(random.next() % UInt64(damaged.count - 10))
                damaged[at] ^= UInt8(truncatingIfNeeded: 1 + random.next() % 255)
            }
            let step = round % 2 == 0 ? Int.max : 1 + Int(random.next() % 700)
            let zlib = Self.outcome(damaged, .zlib, step: step)
            let isal = Self.outcome(damaged, .isal, step: step)
            #expect(isalAgrees(isal, withZlib: zlib), "round \(round): zlib \(zlib), ISA-L \(isal)")
            if case .failure = zlib { refused += 1 }
        }
        #expect(refused > 1_500)
    }
}
