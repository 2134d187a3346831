import ArgumentParser
import TallyPipeline

/// `tally rollup`: counts per day and campaign, one CSV file per day.
struct RollupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Count impressions, clicks and video views per campaign per day.",
        discussion: """
            INPUT is a file (gzip or plain text, told apart by content), a directory (every \
            regular file under it, hidden ones skipped) or - for standard input. With no INPUT, \
            standard input is read unless it is a terminal.
            """
    )

    @OptionGroup
    var logs: LogOptions

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @OptionGroup(title: "Output")
    var rejects: RejectsOptions

    @OptionGroup(title: "Day files")
    var days: DayFileOptions

    @OptionGroup(title: "Nightly runs")
    var stateOptions: StateOptions

    @OptionGroup(title: "Report")
    var report: ReportOptions

    @OptionGroup
    var lock: LockOptions

    func run() throws {
        var (configuration, config) = try logs.configuration()
        try output.apply(to: &configuration)
        lock.apply(to: &configuration)
        report.apply(to: &configuration, config: config)
        rejects.apply(to: &configuration)
        days.apply(to: &configuration)
        try stateOptions.apply(to: &configuration, config: config)
        try RunDriver.execute(configuration, report: report)
    }
}
