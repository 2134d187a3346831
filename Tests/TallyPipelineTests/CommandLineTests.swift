import Foundation
import TallyPipeline
import TallyTestSupport
import TallyWriter
import Testing

/// The `tally` binary as cron runs it: exit statuses, what it prints and where.
@Suite struct CommandLineTests {}

extension CommandLineTests {
    @Test func successIsQuietAndVerboseSummarisesOnStandardError() throws {
        let out = temporaryDirectory("cli")
        let quiet = try runTally(["rollup", fixtures.path + "/logs", "--out", out])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
        let verbose = try runTally(["rollup", fixtures.path + "/logs", "--out", out + "/verbose", "--verbose"])
        #expect(verbose.status == 0)
        #expect(verbose.stdout.isEmpty)
        #expect(verbose.stderr.contains("3060 lines: 2912 counted"))
        // Again: the state store has counted every input, and none is read.
        let again = try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--verbose"])
        #expect(again.status == 0)
        #expect(again.stderr.contains("8 unchanged (not read)") && again.stderr.contains("0 lines"), "\(again.stderr)")
    }

    @Test func exitStatusesFollowSysexits() throws {
        let out = temporaryDirectory("cli")
        // Abbreviations and offsets that Foundation would read its own way (BST as Bangladesh,
        // GMT+5 as east of UTC) are not IANA zones: refused, not counted on the wrong days.
        for zone in ["Nowhere/Land", "BST", "IST", "PST", "GMT+5", "UTC+5", "utc", "../zoneinfo/UTC", "zone.tab"] {
            #expect(
                try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--tz", zone]).status == 64, "\(zone)")
        }
        for (index, zone) in ["UTC", "Etc/GMT+5", "Europe/London", "Asia/Kolkata", "EST"].enumerated() {
            #expect(
                try runTally(["rollup", fixtures.path + "/logs", "--out", out + "/\(index)", "--tz", zone]).status == 0,
                "\(zone)")
        }
        #expect(try runTally(["rollup", fixtures.path + "/logs"]).status == 64)
        let missing = try runTally(["rollup", "/no/such/log.gz", "--out", out])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("/no/such/log.gz"))
        let corrupt = try runTally([
            "rollup", fixtures.path + "/gzip/bad-crc32.gz", fixtures.path + "/logs", "--out", out,
        ])
        #expect(corrupt.status == 65)
        #expect(corrupt.stderr.contains("bad-crc32.gz") && corrupt.stderr.contains("corrupt gzip"))
        let xz = try runTally(["rollup", fixtures.path + "/gzip/payload.jsonl.xz", "--out", out])
        #expect(xz.status == 65)
        #expect(xz.stderr.contains("xz"))
        let blocked = temporaryDirectory("cli") + "/file"
        writeFile(blocked, "")
        #expect(try runTally(["rollup", fixtures.path + "/logs", "--out", blocked + "/sub"]).status == 73)
        for bytes in ["0", "1073741825", "9223372036854775807"] {
            let tooLong = try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--max-line-bytes", bytes])
            #expect(tooLong.status == 64, "--max-line-bytes \(bytes)")
            #expect(tooLong.stderr.contains("--max-line-bytes"))
        }
    }

    /// Loud when the logs stop looking like logs: all rejected (a renamed field), all ignored (a
    /// renamed event type), or nothing read at all (an empty standard input, as cron gives).
    @Test func runsThatCountNothingFailWithOneLine() throws {
        let dir = temporaryDirectory("cli")
        let renamedField = #"{"ts":"2026-11-20T01:00:00Z","event":"click","campaignId":"c"}"# + "\n"
        let renamedType = #"{"ts":"2026-11-20T01:00:00Z","event":"IMPRESSION_SERVED","campaign_id":"c"}"# + "\n"
        writeFile(dir + "/field.jsonl", String(repeating: renamedField, count: 3))
        writeFile(dir + "/type.jsonl", String(repeating: renamedType, count: 3))
        writeFile(dir + "/empty", "")
        let cases: [(input: [String], stdin: String?, status: Int32, says: String)] = [
            ([dir + "/field.jsonl"], nil, 65, "3 lines read and none counted"),
            ([dir + "/type.jsonl"], nil, 65, "3 lines read and none counted"),
            ([], dir + "/empty", 66, "no input"),
        ]
        for (input, stdin, status, says) in cases {
            let result = try runTally(["rollup"] + input + ["--out", dir + "/out"], stdinFile: stdin)
            #expect(result.status == status, "\(input)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(says), "\(result.stderr)")
            let allowed = try runTally(["rollup"] + input + ["--out", dir + "/out", "--allow-empty"], stdinFile: stdin)
            #expect(allowed.status == 0 && allowed.stderr.isEmpty, "\(input): \(allowed.stderr)")
        }
        // The summary names the ignored types by value, and says what ran.
        let summary = try runTally([
            "rollup", dir + "/type.jsonl", fixtures.path + "/logs", "--out", dir + "/summary", "--summary-json", "-",
        ])
        for key in [
            "\"IMPRESSION_SERVED\" : 3", "\"click_through\" : 11", "\"viewable\" : 16", "\"impression_pixel\" : 15",
            "\"tally_version\"", "\"time_zone\" : \"UTC\"", "\"started\"", "\"finished\"",
        ] {
            #expect(summary.stdout.contains(key), "\(key)")
        }
    }

    /// `--metrics`: node_exporter's textfile format, replaced each run; a failed run keeps the
    /// last success's time, so an alert on its age fires.
    @Test func metricsAreWrittenAndKeepTheLastSuccess() throws {
        let dir = temporaryDirectory("cli")
        let metrics = dir + "/tally.prom"
        let ok = try runTally(["rollup", fixtures.path + "/logs", "--out", dir + "/out", "--metrics", metrics])
        #expect(ok.status == 0)
        let first = try String(contentsOfFile: metrics, encoding: .utf8)
        for line in [
            "tally_last_run_exit_status 0", "tally_last_run_files{outcome=\"ok\"} 8",
            "tally_last_run_lines{outcome=\"counted\"} 2912", "tally_last_run_rejected_lines{reason=\"malformed\"} 8",
            "tally_last_run_events{type=\"clicks\"} 189",
        ] {
            #expect(first.contains(line + "\n"), "\(line)")
        }
        // Every sample line is `name{labels} value` after its HELP and TYPE lines.
        for line in first.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.wholeMatch(of: /tally_[a-z_]+(\{[a-z]+="[a-z0-9_]+"\})? [0-9.]+/) != nil, "\(line)")
        }
        let success = first.split(separator: "\n").first { $0.hasPrefix("tally_last_success_timestamp_seconds ") }
        #expect(success != nil)
        let failed = try runTally(["rollup", "/no/such/log", "--out", dir + "/out", "--metrics", metrics])
        #expect(failed.status == 66)
        let second = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(second.contains("tally_last_run_exit_status 66\n"))
        #expect(
            second.split(separator: "\n").first { $0.hasPrefix("tally_last_success_timestamp_seconds ") } == success)
    }

    /// One run at a time per output folder: a second exits 75 at once, naming the first's pid,
    /// or waits for it with --wait.
    @Test func aSecondRunOnTheSameFolderWaitsOrExits75() throws {
        let out = temporaryDirectory("cli") + "/out"
        var held: RunLock? = try RunLock(directory: out)
        let busy = try runTally(["rollup", fixtures.path + "/logs", "--out", out])
        #expect(busy.status == 75)
        #expect(busy.stderr.contains("another tally run (pid \(getpid()))"), "\(busy.stderr)")
        #expect(try files(in: out).isEmpty)

        let process = Process()
        process.executableURL = Repository.tallyBinary
        process.arguments = ["rollup", fixtures.path + "/logs", "--out", out, "--wait", "10"]
        try process.run()
        usleep(300_000)
        held = nil  // the lock is let go, as when the first run ends
        process.waitUntilExit()
        _ = held
        #expect(process.terminationStatus == 0)
        #expect(try files(in: out).count == 3)
    }

    /// One run at a time per state store, whichever output folder each writes: a run whose
    /// store another run names with `--state` exits 75.
    @Test func aStoreUsedByAnotherRunWithAnotherOutputFolderExits75() throws {
        let out = temporaryDirectory("cli") + "/out"
        // As a run `--out elsewhere --state out/.tally/state.sqlite` holds it.
        let held = try RunLock(directory: out + "/.tally")
        let busy = try runTally(["rollup", fixtures.path + "/logs", "--out", out])
        #expect(busy.status == 75)
        #expect(busy.stderr.contains("is using the state store in"), "\(busy.stderr)")
        #expect(try files(in: out).isEmpty)
        _ = held
        #expect(try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--no-state"]).status == 0)
    }

    /// `--bom` and `--crlf` change the layout only: the same rows, a mark first, CR LF ends.
    @Test func aByteOrderMarkAndCRLFWhenAsked() throws {
        let dir = temporaryDirectory("cli")
        #expect(try runTally(["rollup", fixtures.path + "/logs", "--out", dir + "/plain"]).status == 0)
        #expect(
            try runTally(["rollup", fixtures.path + "/logs", "--out", dir + "/excel", "--bom", "--crlf"]).status == 0)
        let plain = try files(in: dir + "/plain")
        let excel = try files(in: dir + "/excel")
        #expect(plain.keys.sorted() == excel.keys.sorted() && !plain.isEmpty)
        for (name, bytes) in plain {
            var expected = Data([0xef, 0xbb, 0xbf])
            for byte in bytes {
                if byte == 0x0a { expected.append(0x0d) }
                expected.append(byte)
            }
            #expect(excel[name] == expected, "\(name)")
        }
    }

    /// A lock file that is a link is refused: its target would be truncated.
    @Test func aLockFileThatIsALinkIsRefused() throws {
        let dir = temporaryDirectory("cli")
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        writeFile(dir + "/precious", "keep me\n")
        #expect(symlink(dir + "/precious", dir + "/out/" + RunLock.fileName) == 0)
        let result = try runTally(["rollup", fixtures.path + "/logs", "--out", dir + "/out"])
        #expect(result.status == 73 && result.stderr.contains("is a symbolic link"), "\(result.stderr)")
        #expect(try String(contentsOfFile: dir + "/precious", encoding: .utf8) == "keep me\n")
    }

    /// Ignored type values: at most 64 shown, the rest together; each on one line, escaped.
    @Test func ignoredTypesStayFewAndOnOneLine() throws {
        let dir = temporaryDirectory("cli")
        for i in 0..<70 {
            let line = #"{"ts":1795219200,"event":"type\#(i)","campaign_id":"c"}"#
            writeFile(dir + "/f\(i).jsonl", line + "\n" + #"{"ts":1795219200,"event":"imp","campaign_id":"c"}"# + "\n")
        }
        writeFile(dir + "/newline.jsonl", #"{"ts":1795219200,"event":"a\nb","campaign_id":"c"}"# + "\n")
        let result = try runTally(["rollup", dir, "--out", dir + "/out", "--summary-json", "-", "-v"])
        #expect(result.status == 0)
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let ignored = summary?["ignored_types"] as? [String: Int] ?? [:]
        #expect(ignored.count == 65 && ignored["(other values)"] == 7 && ignored.values.reduce(0, +) == 71)
        let ignoredLines = result.stderr.split(separator: "\n").filter { $0.contains("ignored") }
        #expect(ignoredLines.count == 2, "\(result.stderr)")  // the counts line, and the values line
        #expect(!result.stderr.split(separator: "\n").contains { $0.hasPrefix("b") })
    }

    @Test func versionNamesTheInflatersBuiltIn() throws {
        let result = try runTally(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("tally "))
        #expect(result.stdout.contains("inflaters: zlib"))
        #expect(result.stdout.contains("isal") == Inflater.isal.isBuiltIn)
    }

    /// `--inflater` changes the speed only: the same day files from the fixtures, the same error
    /// (and exit status) for each damaged gzip file of the corpus.
    @Test func bothInflatersWriteTheSameBytesAndRefuseTheSameDamage() throws {
        let out = temporaryDirectory("cli")
        guard Inflater.isal.isAvailable else {
            let refused = try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--inflater", "isal"])
            #expect(refused.status == 64)
            #expect(refused.stderr.contains("ISA-L"))
            return
        }
        for inflater in ["zlib", "isal"] {
            let result = try runTally([
                "rollup", fixtures.path + "/logs", "--out", out + "/" + inflater, "--inflater", inflater,
            ])
            #expect(result.status == 0)
        }
        #expect(try files(in: out + "/zlib") == files(in: out + "/isal"))
        #expect(try !files(in: out + "/zlib").isEmpty)
        let damaged = [
            "bad-crc32.gz", "bad-isize.gz", "damaged-deflate.gz", "truncated-mid-stream.gz", "truncated-in-trailer.gz",
            "second-member-bad-header.gz", "trailing-garbage.gz",
        ]
        for name in damaged {
            let path = fixtures.path + "/gzip/" + name
            let zlib = try runTally(["rollup", path, "--out", out + "/damaged", "--inflater", "zlib"])
            let isal = try runTally(["rollup", path, "--out", out + "/damaged", "--inflater", "isal"])
            #expect(zlib.status == 65, "\(name)")
            #expect(
                isal.status == zlib.status && isal.stderr == zlib.stderr, "\(name): \(zlib.stderr) / \(isal.stderr)")
        }
    }

    /// Cron's log on a full disk, or a closed stderr: the run still writes everything and exits
    /// as it would have (it crashed with SIGILL after the day files were written).
    @Test func standardErrorThatCannotBeWrittenDoesNotStopTheRun() throws {
        let out = temporaryDirectory("cli")
        let tally = Repository.tallyBinary.path
        let logs = fixtures.path + "/logs"
        for (redirect, input, expected) in [
            ("2>&-", "\(logs) \(logs)", Int32(0)), ("2>/dev/full", "\(logs) -v", 0),
            ("2>&-", "\(logs) \(fixtures.path)/gzip/bad-crc32.gz", 65),
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let summary = out + "/summary.json"
            try? FileManager.default.removeItem(atPath: summary)
            process.arguments = [
                "-c", "exec '\(tally)' rollup \(input) --out '\(out)/days' --summary-json '\(summary)' \(redirect)",
            ]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == expected, "\(redirect) \(input)")
            #expect(
                FileManager.default.fileExists(atPath: summary), "\(redirect): the summary comes after the messages")
        }
        #expect(try files(in: out + "/days").count == 3)
    }

    /// Each input with a rejected line kept its rejects part open to the end of the run: past
    /// `ulimit -n`, later inputs failed as unreadable and their counts were lost.
    @Test func manyInputsWithRejectsStayWithinFewDescriptors() throws {
        let dir = temporaryDirectory("cli")
        let inputs = dir + "/in"
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        // (Each file its own content: the state store counts one content once.)
        let line = "{\"ts\":\"2026-11-20T01:00:00Z\",\"event\":\"click\",\"campaign_id\":\"c\"}\nnot json"
        for i in 0..<3_000 { writeFile(inputs + "/f\(i).jsonl", line + " \(i)\n") }
        let tally = Repository.tallyBinary.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "ulimit -n 256 && exec '\(tally)' rollup '\(inputs)' --out '\(dir)/out' --rejects '\(dir)/rejects.tsv.gz'",
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let day = String(
            decoding: try Data(contentsOf: URL(fileURLWithPath: dir + "/out/2026-11-20.csv")), as: UTF8.self)
        #expect(day == "date,campaign_id,impressions,clicks,video_views\n2026-11-20,c,0,3000,0\n")
        let rejects = try runShell("gzip -dc '\(dir)/rejects.tsv.gz' | wc -l")
        #expect(rejects.trimmingCharacters(in: .whitespacesAndNewlines) == "3001")
    }

    /// Too few descriptors to run at all (Dispatch trapped at 4): refused at once, exit 71.
    @Test func tooFewDescriptorsAreRefusedNotCrashedOn() throws {
        let dir = temporaryDirectory("cli")
        let tally = Repository.tallyBinary.path
        let message = try runShell(
            "(exec 2>&1; ulimit -n 4 && exec '\(tally)' rollup '\(fixtures.path)/logs' --out '\(dir)/out'); echo \"exit $?\""
        )
        #expect(message.contains("descriptor limit (ulimit -n) is 4"))
        #expect(message.hasSuffix("exit 71\n"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    // MARK: - Outputs that must not be replaced

    /// An output that is an input, another output or a day file: a usage error before any input
    /// is read, and nothing written or replaced.
    @Test func outputsThatCollideAreRefusedBeforeAnythingIsRead() throws {
        let dir = temporaryDirectory("cli")
        let inputs = dir + "/in"
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        let log = "{\"ts\":\"2026-11-20T01:00:00Z\",\"event\":\"click\",\"campaign_id\":\"c\"}\nbad\n"
        writeFile(inputs + "/a.jsonl", log)
        let out = dir + "/out"
        let cases: [[String]] = [
            ["--rejects", inputs + "/a.jsonl"],
            ["--summary-json", inputs + "/./a.jsonl"],
            ["--summary-json", out + "/2026-11-20.csv"],
            ["--rejects", out + "//2026-11-21.csv"],
            ["--summary-json", dir + "/s.json", "--rejects", dir + "/./s.json"],
            ["--summary-json", "-", "--rejects", "-"],
        ]
        for options in cases {
            let result = try runTally(["rollup", inputs, "--out", out] + options)
            #expect(result.status == 64, "\(options)")
            #expect(result.stderr.contains("--") || result.stderr.contains("input and an output"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out), "\(options): nothing written")
        }
        #expect(try String(contentsOfFile: inputs + "/a.jsonl", encoding: .utf8) == log)
        // A day file named another way than --out, before --out exists; standard input that is
        // an output.
        let tally = Repository.tallyBinary.path
        let spelt = try runShell(
            "cd '\(dir)' && '\(tally)' rollup in --out fresh --summary-json \"$PWD/fresh/2026-11-20.csv\" 2>&1; echo \"exit $?\""
        )
        #expect(spelt.hasSuffix("exit 64\n"), "\(spelt)")
        let redirected = try runShell(
            "cd '\(dir)' && '\(tally)' rollup --out o2 --summary-json in/a.jsonl < in/a.jsonl 2>&1; echo \"exit $?\"")
        #expect(redirected.hasSuffix("exit 64\n") && redirected.contains("standard input"), "\(redirected)")
        #expect(try String(contentsOfFile: inputs + "/a.jsonl", encoding: .utf8) == log)
        // An output inside an input directory is not read back as input by the next run.
        for _ in 0..<2 {
            let result = try runTally([
                "rollup", inputs, "--out", out, "--summary-json", inputs + "/summary.json", "--no-state",
            ])
            #expect(result.status == 0)
        }
        let summary = try String(contentsOfFile: inputs + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"lines\" : 2") && !summary.contains("summary.json\""))
    }

    /// A device, a named pipe or a directory is never replaced by an output file (as root, a
    /// rename would swap `/dev/null` itself for a regular file).
    @Test func outputsThatAreNotRegularFilesAreRefused() throws {
        let dir = temporaryDirectory("cli")
        let fifo = dir + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        var specials = [fifo, dir]
        // A link to a device: the name stands for the device (as root, the rename would replace
        // /dev/stdout itself).
        #expect(symlink("/dev/null", dir + "/to-null") == 0)
        specials.append(dir + "/to-null")
        if getuid() == 0 {
            _ = try runShell("mknod '\(dir)/null' c 1 3")
            specials.append(dir + "/null")
        } else {
            print(
                "outputsThatAreNotRegularFilesAreRefused: not root, so no device node is made; a named pipe and a directory are tried"
            )
        }
        for special in specials {
            for option in ["--summary-json", "--rejects"] {
                let result = try runTally(["rollup", fixtures.path + "/logs", "--out", dir + "/out", option, special])
                #expect(result.status == 73, "\(option) \(special)")
                #expect(result.stderr.contains("not a regular file"), "\(result.stderr)")
            }
        }
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO)
        if getuid() == 0 { #expect(lstat(dir + "/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    /// `--rejects x.tsv` is plain text, `x.tsv.gz` gzip; the same lines either way.
    @Test func rejectsAreCompressedWhenTheNameEndsInGz() throws {
        let dir = temporaryDirectory("cli")
        for name in ["r.tsv", "r.tsv.gz"] {
            let result = try runTally([
                "rollup", fixtures.path + "/logs", "--out", dir + "/out-" + name, "--rejects", dir + "/" + name,
            ])
            #expect(result.status == 0)
        }
        let plain = try Data(contentsOf: URL(fileURLWithPath: dir + "/r.tsv"))
        #expect(plain.starts(with: Data("source\tline\treason\ttext\n".utf8)))
        #expect(plain.filter { $0 == 0x0a }.count == 25)
        #expect(try runShell("gzip -dc '\(dir)/r.tsv.gz' | cmp - '\(dir)/r.tsv' && echo same") == "same\n")
        // A plain rejects file that an earlier run wrote into an input folder is not read as a log.
        let folder = temporaryDirectory("cli")
        try plain.write(to: URL(fileURLWithPath: folder + "/r.tsv"))
        let again = try runTally(["rollup", folder, "--out", folder + "/out", "--rejects", folder + "/r.tsv"])
        #expect(again.status == 66 && again.stderr.contains("no input files"), "\(again.stderr)")
    }

    @Test func summaryAndRejectsCanGoToStandardOutput() throws {
        let dir = temporaryDirectory("cli")
        let summary = try runTally(["rollup", fixtures.path + "/logs", "--out", dir + "/a", "--summary-json", "-"])
        #expect(summary.status == 0)
        #expect(summary.stdout.hasPrefix("{") && summary.stdout.contains("\"counted\" : 2912"))
        #expect(!FileManager.default.fileExists(atPath: "-") && !FileManager.default.fileExists(atPath: dir + "/a/-"))
        let tally = Repository.tallyBinary.path
        let rejects = try runShell(
            "'\(tally)' rollup '\(fixtures.path)/logs' --out '\(dir)/b' --rejects - | wc -l")
        #expect(rejects.trimmingCharacters(in: .whitespacesAndNewlines) == "25")
    }

    /// Swift's arguments replace bytes that are not UTF-8 with U+FFFD: such a path named another
    /// file (an input "not found", an output in a different directory, exit 0). Paths are bytes.
    @Test func argumentsThatAreNotUTF8ReachTheSystemAsGiven() throws {
        let dir = temporaryDirectory("cli")
        let tally = Repository.tallyBinary.path
        let log = fixtures.path + "/logs/ad-server-a-20261120.jsonl.gz"
        let result = try runShell(
            """
            cd '\(dir)' && cp '\(log)' "$(printf 'in\\377.gz')" && \
            '\(tally)' rollup "$(printf 'in\\377.gz')" --out "$(printf 'o\\377x')" \
              --summary-json "$(printf 'o\\377x/s\\376.json')" 2>&1; echo "exit $?"; ls "$(printf 'o\\377x')" | od -An -tx1 | tr -d ' \\n'
            """)
        #expect(result.hasPrefix("exit 0\n"), "\(result)")
        // The listing in hex: 2026-11-20.csv, and s\xfe.json as named.
        #expect(result.contains("323032362d31312d32302e637376"), "\(result)")
        #expect(result.contains("73fe2e6a736f6e"), "\(result)")
    }

    /// A name holding a newline or a CR cannot split an error over two lines or rewrite a
    /// terminal's line: names on stderr are escaped.
    @Test func namesOnStandardErrorAreEscaped() throws {
        let dir = temporaryDirectory("cli")
        let damaged = try Data(contentsOf: fixtures.appendingPathComponent("gzip/bad-crc32.gz"))
        try damaged.write(to: URL(fileURLWithPath: dir + "/bad\nname\r.gz"))
        let result = try runTally(["rollup", dir, "--out", dir + "/out"])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("bad\\nname\\r.gz"))
    }

    @Test func aSummaryThatCannotBeWrittenIsAFailure() throws {
        let out = temporaryDirectory("cli")
        let blocked = out + "/file"
        writeFile(blocked, "")
        let result = try runTally([
            "rollup", fixtures.path + "/logs", "--out", out, "--summary-json", blocked + "/s.json",
        ])
        #expect(result.status == 73)
        #expect(result.stderr.contains("summary"))
    }

    @Test func standardInputThatIsANamedFileIsReadOnce() throws {
        let out = temporaryDirectory("cli")
        let file = fixtures.path + "/logs/ad-server-a-20261120.jsonl.gz"
        let once = try runTally(["rollup", file, "--out", out + "/once"])
        #expect(once.status == 0)
        let process = try runTally(["rollup", "-", file, "--out", out + "/twice"], stdinFile: file)
        #expect(process.status == 0)
        #expect(process.stderr.contains("named more than once"))
        #expect(try files(in: out + "/once") == files(in: out + "/twice"))
    }

    /// A name that is not UTF-8 is a name like any other: read, and shown with `\xNN`.
    @Test func aFileWhoseNameIsNotUTF8IsRead() throws {
        let dir = temporaryDirectory("cli")
        let bytes = try Data(contentsOf: fixtures.appendingPathComponent("logs/ad-server-a-20261120.jsonl.gz"))
        let raw = Array((dir + "/in/x").utf8) + [0xff] + Array(".jsonl.gz".utf8) + [0]
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        let fd = raw.withUnsafeBufferPointer {
            open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
        }
        #expect(fd >= 0)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let result = try runTally(["rollup", dir + "/in", "--out", dir + "/out", "--summary-json", "-"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("x\\\\xff.jsonl.gz\""), "\(result.stdout)")
        #expect(try !files(in: dir + "/out").isEmpty)
    }

    @Test func tooManyRejectedLinesFailAfterWriting() throws {
        // The sample logs reject 24 of 3060 lines (0.8%).
        let out = temporaryDirectory("cli")
        let strict = try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--max-reject-rate", "0.005"])
        #expect(strict.status == 65)
        #expect(strict.stderr.contains("24 of 3060 lines rejected"))
        #expect(try files(in: out).count == 3)
        let lenient = try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--max-reject-rate", "0.01"])
        #expect(lenient.status == 0)
        #expect(try runTally(["rollup", fixtures.path + "/logs", "--out", out, "--max-reject-rate", "2"]).status == 64)
    }

    @Test func aSignalStopsTheRunWithoutChangingOutput() throws {
        let out = temporaryDirectory("cli")
        _ = try runTally(["rollup", fixtures.path + "/logs", "--out", out])
        let before = try files(in: out)
        // tally waits on a pipe that stays open, as a stuck upstream would leave it, until cron's SIGTERM.
        let process = Process()
        process.executableURL = Repository.tallyBinary
        process.arguments = ["rollup", "-", "--out", out]
        let input = Pipe()
        let err = Pipe()
        process.standardInput = input
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data("{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}\n".utf8))
        // Time to start and install its handlers (a debug build starts in well under 0.1 s).
        Thread.sleep(forTimeInterval: 1.0)
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 143)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("signal 15"))
        #expect(try files(in: out) == before)
    }

    /// `nohup tally ...`: a signal ignored when tally starts stays ignored, and the run goes on.
    @Test func aSignalIgnoredAtStartStaysIgnored() throws {
        let out = temporaryDirectory("cli")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The shell ignores SIGHUP and becomes tally, which inherits that.
        process.arguments = ["-c", "trap '' HUP; exec \"$0\" rollup - --out \"$1\"", Repository.tallyBinary.path, out]
        let input = Pipe()
        process.standardInput = input
        process.standardError = Pipe()
        try process.run()
        input.fileHandleForWriting.write(Data("{\"ts\":1795219200,\"event\":\"imp\",\"campaign_id\":\"c\"}\n".utf8))
        Thread.sleep(forTimeInterval: 1.0)
        kill(process.processIdentifier, SIGHUP)
        Thread.sleep(forTimeInterval: 0.3)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(try files(in: out).keys.contains { $0.hasSuffix(".csv") }, "the day file written")
    }

    @Test func keyColumnsAndGrainsAreCheckedBeforeAnythingIsRead() throws {
        let out = temporaryDirectory("cli-by")
        for bad in [
            ["--by", "ts"], ["--by", "campaign,,x"], ["--by", "country,country"], ["--granularity", "week"],
        ] {
            let result = try runTally(["rollup", fixtures.path + "/logs", "--out", out] + bad)
            #expect(result.status == 64, "\(bad)")
            #expect(result.stderr.contains(bad[0]), "\(result.stderr)")
        }
        #expect(try files(in: out).isEmpty)
        let hourly = try runTally([
            "rollup", fixtures.path + "/logs", "--out", out, "--by", "campaign, placement", "--granularity", "hour",
        ])
        #expect(hourly.status == 0)
        let day = try #require(try files(in: out)["2026-11-20.csv"])
        #expect(
            String(decoding: day, as: UTF8.self).hasPrefix("date,hour,utc_offset,campaign_id,placement,impressions,"))
    }

    @Test func standardInputIsReadWithADash() throws {
        let out = temporaryDirectory("cli")
        // Outside DIR, and in a folder of its own: tests run at once.
        let summaryPath = temporaryDirectory("cli-summary") + "/summary.json"
        let data = try Data(contentsOf: fixtures.appendingPathComponent("logs/ad-server-a-20261120.jsonl.gz"))
        let result = try runTally(["rollup", "-", "--out", out, "--summary-json", summaryPath], stdin: data)
        #expect(result.status == 0)
        #expect(try !files(in: out).isEmpty)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
        let files = (summary as? [String: Any])?["files"] as? [[String: Any]]
        #expect(files?.first?["path"] as? String == "-")
        #expect(files?.first?["compression"] as? String == "gzip")
    }

    @Test func everyInputOfTheSummaryHasItsCounts() throws {
        // A monitoring script reads a fixed shape: a failed input has its counts too.
        let out = temporaryDirectory("cli")
        let summaryPath = temporaryDirectory("cli-summary") + "/summary.json"
        let result = try runTally([
            "rollup", fixtures.path + "/logs", "/no/such/log.gz", fixtures.path + "/gzip/bad-crc32.gz",
            "--out", out, "--summary-json", summaryPath,
        ])
        #expect(result.status == 66)  // a missing input outranks a corrupt one
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
        let files = try #require((summary as? [String: Any])?["files"] as? [[String: Any]])
        #expect(files.contains { $0["status"] as? String == "failed" })
        for file in files {
            #expect(file["lines"] is Int && file["counted"] is Int && file["rejected"] is Int, "\(file)")
        }
    }
}

extension CommandLineTests {
    @Test func mapAndMergeGiveTheRollupsFilesAndRefuseLoudly() throws {
        let directory = temporaryDirectory("map-merge")
        let logs = fixtures.path + "/logs"
        let names = try FileManager.default.contentsOfDirectory(atPath: logs).sorted()
        let rollup = try runTally(["rollup", logs, "--out", directory + "/single", "--tz", "America/New_York"])
        #expect(rollup.status == 0)
        for (index, half) in [names.prefix(3), names.dropFirst(3)].enumerated() {
            let map = try runTally(
                ["map"] + half.map { logs + "/" + $0 } + [
                    "--partial", directory + "/\(index).partial", "--tz", "America/New_York",
                ])
            #expect(map.status == 0 && map.stderr.isEmpty, "\(map.stderr)")
        }
        let partials = [directory + "/1.partial", directory + "/0.partial"]
        let merge = try runTally(["merge"] + partials + ["--out", directory + "/merged", "--verbose"])
        #expect(merge.status == 0)
        #expect(merge.stderr.contains("3060 lines: 2912 counted"))
        #expect(try files(in: directory + "/merged") == files(in: directory + "/single"))

        // Usage: one destination exactly; a partial is a file.
        #expect(try runTally(["merge"] + partials).status == 64)
        #expect(
            try runTally(["merge"] + partials + ["--out", directory + "/x", "--partial", directory + "/y"]).status == 64
        )
        #expect(try runTally(["map", logs, "--partial", "-"]).status == 64)
        #expect(
            try runTally(["merge"] + partials + ["--partial", directory + "/p", "--combined", directory + "/c.csv"])
                .status
                == 64)

        // Refused with one line naming the file, and no day file written.
        let twice = try runTally(["merge", partials[0], partials[0], "--out", directory + "/refused"])
        #expect(twice.status == 65)
        #expect(twice.stderr.contains("named more than once"))
        let log = try runTally(["merge", partials[0], logs + "/" + names[0], "--out", directory + "/refused"])
        #expect(log.status == 65)
        #expect(log.stderr.contains("not a tally partial rollup"))
        #expect(try files(in: directory + "/refused").isEmpty)
    }
}

extension CommandLineTests {
    @Test func inspectTellsWhatTallyMakesOfALog() throws {
        let logs = fixtures.path + "/logs/"
        let result = try runTally([
            "inspect", logs + "ad-server-a-20261120.jsonl.gz", logs + "partner-export-20261122.tsv", "--events", "2",
        ])
        #expect(result.status == 0 && result.stderr.isEmpty)
        for expected in [
            "ad-server-a-20261120.jsonl.gz: gzip, JSON Lines",
            "lines: 526: 500 counted, 23 ignored, 2 rejected, 1 blank",
            "line 3: 2026-11-20T06:18:05Z  impressions  campaign_id=spring_sale  -> 2026-11-20",
            "ignored types: viewable 6, bid_request 4",
            "rejected malformed: 2, first on line 353: ts=2026-11-20T10:00:00Z",
            "partner-export-20261122.tsv: plain text, TSV", "(and 1 header line)",
            "first on line 84: 2026-11-22 10:00:00\\t2026-11-22T10:00:00Z",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
        let dir = temporaryDirectory("inspect")
        writeFile(dir + "/renamed.csv", "ts,event,campaignId\n2026-11-20T01:00:00Z,click,c\n")
        let renamed = try runTally(["inspect", dir + "/renamed.csv"])
        #expect(renamed.status == 0)
        #expect(renamed.stdout.contains("header: the header has no campaign column"), "\(renamed.stdout)")
        #expect(renamed.stdout.contains("rejected missing_field: 1, first on line 2"))
        #expect(try runTally(["inspect", dir + "/nope"]).status == 66)
    }
}
