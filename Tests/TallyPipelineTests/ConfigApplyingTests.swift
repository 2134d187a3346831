import TallyParser
import Testing

@testable import TallyPipeline

/// What each key of a config file changes in a run's configuration, over tally's defaults.
@Suite struct ConfigApplyingTests {
    static func applied(_ text: String, path: String = "/etc/tally/tally.toml") throws(ConfigFile.Error)
        -> RunConfiguration
    {
        var configuration = RunConfiguration(inputs: ["-"], outputDirectory: "")
        try ConfigFile(text: text, path: path).apply(to: &configuration, path: path)
        return configuration
    }
}

extension ConfigApplyingTests {
    @Test func anEmptyConfigChangesNothing() throws {
        let configuration = try Self.applied("# nothing\n")
        let plain = RunConfiguration(inputs: ["-"], outputDirectory: "")
        #expect(RollupShape(configuration) == RollupShape(plain))
        #expect(RollupShape(configuration).reading == "standard")
        #expect(configuration.schema.typeValues == LogSchema.standard.typeValues)
    }

    @Test func everyReadingKeyTakesEffect() throws {
        let configuration = try Self.applied(
            #"""
            format = "delimited"
            delimiter = "^"
            header = false
            columns = ["when", "what", "order", "geo"]
            timezone = "Europe/Berlin"
            input_timezone = "America/New_York"
            max_line_bytes = 4096
            [fields]
            time = "when"
            type = ["what", "kind"]
            campaign = "order"
            [types]
            impression = ["IMPRESSION_SERVED", "start"]
            [[sources]]
            match = "NetworkClicks_*"
            type = "click"
            [clf]
            type_param = "ev"
            campaign_param = "cmp"
            path_prefix = "/px"
            """#)
        #expect(configuration.format == .delimited)
        #expect(configuration.schema.delimiter == UInt8(ascii: "^"))
        #expect(configuration.schema.columns == ["when", "what", "order", "geo"])
        #expect(configuration.timeZone == "Europe/Berlin")
        #expect(configuration.timeParser.inputZone?.identifier == "America/New_York")
        #expect(configuration.maxLineBytes == 4096)
        #expect(configuration.schema.aliases[.time] == ["when"])
        #expect(configuration.schema.aliases[.type] == ["what", "kind"])
        #expect(configuration.schema.aliases[.campaign] == ["order"])
        // The impression values are replaced, `start` moving from video views; the others stay.
        let values = configuration.schema.typeValues
        #expect(values.filter { $0.value == .impression }.keys.sorted() == ["impression_served", "start"])
        #expect(values["imp"] == nil)
        #expect(values["click"] == .click)
        #expect(values["video_start"] == .videoView)
        #expect(configuration.fixedKind(of: .file("/logs/NetworkClicks_1_20261121_00.gz")) == .click)
        #expect(configuration.fixedKind(of: .file("/logs/NetworkClicks/other.gz")) == nil)
        #expect(configuration.fixedKind(of: .standardInput) == nil)
        #expect(configuration.schema.accessLog.typeParameters == ["ev"])
        #expect(configuration.schema.accessLog.campaignParameters == ["cmp"])
        #expect(configuration.schema.accessLog.pathPrefix == "/px")
        #expect(RollupShape(configuration).reading.contains("input_tz=America/New_York"))
    }

    /// A name `[fields]` gives one field is no other field's any more: no header or JSON key
    /// may mean two fields (which would make the reading depend on a table's order).
    @Test func aFieldsNameIsTakenFromTheOthers() throws {
        let configuration = try Self.applied("[fields]\ntime = \"event\"\n")
        #expect(configuration.schema.aliases[.time] == ["event"])
        #expect(configuration.schema.aliases[.type] == ["event_type", "type"])
        for _ in 0..<20 {
            var parser = EventParser(schema: configuration.schema)
            let outcome = Array("event,type,campaign".utf8).withUnsafeBytes { parser.parse(line: $0) }
            guard case .header = outcome else {
                Issue.record("not a header: \(outcome)")
                continue
            }
            #expect(parser.headerProblems.isEmpty)
        }
    }

    @Test func everyRunKeyTakesEffect() throws {
        let configuration = try Self.applied(
            #"""
            by = "campaign,country"
            granularity = "hour"
            inflater = "zlib"
            jobs = 3
            out = "rollups"
            rejects = "-"
            summary_json = "s.json"
            metrics = "m.prom"
            campaigns = "c.csv"
            combined = "all.csv"
            xlsx = "all.xlsx"
            bom = true
            crlf = true
            ratios = true
            allow_empty = true
            max_reject_rate = 0.5
            wait = 30
            """#)
        #expect(configuration.keyColumns.names == ["campaign", "country"])
        #expect(configuration.granularity == .hour)
        #expect(configuration.inflater == .zlib)
        #expect(configuration.jobs == 3)
        #expect(configuration.outputDirectory == "/etc/tally/rollups")
        #expect(configuration.rejectsPath == "-")
        #expect(configuration.summaryPath == "/etc/tally/s.json")
        #expect(configuration.metricsPath == "/etc/tally/m.prom")
        #expect(configuration.campaignsPath == "/etc/tally/c.csv")
        #expect(configuration.combinedPath == "/etc/tally/all.csv")
        #expect(configuration.xlsxPath == "/etc/tally/all.xlsx")
        #expect(configuration.csvStyle.byteOrderMark && configuration.csvStyle.crlf)
        #expect(configuration.csvStyle.ratios == RunConfiguration.standardRatios)
        #expect(configuration.allowEmpty)
        #expect(configuration.maxRejectRate == 0.5)
        #expect(configuration.waitSeconds == 30)
    }

    @Test(arguments: [
        ("header = false\n", "/etc/tally/tally.toml:1: 'header = false' needs 'columns'"),
        ("columns = [\"a\"]\n", "/etc/tally/tally.toml:1: 'columns' names the columns of files without a header"),
        ("\nby = \"campaign,,x\"\n", "/etc/tally/tally.toml:2: "),
    ])
    func keysThatCannotGoTogetherAreNamed(text: String, message: String) {
        let error = #expect(throws: ConfigFile.Error.self) { try Self.applied(text) }
        #expect(error?.description.hasPrefix(message) == true, "\(String(describing: error))")
    }
}
