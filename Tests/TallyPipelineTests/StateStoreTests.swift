import Foundation
import TallyStore
import TallyTestSupport
import Testing

@testable import TallyPipeline
@testable import TallyStore

/// Nightly runs over a folder where logs arrive late, are re-delivered, copied and deleted:
/// after each, the day files are byte for byte those of one run over every file seen so far.
@Suite struct StateStoreTests {
    static let logs = fixtures.path + "/logs"

    /// A folder of logs, the output folder, and a copy of every version of every log ever put
    /// there (what a from-scratch run reads).
    final class Night {
        let logs: String
        let out: String
        let seen: String
        var versions = 0

        init() {
            let directory = temporaryDirectory("nights")
            (logs, out, seen) = (directory + "/logs", directory + "/out", directory + "/seen")
            for folder in [logs, seen] {
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
        }

        /// Puts `bytes` at `name` in the logs folder, as a new file or a new version.
        func deliver(_ name: String, _ bytes: Data) {
            FileManager.default.createFile(atPath: logs + "/" + name, contents: bytes)
            versions += 1
            FileManager.default.createFile(atPath: seen + "/\(versions)-" + name, contents: bytes)
        }

        func deliver(fixture name: String, as newName: String? = nil) throws {
            deliver(newName ?? name, try Data(contentsOf: URL(fileURLWithPath: StateStoreTests.logs + "/" + name)))
        }

        /// A run over the logs folder with the state store.
        func run(_ change: (inout RunConfiguration) -> Void = { _ in }) throws -> RunReport {
            var configuration = RunConfiguration(inputs: [logs], outputDirectory: out)
            configuration.timeZone = "America/New_York"
            configuration.statePath = out + "/.tally/state.sqlite"
            change(&configuration)
            var report = try RollupRun(configuration: configuration).run()
            // As the command does once it has written the summary: the next night may start.
            report.lock = nil
            report.stateLock = nil
            return report
        }

        /// The day files of one stateless run over `folder` (by default every version seen,
        /// but those replaced by a later version of the same name).
        func fromScratch(_ folders: [String]? = nil) throws -> [String: Data] {
            let folders = folders ?? [currentVersions()]
            let out = temporaryDirectory("scratch")
            var configuration = RunConfiguration(inputs: folders, outputDirectory: out)
            configuration.timeZone = "America/New_York"
            _ = try RollupRun(configuration: configuration).run()
            return try files(in: out)
        }

        /// The last version of each name seen, deleted ones included, in a folder of their own.
        private func currentVersions() -> String {
            let folder = temporaryDirectory("current")
            var last: [String: String] = [:]
            let names = (try? FileManager.default.contentsOfDirectory(atPath: seen)) ?? []
            for name in names.sorted(by: { Int($0.prefix { $0 != "-" })! < Int($1.prefix { $0 != "-" })! }) {
                last[String(name.drop { $0 != "-" }.dropFirst())] = name
            }
            for (name, version) in last {
                try? FileManager.default.copyItem(atPath: seen + "/" + version, toPath: folder + "/" + name)
            }
            return folder
        }

        func modified(_ day: String) -> Date? {
            (try? FileManager.default.attributesOfItem(atPath: out + "/" + day))?[.modificationDate] as? Date
        }
    }

    func statuses(_ report: RunReport) -> [String: InputReport.Status] {
        Dictionary(
            uniqueKeysWithValues: report.inputs.map {
                (URL(fileURLWithPath: $0.location.description).lastPathComponent, $0.status)
            })
    }

    @Test func newAndLateFilesAddOnlyTheirCountsAndRewriteOnlyTheirDays() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        try night.deliver(fixture: "ad-server-b-20261120.jsonl.gz")
        let first = try night.run()
        #expect(first.exitStatus == .ok)
        #expect(try files(in: night.out) == night.fromScratch())

        // The next night: two more servers and the partner export, which reach other days too.
        let untouched = night.modified("2026-11-19.csv")
        try night.deliver(fixture: "ad-server-c-20261121.jsonl.gz")
        try night.deliver(fixture: "partner-export-20261121.csv.gz")
        let second = try night.run()
        #expect(second.exitStatus == .ok)
        #expect(statuses(second)["ad-server-a-20261120.jsonl.gz"] == .unchanged)
        #expect(statuses(second)["ad-server-c-20261121.jsonl.gz"] == .ok)
        #expect(
            second.accounting.lines == second.inputs.filter { $0.status == .ok }.map(\.accounting.lines).reduce(0, +))
        #expect(try files(in: night.out) == night.fromScratch())
        if !second.daysWritten.contains("2026-11-19.csv") { #expect(night.modified("2026-11-19.csv") == untouched) }

        // A late file for an old day rewrites that day alone.
        writeFile(
            night.logs + "/late.jsonl", #"{"ts":"2026-11-18T12:00:00Z","event":"click","campaign_id":"4711"}"# + "\n")
        night.deliver("late.jsonl", try Data(contentsOf: URL(fileURLWithPath: night.logs + "/late.jsonl")))
        let late = try night.run()
        #expect(late.daysWritten == ["2026-11-18.csv"])
        #expect(late.accounting.lines == 1)
        #expect(try files(in: night.out) == night.fromScratch())

        // Nothing new: nothing read, nothing written, and not a failure.
        let quiet = try night.run()
        #expect(quiet.exitStatus == .ok && quiet.daysWritten.isEmpty && quiet.accounting.lines == 0)
    }

    @Test func aReDeliveredFileReplacesItsCountsAndADeletedOneKeepsThem() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        try night.deliver(fixture: "ad-server-c-20261121.jsonl.gz")
        _ = try night.run()
        // Re-delivered under the same name with other content (here: another server's).
        try night.deliver(fixture: "ad-server-d-20261121.jsonl.gz", as: "ad-server-c-20261121.jsonl.gz")
        let redelivered = try night.run()
        #expect(redelivered.exitStatus == .ok)
        #expect(try files(in: night.out) == night.fromScratch())
        // Retention deletes a file: its counts stay.
        let before = try files(in: night.out)
        try FileManager.default.removeItem(atPath: night.logs + "/ad-server-a-20261120.jsonl.gz")
        let afterDeletion = try night.run()
        #expect(afterDeletion.exitStatus == .ok && afterDeletion.daysWritten.isEmpty)
        #expect(try files(in: night.out) == before)
        // --rebuild reads only what is there: the deleted file's counts go, with a warning.
        let rebuilt = try night.run { $0.rebuild = true }
        #expect(rebuilt.warnings.contains { $0.contains("ad-server-a-20261120.jsonl.gz") && $0.contains("--rebuild") })
        #expect(try files(in: night.out) == night.fromScratch([night.logs]))
    }

    @Test func theSameContentUnderASecondNameIsCountedOnce() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-b-20261120.jsonl.gz")
        _ = try night.run()
        let before = try files(in: night.out)
        // Rotated: copied to a second name, then the first emptied in place (copytruncate).
        try FileManager.default.copyItem(
            atPath: night.logs + "/ad-server-b-20261120.jsonl.gz",
            toPath: night.logs + "/ad-server-b-20261120.jsonl.gz.1")
        let copied = try night.run()
        #expect(statuses(copied)["ad-server-b-20261120.jsonl.gz.1"] == .duplicate)
        #expect(copied.warnings.contains { $0.contains("the same content as") })
        #expect(copied.exitStatus == .ok && copied.daysWritten.isEmpty)
        writeFile(night.logs + "/ad-server-b-20261120.jsonl.gz", "")
        let truncated = try night.run()
        #expect(truncated.exitStatus == .ok)
        #expect(try files(in: night.out) == before)
    }

    @Test func aDamagedFileCountsNothingUntilItIsWhole() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.logs + "/ad-server-e-20261122.jsonl.gz"))
        FileManager.default.createFile(
            atPath: night.logs + "/ad-server-e-20261122.jsonl.gz", contents: whole.prefix(300))
        for _ in 0..<2 {
            let damaged = try night.run()
            #expect(damaged.exitStatus == .dataError)
            #expect(statuses(damaged)["ad-server-e-20261122.jsonl.gz"] == .failed)
            #expect(try files(in: night.out) == night.fromScratch())
        }
        night.deliver("ad-server-e-20261122.jsonl.gz", whole)
        let repaired = try night.run()
        #expect(repaired.exitStatus == .ok)
        #expect(statuses(repaired)["ad-server-e-20261122.jsonl.gz"] == .ok)
        #expect(try files(in: night.out) == night.fromScratch())
    }

    @Test func otherOptionsAreRefusedAndANewLayoutRewritesEveryDay() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        _ = try night.run()
        let other = try night.run { $0.timeZone = "UTC" }
        #expect(other.exitStatus == .usage)
        #expect(
            other.stateError?.description.contains("(the store: --tz America/New_York; this run: --tz UTC)") == true,
            "\(other.stateError?.description ?? "")")
        // An option the store lacks (made before it existed) is named too.
        let dedupe = try night.run { $0.dedupeField = "request_id" }
        #expect(dedupe.exitStatus == .usage)
        #expect(
            dedupe.stateError?.description.contains("(the store: no --dedupe; this run: --dedupe request_id)") == true,
            "\(dedupe.stateError?.description ?? "")")
        let days = try files(in: night.out)
        let bom = try night.run { $0.csvStyle.byteOrderMark = true }
        #expect(bom.exitStatus == .ok && bom.daysWritten.count == days.count)
        #expect(try files(in: night.out).values.allSatisfy { $0.starts(with: [0xef, 0xbb, 0xbf]) })
    }
}

extension StateStoreTests {
    /// `--combined`: the day files' records in one file under one header, every day the store
    /// holds, also those this run did not touch.
    @Test func theCombinedFileHoldsEveryDayOfTheStore() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        _ = try night.run()
        try night.deliver(fixture: "ad-server-e-20261122.jsonl.gz")
        let combined = night.out + "-all.csv"
        let second = try night.run {
            $0.combinedPath = combined
            $0.xlsxPath = combined + ".xlsx"
            $0.csvStyle = CSVStyle(byteOrderMark: true, crlf: true)
        }
        #expect(FileManager.default.fileExists(atPath: combined + ".xlsx"))
        #expect(second.exitStatus == .ok)
        let days = try files(in: night.out).sorted { $0.key < $1.key }.map(\.value)
        var expected = Data(days[0].prefix { $0 != 0x0a }) + Data([0x0a])
        for day in days { expected += day.drop { $0 != 0x0a }.dropFirst() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: combined)) == expected)
        #expect(expected.starts(with: [0xef, 0xbb, 0xbf]) && days.count > 2)
    }
}

extension StateStoreTests {
    /// `--campaigns`: names beside the ids; other names rewrite every day the store holds.
    @Test func newCampaignNamesRewriteEveryDay() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        try night.deliver(fixture: "ad-server-e-20261122.jsonl.gz")
        let names = night.out + "-names.csv"
        writeFile(names, "campaign_id,name\n4711,Winter sale\n")
        let first = try night.run { $0.campaignsPath = names }
        #expect(first.exitStatus == .ok && first.unnamedCampaigns == 7)
        let days = try files(in: night.out)
        #expect(days.values.allSatisfy { String(decoding: $0, as: UTF8.self).contains(",4711,Winter sale,") })
        writeFile(names, "campaign_id,name\n4711,Spring sale\n")
        let renamed = try night.run { $0.campaignsPath = names }
        #expect(renamed.daysWritten.count == days.count && renamed.accounting.lines == 0)
        #expect(
            try files(in: night.out).values.allSatisfy {
                String(decoding: $0, as: UTF8.self).contains(",4711,Spring sale,")
            })
        // Without a campaign among the key columns, there is nothing to name.
        #expect(throws: RollupRun.ConfigurationError.self) {
            try night.run {
                $0.campaignsPath = names
                $0.keyColumns = try! KeyColumns(names: ["country"])
            }
        }
    }
}

extension StateStoreTests {
    @Test func manyCopiesAreNamedTenAtATime() throws {
        let night = Night()
        let line = #"{"ts":"2026-11-20T01:00:00Z","event":"click","campaign_id":"c"}"# + "\n"
        for index in 0..<15 { writeFile(night.logs + "/copy-\(index).jsonl", line) }
        let report = try night.run()
        #expect(report.exitStatus == .ok && report.accounting.counted == 1)
        #expect(report.warnings.count == 11)
        #expect(report.warnings.last?.contains("4 more inputs are copies") == true)
        #expect(String(decoding: report.summaryJSON(), as: UTF8.self).contains("\"same_as\""))
    }

    /// Day files beside a state store are its views: a merge must not write over them.
    @Test func aMergeIntoAFolderWithAStateStoreIsRefused() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        _ = try night.run()
        let partial = night.out + ".partial"
        var map = RunConfiguration(inputs: [night.logs], partialPath: partial)
        map.timeZone = "America/New_York"
        _ = try RollupRun(configuration: map).run()
        let before = try files(in: night.out)
        var merge = RunConfiguration(inputs: [partial], outputDirectory: night.out)
        merge.inputKind = .partials
        let report = try RollupRun(configuration: merge).run()
        #expect(report.exitStatus == .usage)
        #expect(try files(in: night.out) == before)
    }
}

extension StateStoreTests {
    /// A store written by 0.9, whose options lack `reading` and `--uniques`, is the same
    /// store to this tally: kept, counts and all, and its options rewritten; other options
    /// are still refused.
    @Test func aStoreOfAnOlderTallyIsKept() throws {
        let dir = temporaryDirectory("upgrade")
        let path = dir + "/state.sqlite"
        let configuration = RunConfiguration(inputs: [], outputDirectory: dir)
        let shape = RollupShape(configuration)
        let older = shape.options.filter { $0.option != "reading" && $0.option != "--uniques" }
        #expect(older.count == shape.options.count - 2)
        _ = try StateStore(path: path, shape: older.map { ($0.option, $0.value) })
        _ = try StateRun(path: path, shape: shape, rebuild: false)
        // Rewritten: a plain comparison now agrees.
        _ = try StateStore(path: path, shape: shape.options.map { ($0.option, $0.value) })
        var other = configuration
        other.timeZone = "Europe/Paris"
        #expect(throws: StoreError.self) { _ = try StateRun(path: path, shape: RollupShape(other), rebuild: false) }
    }

    /// A store of 0.11 or before (a write-ahead log, pages of 4 KiB) goes on with its counts and
    /// its pages and changes to a rollback journal; a store made now has pages of 64 KiB.
    @Test func aStoreWithAWriteAheadLogGoesOnAndNewStoresHaveLargePages() throws {
        func pragma(_ name: String, of path: String) throws -> String {
            var value = ""
            try SQLiteDatabase(path: path).prepare("PRAGMA \(name)").forEachRow { value = $0.text(0) }
            return value
        }
        let night = Night()
        let path = night.out + "/.tally/state.sqlite"
        try FileManager.default.createDirectory(atPath: night.out + "/.tally", withIntermediateDirectories: true)
        try SQLiteDatabase(path: path).execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; VACUUM")
        #expect(try pragma("journal_mode", of: path) == "wal")
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        #expect(try night.run().exitStatus == .ok)
        // As an earlier tally left it: its log on.
        try SQLiteDatabase(path: path).execute("PRAGMA journal_mode = WAL")
        #expect(try pragma("journal_mode", of: path) == "wal")
        try night.deliver(fixture: "ad-server-c-20261121.jsonl.gz")
        let second = try night.run()
        #expect(statuses(second)["ad-server-a-20261120.jsonl.gz"] == .unchanged)
        #expect(try files(in: night.out) == night.fromScratch())
        #expect(try pragma("journal_mode", of: path) == "delete")
        #expect(try pragma("page_size", of: path) == "4096")

        // A store in WAL mode that another connection has open stays in WAL, and the run goes on.
        try SQLiteDatabase(path: path).execute("PRAGMA journal_mode = WAL")
        let other = try SQLiteDatabase(path: path)
        try other.execute("SELECT count(*) FROM meta")
        try night.deliver(fixture: "ad-server-e-20261122.jsonl.gz")
        let third = try night.run()
        #expect(third.exitStatus == .ok && third.stateError == nil)
        #expect(try files(in: night.out) == night.fromScratch())
        #expect(try pragma("journal_mode", of: path) == "wal")
        _ = other

        let fresh = Night()
        try fresh.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        #expect(try fresh.run().exitStatus == .ok)
        let freshPath = fresh.out + "/.tally/state.sqlite"
        #expect(try pragma("page_size", of: freshPath) == "65536")
        #expect(try pragma("journal_mode", of: freshPath) == "delete")
        #expect(!FileManager.default.fileExists(atPath: freshPath + "-wal"))
    }

    /// A store of 0.15 or before (schema 1, its rows' keys listed whole) goes on: its rows are
    /// read as they were written, and new rows are written beside them in today's form; its
    /// schema becomes 2, which an older tally refuses rather than misreads.
    @Test func aStoreOfSchemaOneGoesOnWithItsRows() throws {
        let night = Night()
        try night.deliver(fixture: "ad-server-a-20261120.jsonl.gz")
        try night.deliver(fixture: "ad-server-c-20261121.jsonl.gz")
        #expect(try night.run().exitStatus == .ok)
        let path = night.out + "/.tally/state.sqlite"
        do {
            // As 0.15 left it.
            let database = try SQLiteDatabase(path: path)
            var stored: [(content: Int64, day: Int64, rows: [UInt8])] = []
            try database.prepare("SELECT content, day, rows FROM contributions").forEachRow {
                stored.append(($0.integer(0), $0.integer(1), $0.blob(2)))
            }
            #expect(stored.count > 1)
            for (content, day, rows) in stored {
                try database.prepare("UPDATE contributions SET rows = ? WHERE content = ? AND day = ?")
                    .bind(.blob(try withWholeKeys(rows)), .integer(content), .integer(day)).run()
            }
            try database.execute(
                "ALTER TABLE contributions DROP COLUMN format; UPDATE meta SET value = '1' WHERE key = 'schema'")
        }
        // A file of the same days as the stored ones: their rows are read to write those days.
        try night.deliver(fixture: "ad-server-d-20261121.jsonl.gz")
        let second = try night.run()
        #expect(second.exitStatus == .ok && second.stateError == nil)
        #expect(!second.daysWritten.isEmpty)
        #expect(try files(in: night.out) == night.fromScratch())
        let database = try SQLiteDatabase(path: path)
        var formats: [Int64] = []
        try database.prepare("SELECT DISTINCT format FROM contributions ORDER BY format").forEachRow {
            formats.append($0.integer(0))
        }
        #expect(formats == [1, 2])
        var schema = ""
        try database.prepare("SELECT value FROM meta WHERE key = 'schema'").forEachRow { schema = $0.text(0) }
        #expect(schema == "2")
    }
}
