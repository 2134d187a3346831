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

    @Argument(help: ArgumentHelp("Log files, directories, or - for standard input.", valueName: "INPUT"))
    var inputs: [String] = []

    @OptionGroup(title: "Input")
    var input: InputOptions

    @OptionGroup(title: "Rows")
    var rows: RowOptions

    @OptionGroup(title: "Checks")
    var checks: CheckOptions

    @Option(help: ArgumentHelp("The partial rollup file to write (replaced atomically).", valueName: "FILE"))
    var partial: String

    @OptionGroup(title: "Output")
    var rejects: RejectsOptions

    @OptionGroup(title: "Report")
    var report: ReportOptions

    @OptionGroup
    var workers: WorkerOptions

    func validate() throws {
        guard partial != "-" else { throw ValidationError("--partial must name a file, not standard output.") }
        try StandardInputCheck.validate(inputs)
    }

    func run() throws {
        var configuration = RunConfiguration(inputs: inputs.isEmpty ? ["-"] : inputs, partialPath: partial)
        workers.apply(to: &configuration)
        input.apply(to: &configuration)
        rows.apply(to: &configuration)
        checks.apply(to: &configuration)
        report.apply(to: &configuration)
        configuration.rejectsPath = rejects.rejects
        try RunDriver.execute(configuration, report: report)
    }
}
