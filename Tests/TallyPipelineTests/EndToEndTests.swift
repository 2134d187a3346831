import Foundation
import TallyParser
import TallyTestSupport
import TallyWriter
import Testing

@testable import TallyPipeline

@Suite struct EndToEndTests {}

extension EndToEndTests {
    // MARK: - The sample logs against the reference rollup

    @Test(arguments: [("UTC", "utc"), ("America/New_York", "america_new_york")])
    func fixturesRollUpToTheExpectedFiles(zone: String, folder: String) throws {
        let (report, out) = try runRollup([fixtures.path + "/logs"], tz: zone)
        try expectReferenceRollup(report, out, expected: fixtures.path + "/expected/\(folder)")
        let a = report.accounting
        #expect(a.lines == a.counted + a.ignored + a.rejected + a.blank)
        #expect(a.counted == a.events.reduce(0, +))
        #expect(a.rejected == a.rejectedByReason.reduce(0, +))
    }

    /// Both clock changes of 2026 in New York and key cells of every kind, against the reference
    /// (`fixtures/expected/keys_by_hour`, made by `scripts/reference_rollup.py`).
    @Test func keysAndHoursRollUpToTheExpectedFiles() throws {
        let out = temporaryDirectory("keys")
        var configuration = RunConfiguration(inputs: [fixtures.path + "/keys"], outputDirectory: out)
        configuration.timeZone = "America/New_York"
        configuration.keyColumns = try KeyColumns(names: ["campaign", "placement", "device"])
        configuration.granularity = .hour
        let report = try RollupRun(configuration: configuration).run()
        try expectReferenceRollup(report, out, expected: fixtures.path + "/expected/keys_by_hour")
    }

    /// The run succeeded, wrote the day files in `expected` byte for byte, and its accounting
    /// matches the reference's `summary.json` there, key for key.
    private func expectReferenceRollup(_ report: RunReport, _ out: String, expected folder: String) throws {
        #expect(report.exitStatus == .ok)
        var expected = try files(in: folder)
        let summary = try #require(expected["summary.json"])
        expected["summary.json"] = nil
        #expect(try files(in: out) == expected)
        let reference = try #require(try JSONSerialization.jsonObject(with: summary) as? [String: Any])
        let ours = try #require(try JSONSerialization.jsonObject(with: report.summaryJSON()) as? [String: Any])
        for key in ["lines", "counted", "ignored", "rejected", "blank"] {
            #expect(ours[key] as? Int == reference[key] as? Int, "\(key)")
        }
        #expect(ours["events"] as? [String: Int] == reference["events"] as? [String: Int])
        let reasons = try #require(ours["rejected_by_reason"] as? [String: Int])
        for (reason, count) in try #require(reference["rejected_by_reason"] as? [String: Int]) {
            #expect(reasons[reason, default: 0] == count, "\(reason)")
        }
    }

    /// `--by campaign` is the default key, byte for byte; a wider key splits the same counts.
    @Test func aWiderKeySplitsTheSameCounts() throws {
        let inputs = [fixtures.path + "/logs"]
        let (plain, plainOut) = try runRollup(inputs)
        for names in [["campaign"], ["placement", "campaign", "user_id"]] {
            let out = temporaryDirectory("by")
            var configuration = RunConfiguration(inputs: inputs, outputDirectory: out)
            configuration.keyColumns = try KeyColumns(names: names)
            let report = try RollupRun(configuration: configuration).run()
            #expect(report.accounting == plain.accounting)
            if names == ["campaign"] { #expect(try files(in: out) == files(in: plainOut)) }
            // Summed over the other columns, each (date, campaign) has the default's counts.
            // Rows split on every comma: a row whose cells hold one is left out on both sides
            // (the campaign `acme, inc.`); every other row is compared, all three counts.
            var sums: [String: [Int]] = [:]
            for (_, data) in try files(in: out) {
                for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
                    let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    guard cells.count == names.count + 4 else { continue }
                    let campaign = cells[1 + names.firstIndex(of: "campaign")!]
                    for counter in 0..<3 {
                        sums["\(cells[0]),\(campaign)", default: [0, 0, 0]][counter] +=
                            Int(cells[names.count + 1 + counter])!
                    }
                }
            }
            var compared = 0
            for (_, data) in try files(in: plainOut) {
                for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
                    let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                    guard cells.count == 5 else { continue }
                    #expect(sums["\(cells[0]),\(cells[1])"] == cells[2...].map { Int($0)! }, "\(line)")
                    compared += 1
                }
            }
            #expect(compared > 10)
        }
    }

    @Test func oneJobAndTwoJobsAndTwoRunsGiveTheSameBytes() throws {
        let inputs = [fixtures.path + "/logs"]
        let (_, one) = try runRollup(inputs, jobs: 1)
        let (_, two) = try runRollup(inputs, jobs: 2)
        let out = temporaryDirectory("again")
        _ = try runRollup(inputs, jobs: 2, out: out)
        _ = try runRollup(inputs, jobs: 2, out: out)
        #expect(try files(in: one) == files(in: two))
        #expect(try files(in: one) == files(in: out))
    }

    @Test(arguments: ["many-members.gz", "bgzip.gz", "truncated-mid-stream.gz"])
    func aSingleInputDecodedOnItsOwnThreadGivesTheSameResult(name: String) throws {
        // One input and two jobs: one thread inflates into a ring of buffers while the other parses.
        let input = fixtures.path + "/gzip/" + name
        let (sequential, one) = try runRollup([input], jobs: 1)
        let (pipelined, two) = try runRollup([input], jobs: 2)
        #expect(try files(in: one) == files(in: two))
        #expect(sequential.accounting == pipelined.accounting)
        #expect(sequential.exitStatus == pipelined.exitStatus)
        #expect(sequential.inputs.map(\.status) == pipelined.inputs.map(\.status))
    }

    // MARK: - A bad file contributes nothing; the good ones still roll up

    @Test(arguments: ["truncated-mid-stream.gz", "bad-crc32.gz", "trailing-garbage.gz", "payload.jsonl.xz"])
    func aDamagedFileNextToGoodOnesContributesNothing(damaged: String) throws {
        let good = fixtures.path + "/logs/ad-server-a-20261120.jsonl.gz"
        let (alone, aloneOut) = try runRollup([good])
        let (report, out) = try runRollup([good, fixtures.path + "/gzip/" + damaged])
        #expect(report.exitStatus == .dataError)
        #expect(report.failedInputs.map(\.location.description) == [fixtures.path + "/gzip/" + damaged])
        #expect(try files(in: out) == files(in: aloneOut))
        #expect(report.accounting == alone.accounting)
    }

    @Test func aMissingInputExits66AndWritesNothingWhenNothingIsLeft() throws {
        let (report, out) = try runRollup(["/nonexistent/tally/input"])
        #expect(report.exitStatus == .noInput)
        #expect(try files(in: out).isEmpty)
    }

    @Test func aDecompressionBombIsOneOverlongLine() throws {
        // 8 MB of one byte, no newline, from a tiny gzip member: streamed, never held whole.
        let dir = temporaryDirectory("bomb")
        let bytes = DifferentialTests.gzipMember([UInt8](repeating: UInt8(ascii: "a"), count: 8 << 20))
        #expect(bytes.count < 64 << 10)
        try Data(bytes).write(to: URL(fileURLWithPath: dir + "/bomb.gz"))
        let (report, out) = try runRollup([dir + "/bomb.gz"])
        // Its one line rejected, nothing counted: the run says so (65).
        #expect(report.exitStatus == .dataError && report.drift == .nothingCounted(lines: 1))
        #expect(report.accounting.lines == 1)
        #expect(report.accounting.rejected(.lineTooLong) == 1)
        #expect(try files(in: out).isEmpty)
    }

    /// An empty file is reported as empty, not failed; a run with nothing else to read is a
    /// run with no input (66), unless that is expected.
    @Test func emptyFilesAreReportedNotFailed() throws {
        let dir = temporaryDirectory("empty")
        writeFile(dir + "/empty.log", "")
        let (report, _) = try runRollup([dir])
        #expect(report.inputs.map(\.status) == [.empty])
        #expect(report.exitStatus == .noInput && report.drift == .noInput)
        let (allowed, _) = try runRollup([dir], allowEmpty: true)
        #expect(allowed.exitStatus == .ok && allowed.drift == nil)
        // Beside an input with events, an empty one changes nothing.
        let (mixed, _) = try runRollup([dir, fixtures.path + "/logs"])
        #expect(mixed.exitStatus == .ok)
    }

    // MARK: - Output under faults

    @Test(arguments: [FaultInjectingFileSystem.Call.write, .sync, .close, .rename])
    func aFailingDiskKeepsTheOldFilesAndExits74(call: FaultInjectingFileSystem.Call) throws {
        let (_, out) = try runRollup([fixtures.path + "/logs"], tz: "America/New_York")
        let before = try files(in: out)
        var configuration = RunConfiguration(inputs: [fixtures.path + "/logs"], outputDirectory: out)
        configuration.jobs = 2
        let report = try RollupRun(configuration: configuration, fileSystem: FaultInjectingFileSystem(failing: call))
            .run()
        #expect(report.exitStatus == .ioError)
        // Nothing was renamed (the first rename failed, or an earlier step did): old files, no temporaries.
        #expect(try files(in: out) == before)
    }

    /// A rename failing part way: the days already renamed are new, and the summary names them.
    @Test func aRenameFailingPartWayReportsTheDaysReplaced() throws {
        let out = temporaryDirectory("partial")
        let configuration = RunConfiguration(inputs: [fixtures.path + "/logs"], outputDirectory: out)
        let report = try RollupRun(
            configuration: configuration, fileSystem: FaultInjectingFileSystem(failing: .rename, after: 1)
        )
        .run()
        #expect(report.exitStatus == .ioError)
        #expect(report.daysWritten == ["2026-11-20.csv"])
        #expect(try files(in: out).keys.sorted() == ["2026-11-20.csv"])
    }

    /// The progress line's share and time left come from the files' stored bytes.
    @Test func progressTellsTheShareReadAndTheTimeLeft() throws {
        let out = temporaryDirectory("progress")
        let run = RollupRun(configuration: RunConfiguration(inputs: [fixtures.path + "/logs"], outputDirectory: out))
        #expect(run.progress.line(afterSeconds: 1) == "tally: 0/0 inputs, 0 MB read, 0 MB/s")
        _ = try run.run()
        let total = try FileManager.default.contentsOfDirectory(atPath: fixtures.path + "/logs").map {
            try FileManager.default.attributesOfItem(atPath: fixtures.path + "/logs/" + $0)[.size] as! Int
        }.reduce(0, +)
        #expect(run.progress.storedBytesTotal == total)
        #expect(run.progress.storedBytesRead == total)
        #expect(run.progress.line(afterSeconds: 2).hasSuffix("8/8 inputs, 0 MB read, 0 MB/s, 100%, about 0 s left"))
    }

    // MARK: - Rejected lines, for a person to read

    /// Inputs are read largest first, but everything the run reports stays in input order.
    @Test(arguments: [1, 2])
    func inputsAreReportedInTheOrderGivenWhateverTheirSizes(jobs: Int) throws {
        let dir = temporaryDirectory("order")
        let line = "{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}\nbad\n"
        let inputs = [("small", 1), ("large", 40), ("middle", 8), ("tiny", 1)]
        let paths = inputs.map { name, count in
            writeFile(dir + "/\(name).jsonl", String(repeating: line, count: count))
            return dir + "/\(name).jsonl"
        }
        var configuration = RunConfiguration(inputs: paths, outputDirectory: dir + "/out")
        configuration.rejectsPath = dir + "/rejects.tsv.gz"
        configuration.jobs = jobs
        let report = try RollupRun(configuration: configuration).run()
        #expect(report.inputs.map(\.location.description) == paths)
        #expect(report.accounting.counted == 50)
        let rejectSources = try gunzip(dir + "/rejects.tsv.gz").split(separator: "\n").dropFirst()
            .map { String($0.split(separator: "\t")[0]) }
        #expect(rejectSources == zip(paths, inputs).flatMap { path, input in Array(repeating: path, count: input.1) })
    }

    /// The CR of a CRLF line end belongs to the end, not to the rejected line's text.
    @Test func rejectedTextStopsBeforeTheCROfItsLineEnd() throws {
        let dir = temporaryDirectory("rejects")
        writeFile(
            dir + "/crlf.jsonl",
            "{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}\r\nnot json\r\nkeep\rthis\r\n")
        var configuration = RunConfiguration(inputs: [dir + "/crlf.jsonl"], outputDirectory: dir + "/out")
        configuration.rejectsPath = dir + "/rejects.tsv"
        _ = try RollupRun(configuration: configuration).run()
        let lines = try String(contentsOfFile: dir + "/rejects.tsv", encoding: .utf8).split(separator: "\n")
        #expect(
            lines.dropFirst().map { $0.split(separator: "\t").last.map(String.init) } == ["not json", "keep\\rthis"])
    }

    @Test func rejectedLinesOfGoodInputsAreWrittenAndOnlyThose() throws {
        let dir = temporaryDirectory("rejects")
        let good = dir + "/good.jsonl"
        writeFile(
            good,
            "{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}\nnot\tjson\\\n\n{\"ts\":0,\"event\":\"imp\",\"campaign_id\":\"c\"}\n"
        )
        // A damaged input with rejected lines of its own: they must not appear.
        let damaged = try Data(contentsOf: fixtures.appendingPathComponent("gzip/truncated-mid-stream.gz"))
        try damaged.write(to: URL(fileURLWithPath: dir + "/damaged.gz"))
        var configuration = RunConfiguration(
            inputs: [good, dir + "/damaged.gz", fixtures.path + "/logs"], outputDirectory: dir + "/out")
        configuration.rejectsPath = dir + "/rejects/rejects.tsv.gz"
        configuration.jobs = 2
        let report = try RollupRun(configuration: configuration).run()
        #expect(report.exitStatus == .dataError)

        let text = try gunzip(dir + "/rejects/rejects.tsv.gz")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.first == "source\tline\treason\ttext")
        #expect(lines.count == 1 + report.accounting.rejected)
        #expect(lines[1] == "\(good)\t2\tmalformed\tnot\\tjson\\\\")
        #expect(lines[2] == "\(good)\t4\ttime_out_of_range\t{\"ts\":0,\"event\":\"imp\",\"campaign_id\":\"c\"}")
        #expect(!text.contains("damaged.gz"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/rejects") == ["rejects.tsv.gz"])
    }

    // MARK: - Days in the chosen zone

    @Test func daysFollowTheZoneAcrossADSTChange() throws {
        let dir = temporaryDirectory("dst")
        // New York falls back on 2026-11-01 at 06:00Z; that local day has 25 hours.
        writeFile(
            dir + "/log.jsonl",
            """
            {"ts":"2026-11-01T03:59:59Z","event":"imp","campaign_id":"c"}
            {"ts":"2026-11-01T04:00:00Z","event":"imp","campaign_id":"c"}
            {"ts":"2026-11-02T04:59:59Z","event":"imp","campaign_id":"c"}
            {"ts":"2026-11-02T05:00:00Z","event":"imp","campaign_id":"c"}
            {"ts":"2026-11-01T23:30:00-05:00","event":"click","campaign_id":"c"}
            """)
        let (report, out) = try runRollup([dir], tz: "America/New_York")
        #expect(report.exitStatus == .ok)
        let written = try files(in: out).mapValues { String(decoding: $0, as: UTF8.self) }
        #expect(
            written == [
                "2026-10-31.csv": "date,campaign_id,impressions,clicks,video_views\n2026-10-31,c,1,0,0\n",
                "2026-11-01.csv": "date,campaign_id,impressions,clicks,video_views\n2026-11-01,c,2,1,0\n",
                "2026-11-02.csv": "date,campaign_id,impressions,clicks,video_views\n2026-11-02,c,1,0,0\n",
            ])
    }

    @Test func anUnknownZoneIsRefusedBeforeAnythingIsWritten() throws {
        let out = temporaryDirectory("tz") + "/never"
        #expect(throws: RollupRun.ConfigurationError.self) {
            try runRollup([fixtures.path + "/logs"], tz: "Not/AZone", out: out)
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
