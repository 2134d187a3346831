import Crypto
import Foundation
import TallyTestSupport
import Testing

@testable import TallyPipeline

/// An input's fingerprint is the SHA-256 of its stored bytes however they were read: hashed on
/// the reading thread or copied to the background hasher's thread, in any pieces.
@Suite struct FingerprintHasherTests {
    /// Bytes that differ at every offset, so a piece lost, doubled or reordered changes the digest.
    static let bytes: [UInt8] = {
        var generator = SplitMix(seed: 23)
        return (0..<100_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }()

    static var expected: [UInt8] { Array(SHA256.hash(data: bytes)) }

    /// Pieces of every kind: empty, one byte, exactly a buffer, across buffers, many buffers at once.
    @Test(arguments: [
        [0, 1, 7, 0, 64, 63, 65, 128, 1000, 0],
        [64, 64, 64, 64, 64, 64],
        [100_000],
        [3, 5000, 1, 1, 1, 250, 9999],
    ])
    func backgroundHasherGivesTheSHA256OfThePiecesInOrder(pieces: [Int]) throws {
        for (bufferSize, ringSize) in [(64, 1), (64, 4), (1000, 2), (1 << 18, 4)] {
            let background = try #require(BackgroundHasher(bufferSize: bufferSize, ringSize: ringSize))
            let inline = ContentFingerprint.Hasher()
            Self.bytes.withUnsafeBytes { all in
                var offset = 0
                var index = 0
                while offset < all.count {
                    let n = min(pieces[index % pieces.count], all.count - offset)
                    let piece = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)])
                    background.update(piece)
                    inline.update(piece)
                    offset += n
                    index += 1
                }
            }
            let fingerprint = background.finish()
            #expect(fingerprint.bytes == Self.expected, "buffers of \(bufferSize), ring of \(ringSize)")
            #expect(inline.finish() == fingerprint)
            #expect(background.finish() == fingerprint, "a second finish gives the same fingerprint")
        }
    }

    @Test func nothingHashedIsTheEmptyInputsDigest() throws {
        let hasher = try #require(BackgroundHasher(bufferSize: 64, ringSize: 2))
        #expect(hasher.finish().bytes == Array(SHA256.hash(data: [UInt8]())))
    }

    /// A failed input's hasher is dropped unfinished, with buffers handed and a piece held: its
    /// thread must end rather than wait for more (the test would hang, or leak threads).
    @Test func anUnfinishedHasherEndsItsThread() throws {
        for _ in 0..<200 {
            let hasher = try #require(BackgroundHasher(bufferSize: 64, ringSize: 2))
            Self.bytes.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<300])) }
        }
    }

    /// A whole run's fingerprint of an input, read by its worker in place (`--jobs 1`) or, as the
    /// one input of `--jobs 2`, read and hashed ahead of its inflater while another thread
    /// parses: the SHA-256 of the file either way, for gzip of several shapes and plain text.
    @Test(arguments: [
        "logs/ad-server-a-20261120.jsonl.gz", "logs/partner-export-20261122.tsv", "gzip/zero-padding.gz",
        "gzip/many-members.gz", "gzip/pigz.gz",
    ])
    func anInputsFingerprintIsItsFilesSHA256HoweverItIsRead(name: String) throws {
        let path = fixtures.path + "/" + name
        let expected = Array(SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))))
        for jobs in [1, 2] {
            var configuration = RunConfiguration(
                inputs: [path], partialPath: temporaryDirectory("fingerprint") + "/run.partial")
            configuration.jobs = jobs
            let report = try RollupRun(configuration: configuration).run()
            #expect(report.inputs.map(\.status) == [.ok], "\(name), --jobs \(jobs)")
            #expect(report.inputs.first?.fingerprint?.bytes == expected, "\(name), --jobs \(jobs)")
        }
    }
}
