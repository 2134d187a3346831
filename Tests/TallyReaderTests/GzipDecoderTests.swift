import Foundation
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

    @Test(arguments: CorpusFile.all)
    func corpusFileDecodesAsTheManifestSays(file: CorpusFile) throws {
        let payload = Array(try Data(contentsOf: fixtures.appendingPathComponent("gzip/payload.jsonl")))
        let path = fixtures.appendingPathComponent("gzip/\(file.name)").path
        let result: Result<[UInt8], InputError> = Result { () throws(InputError) in
            let opened = try InputOpener.open(.file(path))
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

    @Test(arguments: [(inputStep: 1, outputChunk: 1), (7, 3), (4093, 65_536), (.max, 17)])
    func readBoundariesDoNotChangeTheBytes(inputStep: Int, outputChunk: Int) throws {
        let payload = Array(try Data(contentsOf: fixtures.appendingPathComponent("gzip/payload.jsonl")))
        for name in ["many-members.gz", "bgzip.gz", "empty-member-middle.gz", "zero-padding.gz"] {
            let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("gzip/\(name)")))
            // One byte at a time through 300 KB is slow in debug builds; a prefix member is enough there.
            let decoder = GzipDecoder(upstream: MemorySource(bytes, step: inputStep), inputBufferSize: 4096)
            let decoded = try drain(decoder, chunk: outputChunk == 1 && inputStep == 1 ? 1 : outputChunk)
            #expect(decoded == payload, "\(name)")
        }
    }

    @Test func concatenatedMembersAreAllRead() throws {
        let first = try gzipped("{\"a\":1}\n")
        let second = try gzipped("{\"b\":2}\n")
        let decoder = GzipDecoder(upstream: MemorySource(first + second + first))
        #expect(String(decoding: try drain(decoder), as: UTF8.self) == "{\"a\":1}\n{\"b\":2}\n{\"a\":1}\n")
        #expect(decoder.memberCount == 3)
    }

    // MARK: - Damage anywhere refuses the whole input

    @Test func truncationAtEveryOffsetIsCorrupt() throws {
        let first = try gzipped(String(repeating: "{\"ts\":1}\n", count: 50))
        let bytes = first + (try gzipped("x\n"))
        // A cut exactly between members leaves a valid, shorter file: gzip cannot tell.
        for cut in 1..<bytes.count where cut != first.count {
            let decoder = GzipDecoder(upstream: MemorySource(Array(bytes[..<cut])))
            #expect(throws: InputError.self, "cut at \(cut) of \(bytes.count)") { try drain(decoder) }
        }
    }

    @Test func garbageAfterTheLastMemberIsCorrupt() throws {
        let member = try gzipped("line\n")
        for tail: [UInt8] in [[0x41], [0, 0, 0, 1], [0x1f], [0x1f, 0x8b]] {
            let decoder = GzipDecoder(upstream: MemorySource(member + tail))
            #expect(throws: InputError.self, "tail \(tail)") { try drain(decoder) }
        }
        let padded = GzipDecoder(upstream: MemorySource(member + [UInt8](repeating: 0, count: 5000), step: 999))
        #expect(try drain(padded) == Array("line\n".utf8))
    }
}
