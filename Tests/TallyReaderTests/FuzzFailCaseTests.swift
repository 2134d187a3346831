import Foundation
import Testing

@testable import TallyReader

/// Replays fixtures/fuzz/FailCases/gzip: inputs that once broke, or nearly broke, the decoder.
/// The property is the fuzzer's: the same answer whatever the read sizes.
@Suite struct FuzzFailCaseTests {
    static let cases: [String] = {
        let directory = fixtures.appendingPathComponent("fuzz/FailCases/gzip").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }()

    enum Answer: Equatable {
        case bytes([UInt8])
        case refused
    }

    func decode(_ bytes: [UInt8], inputStep: Int, outputChunk: Int) -> Answer {
        let decoder = GzipDecoder(upstream: MemorySource(bytes, step: inputStep), inputBufferSize: 512)
        do {
            return .bytes(try drain(decoder, chunk: outputChunk))
        } catch {
            return .refused
        }
    }
}

extension FuzzFailCaseTests {
    @Test(arguments: cases)
    func readSizesDoNotChangeTheAnswer(name: String) throws {
        let bytes = Array(try Data(contentsOf: fixtures.appendingPathComponent("fuzz/FailCases/gzip/\(name)")))
        let whole = decode(bytes, inputStep: .max, outputChunk: 1 << 16)
        for (step, chunk) in [(1, 1), (3, 7), (509, 4093)] {
            #expect(decode(bytes, inputStep: step, outputChunk: chunk) == whole, "\(name) step \(step) chunk \(chunk)")
        }
    }
}
