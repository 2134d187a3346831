import Foundation
import TallyParser
import TallyTestSupport
import Testing

@testable import TallyPipeline

/// `tally.toml`: every key read to its typed value, and every mistake told on one line that
/// names the file, the line and the key.
@Suite struct ConfigFileTests {
    /// What `text`, read as `path`, is wrong with: the whole one-line message.
    static func problem(_ text: String, path: String = "tally.toml") -> String? {
        do {
            _ = try ConfigFile(text: text, path: path)
            return nil
        } catch {
            return error.description
        }
    }
}

// MARK: - Values

extension ConfigFileTests {
    static let fullText = #"""
        # Every key there is.
        format = "csv"
        delimiter = ";"
        header = false
        columns = ["ts", "event", "campaign_id", "country"]
        timezone = "Europe/Berlin"
        input_timezone = "America/New_York"
        max_line_bytes = 65536
        by = "campaign, country"
        granularity = "hour"
        inflater = "zlib"
        jobs = 4
        out = "rollups"
        rejects = "/var/log/tally/rejects.tsv.gz"
        summary_json = "-"
        metrics = "metrics.prom"
        campaigns = "campaigns.csv"
        combined = "all.csv"
        xlsx = "rollup.xlsx"
        state = "state.sqlite"
        bom = true
        crlf = true
        ratios = true
        allow_empty = true
        verbose = true
        max_reject_rate = 0.01
        wait = 30

        [fields]
        time = "ts"  # a comment with "quotes" and a # in it
        type = ["event", "kind"]
        campaign = "campaign_id"

        [types]
        impression = ["impression", "imp"]
        click = "CLICK"
        video_view = ["video_view", "start"]

        [[sources]]
        match = "NetworkImpressions_*"
        type = "impression"

        [[sources]]
        match = "clicks-??.csv"
        type = "click"

        [clf]
        type_param = "ev"
        campaign_param = "cmp"
        path_prefix = "/px"
        """#

    @Test func everyKeyIsReadToItsValue() throws {
        let file = try ConfigFile(text: Self.fullText, path: "/etc/tally/tally.toml")
        var expected = ConfigFile()
        expected.format = .csv
        expected.delimiter = UInt8(ascii: ";")
        expected.header = false
        expected.columns = ["ts", "event", "campaign_id", "country"]
        expected.timeZone = "Europe/Berlin"
        expected.inputTimeZone = "America/New_York"
        expected.maxLineBytes = 65536
        expected.fields = [.time: ["ts"], .type: ["event", "kind"], .campaign: ["campaign_id"]]
        expected.types = [.impression: ["impression", "imp"], .click: ["CLICK"], .videoView: ["video_view", "start"]]
        expected.sources = [
            ConfigFile.Source(match: "NetworkImpressions_*", kind: .impression),
            ConfigFile.Source(match: "clicks-??.csv", kind: .click),
        ]
        expected.clf = ConfigFile.AccessLog(typeParam: "ev", campaignParam: "cmp", pathPrefix: "/px")
        expected.by = ["campaign", "country"]
        expected.granularity = .hour
        expected.inflater = "zlib"
        expected.jobs = 4
        expected.out = "/etc/tally/rollups"
        expected.rejects = "/var/log/tally/rejects.tsv.gz"
        expected.summaryJSON = "-"
        expected.metrics = "/etc/tally/metrics.prom"
        expected.campaigns = "/etc/tally/campaigns.csv"
        expected.combined = "/etc/tally/all.csv"
        expected.xlsx = "/etc/tally/rollup.xlsx"
        expected.state = .path("/etc/tally/state.sqlite")
        expected.bom = true
        expected.crlf = true
        expected.ratios = true
        expected.allowEmpty = true
        expected.verbose = true
        expected.maxRejectRate = 0.01
        expected.wait = 30
        #expect(file == expected)
        #expect(file.keyLines["header"] == 4)
        #expect(file.keyLines["fields.type"] == 31)
        #expect(file.keyLines["sources[1].match"] == 44)
        #expect(file.keyLines["sources[1]"] == 43)
        #expect(file.keyLines["nothing"] == nil)
    }

    @Test(arguments: ["auto", "jsonl", "csv", "tsv", "delimited", "clf"])
    func everyFormatIsALogFormat(name: String) throws {
        #expect(try ConfigFile(text: "format = \"\(name)\"", path: "tally.toml").format == LogFormat(rawValue: name))
        #expect(LogFormat(rawValue: name) != nil)
    }

    @Test func anEmptyFileSetsNothing() throws {
        #expect(try ConfigFile(text: "", path: "tally.toml") == ConfigFile())
        #expect(try ConfigFile(text: "# nothing\n\n", path: "tally.toml") == ConfigFile())
    }

    @Test func loadReadsTheFile() throws {
        let folder = temporaryDirectory("config")
        writeFile(folder + "/tally.toml", Self.fullText)
        #expect(
            try ConfigFile.load(path: folder + "/tally.toml") == ConfigFile(text: Self.fullText, path: folder + "/x"))
        #expect(try ConfigFile.load(path: folder + "/tally.toml").out == folder + "/rollups")
    }

    @Test(arguments: [
        (file: "conf/tally.toml", path: "rollups", resolved: "conf/rollups"),
        ("conf/tally.toml", "../shared/out", "conf/../shared/out"),
        ("conf/tally.toml", "/srv/out", "/srv/out"),
        ("tally.toml", "rollups", "rollups"),
        ("./tally.toml", "rollups", "rollups"),
        ("/tally.toml", "rollups", "/rollups"),
        ("/etc/tally/tally.toml", "sub/dir/", "/etc/tally/sub/dir/"),
    ])
    func relativePathsAreRelativeToTheFilesFolder(file: String, path: String, resolved: String) throws {
        let config = try ConfigFile(text: "out = \"\(path)\"\nstate = \"\(path)\"", path: file)
        #expect(config.out == resolved)
        #expect(config.state == .path(resolved))
    }

    @Test func aDashIsStandardOutputForTheReportsOnly() throws {
        let text = "rejects = \"-\"\nsummary_json = \"-\"\nmetrics = \"-\"\nout = \"-\""
        let file = try ConfigFile(text: text, path: "/etc/tally/tally.toml")
        #expect(file.rejects == "-")
        #expect(file.summaryJSON == "-")
        #expect(file.metrics == "-")
        #expect(file.out == "/etc/tally/-")
    }

    @Test func stateFalseIsNoStateStore() throws {
        #expect(try ConfigFile(text: "state = false", path: "tally.toml").state == .off)
        #expect(Self.problem("\nstate = true") == "tally.toml:2: 'state' must be a path or false, got true")
        #expect(Self.problem("state = 1") == "tally.toml:1: 'state' must be a path or false, got an integer")
    }

    @Test func aListMayBeOneStringAndTablesMayBeWrittenAnyWay() throws {
        let text = """
            fields.time = "when"
            fields.campaign = ["cmp", "campaign_id"]
            types = { click = "clk", impression = ["imp"] }
            sources = [{ match = "*.clicks", type = "click" }]
            clf.path_prefix = "/"
            by = ["campaign", "site"]
            """
        let file = try ConfigFile(text: text, path: "tally.toml")
        #expect(file.fields == [.time: ["when"], .campaign: ["cmp", "campaign_id"]])
        #expect(file.types == [.click: ["clk"], .impression: ["imp"]])
        #expect(file.sources == [ConfigFile.Source(match: "*.clicks", kind: .click)])
        #expect(file.clf == ConfigFile.AccessLog(pathPrefix: "/"))
        #expect(file.by == ["campaign", "site"])
    }

    @Test func numbersMayBeIntegersOrFloats() throws {
        let whole = try ConfigFile(text: "max_reject_rate = 1\nwait = 2.5", path: "tally.toml")
        #expect(whole.maxRejectRate == 1 && whole.wait == 2.5)
        let zero = try ConfigFile(text: "max_reject_rate = 0\nwait = 0", path: "tally.toml")
        #expect(zero.maxRejectRate == 0 && zero.wait == 0)
    }

    @Test(arguments: [
        (text: #"delimiter = "\t""#, byte: UInt8(0x09)), (#"delimiter = '\t'"#, 0x09), (#"delimiter = "|""#, 0x7c),
        (#"delimiter = " ""#, 0x20), (#"delimiter = ",""#, 0x2c),
    ])
    func aDelimiterIsOneByte(text: String, byte: UInt8) throws {
        #expect(try ConfigFile(text: text, path: "tally.toml").delimiter == byte)
    }
}

// MARK: - Problems

extension ConfigFileTests {
    @Test(arguments: [
        (
            "jobs = 2\n\n[fields]\ntime = \"ts\"\ncampain = \"cmp\"\n",
            "tally.toml:5: unknown key 'fields.campain' (known: time, type, campaign)"
        ),
        (
            "[types]\nimpression = \"imp\"\nclik = \"clk\"",
            "tally.toml:3: unknown key 'types.clik' (known: impression, click, video_view)"
        ),
        (
            "[clf]\ntype_param = \"ev\"\n\n  campaign = \"cmp\"  # not campaign_param",
            "tally.toml:4: unknown key 'clf.campaign' (known: type_param, campaign_param, path_prefix)"
        ),
        (
            "[[sources]]\nmatch = \"a*\"\ntype = \"click\"\n\n[[sources]]\nmatch = \"b*\"\ntype = \"click\"\nkind = 1\n",
            "tally.toml:8: unknown key 'sources[1].kind' (known: match, type)"
        ),
        (
            "sources = [\n  { match = \"a*\", type = \"click\" },\n  { match = \"b*\", typ = \"click\" },\n]",
            "tally.toml:3: unknown key 'sources[1].typ' (known: match, type)"
        ),
        (
            "fields.time = \"ts\"\nfields.kind = \"event\"",
            "tally.toml:2: unknown key 'fields.kind' (known: time, type, campaign)"
        ),
        (
            "[fields.time.x]\n",
            "tally.toml:1: 'fields.time' must be a string or an array of strings, got a table"
        ),
        (
            "\"a.b\" = 1",
            "tally.toml:1: unknown key '\"a.b\"' (known: format, delimiter, header, columns, timezone, input_timezone, "
                + "max_line_bytes, fields, types, sources, clf, by, uniques, dedupe, granularity, inflater, jobs, out, rejects, "
                + "summary_json, metrics, campaigns, combined, xlsx, state, bom, crlf, ratios, allow_empty, verbose, "
                + "max_reject_rate, wait)"
        ),
    ])
    func anUnknownKeyIsNamedWithItsLine(text: String, message: String) {
        #expect(Self.problem(text) == message)
    }

    @Test(arguments: [
        ("\n\n\njobs = \"2\"", "tally.toml:4: 'jobs' must be an integer, got a string"),
        ("jobs = 2.0", "tally.toml:1: 'jobs' must be an integer, got a float"),
        ("header = \"yes\"", "tally.toml:1: 'header' must be true or false, got a string"),
        ("columns = \"ts,event\"", "tally.toml:1: 'columns' must be an array of strings, got a string"),
        ("columns = [\n  \"ts\",\n  3,\n]", "tally.toml:3: 'columns[1]' must be a string, got an integer"),
        ("columns = []", "tally.toml:1: 'columns' must not be empty"),
        ("columns = [\"ts\", \"\"]", "tally.toml:1: 'columns[1]' must not be empty"),
        ("fields = \"ts\"", "tally.toml:1: 'fields' must be a table, got a string"),
        ("[fields]\ntime = 1", "tally.toml:2: 'fields.time' must be a string or an array of strings, got an integer"),
        ("[fields]\ntype = []", "tally.toml:2: 'fields.type' must not be empty"),
        ("[types]\nclick = [\"clk\", 2]", "tally.toml:2: 'types.click[1]' must be a string, got an integer"),
        ("[sources]\nmatch = \"a\"", "tally.toml:1: 'sources' must be an array of tables ([[sources]]), got a table"),
        ("sources = [\"a*\"]", "tally.toml:1: 'sources[0]' must be a table, got a string"),
        ("clf = \"ev\"", "tally.toml:1: 'clf' must be a table, got a string"),
        ("max_reject_rate = \"1%\"", "tally.toml:1: 'max_reject_rate' must be a number, got a string"),
        ("wait = true", "tally.toml:1: 'wait' must be a number, got a boolean"),
        ("by = 3", "tally.toml:1: 'by' must be a string or an array of strings, got an integer"),
        ("out = 1979-05-27", "tally.toml:1: 'out' must be a string, got a date"),
        ("timezone = [\"UTC\"]", "tally.toml:1: 'timezone' must be a string, got an array"),
    ])
    func aWrongTypeIsNamedWithItsLine(text: String, message: String) {
        #expect(Self.problem(text) == message)
    }

    @Test(arguments: [
        (#"delimiter = "::""#, #"tally.toml:1: 'delimiter' must be one byte, got "::""#),
        (#"delimiter = """#, #"tally.toml:1: 'delimiter' must be one byte, got """#),
        (#"delimiter = "é""#, #"tally.toml:1: 'delimiter' must be one byte, got "é""#),
        (
            #"delimiter = "\n""#,
            #"tally.toml:1: 'delimiter' cannot be a newline, a carriage return, a double quote or NUL, got "\n""#
        ),
        (
            #"delimiter = "\r""#,
            #"tally.toml:1: 'delimiter' cannot be a newline, a carriage return, a double quote or NUL, got "\r""#
        ),
        (
            #"delimiter = '"'"#,
            #"tally.toml:1: 'delimiter' cannot be a newline, a carriage return, a double quote or NUL, got "\"""#
        ),
        ("delimiter = 9", "tally.toml:1: 'delimiter' must be a string, got an integer"),
    ])
    func aDelimiterThatIsNotOneFieldByteIsRefused(text: String, message: String) {
        #expect(Self.problem(text) == message)
    }

    @Test(arguments: [
        (
            "timezone = \"BST\"",
            "tally.toml:1: 'timezone' is not a known time zone: \"BST\" "
                + "(use an IANA name such as UTC, Europe/London or America/New_York)"
        ),
        (
            "timezone = \"UTC\"\ninput_timezone = \"Nowhere/Land\"",
            "tally.toml:2: 'input_timezone' is not a known time zone: \"Nowhere/Land\" "
                + "(use an IANA name such as UTC, Europe/London or America/New_York)"
        ),
        ("max_line_bytes = 0", "tally.toml:1: 'max_line_bytes' must be between 1 and 1073741824, got 0"),
        (
            "max_line_bytes = 1073741825",
            "tally.toml:1: 'max_line_bytes' must be between 1 and 1073741824, got 1073741825"
        ),
        ("jobs = 0", "tally.toml:1: 'jobs' must be at least 1, got 0"),
        ("max_reject_rate = 1.5", "tally.toml:1: 'max_reject_rate' must be between 0 and 1, got 1.5"),
        ("max_reject_rate = 2", "tally.toml:1: 'max_reject_rate' must be between 0 and 1, got 2"),
        ("max_reject_rate = nan", "tally.toml:1: 'max_reject_rate' must be between 0 and 1, got nan"),
        ("wait = -1", "tally.toml:1: 'wait' must be between 0 and 86400 seconds, got -1"),
        ("wait = inf", "tally.toml:1: 'wait' must be between 0 and 86400 seconds, got inf"),
        (
            "format = \"xml\"",
            "tally.toml:1: 'format' must be one of auto, jsonl, csv, tsv, delimited, clf, got \"xml\""
        ),
        (
            "format = \"CSV\"",
            "tally.toml:1: 'format' must be one of auto, jsonl, csv, tsv, delimited, clf, got \"CSV\""
        ),
        ("granularity = \"week\"", "tally.toml:1: 'granularity' must be one of day, hour, got \"week\""),
        ("inflater = \"gzip\"", "tally.toml:1: 'inflater' must be one of auto, zlib, isal, got \"gzip\""),
        ("out = \"\"", "tally.toml:1: 'out' must not be empty"),
        ("by = \"campaign,,site\"", "tally.toml:1: 'by' has an empty name: \"campaign,,site\""),
        ("[clf]\npath_prefix = \"px\"", "tally.toml:2: 'clf.path_prefix' must start with \"/\", got \"px\""),
        ("[clf]\ntype_param = \"\"", "tally.toml:2: 'clf.type_param' must not be empty"),
        (
            "[[sources]]\nmatch = \"logs/*.csv\"\ntype = \"click\"",
            "tally.toml:2: 'sources[0].match' is matched against file names and cannot hold '/', got \"logs/*.csv\""
        ),
        (
            "[[sources]]\nmatch = \"*.csv\"\ntype = \"clk\"",
            "tally.toml:3: 'sources[0].type' must be one of impression, click, video_view, got \"clk\""
        ),
        ("[[sources]]\nmatch = \"*.csv\"\n", "tally.toml:1: 'sources[0]' has no 'type'"),
        (
            "[[sources]]\nmatch = \"a\"\ntype = \"click\"\n[[sources]]\ntype = \"click\"\n",
            "tally.toml:4: 'sources[1]' has no 'match'"
        ),
    ])
    func aWrongValueIsNamedWithItsLine(text: String, message: String) {
        #expect(Self.problem(text) == message)
    }

    @Test(arguments: [
        (
            "[types]\nimpression = [\"impression\", \"imp\"]\nclick = [\"click\", \"IMP\"]",
            "tally.toml:3: 'types.click' lists \"IMP\", as 'types.impression' does"
        ),
        (
            // The later in the file is the one at fault, whatever the order of the types.
            "[types]\nvideo_view = \"start\"\nclick = \"Start\"",
            "tally.toml:3: 'types.click' lists \"Start\", as 'types.video_view' does"
        ),
        (
            "[fields]\ntime = [\"ts\", \"time\"]\ntype = \"time\"",
            "tally.toml:3: 'fields.type' names \"time\", as 'fields.time' does"
        ),
        (
            "columns = [\n  \"ts\",\n  \"event\",\n  \"ts\",\n]",
            "tally.toml:4: 'columns' names \"ts\" twice"
        ),
    ])
    func aValueTwiceIsRefused(text: String, message: String) {
        #expect(Self.problem(text) == message)
    }

    @Test func theFirstProblemInTheFileIsTheOneTold() {
        let text = "wait = -1\n[fields]\ntime = 1\n[clf]\nbad = true"
        #expect(Self.problem(text) == "tally.toml:1: 'wait' must be between 0 and 86400 seconds, got -1")
        let later = "jobs = 0\nformat = \"xml\""
        #expect(Self.problem(later) == "tally.toml:1: 'jobs' must be at least 1, got 0")
        let reversed = "format = \"xml\"\njobs = 0"
        #expect(
            Self.problem(reversed)
                == "tally.toml:1: 'format' must be one of auto, jsonl, csv, tsv, delimited, clf, got \"xml\"")
    }

    /// toml++'s own words follow the place; only the place and the form are tally's.
    @Test(arguments: [
        (text: "jobs = 2\nout = \"rollups\nbom = true\n", place: "tally.toml:2:15: "),
        ("jobs = 2\n\njobs = 3\n", "tally.toml:3:8: "),
        ("[fields]\ntime = ts\n", "tally.toml:2:9: "),
        ("[fields\ntime = \"ts\"\n", "tally.toml:1:8: "),
    ])
    func aSyntaxErrorHasTOMLsLineAndColumn(text: String, place: String) throws {
        let message = try #require(Self.problem(text))
        #expect(message.hasPrefix(place + "TOML syntax error: "), "\(message)")
        #expect(message.count > (place + "TOML syntax error: ").count + 10)
        #expect(!message.contains("\n"))
    }

    @Test func aFileThatCannotBeReadIsNamed() {
        let folder = temporaryDirectory("config")
        func problem(_ path: String) -> String? {
            do {
                _ = try ConfigFile.load(path: path)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem(folder + "/tally.toml") == folder + "/tally.toml: cannot read: No such file or directory")
        #expect(problem(folder) == folder + ": cannot read: Is a directory")
        _ = FileManager.default.createFile(
            atPath: folder + "/latin1.toml", contents: Data([0x6a, 0x3d, 0x31, 0x0a, 0x23, 0xe9]))
        #expect(problem(folder + "/latin1.toml") == folder + "/latin1.toml:2: not UTF-8 text")
        #expect(Self.problem("jobs = 1\nout = \"a\u{0}b\"") == "tally.toml:2: contains a NUL byte")
    }

    @Test func theFileIsNamedAsGiven() {
        #expect(
            Self.problem("jobs = 0", path: "/etc/tally/nightly.toml")
                == "/etc/tally/nightly.toml:1: 'jobs' must be at least 1, got 0")
    }
}

// MARK: - Lines of keys

extension ConfigFileTests {
    static func line(_ text: String, _ key: String) -> Int? {
        KeyLines(text).line(of: parse(key))
    }

    /// `a.b[2].c` as a key; enough for these tests (no quoted names).
    static func parse(_ key: String) -> ConfigKey {
        var result = ConfigKey.root
        for part in key.split(separator: ".") {
            let name = part.prefix { $0 != "[" }
            result = result.appending(String(name))
            for index in part.dropFirst(name.count).split(separator: "[") {
                result = result.appending(index: Int(index.dropLast())!)
            }
        }
        return result
    }

    @Test func aKeysLineFollowsTheDocumentsStructure() {
        let text = #"""
            out = "a#b" # jobs = 1
            note = """
            [fields]
            jobs = 2 \"""
            """
            literal = '''
            [clf]
            '''
            "quoted.key" = 1
            fields.time = "ts"
            columns = [
              "ts",  # a comment, then
              # a blank line

              "event",
            ]
            sources = [
              { match = "a*", type = "click" }, { match = "b*", type = 'x' },
              {match="c*",
               type="click"},
            ]

            [[arr]]
            x = 1
            [arr.sub]
            y = 2
            [[arr]]
            x = 1

            [ fields . "campaign" ]
            z = 1979-05-27 07:32:00Z
            w = { a = [1, [2, 3]], b = { c = "}" } }
            jobs = 3
            """#
        #expect(Self.line(text, "out") == 1)
        #expect(Self.line(text, "note") == 2)
        #expect(Self.line(text, "literal") == 6)
        #expect(KeyLines(text).line(of: ConfigKey.root.appending("quoted.key")) == 9)
        #expect(Self.line(text, "fields") == 10)
        #expect(Self.line(text, "fields.time") == 10)
        #expect(Self.line(text, "columns") == 11)
        #expect(Self.line(text, "columns[0]") == 12)
        #expect(Self.line(text, "columns[1]") == 15)
        #expect(Self.line(text, "sources[0].type") == 18)
        #expect(Self.line(text, "sources[1].type") == 18)
        #expect(Self.line(text, "sources[2].match") == 19)
        #expect(Self.line(text, "sources[2].type") == 20)
        #expect(Self.line(text, "arr") == 23)
        #expect(Self.line(text, "arr[0].x") == 24)
        #expect(Self.line(text, "arr[0].sub.y") == 26)
        #expect(Self.line(text, "arr[1]") == 27)
        #expect(Self.line(text, "arr[1].x") == 28)
        #expect(Self.line(text, "fields.campaign.z") == 31)
        #expect(Self.line(text, "fields.campaign.w.b.c") == 32)
        #expect(Self.line(text, "fields.campaign.jobs") == 33)
        // Inside strings and comments, nothing is a key.
        #expect(Self.line(text, "jobs") == nil)
        #expect(Self.line(text, "fields.jobs") == nil)
        #expect(Self.line(text, "clf") == nil)
    }

    @Test func lineEndsAndAByteOrderMarkDoNotMoveTheLines() {
        let text = "\u{FEFF}# Windows\r\nout = \"rollups\"\r\n\r\n[clf]\r\nbad = 1\r\n"
        #expect(Self.line(text, "out") == 2)
        #expect(Self.line(text, "clf.bad") == 5)
        #expect(
            Self.problem(text) == "tally.toml:5: unknown key 'clf.bad' (known: type_param, campaign_param, path_prefix)"
        )
    }

    /// TOMLKit hands strings on as C strings: `"a\u0000b"` would be read as `"a"`.
    @Test(arguments: [
        (text: #"out = "a\u0000b""#, line: 1), (#"out = """\#n\U00000000""""#, 2),
        (#"x = 1\#ncolumns = ["ts", "\u0000"]"#, 2),
    ])
    func aNULInAStringIsRefusedNotCut(text: String, line: Int) {
        #expect(Self.problem(text) == "tally.toml:\(line): a string holds a NUL (\\u0000), which cannot be used")
        #expect(Self.problem(#"out = 'a\u0000b'"#) == nil)
        #expect(Self.problem(#"out = "a\\u0000b""#) == nil)
    }

    @Test func aKeyAfterWhatTheScannerCannotFollowHasNoLine() {
        // Not TOML (toml++ refuses it first), but it shows the scanner stops, not guesses.
        let text = "a = \"x\" y\nb = 1\n"
        #expect(Self.line(text, "a") == 1)
        #expect(Self.line(text, "b") == nil)
        let unterminated = "a = [1,\nb = 2"
        #expect(Self.line(unterminated, "b") == nil)
    }

    @Test func aProblemWithoutASureLineHasNone() {
        let error = ConfigFile.Error(path: "tally.toml", key: "jobs", message: "'jobs' must be at least 1, got 0")
        #expect(error.description == "tally.toml: 'jobs' must be at least 1, got 0")
    }
}

// MARK: - Any text

extension ConfigFileTests {
    /// What would stop toml++ (the process, not the parse) is refused before it sees it.
    @Test(arguments: [
        ("[", 1, 2, "a table header needs a name, bare or quoted"),
        ("a = 1\n[ = 1", 2, 3, "a table header needs a name, bare or quoted"),
        ("[[ #", 1, 4, "a table header needs a name, bare or quoted"),
        ("[\r\n", 1, 2, "a table header needs a name, bare or quoted"),
        ("columns = [\"a\", }b\"]", 1, 17, "an array holds a '}' where a value should be"),
        ("x = [ # c\n  }]", 2, 3, "an array holds a '}' where a value should be"),
    ])
    func whatWouldStopTheTOMLParserIsASyntaxError(text: String, line: Int, column: Int, why: String) {
        #expect(Self.problem(text) == "tally.toml:\(line):\(column): TOML syntax error: \(why)")
    }

    /// Brackets and braces in strings and comments are text.
    @Test func bracketsInStringsAreText() throws {
        let text = "columns = [\"[}\", 'a, }', \"\"\"\n[ = \"\"\"] # [, }\n[fields]\ntime = \"[\""
        #expect(TOMLGuard.firstCrash(in: Array(text.utf8)) == nil)
        #expect(try ConfigFile(text: text, path: "t.toml").columns == ["[}", "a, }", "[ = "])
    }

    /// Thousands of damaged configs (bytes flipped, cut, lines swapped and repeated): each is
    /// read or refused with a message naming the file, never a crash, and a line it gives is
    /// one the text has.
    @Test func damagedConfigsAreReadOrRefusedNeverACrash() {
        var random = SplitMix(seed: 2026)
        let original = Array(Self.fullText.utf8)
        let alphabet = Array("=[]{}\"'#.,\n \\tux0123abc".utf8)
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 40)))
                case 2: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 30)], at: at)
                default: bytes = Array(bytes[..<at])
                }
                if bytes.isEmpty { bytes = [0x23] }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try ConfigFile(text: text, path: "t.toml")
            } catch {
                #expect(error.path == "t.toml")
                if let line = error.line {
                    #expect(line >= 1 && line <= text.split(separator: "\n", omittingEmptySubsequences: false).count)
                }
            }
        }
    }
}
