import ArgumentParser
import TallyPipeline

/// `tally map`: rolls some logs up into one partial rollup file, for `tally merge`.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Roll logs up into one partial rollup file, to merge with others later.",
        discussion: """
            Reads INPUT as tally rollup does, and writes the counts, the inputs it read (with a \
            SHA-256 of each) and their accounting to FILE instead of day files. tally merge \
            turns any number of partials into the day files tally rollup would write over all \
            their inputs. Options that shape the rows (--tz, --by, --granularity, --format, \
            --max-line-bytes) are stored in the partial: only partials made with the same ones merge.
            """
    )

    @OptionGroup
    var logs: LogOptions

    @Option(help: ArgumentHelp("The partial rollup file to write (replaced atomically).", valueName: "FILE"))
    var partial: String

    @OptionGroup(title: "Output")
    var rejects: RejectsOptions

    @OptionGroup(title: "Report")
    var report: ReportOptions

    func validate() throws {
        guard partial != "-" else { throw ValidationError("--partial must name a file, not standard output.") }
    }

    func run() throws {
        var (configuration, config) = try logs.configuration()
        configuration.setPartialPath(partial)
        report.apply(to: &configuration, config: config)
        rejects.apply(to: &configuration)
        try RunDriver.execute(configuration, report: report)
    }
}
