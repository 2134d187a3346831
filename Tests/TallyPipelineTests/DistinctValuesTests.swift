import Foundation
import TallyTestSupport
import Testing

@testable import TallyPipeline

/// `--uniques FIELD`: each row's distinct values of a field, estimated, and the same estimate
/// whether the logs are rolled up at once, night by night, or as partials merged.
@Suite struct DistinctValuesTests {
    /// Three campaigns with 7, 60 and 3,000 distinct users on 2026-11-21 (each user several
    /// times), 40 events without a user, and a second day; `parts` files.
    static func writeLogs(into folder: String, parts: Int = 4) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var random = SplitMix(seed: 7)
        var lines: [String] = []
        for (campaign, users) in [("small", 7), ("medium", 60), ("large", 3000)] {
            for user in 0..<users {
                for _ in 0..<(1 + Int(random.next() % 3)) {
                    let second = Int(random.next() % 86_400)
                    lines.append(
                        #"{"ts":\#(1_795_219_200 + second),"event":"imp","campaign_id":"\#(campaign)","user_id":"u\#(user)"}"#
                    )
                }
            }
        }
        for index in 0..<40 {
            lines.append(#"{"ts":\#(1_795_219_200 + index),"event":"click","campaign_id":"small"}"#)
        }
        lines.append(#"{"ts":1795305600,"event":"imp","campaign_id":"small","user_id":"u1"}"#)
        lines.shuffle(using: &random)
        let size = (lines.count + parts - 1) / parts
        for part in 0..<parts {
            let chunk = lines[(part * size)..<min(lines.count, (part + 1) * size)]
            writeFile(folder + "/part-\(part).jsonl", chunk.joined(separator: "\n") + "\n")
        }
    }

    /// The day file's rows as campaign -> (impressions, clicks, unique_user_id).
    static func rows(_ csv: Data) -> [String: [Int]] {
        var rows: [String: [Int]] = [:]
        for line in String(decoding: csv, as: UTF8.self).split(separator: "\n").dropFirst() {
            let cells = line.split(separator: ",")
            rows[String(cells[1])] = [Int(cells[2])!, Int(cells[3])!, Int(cells[5])!]
        }
        return rows
    }
}

extension DistinctValuesTests {
    @Test func eachRowEstimatesItsDistinctValues() throws {
        let dir = temporaryDirectory("uniques")
        try Self.writeLogs(into: dir + "/logs")
        let result = try runTally(["rollup", dir + "/logs", "--out", dir + "/out", "--uniques", "user_id"])
        #expect(result.status == 0, "\(result.stderr)")
        let day = try #require(try files(in: dir + "/out")["2026-11-21.csv"])
        #expect(
            String(decoding: day, as: UTF8.self).hasPrefix(
                "date,campaign_id,impressions,clicks,video_views,unique_user_id\n"))
        let rows = Self.rows(day)
        // Few values are counted exactly; 3,000 within 3 standard errors (0.81% each).
        #expect(rows["small"]?[2] == 7)
        #expect(rows["small"]?[1] == 40)
        #expect(rows["medium"]?[2] == 60)
        let large = try #require(rows["large"]?[2])
        #expect(abs(large - 3000) <= 73, "\(large)")
        #expect(Self.rows(try #require(try files(in: dir + "/out")["2026-11-22.csv"]))["small"] == [1, 0, 1])
    }

    /// One run, night by night with the state store, and partials merged as a tree: the same bytes.
    @Test func theEstimateIsTheSameHoweverTheLogsAreRolledUp() throws {
        let dir = temporaryDirectory("uniques-merge")
        try Self.writeLogs(into: dir + "/logs")
        let logs = (0..<4).map { dir + "/logs/part-\($0).jsonl" }
        let once = try runTally(["rollup"] + logs + ["--out", dir + "/once", "--no-state", "--uniques", "user_id"])
        #expect(once.status == 0, "\(once.stderr)")
        let expected = try files(in: dir + "/once")
        // Night by night: each run adds one file to the store.
        let nightly = dir + "/nightly"
        try FileManager.default.createDirectory(atPath: dir + "/arrived", withIntermediateDirectories: true)
        for (index, log) in logs.enumerated() {
            try FileManager.default.copyItem(atPath: log, toPath: dir + "/arrived/part-\(index).jsonl")
            let night = try runTally(["rollup", dir + "/arrived", "--out", nightly, "--uniques", "user_id"])
            #expect(night.status == 0, "\(night.stderr)")
        }
        #expect(try files(in: nightly) == expected)
        // Partials: two maps of two files, merged into one partial, then into day files.
        for half in 0..<2 {
            let map = try runTally(
                ["map"] + logs[(half * 2)..<(half * 2 + 2)] + [
                    "--partial", dir + "/half\(half).partial", "--uniques", "user_id",
                ])
            #expect(map.status == 0, "\(map.stderr)")
        }
        let merged = try runTally([
            "merge", dir + "/half0.partial", dir + "/half1.partial", "--partial", dir + "/all.partial",
        ])
        #expect(merged.status == 0, "\(merged.stderr)")
        let out = try runTally(["merge", dir + "/all.partial", "--out", dir + "/merged"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try files(in: dir + "/merged") == expected)
        // A partial without the field's sketches is not merged with one that has them.
        let plain = try runTally(["map", logs[0], "--partial", dir + "/plain.partial"])
        #expect(plain.status == 0)
        let mixed = try runTally(["merge", dir + "/plain.partial", dir + "/half1.partial", "--out", dir + "/mixed"])
        #expect(mixed.status == 65)
        #expect(mixed.stderr.contains("--uniques"), "\(mixed.stderr)")
    }

    /// A value that cannot be read (a NUL, a lone surrogate, a broken escape), and one that is
    /// no id (`true`, an object, `null`), is no value: the line still counts, as it does
    /// without `--uniques`.
    @Test func aBadValueNeverChangesTheCounts() throws {
        let dir = temporaryDirectory("uniques-bad-values")
        writeFile(
            dir + "/a.jsonl",
            #"""
            {"ts":1795219200,"event":"imp","campaign_id":"c","user_id":"a\u0000b"}
            {"ts":1795219200,"event":"imp","campaign_id":"c","user_id":"\udc00"}
            {"ts":1795219200,"event":"imp","campaign_id":"c","user_id":"ok"}
            {"ts":1795219200,"event":"imp","campaign_id":"c","user_id":true}
            {"ts":1795219200,"event":"imp","campaign_id":"c","user_id":{"id":"x"}}
            {"ts":1795219200,"event":"imp","campaign_id":"c","user_id":null}
            {"ts":1795219200,"event":"imp","campaign_id":"c","user_id":42}
            """# + "\n")
        let result = try runTally(["rollup", dir + "/a.jsonl", "--out", dir + "/out", "--uniques", "user_id"])
        #expect(result.status == 0, "\(result.stderr)")
        let day = try #require(try files(in: dir + "/out")["2026-11-21.csv"])
        #expect(String(decoding: day, as: UTF8.self).hasSuffix("2026-11-21,c,7,0,0,2\n"))
    }

    @Test(arguments: [
        ["--uniques", "ts"], ["--uniques", "campaign_id"], ["--by", "country", "--uniques", "country"],
    ])
    func aFieldTheRowIsMadeOfIsRefused(arguments: [String]) throws {
        let dir = temporaryDirectory("uniques-bad")
        try Self.writeLogs(into: dir + "/logs", parts: 1)
        let result = try runTally(["rollup", dir + "/logs", "--out", dir + "/out"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--uniques"), "\(result.stderr)")
    }

    @Test func anAccessLogsParameterCanBeCounted() throws {
        let dir = temporaryDirectory("uniques-clf")
        let lines = (0..<30).map { index in
            "203.0.113.\(index) - - [21/Nov/2026:10:00:\(index < 10 ? "0" : "")\(index) +0000] "
                + "\"GET /px?ev=imp&cmp=a&uid=u\(index % 12) HTTP/1.1\" 200 43 \"-\" \"curl\""
        }
        writeFile(dir + "/access.log", lines.joined(separator: "\n") + "\n")
        writeFile(dir + "/c.toml", "uniques = \"uid\"\n[clf]\ntype_param = \"ev\"\ncampaign_param = \"cmp\"\n")
        let result = try runTally(["rollup", dir + "/access.log", "--config", dir + "/c.toml", "--out", dir + "/out"])
        #expect(result.status == 0, "\(result.stderr)")
        let day = try #require(try files(in: dir + "/out")["2026-11-21.csv"])
        #expect(String(decoding: day, as: UTF8.self).hasSuffix("2026-11-21,a,30,0,0,12\n"))
    }
}
