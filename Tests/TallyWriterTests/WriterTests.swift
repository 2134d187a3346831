import Foundation
import TallyTestSupport
import Testing

@testable import TallyAggregator
@testable import TallyWriter

@Suite struct CSVFieldTests {
    func cell(_ text: String) -> String {
        var out: [UInt8] = []
        CSVField.append(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension CSVFieldTests {
    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=1+1", "\"'=1+1\""), ("+1", "\"'+1\""), ("-5", "\"'-5\""), ("@SUM(A1)", "\"'@SUM(A1)\""),
        ("\tx", "\"'\tx\""), ("\rx", "\"'\rx\""), ("a=b", "a=b"), ("café", "café"),
        // A leading apostrophe is doubled, so that `'=1` and `=1` never look alike.
        ("'=1", "\"''=1\""), ("'x", "\"''x\""), ("x'", "x'"),
    ])
    func cellsAreQuotedAndGuarded(text: String, expected: String) {
        #expect(cell(text) == expected)
    }

    @Test func civilDates() {
        #expect(CivilDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CivilDate(daysSinceEpoch: 20_778).description == "2026-11-21")
        #expect(CivilDate(daysSinceEpoch: 11_016).description == "2000-02-29")
    }

    @Test func aDayFileHasHeaderAndSortedRows() {
        let rollup = RollupTable(counterCount: 3)
        for (name, counter) in [("b", 0), ("=x", 1), ("a,1", 2), ("b", 0)] {
            Array(name.utf8).withUnsafeBytes { rollup.add(period: 20_778, key: $0, counter: counter) }
        }
        let (day, rows) = rollup.rowsInOrder()[0]
        let text = String(
            decoding: DailyCSV.render(
                date: CivilDate(daysSinceEpoch: day), rollup: rollup, rows: rows,
                columns: RowColumns(counterNames: ["impressions", "clicks", "video_views"])), as: UTF8.self)
        #expect(
            text == """
                date,campaign_id,impressions,clicks,video_views
                2026-11-21,"'=x",0,1,0
                2026-11-21,"a,1",0,0,1
                2026-11-21,b,2,0,0

                """)
    }
}

@Suite struct AtomicFileWriterTests {
    let directory = ScratchDirectories.make("writer")

    func contents() throws -> [String: String] {
        var result: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            result[name] = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        }
        return result
    }
}

extension AtomicFileWriterTests {
    @Test func replacesFilesAndCreatesTheDirectory() throws {
        let writer = AtomicFileWriter()
        try writer.replace([("a.csv", Array("old a".utf8)), ("b.csv", Array("old b".utf8))], in: directory + "/")
        try writer.replace([("a.csv", Array("new a".utf8))], in: directory)
        #expect(try contents() == ["a.csv": "new a", "b.csv": "old b"])
    }

    @Test(arguments: [FaultInjectingFileSystem.Call.createFile, .write, .sync, .close])
    func aFailureBeforeTheRenamesChangesNothing(call: FaultInjectingFileSystem.Call) throws {
        try AtomicFileWriter().replace([("a.csv", Array("old a".utf8)), ("b.csv", Array("old b".utf8))], in: directory)
        // The second file fails: the first, already written to its temporary file, must not land either.
        let failing = AtomicFileWriter(fileSystem: FaultInjectingFileSystem(failing: call, after: 1))
        #expect(throws: WriteError.self) {
            try failing.replace([("a.csv", Array("new a".utf8)), ("b.csv", Array("new b".utf8))], in: directory)
        }
        #expect(try contents() == ["a.csv": "old a", "b.csv": "old b"])
    }

    @Test(arguments: [FaultInjectingFileSystem.Call.createFile, .write, .sync, .close])
    func filesWrittenSideBySideLandTogetherOrNotAtAll(call: FaultInjectingFileSystem.Call) throws {
        let names = (0..<6).map { "day-\($0).csv" }
        func files(_ text: String) -> [(name: String, write: (AtomicFileWriter.Sink) throws(WriteError) -> Void)] {
            names.map { name in
                (
                    name,
                    { (sink: AtomicFileWriter.Sink) throws(WriteError) in
                        // Several buffers a file, so that the writers interleave.
                        for _ in 0..<50 {
                            try Array("\(text) \(name);".utf8).withUnsafeBytes { raw in
                                Result { () throws(WriteError) in try sink(raw) }
                            }.get()
                        }
                    }
                )
            }
        }
        func expected(_ text: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: names.map { ($0, String(repeating: "\(text) \($0);", count: 50)) })
        }
        try AtomicFileWriter().replace(files("old"), in: directory, concurrency: 3)
        #expect(try contents() == expected("old"))
        // One call fails part way through, while other files are being written beside it.
        let failing = AtomicFileWriter(fileSystem: FaultInjectingFileSystem(failing: call, after: 2))
        #expect(throws: WriteError.self) { try failing.replace(files("new"), in: directory, concurrency: 3) }
        #expect(try contents() == expected("old"))
    }

    @Test func aFailedRenameLeavesNoTemporaryFile() throws {
        try AtomicFileWriter().replace([("a.csv", Array("old a".utf8)), ("b.csv", Array("old b".utf8))], in: directory)
        let failing = AtomicFileWriter(fileSystem: FaultInjectingFileSystem(failing: .rename, after: 1))
        #expect(throws: WriteError.self) {
            try failing.replace([("a.csv", Array("new a".utf8)), ("b.csv", Array("new b".utf8))], in: directory)
        }
        // Each file is whole: a is new, b is old, and no temporary file is left.
        #expect(try contents() == ["a.csv": "new a", "b.csv": "old b"])
    }

    @Test func temporaryFilesAreKnownUntilRenamed() throws {
        // What a signal handler removes: every temporary file between its creation and its rename.
        final class Watching: FileSystem, @unchecked Sendable {
            let real = PosixFileSystem()
            var seenWhileWriting: [String: Bool] = [:]
            func createDirectory(_ path: String) throws(WriteError) { try real.createDirectory(path) }
            func createFile(_ path: String) throws(WriteError) -> Int32 { try real.createFile(path) }
            func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(WriteError) {
                try real.write(fd, bytes, path: path)
            }
            func sync(_ fd: Int32, path: String) throws(WriteError) {
                seenWhileWriting[path] = TemporaryFiles.shared.contains(path)
                try real.sync(fd, path: path)
            }
            func close(_ fd: Int32, path: String) throws(WriteError) { try real.close(fd, path: path) }
            func rename(_ from: String, to: String) throws(WriteError) { try real.rename(from, to: to) }
            func remove(_ path: String) { real.remove(path) }
            func nonRegularKind(_ path: String) -> String? { real.nonRegularKind(path) }
            func syncDirectory(_ path: String) throws(WriteError) { try real.syncDirectory(path) }
        }
        let watching = Watching()
        try AtomicFileWriter(fileSystem: watching).replace([("a.csv", [1]), ("b.csv", [2])], in: directory)
        #expect(watching.seenWhileWriting.count == 2)
        #expect(watching.seenWhileWriting.values.allSatisfy { $0 })
        #expect(watching.seenWhileWriting.keys.allSatisfy { !TemporaryFiles.shared.contains($0) })
    }

    @Test func aTargetThatIsADirectoryStopsBeforeAnyRename() throws {
        try AtomicFileWriter().replace([("a.csv", Array("old a".utf8))], in: directory)
        try FileManager.default.createDirectory(atPath: directory + "/b.csv", withIntermediateDirectories: true)
        #expect(throws: WriteError.self) {
            try AtomicFileWriter().replace([("a.csv", Array("new a".utf8)), ("b.csv", [])], in: directory)
        }
        #expect(try String(contentsOfFile: directory + "/a.csv", encoding: .utf8) == "old a")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["a.csv", "b.csv"])
    }

    @Test func afterAStopNoTemporaryFileIsLeftOrCreated() throws {
        // What the signal handler relies on: the writers go on until the process exits, and a
        // file they create after the clean-up would be left behind.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let registry = TemporaryFiles()
        let real = PosixFileSystem()
        let before = directory + "/.before.tmp"
        let after = directory + "/.after.tmp"
        let fd = try registry.create(before, with: real.createFile)
        try real.close(fd, path: before)
        #expect(registry.contains(before))
        registry.stop()
        #expect(!FileManager.default.fileExists(atPath: before))
        #expect(throws: WriteError.self) { _ = try registry.create(after, with: real.createFile) }
        #expect(!FileManager.default.fileExists(atPath: after))
        #expect(!registry.contains(before) && !registry.contains(after))
    }

    @Test func aRejectsPartThatCannotBeEndedIsStillClosed() throws {
        // A full disk while the part's gzip member is ended: the descriptor must still be closed,
        // or the removed file keeps its blocks (and the summary written next finds no room).
        final class FailingWrites: FileSystem, @unchecked Sendable {
            let real = PosixFileSystem()
            var open: Set<Int32> = []
            func createDirectory(_ path: String) throws(WriteError) { try real.createDirectory(path) }
            func createFile(_ path: String) throws(WriteError) -> Int32 {
                let fd = try real.createFile(path)
                open.insert(fd)
                return fd
            }
            func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(WriteError) {
                throw .io(path: path, reason: "No space left on device (injected)")
            }
            func sync(_ fd: Int32, path: String) throws(WriteError) { try real.sync(fd, path: path) }
            func close(_ fd: Int32, path: String) throws(WriteError) {
                open.remove(fd)
                try real.close(fd, path: path)
            }
            func rename(_ from: String, to: String) throws(WriteError) { try real.rename(from, to: to) }
            func remove(_ path: String) { real.remove(path) }
            func nonRegularKind(_ path: String) -> String? { real.nonRegularKind(path) }
            func syncDirectory(_ path: String) throws(WriteError) { try real.syncDirectory(path) }
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fileSystem = FailingWrites()
        let rejects = RejectsFile(path: directory + "/rejects.gz", fileSystem: fileSystem)
        let part = rejects.makePart(source: "a.jsonl")
        Array("{bad".utf8).withUnsafeBytes { part.record(line: 1, reason: "malformed", text: $0) }
        part.finish()
        #expect(part.error != nil)
        #expect(fileSystem.open.isEmpty)
        part.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func anOutputPathThatIsAFileCannotBeCreated() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/file", contents: Data())
        #expect {
            try AtomicFileWriter().replace([("a.csv", [])], in: directory + "/file/sub")
        } throws: { error in
            if case WriteError.cannotCreate = error { true } else { false }
        }
    }
}

/// What a run killed outright leaves (SIGKILL gives no chance to clean up), removed by a later
/// run, and nothing else.
@Suite struct StaleTemporaryFilesTests {
    /// The process id of a process that has ended.
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}

extension StaleTemporaryFilesTests {
    @Test func onlyTheFilesOfRunsThatAreGoneAreRemoved() throws {
        let dir = ScratchDirectories.make("stale")
        let dead = try Self.deadPID()
        let own = getpid()
        let removed = [".2026-11-20.csv.tally-\(dead)-9f3a-0.tmp", ".rejects.tsv.gz.tally-\(dead)-ab12-3.part"]
        let kept = [
            "2026-11-20.csv", ".2026-11-21.csv.tally-\(own)-9f3a-0.tmp", ".a.csv.tally-1-9f3a-0.tmp",
            ".b.csv.tally-\(dead)-xyz-0.tmp", ".c.csv.tally-\(dead)-9f3a-0.tmp.bak", "d.csv.tally-\(dead)-9f3a-0.tmp",
            ".e.csv.tally-\(dead)-9f3a.tmp", ".hidden.tmp",
        ]
        for name in removed + kept {
            FileManager.default.createFile(atPath: dir + "/" + name, contents: Data("x".utf8))
        }
        // Just written, they could be a live run's in another container: kept for now.
        #expect(TemporaryFiles.removeStale(in: dir).isEmpty)
        // An hour on, the .tmp of a gone process is stale; the .part (a run's whole read) not yet.
        #expect(TemporaryFiles.removeStale(in: dir, now: time(nil) + 2 * 3600) == [removed[0]])
        #expect(TemporaryFiles.removeStale(in: dir, now: time(nil) + 2 * 24 * 3600) == [removed[1]])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == kept.sorted())
        #expect(TemporaryFiles.removeStale(in: dir + "/missing").isEmpty)
    }
}

/// `--ratios`: exact decimals, six digits, half up, empty where nothing was shown.
@Suite struct RatioTests {}

extension RatioTests {
    @Test(arguments: [
        (UInt64(14), UInt64(141), "0.099291"), (0, 5, "0.000000"), (5, 5, "1.000000"), (2, 3, "0.666667"),
        (1, 2_000_000, "0.000001"), (1, 2_000_001, "0.000000"), (1, 8_000_000, "0.000000"), (7, 0, ""),
        (30, 7, "4.285714"), (UInt64(1) << 40, (UInt64(1) << 40) + 1, "1.000000"),
        (UInt64.max / 3, UInt64.max / 2, "0.666667"),
    ])
    func ratiosAreExactlyRounded(numerator: UInt64, denominator: UInt64, expected: String) {
        #expect(CSVStyle.Ratio.text(numerator, over: denominator) == expected)
    }

    @Test func ratioColumnsFollowTheCounts() {
        let rollup = RollupTable(counterCount: 3)
        for (counter, times) in [(0, 3), (1, 1), (2, 2)] {
            for _ in 0..<times {
                Array("c".utf8).withUnsafeBytes { rollup.add(period: 20_778, key: $0, counter: counter) }
            }
        }
        Array("none".utf8).withUnsafeBytes { rollup.add(period: 20_778, key: $0, counter: 1) }
        let style = CSVStyle(ratios: [CSVStyle.Ratio(name: "ctr", numerator: 1, denominator: 0)])
        let (day, rows) = rollup.rowsInOrder()[0]
        let text = DailyCSV.render(
            date: CivilDate(daysSinceEpoch: day), rollup: rollup, rows: rows,
            columns: RowColumns(counterNames: ["a", "b", "c"]),
            style: style)
        #expect(
            String(decoding: text, as: UTF8.self)
                == "date,campaign_id,a,b,c,ctr\n2026-11-21,c,3,1,2,0.333333\n2026-11-21,none,0,1,0,\n")
    }
}

@Suite struct CampaignNamesTests {
    func names(_ text: String) throws(CampaignNames.Problem) -> CampaignNames {
        try CampaignNames(contents: Array(text.utf8), path: "c.csv", digest: "d")
    }

    @Test func namesAreMatchedByIdAndGuardedLikeEveryCell() throws {
        let names = try names("\u{FEFF}campaign_id,name,advertiser\r\n0042,\"Winter, sale\",Acme\r\n=1+1,-x,\n")
        var columns = RowColumns(keyHeaders: ["country", "campaign_id"], counterNames: ["impressions"])
        columns.campaignNames = names
        columns.campaignColumn = 1
        let table = RollupTable(counterCount: 1)
        for key in ["US\u{0}0042", "US\u{0}=1+1", "FR\u{0}7"] {
            Array(key.utf8).withUnsafeBytes { table.add(period: 20_000, key: $0, counter: 0) }
        }
        let (day, rows) = try #require(table.rowsInOrder().first)
        let text = String(
            decoding: DailyCSV.render(
                date: CivilDate(daysSinceEpoch: day), rollup: table, rows: rows, columns: columns),
            as: UTF8.self)
        #expect(
            text == """
                date,country,campaign_id,campaign_name,advertiser,impressions
                2024-10-04,FR,7,,,1
                2024-10-04,US,0042,"Winter, sale",Acme,1
                2024-10-04,US,"'=1+1","'-x",,1

                """)
    }

    @Test func aFileThatCannotBeTrustedIsRefused() {
        for text in [
            "", "id,name\n1,a\n", "campaign_id,name\n1,a\n1,b\n", "campaign_id,name\n1\n", "campaign_id,name\n,a\n",
        ] {
            #expect(throws: CampaignNames.Problem.self, "\(text)") { try names(text) }
        }
        #expect(throws: CampaignNames.Problem.self) {
            try CampaignNames(contents: [0x63, 0xff], path: "c.csv", digest: "d")
        }
    }
}

@Suite struct WorkbookTests {
    @Test func columnsAreLettersAsSpreadsheetsNameThem() {
        #expect([0, 25, 26, 51, 52, 701, 702].map(Workbook.column) == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"])
    }

    @Test func textComesBackAsItWasWhateverItHolds() {
        var out: [UInt8] = []
        Workbook.appendEscaped(Array("a<b>&c_x0041_\u{1}\t_x12".utf8), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "a&lt;b&gt;&amp;c_x005F_x0041__x0001_\t_x12")
    }

    @Test func theSameRollupGivesTheSameBytes() throws {
        let table = RollupTable(counterCount: 1)
        Array("0042".utf8).withUnsafeBytes { table.add(period: 20_000, key: $0, counter: 0) }
        let columns = RowColumns(counterNames: ["impressions"])
        let first = try Workbook.render(table, columns: columns, style: CSVStyle())
        #expect(first.starts(with: [0x50, 0x4b, 0x03, 0x04]))
        #expect(try Workbook.render(table, columns: columns, style: CSVStyle()) == first)
    }
}
