import Foundation
import TallyTestSupport
import Testing

@testable import TallyPipeline

/// `--dedupe FIELD`: an event whose id repeats one of the same day and type counts once, in the
/// first row of the day that has it, however the logs are rolled up.
@Suite struct DuplicateEventsTests {
    /// 2026-11-20 00:00:00 UTC.
    static let day0 = 1_795_132_800

    /// One generated event: `id` nil for a line without the field.
    struct Event {
        var time: Int
        var type: String
        var campaign: String
        var id: String?

        var json: String {
            let id = self.id.map { #","request_id":"\#($0)""# } ?? ""
            return #"{"ts":\#(time),"event":"\#(type)","campaign_id":"\#(campaign)"\#(id)}"#
        }
    }

    /// Events over three days with ids drawn from a small pool, so that many repeat: within a
    /// day, across days, across types and across campaigns; a tenth without an id.
    static func events(seed: UInt64, count: Int) -> [Event] {
        var random = SplitMix(seed: seed)
        let types = ["impression", "click", "video_view"]
        return (0..<count).map { _ in
            let time = day0 + Int(random.next() % (3 * 86_400))
            let type = types[Int(random.next() % 10) < 7 ? 0 : Int(random.next() % 3)]
            let campaign = "c\(random.next() % 5)"
            let id = random.next() % 10 == 0 ? nil : "r\(random.next() % 150)"
            return Event(time: time, type: type, campaign: campaign, id: id)
        }
    }

    /// What the day files hold, as the rule says, independently of tally: (date, hour or "",
    /// campaign) -> counts by type; and the events not counted.
    /// `zone`: where days are counted (hours only in UTC here).
    static func expected(_ events: [Event], hourly: Bool, zone: String = "UTC") -> (
        rows: [String: [Int]], duplicates: Int
    ) {
        let types = ["impression", "click", "video_view"]
        let timeZone = TimeZone(identifier: zone)!
        func localDay(_ event: Event) -> Int {
            let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(event.time)))
            return (event.time + offset) / 86_400
        }
        func row(_ event: Event) -> (period: Int, campaign: String) {
            (hourly ? event.time / 3600 : localDay(event), event.campaign)
        }
        var counts: [String: [Int]] = [:]
        func add(_ event: Event) {
            let (period, campaign) = row(event)
            let day = Date(timeIntervalSince1970: TimeInterval(event.time))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            let date = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            let hour = hourly ? String(format: "%02d", period % 24) : ""
            counts["\(date) \(hour) \(campaign)", default: [0, 0, 0]][types.firstIndex(of: event.type)!] += 1
        }
        // For each (day, type, id), the occurrence in the first row: period, then campaign.
        var first: [String: Event] = [:]
        var duplicates = 0
        for event in events {
            guard let id = event.id else {
                add(event)
                continue
            }
            let key = "\(localDay(event)) \(event.type) \(id)"
            if let kept = first[key] {
                duplicates += 1
                if row(event) < row(kept) { first[key] = event }
            } else {
                first[key] = event
            }
        }
        for event in first.values { add(event) }
        return (counts, duplicates)
    }

    /// The rows of every day file in `folder`, keyed as `expected` keys them.
    static func rows(in folder: String, hourly: Bool) throws -> [String: [Int]] {
        var rows: [String: [Int]] = [:]
        for (name, data) in try files(in: folder) where name.hasSuffix(".csv") {
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n").dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                let key = hourly ? "\(cells[0]) \(cells[1]) \(cells[3])" : "\(cells[0])  \(cells[1])"
                rows[key] = cells.suffix(3).map { Int($0)! }
            }
        }
        return rows
    }

    static func duplicates(in summary: String) throws -> Int {
        let json = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as! [String: Any]
        return try #require(json["duplicate_events"] as? Int)
    }

    static func write(_ events: [Event], parts: Int, into folder: String) -> [String] {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let size = (events.count + parts - 1) / parts
        return (0..<parts).map { part in
            let path = folder + "/part-\(part).jsonl"
            let lines = events[(part * size)..<min(events.count, (part + 1) * size)].map(\.json)
            writeFile(path, lines.joined(separator: "\n") + "\n")
            return path
        }
    }
}

extension DuplicateEventsTests {
    /// The rule on a few lines: one id twice as an impression counts once, and once more as a
    /// click; the same id on the next day counts again; of two campaigns, the first in key order
    /// keeps it; numbers are ids too; a line without the field always counts.
    @Test func anIdCountsOncePerDayAndType() throws {
        let dir = temporaryDirectory("dedupe-rule")
        writeFile(
            dir + "/a.jsonl",
            #"""
            {"ts":"2026-11-20T10:00:00Z","event":"impression","campaign_id":"c1","request_id":"r1"}
            {"ts":"2026-11-20T10:00:01Z","event":"impression","campaign_id":"c1","request_id":"r1"}
            {"ts":"2026-11-20T10:00:02Z","event":"click","campaign_id":"c1","request_id":"r1"}
            {"ts":"2026-11-20T11:00:00Z","event":"impression","campaign_id":"c2","request_id":"r2"}
            {"ts":"2026-11-20T11:00:00Z","event":"impression","campaign_id":"c2"}
            {"ts":"2026-11-21T11:00:00Z","event":"impression","campaign_id":"c2","request_id":"r2"}
            {"ts":"2026-11-20T12:00:00Z","event":"impression","campaign_id":"c2","request_id":null}

            """#)
        writeFile(
            dir + "/b.jsonl",
            #"""
            {"ts":"2026-11-20T09:00:00Z","event":"impression","campaign_id":"c3","request_id":"r2"}
            {"ts":"2026-11-20T09:00:00Z","event":"impression","campaign_id":"c0","request_id":7}
            {"ts":"2026-11-20T09:00:00Z","event":"impression","campaign_id":"c0","request_id":7}

            """#)
        let result = try runTally([
            "rollup", dir + "/a.jsonl", dir + "/b.jsonl", "-o", dir + "/out", "--no-state", "--dedupe",
            "request_id", "--summary-json", "-", "--metrics", dir + "/tally.prom",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let metrics = String(decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/tally.prom")), as: UTF8.self)
        #expect(metrics.contains("\ntally_last_run_duplicate_events 3\n"), "\(metrics)")
        let out = try files(in: dir + "/out")
        #expect(
            out["2026-11-20.csv"].map { String(decoding: $0, as: UTF8.self) }
                == "date,campaign_id,impressions,clicks,video_views\n2026-11-20,c0,1,0,0\n2026-11-20,c1,1,1,0\n"
                + "2026-11-20,c2,3,0,0\n")
        #expect(
            out["2026-11-21.csv"].map { String(decoding: $0, as: UTF8.self) }
                == "date,campaign_id,impressions,clicks,video_views\n2026-11-21,c2,1,0,0\n")
        #expect(try Self.duplicates(in: result.stdout) == 3)
    }

    /// Generated logs with many repeats, by the day and by the hour: the day files are what an
    /// independent reading of the rule gives, and so is the number of duplicates.
    @Test(arguments: [(false, "UTC"), (true, "UTC"), (false, "America/New_York")])
    func theDayFilesFollowTheRule(hourly: Bool, zone: String) throws {
        let dir = temporaryDirectory("dedupe-generated")
        let events = Self.events(seed: hourly ? 11 : 12, count: 3000)
        let logs = Self.write(events, parts: 3, into: dir + "/logs")
        let result = try runTally(
            ["rollup"] + logs + [
                "-o", dir + "/out", "--no-state", "--dedupe", "request_id", "--summary-json", "-", "--tz", zone,
            ] + (hourly ? ["--granularity", "hour"] : []))
        #expect(result.status == 0, "\(result.stderr)")
        let (rows, duplicates) = Self.expected(events, hourly: hourly, zone: zone)
        #expect(duplicates > 1000)
        #expect(try Self.rows(in: dir + "/out", hourly: hourly) == rows)
        #expect(try Self.duplicates(in: result.stdout) == duplicates)
    }

    /// One run; night by night with the state store, in two orders; and partials merged as a
    /// tree: the same bytes, and the nights' duplicates add up to the one run's.
    @Test func theSameBytesHoweverTheLogsAreRolledUp() throws {
        let dir = temporaryDirectory("dedupe-ways")
        let logs = Self.write(Self.events(seed: 13, count: 4000), parts: 4, into: dir + "/logs")
        let once = try runTally(
            ["rollup"] + logs + [
                "-o", dir + "/once", "--no-state", "--dedupe", "request_id", "--summary-json", "-", "--combined",
                dir + "/once.csv",
            ])
        #expect(once.status == 0, "\(once.stderr)")
        let expected = try files(in: dir + "/once")
        let total = try Self.duplicates(in: once.stdout)
        for (name, order) in [("forward", logs), ("backward", logs.reversed())] {
            let arrived = dir + "/arrived-" + name
            try FileManager.default.createDirectory(atPath: arrived, withIntermediateDirectories: true)
            var nights = 0
            for log in order {
                try FileManager.default.copyItem(
                    atPath: log, toPath: arrived + "/" + (log as NSString).lastPathComponent)
                // With --combined, the run reads every stored day, not only those that change.
                let night = try runTally([
                    "rollup", arrived, "-o", dir + "/nightly-" + name, "--dedupe", "request_id", "--summary-json", "-",
                    "--combined", dir + "/nightly-\(name).csv",
                ])
                #expect(night.status == 0, "\(night.stderr)")
                nights += try Self.duplicates(in: night.stdout)
            }
            #expect(try files(in: dir + "/nightly-" + name) == expected, "\(name)")
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: dir + "/nightly-\(name).csv"))
                    == Data(contentsOf: URL(fileURLWithPath: dir + "/once.csv")), "\(name)")
            #expect(nights == total, "\(name)")
        }
        for half in 0..<2 {
            let map = try runTally(
                ["map"] + logs[(half * 2)..<(half * 2 + 2)] + [
                    "--partial", dir + "/half\(half).partial", "--dedupe", "request_id",
                ])
            #expect(map.status == 0, "\(map.stderr)")
        }
        let merged = try runTally([
            "merge", dir + "/half1.partial", dir + "/half0.partial", "--partial", dir + "/all.partial",
        ])
        #expect(merged.status == 0, "\(merged.stderr)")
        let out = try runTally(["merge", dir + "/all.partial", "-o", dir + "/merged", "--summary-json", "-"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try files(in: dir + "/merged") == expected)
        #expect(try Self.duplicates(in: out.stdout) == total)
        // A partial without ids is not merged with one that has them.
        let plain = try runTally(["map", logs[0], "--partial", dir + "/plain.partial"])
        #expect(plain.status == 0)
        for pair in [["plain", "half1"], ["half1", "plain"]] {
            let mixed = try runTally(["merge"] + pair.map { dir + "/\($0).partial" } + ["-o", dir + "/mixed"])
            #expect(mixed.status == 65)
            #expect(mixed.stderr.contains("--dedupe"), "\(mixed.stderr)")
        }
    }

    /// Nights that each add one day's files: with --combined (and --xlsx), the stored days a
    /// night leaves alone are read and counted a day at a time, and must still count each id
    /// once a day and type: the same combined file and day files as one run over every file,
    /// and the nights' duplicates add up to its.
    @Test func storedDaysANightLeavesAloneAreCountedOncePerIdToo() throws {
        let dir = temporaryDirectory("dedupe-untouched")
        // In time order, two files a day: each night's file touches one day (or two at a
        // boundary), and the days before it are as the store has them, with repeats across files.
        let logs = Self.write(
            Self.events(seed: 17, count: 3000).sorted { $0.time < $1.time }, parts: 6, into: dir + "/logs")
        let once = try runTally(
            ["rollup"] + logs + [
                "-o", dir + "/once", "--no-state", "--dedupe", "request_id", "--summary-json", "-", "--combined",
                dir + "/once.csv",
            ])
        #expect(once.status == 0, "\(once.stderr)")
        let arrived = dir + "/arrived"
        try FileManager.default.createDirectory(atPath: arrived, withIntermediateDirectories: true)
        var nights = 0
        for (index, log) in logs.enumerated() {
            try FileManager.default.copyItem(atPath: log, toPath: arrived + "/" + (log as NSString).lastPathComponent)
            let night = try runTally([
                "rollup", arrived, "-o", dir + "/nightly", "--dedupe", "request_id", "--summary-json", "-",
                "--combined", dir + "/nightly.csv", "--xlsx", dir + "/nightly.xlsx",
            ])
            #expect(night.status == 0, "\(night.stderr)")
            nights += try Self.duplicates(in: night.stdout)
            // Every night's combined file has every day so far, each counted as one run would.
            let sofar = dir + "/sofar-\(index)"
            let reference = try runTally(
                ["rollup", arrived, "-o", sofar, "--no-state", "--dedupe", "request_id", "--combined", sofar + ".csv"])
            #expect(reference.status == 0)
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: dir + "/nightly.csv"))
                    == Data(contentsOf: URL(fileURLWithPath: sofar + ".csv")))
        }
        #expect(try files(in: dir + "/nightly") == files(in: dir + "/once"))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: dir + "/nightly.csv"))
                == Data(contentsOf: URL(fileURLWithPath: dir + "/once.csv")))
        #expect(nights == (try Self.duplicates(in: once.stdout)))
    }

    /// A file re-delivered without the events that held some ids: the ids their repeats in
    /// other files carry count there now, as a run over the files as they are would count them.
    @Test func aRedeliveredFileGivesItsIdsBack() throws {
        let dir = temporaryDirectory("dedupe-redelivered")
        let events = Self.events(seed: 14, count: 2000)
        let logs = Self.write(events, parts: 2, into: dir + "/logs")
        let nightly = ["-o", dir + "/nightly", "--dedupe", "request_id"]
        #expect(try runTally(["rollup"] + logs + nightly).status == 0)
        // The first file again, its first half gone (a new size, so it is read again).
        let kept = Array(
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: logs[0])), as: UTF8.self)
                .split(separator: "\n").dropFirst(500))
        writeFile(logs[0], kept.joined(separator: "\n") + "\n")
        let again = try runTally(["rollup"] + logs + nightly)
        #expect(again.status == 0, "\(again.stderr)")
        let fresh = try runTally(["rollup"] + logs + ["-o", dir + "/fresh", "--no-state", "--dedupe", "request_id"])
        #expect(fresh.status == 0)
        #expect(try files(in: dir + "/nightly") == (try files(in: dir + "/fresh")))
    }

    /// One field as both the id and the distinct values: read once, used for both (c2's two
    /// events repeat c1's r1, so c2 has no row).
    @Test func oneFieldForUniquesAndDedupe() throws {
        let dir = temporaryDirectory("dedupe-uniques-same")
        writeFile(
            dir + "/a.jsonl",
            #"""
            {"ts":"2026-11-20T10:00:00Z","event":"impression","campaign_id":"c1","request_id":"r1"}
            {"ts":"2026-11-20T10:00:01Z","event":"impression","campaign_id":"c1","request_id":"r1"}
            {"ts":"2026-11-20T10:00:01Z","event":"impression","campaign_id":"c1","request_id":"r2"}

            """#)
        writeFile(
            dir + "/b.csv",
            "ts,event,campaign_id,request_id\n2026-11-20T10:00:00Z,imp,c2,r1\n2026-11-20T10:00:00Z,imp,c2,r1\n")
        let result = try runTally([
            "rollup", dir + "/a.jsonl", dir + "/b.csv", "-o", dir + "/out", "--no-state", "--dedupe", "request_id",
            "--uniques", "request_id",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("column"), "\(result.stderr)")
        #expect(
            try files(in: dir + "/out")["2026-11-20.csv"].map { String(decoding: $0, as: UTF8.self) }
                == "date,campaign_id,impressions,clicks,video_views,unique_request_id\n2026-11-20,c1,2,0,0,2\n")
    }

    /// CSV reads the field by its header; a file without the column warns, and nothing in it
    /// is a duplicate. A field the row is made of cannot be the id.
    @Test func csvAndMistakes() throws {
        let dir = temporaryDirectory("dedupe-csv")
        writeFile(
            dir + "/a.csv",
            "ts,event,campaign_id,request_id\n2026-11-20T10:00:00Z,imp,c1,r1\n2026-11-20T11:00:00Z,imp,c1,r1\n"
                + "2026-11-20T11:00:00Z,imp,c1,\n")
        writeFile(dir + "/b.csv", "ts,event,campaign_id\n2026-11-20T10:00:00Z,imp,c1\n2026-11-20T10:00:00Z,imp,c1\n")
        let result = try runTally([
            "rollup", dir + "/a.csv", dir + "/b.csv", "-o", dir + "/out", "--no-state", "--dedupe", "request_id",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("no request_id column (the --dedupe field"), "\(result.stderr)")
        #expect(
            try files(in: dir + "/out")["2026-11-20.csv"].map { String(decoding: $0, as: UTF8.self) }
                == "date,campaign_id,impressions,clicks,video_views\n2026-11-20,c1,4,0,0\n")
        // The same from a --config file; and a mistake there is its line.
        writeFile(dir + "/tally.toml", "dedupe = \"request_id\"\n")
        let configured = try runTally([
            "rollup", dir + "/a.csv", dir + "/b.csv", "-o", dir + "/configured", "--no-state", "--config",
            dir + "/tally.toml",
        ])
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(try files(in: dir + "/configured") == (try files(in: dir + "/out")))
        writeFile(dir + "/bad.toml", "by = \"campaign,country\"\ndedupe = \"country\"\n")
        let bad = try runTally(["rollup", dir + "/a.csv", "-o", dir + "/bad", "--config", dir + "/bad.toml"])
        #expect(bad.status == 78, "\(bad.stderr)")
        #expect(bad.stderr.contains("bad.toml:2"), "\(bad.stderr)")
        for field in ["campaign_id", "ts", "country"] {
            let refused = try runTally([
                "rollup", dir + "/a.csv", "-o", dir + "/refused", "--by", "campaign,country", "--dedupe", field,
            ])
            #expect(refused.status == 64, "\(field)")
            #expect(refused.stderr.contains("--dedupe"), "\(refused.stderr)")
        }
    }
}
