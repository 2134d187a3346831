import Foundation
import Testing

@testable import TallyReader

/// Replays fixtures/fuzz/FailCases/gzip: inputs that once broke, or nearly broke, the decoder.
/// The properties are the fuzzer's: the same answer whatever the read sizes, and from ISA-L the
/// answer zlib's requires (`isalAgrees`).
@Suite struct FuzzFailCaseTests {
    static let cases: [String] = {
        let directory = fixtures.appendingPathComponent("fuzz/FailCases/gzip").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }()

    func decode(_ bytes: [UInt8], inflater: Inflater, inputStep: Int, outputChunk: Int) -> Result<[UInt8], InputError> {
        let decoder = GzipDecoder(
            upstream: MemorySource(bytes, step: inputStep), inflater: inflater, inputBufferSize: 512)
        return Result { () throws(InputError) in try drain(decoder, chunk: outputChunk) }
    }
}

extension FuzzFailCaseTests {
    @Test(arguments: cases)
    func readSizesAndInflatersDoNotChangeTheAnswer(name: String) throws {
        let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("fuzz/FailCases/gzip/\(name)")))
        let whole = decode(bytes, inflater: .zlib, inputStep: .max, outputChunk: 1 << 16)
        // The last pair is the one the fuzzer tries.
        let sizes = [(1, 1), (3, 7), (509, 4093), (1 + bytes.count % 509, 1 + bytes.count % 4093)]
        for (step, chunk) in sizes {
            #expect(
                decode(bytes, inflater: .zlib, inputStep: step, outputChunk: chunk) == whole, "\(name) step \(step)")
        }
        guard Inflater.isal.isAvailable else { return }
        let isal = decode(bytes, inflater: .isal, inputStep: .max, outputChunk: 1 << 16)
        #expect(isalAgrees(isal, withZlib: whole), "\(name): zlib \(whole), ISA-L \(isal)")
        for (step, chunk) in sizes {
            #expect(
                decode(bytes, inflater: .isal, inputStep: step, outputChunk: chunk) == isal,
                "\(name) ISA-L step \(step)")
        }
    }
}
