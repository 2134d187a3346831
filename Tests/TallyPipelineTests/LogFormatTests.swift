import Foundation
import TallyTestSupport
import Testing

@testable import TallyPipeline

/// The log formats of `fixtures/formats` (made by `scripts/gen_format_fixtures.py`, whose own
/// ledger wrote the expected files), rolled up by the `tally` binary with their configs, and
/// what `--config` does on the command line.
@Suite struct LogFormatTests {
    static let formats = fixtures.path + "/formats"

    /// Rolls `case`'s logs up with `arguments` and checks the day files and the accounting
    /// against the case's expected folder.
    func expectExpectedRollup(_ name: String, _ arguments: [String]) throws {
        let folder = Self.formats + "/" + name
        let out = temporaryDirectory("format")
        let summaryPath = out + ".summary.json"
        let result = try runTally(
            ["rollup", folder + "/logs", "--out", out, "--summary-json", summaryPath] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        var expected = try files(in: folder + "/expected")
        let summary = try #require(expected["summary.json"])
        expected["summary.json"] = nil
        let reference = try #require(try JSONSerialization.jsonObject(with: summary) as? [String: Any])
        #expect(try files(in: out) == expected)
        let ours = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
                as? [String: Any])
        for key in ["lines", "counted", "ignored", "rejected", "blank"] {
            #expect(ours[key] as? Int == reference[key] as? Int, "\(name): \(key)")
        }
        #expect(ours["events"] as? [String: Int] == reference["events"] as? [String: Int])
        let reasons = try #require(ours["rejected_by_reason"] as? [String: Int]).filter { $0.value > 0 }
        #expect(reasons == reference["rejected_by_reason"] as? [String: Int], "\(name)")
        #expect(
            ours["ignored_types"] as? [String: Int] ?? [:] == reference["ignored_types"] as? [String: Int], "\(name)")
    }
}

extension LogFormatTests {
    @Test(arguments: [
        ("admanager", "tally.toml"), ("admanager", "tally-usec.toml"), ("access", "tally.toml"),
        ("headerless", "tally.toml"), ("semicolon", "tally.toml"),
    ])
    func eachFormatRollsUpWithItsConfig(name: String, config: String) throws {
        try expectExpectedRollup(name, ["--config", Self.formats + "/\(name)/\(config)", "--no-state"])
    }

    @Test func aSemicolonFileNeedsNoConfig() throws {
        try expectExpectedRollup("semicolon", ["--no-state"])
    }

    /// What the config says, the command line can say instead.
    @Test func theCommandLineSaysWhatAConfigSays() throws {
        try expectExpectedRollup(
            "headerless", ["--config", Self.formats + "/headerless/tally.toml", "--format", "delimited", "--no-state"])
        // An access log is found without a format, and its parameters come from the config alone.
        let dir = temporaryDirectory("clf")
        writeFile(dir + "/c.toml", "[clf]\ntype_param = \"ev\"\ncampaign_param = \"cmp\"\npath_prefix = \"/px\"\n")
        try expectExpectedRollup("access", ["--config", dir + "/c.toml", "--no-state"])
    }

    @Test func theCommandLineWinsOverTheConfig() throws {
        let dir = temporaryDirectory("wins")
        writeFile(
            dir + "/t.toml",
            "out = \"from-config\"\nbom = true\ntimezone = \"Asia/Tokyo\"\nstate = false\n")
        // The config's folder, relative to the config: no --out needed.
        let first = try runTally(["rollup", fixtures.path + "/logs", "--config", dir + "/t.toml"])
        #expect(first.status == 0, "\(first.stderr)")
        let fromConfig = try files(in: dir + "/from-config")
        #expect(fromConfig.values.allSatisfy { $0.starts(with: [0xef, 0xbb, 0xbf]) })
        #expect(!FileManager.default.fileExists(atPath: dir + "/from-config/.tally"))
        // --out, --no-bom and --tz win; days in UTC are the expected ones.
        let out = dir + "/cli"
        let second = try runTally([
            "rollup", fixtures.path + "/logs", "--config", dir + "/t.toml", "--out", out, "--no-bom", "--tz", "UTC",
        ])
        #expect(second.status == 0, "\(second.stderr)")
        var expected = try files(in: fixtures.path + "/expected/utc")
        expected["summary.json"] = nil
        #expect(try files(in: out) == expected)
    }

    /// A bad config stops the run before any input is read or any file written: exit 78, one line.
    @Test(arguments: [
        ("format = \"xml\"\n", "t.toml:1: "),
        ("[fields]\ncampain = \"c\"\n", "t.toml:2: unknown key 'fields.campain'"),
        ("header = false\n", "'header = false' needs 'columns'"),
        ("jobs = \"two\"\n", "t.toml:1: 'jobs' must be an integer"),
        ("by = \"campaign,campaign\"\n", "t.toml:1: "),
        ("delimiter = =\n", "t.toml:1:"),
    ])
    func aBadConfigExits78BeforeReading(text: String, message: String) throws {
        let dir = temporaryDirectory("bad")
        writeFile(dir + "/t.toml", text)
        let result = try runTally(
            ["rollup", fixtures.path + "/logs", "--config", dir + "/t.toml", "--out", dir + "/out"])
        #expect(result.status == 78)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    /// A store shared by two output folders (`--state` or a config's `state`, `-o` changed)
    /// writes every day into a folder it has not written before, not only the changed ones.
    @Test func aSharedStoreFillsANewFolder() throws {
        let dir = temporaryDirectory("shared")
        let logs = fixtures.path + "/logs"
        #expect(try runTally(["rollup", logs, "-o", dir + "/first", "--state", dir + "/s.sqlite"]).status == 0)
        #expect(try runTally(["rollup", logs, "-o", dir + "/second", "--state", dir + "/s.sqlite"]).status == 0)
        #expect(try files(in: dir + "/second") == files(in: dir + "/first"))
        #expect(try files(in: dir + "/second").count == 3)
    }

    @Test func rebuildWithoutAStoreIsRefused() throws {
        let dir = temporaryDirectory("rebuild")
        writeFile(dir + "/t.toml", "state = false\n")
        let result = try runTally([
            "rollup", fixtures.path + "/logs", "--config", dir + "/t.toml", "--out", dir + "/out", "--rebuild",
        ])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--rebuild needs a state store"), "\(result.stderr)")
    }

    @Test func aMissingConfigExits78() throws {
        let result = try runTally([
            "inspect", fixtures.path + "/logs/partner-export-20261122.tsv", "--config", "/nonexistent/t.toml",
        ])
        #expect(result.status == 78)
        #expect(result.stderr.contains("/nonexistent/t.toml: cannot read: No such file or directory"))
    }

    /// A config kept in the folder of the logs is not read as a log.
    @Test func aConfigBesideTheLogsIsNotALog() throws {
        let dir = temporaryDirectory("beside")
        let logs = dir + "/logs"
        try FileManager.default.copyItem(atPath: Self.formats + "/headerless/logs", toPath: logs)
        try FileManager.default.copyItem(atPath: Self.formats + "/headerless/tally.toml", toPath: logs + "/tally.toml")
        let out = dir + "/out"
        let result = try runTally(["rollup", logs, "--config", logs + "/tally.toml", "--out", out, "--no-state"])
        #expect(result.status == 0, "\(result.stderr)")
        var expected = try files(in: Self.formats + "/headerless/expected")
        expected["summary.json"] = nil
        #expect(try files(in: out) == expected)
    }

    /// A state store made with one reading of the logs refuses another.
    @Test func aStateStoreKeepsItsConfig() throws {
        let dir = temporaryDirectory("state")
        let config = Self.formats + "/admanager/tally.toml"
        let logs = Self.formats + "/admanager/logs"
        #expect(try runTally(["rollup", logs, "--config", config, "--out", dir]).status == 0)
        let other = try runTally(["rollup", logs, "--config", config, "--out", dir, "--input-tz", "UTC"])
        #expect(other.status == 64)
        #expect(other.stderr.contains("reading"), "\(other.stderr)")
        #expect(try runTally(["rollup", logs, "--config", config, "--out", dir]).status == 0)
    }
}
