import Foundation
import TallyBytes
import TallyParser
import TallyReader
import TallyTestSupport
import Testing

@testable import TallyPipeline

/// `tally map` and `tally merge`: partials split any way and merged in any order and grouping
/// give the single rollup's bytes; anything that would lose or double a count is refused.
@Suite struct PartialRollupTests {
    /// The sample logs, a damaged gzip file and an empty one: every status an input can have.
    static let inputs: [String] = {
        let logs = fixtures.path + "/logs"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs)) ?? []
        let empty = temporaryDirectory("empty-input") + "/empty.log"
        writeFile(empty, "")
        return (names.map { logs + "/" + $0 } + [fixtures.path + "/gzip/truncated-mid-stream.gz", empty]).sorted()
    }()

    /// Sample logs that read well.
    static let good = inputs.filter { $0.contains("/logs/") }

    /// A run's result: its day files, its summary without the run's times, its exit status.
    struct Result: Equatable {
        let days: [String: Data]
        let summary: String
        let status: TallyPipeline.ExitStatus
    }

    static func configure(_ configuration: inout RunConfiguration) {
        configuration.timeZone = "America/New_York"
        configuration.jobs = 2
    }

    static func result(_ report: RunReport, _ out: String) throws -> Result {
        let summary = String(decoding: report.summaryJSON(), as: UTF8.self).split(separator: "\n")
            .filter { !$0.contains("\"started\"") && !$0.contains("\"finished\"") }.joined(separator: "\n")
        return Result(days: try files(in: out), summary: summary, status: report.exitStatus)
    }

    static func map(_ inputs: [String], to path: String, _ change: (inout RunConfiguration) -> Void = { _ in })
        throws -> RunReport
    {
        var configuration = RunConfiguration(inputs: inputs, partialPath: path)
        configure(&configuration)
        change(&configuration)
        return try RollupRun(configuration: configuration).run()
    }

    static func merge(_ partials: [String], out: String) throws -> RunReport {
        var configuration = RunConfiguration(inputs: partials, outputDirectory: out)
        configuration.inputKind = .partials
        return try RollupRun(configuration: configuration).run()
    }

    static func merge(_ partials: [String], partial: String) throws -> RunReport {
        var configuration = RunConfiguration(inputs: partials, partialPath: partial)
        configuration.inputKind = .partials
        return try RollupRun(configuration: configuration).run()
    }

    // MARK: - The algebra

    @Test(arguments: 1...6 as ClosedRange<UInt64>)
    func anySplitMergedInAnyOrderAndGroupingIsTheSingleRollup(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        let directory = temporaryDirectory("partials")
        var single = RunConfiguration(inputs: Self.inputs, outputDirectory: directory + "/single")
        Self.configure(&single)
        let expected = try Self.result(RollupRun(configuration: single).run(), directory + "/single")
        #expect(expected.status == .dataError, "the damaged input fails the run")
        #expect(expected.days.count == 4)

        // Split the inputs into 1 to all of them groups, at random.
        let groupCount = Int.random(in: 1...Self.inputs.count, using: &random)
        var groups = [[String]](repeating: [], count: groupCount)
        for (index, input) in Self.inputs.shuffled(using: &random).enumerated() {
            groups[index < groupCount ? index : Int.random(in: 0..<groupCount, using: &random)].append(input)
        }
        var pool: [String] = []
        for (index, group) in groups.enumerated() {
            let path = directory + "/map-\(index).partial"
            _ = try Self.map(group, to: path)
            pool.append(path)
        }

        // All at once, in a random order.
        let flat = directory + "/flat"
        #expect(try Self.result(Self.merge(pool.shuffled(using: &random), out: flat), flat) == expected)

        // As a random tree of merged partials.
        var step = 0
        while pool.count > 1 {
            pool.shuffle(using: &random)
            let take = Int.random(in: 2...pool.count, using: &random)
            let merged = directory + "/merged-\(step).partial"
            step += 1
            _ = try Self.merge(Array(pool.prefix(take)), partial: merged)
            pool = Array(pool.dropFirst(take)) + [merged]
        }
        let tree = directory + "/tree"
        #expect(try Self.result(Self.merge(pool, out: tree), tree) == expected)

        // Canonical: the tree's partial is the file one map over everything writes.
        let whole = directory + "/whole.partial"
        _ = try Self.map(Self.inputs, to: whole)
        #expect(try Data(contentsOf: URL(fileURLWithPath: pool[0])) == Data(contentsOf: URL(fileURLWithPath: whole)))
    }

    @Test func keysAndHoursMergeToTheReferenceRollup() throws {
        let directory = temporaryDirectory("keyed-partials")
        let keys = try KeyColumns(names: ["campaign", "placement", "device"])
        var partials: [String] = []
        for name in ["clock-changes.csv", "clock-changes.jsonl"] {
            partials.append(directory + "/\(name).partial")
            _ = try Self.map([fixtures.path + "/keys/" + name], to: partials.last!) {
                $0.keyColumns = keys
                $0.granularity = .hour
            }
        }
        let out = directory + "/out"
        #expect(try Self.merge(partials, out: out).exitStatus == .ok)
        var expected = try files(in: fixtures.path + "/expected/keys_by_hour")
        expected["summary.json"] = nil
        #expect(try files(in: out) == expected)
    }

    @Test func aCopyOfAnInputInOneMapIsCountedOnce() throws {
        let directory = temporaryDirectory("copy")
        let original = fixtures.path + "/logs/ad-server-a-20261120.jsonl.gz"
        let copy = directory + "/copy.jsonl.gz"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let report = try Self.map([original, copy], to: directory + "/both.partial")
        let once = try Self.map([original], to: directory + "/once.partial")
        #expect(report.exitStatus == .ok)
        #expect(report.inputs.map(\.status) == [.ok, .duplicate])
        #expect(report.accounting == once.accounting)
        #expect(report.warnings.contains { $0.contains("the same content as \(original)") })
    }

    // MARK: - Refusals

    /// Merging `partials` fails with `status` and a message holding `words`, and writes no day file.
    func expectRefused(_ partials: [String], _ status: TallyPipeline.ExitStatus, _ words: String) throws {
        let out = temporaryDirectory("refused")
        let report = try Self.merge(partials, out: out)
        #expect(report.exitStatus == status)
        let message = report.refusal?.description ?? report.failedInputs.first?.error?.description ?? ""
        #expect(message.contains(words), "\(message)")
        #expect(try files(in: out).isEmpty)
    }

    @Test func partialsThatWouldDoubleACountAreRefused() throws {
        let directory = temporaryDirectory("doubles")
        let (a, ab) = (directory + "/a.partial", directory + "/ab.partial")
        _ = try Self.map([Self.good[0]], to: a)
        _ = try Self.map([Self.good[0], Self.good[1]], to: ab)
        try expectRefused([a, a], .dataError, "named more than once")
        try FileManager.default.copyItem(atPath: a, toPath: directory + "/copy.partial")
        try expectRefused([a, directory + "/copy.partial"], .dataError, "the same partial")
        try expectRefused([a, ab], .dataError, "both cover \(Self.good[0])")
        // The same content under another name, in another partial.
        let renamed = directory + "/renamed.gz"
        try FileManager.default.copyItem(atPath: Self.good[0], toPath: renamed)
        _ = try Self.map([renamed], to: directory + "/renamed.partial")
        try expectRefused([a, directory + "/renamed.partial"], .dataError, "both cover the same content")
    }

    @Test func partialsMadeWithOtherOptionsAreRefused() throws {
        let directory = temporaryDirectory("shapes")
        let input = [Self.good[0]]
        let plain = directory + "/plain.partial"
        _ = try Self.map(input, to: plain)
        let changes: [(String, (inout RunConfiguration) -> Void)] = [
            ("--tz UTC", { $0.timeZone = "UTC" }),
            ("--by campaign,country", { $0.keyColumns = try! KeyColumns(names: ["campaign", "country"]) }),
            ("--granularity hour", { $0.granularity = .hour }),
            ("--format jsonl", { $0.format = .jsonl }),
            ("--max-line-bytes 100", { $0.maxLineBytes = 100 }),
        ]
        for (index, (option, change)) in changes.enumerated() {
            let other = directory + "/other-\(index).partial"
            _ = try Self.map([Self.good[1]], to: other, change)
            try expectRefused([plain, other], .dataError, "against \(option)")
        }
    }

    /// A partial of format version 1 (tally before 0.16: the table's keys listed whole) is read,
    /// and written again it is the version 2 file of the same partial.
    @Test func aPartialOfVersionOneIsRead() throws {
        let directory = temporaryDirectory("version1")
        let path = directory + "/new.partial"
        _ = try Self.map(Array(Self.good.prefix(3)), to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let partial = try PartialRollup.decode(bytes).partial
        // The table ends the body: the same body with its keys whole, sealed as version 1 was.
        var table = BinaryWriter()
        partial.table.encode(into: &table)
        let body = Array(bytes[PartialRollup.headerSize..<(bytes.count - PartialRollup.digestSize)])
        #expect(Array(body.suffix(table.bytes.count)) == table.bytes)
        let oldBody = Array(body.dropLast(table.bytes.count)) + (try withWholeKeys(table.bytes))
        var old = PartialRollup.magic
        withUnsafeBytes(of: UInt32(1).littleEndian) { old += $0 }
        withUnsafeBytes(of: UInt64(oldBody.count).littleEndian) { old += $0 }
        old += oldBody
        old += old.withUnsafeBytes { ContentFingerprint(of: $0).bytes }
        #expect(old != bytes)
        #expect(try PartialRollup.decode(old).partial.fileBytes() == bytes)
        // A version after this tally's is refused, saying which.
        var newer = bytes
        newer[8] = 3
        #expect(throws: PartialRollup.FileError.version(3)) { try PartialRollup.decode(newer) }
    }

    @Test func filesThatAreNotWholePartialsAreRefused() throws {
        let directory = temporaryDirectory("damaged")
        let good = directory + "/good.partial"
        _ = try Self.map(Array(Self.good.prefix(3)), to: good)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: good)))
        #expect(try PartialRollup.decode(bytes).partial.fileBytes() == bytes)

        // Cut at every length, and every byte changed: never read, never merged.
        for length in 0..<bytes.count {
            #expect(throws: PartialRollup.FileError.self) { try PartialRollup.decode(Array(bytes[..<length])) }
        }
        for index in bytes.indices {
            var changed = bytes
            changed[index] ^= 0x20
            #expect(throws: PartialRollup.FileError.self) { try PartialRollup.decode(changed) }
        }
        #expect(throws: PartialRollup.FileError.self) { try PartialRollup.decode(bytes + [0]) }

        // Bodies changed and sealed again with a right length and checksum, as a program that
        // writes partials wrongly would: refused or read, never a crash.
        var random = SplitMix(seed: 3)
        let body = Array(bytes[20..<(bytes.count - 32)])
        for _ in 0..<3000 {
            var changed = body
            switch Int.random(in: 0..<3, using: &random) {
            case 0: changed[Int.random(in: changed.indices, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1: changed.removeLast(Int.random(in: 1...changed.count, using: &random))
            default:
                let at = Int.random(in: changed.indices, using: &random)
                changed.insert(contentsOf: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], at: at)
            }
            var file = Array(bytes[..<12])
            withUnsafeBytes(of: UInt64(changed.count).littleEndian) { file += $0 }
            file += changed
            file += file.withUnsafeBytes { ContentFingerprint(of: $0).bytes }
            if let (partial, _) = try? PartialRollup.decode(file) {
                for input in partial.inputs {
                    let a = input.accounting
                    #expect(a.lines == a.counted + a.ignored + a.rejected + a.blank)
                }
            }
        }

        let cut = directory + "/cut.partial"
        FileManager.default.createFile(atPath: cut, contents: Data(bytes.dropLast(7)))
        try expectRefused([good, cut], .dataError, "cut short")
        let empty = directory + "/empty.partial"
        writeFile(empty, "")
        try expectRefused([good, empty], .dataError, "empty, not a partial")
        try expectRefused([good, Self.good[3]], .dataError, "not a tally partial rollup")
        try expectRefused([good, directory + "/missing.partial"], .noInput, "no such file")
    }
}
