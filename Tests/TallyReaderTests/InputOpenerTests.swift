import Foundation
import TallyTestSupport
import Testing

@testable import TallyReader

@Suite struct InputOpenerTests {
    let directory: URL

    init() throws {
        directory = URL(fileURLWithPath: ScratchDirectories.make("reader"))
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }
}

extension InputOpenerTests {
    // MARK: - Compression is told by content

    @Test func gzipIsRecognisedByItsMagicNotItsName() throws {
        let path = try write("events.log", try gzipped("hello\n"))
        let opened = try InputOpener.open(.file(path))
        #expect(opened.compression == .gzip)
        #expect(try drain(opened.source) == Array("hello\n".utf8))
    }

    @Test func plainTextNamedGzIsReadAsText() throws {
        let path = try write("events.gz", Array("{\"a\":1}\n".utf8))
        let opened = try InputOpener.open(.file(path))
        #expect(opened.compression == .none)
        #expect(try drain(opened.source) == Array("{\"a\":1}\n".utf8))
    }

    @Test func aGzipFileCutAfterItsFirstByteIsCorrupt() throws {
        let path = try write("cut.gz", [0x1f])
        #expect {
            _ = try InputOpener.open(.file(path))
        } throws: { error in
            if case InputError.corrupt = error { true } else { false }
        }
        // Text that merely starts with that byte is still text.
        let text = try write("unit-separator.log", [0x1f] + Array("x\n".utf8))
        #expect(try InputOpener.open(.file(text)).compression == .none)
    }

    @Test func binaryDataThatIsNotGzipIsRefused() throws {
        // A gzip file with a damaged first byte: not gzip, and not text either.
        var bytes = try gzipped(
            String(repeating: "{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}\n", count: 400))
        bytes[0] = 0x1d
        let opened = try InputOpener.open(.file(try write("damaged.gz", bytes)))
        #expect(throws: InputError.binary) { try drain(opened.source) }
        // A NUL past the first 64 KiB only rejects its line, later.
        let late = Array(repeating: UInt8(ascii: "x"), count: 70_000) + [0]
        #expect(try drain(InputOpener.open(.file(try write("late-nul.log", late))).source).count == late.count)
    }

    @Test func zeroByteFileIsEmptyNotAnError() throws {
        let opened = try InputOpener.open(.file(try write("empty", [])))
        #expect(opened.isEmpty)
    }

    @Test func missingFileIsNotFound() {
        #expect(throws: InputError.notFound) { try InputOpener.open(.file(directory.path + "/nope")) }
    }

    // MARK: - Expanding what was named

    @Test func directoriesAreWalkedInOrderSkippingHiddenAndDuplicates() throws {
        let b = try write("logs/b.gz", [1])
        let a = try write("logs/sub/a.gz", [1])
        _ = try write("logs/.hidden", [1])
        _ = try write("logs/.git/config", [1])
        let c = try write("logs/c", [1])
        let expansion = InputExpander().expand([directory.path + "/logs", b, directory.path + "/missing"])
        #expect(expansion.inputs == [.file(b), .file(c), .file(a)])
        #expect(expansion.duplicates == [b])
        #expect(expansion.problems.map(\.error) == [.notFound])
    }

    @Test func aDirectoryWithNothingToReadIsAProblem() throws {
        _ = try write("nothing/.keep", [1])
        let expansion = InputExpander().expand([directory.path + "/nothing"])
        #expect(expansion.inputs.isEmpty)
        #expect(expansion.problems.map(\.error) == [.noFiles])
    }

    @Test func theOutputDirectoryIsNeverReadAsInput() throws {
        let log = try write("logs/a.jsonl", [1])
        _ = try write("logs/out/2026-11-21.csv", [1])
        let expansion = InputExpander(excludingDirectories: [directory.path + "/logs/out"])
            .expand([directory.path + "/logs"])
        #expect(expansion.inputs == [.file(log)])
    }
}
