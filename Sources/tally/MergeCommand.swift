import ArgumentParser
import TallyPipeline

/// `tally merge`: partial rollups into day files, or into one partial.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge partial rollup files into day files (--out) or into one partial (--partial).",
        discussion: """
            The day files are those tally rollup would write over all the partials' inputs, byte \
            for byte, and so is the summary (its files listed in path order). Partials made with \
            different options, two that cover the same input content, or one that is damaged are \
            refused, and nothing is written.
            """
    )

    @Argument(help: ArgumentHelp("Partial rollup files written by tally map or tally merge.", valueName: "PARTIAL"))
    var partials: [String]

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Directory for the YYYY-MM-DD.csv files (created if missing).", valueName: "DIR"))
    var out: String?

    @Option(help: ArgumentHelp("Write one merged partial rollup file instead of day files.", valueName: "FILE"))
    var partial: String?

    @OptionGroup(title: "Checks")
    var checks: CheckOptions

    @OptionGroup(title: "Day files")
    var days: DayFileOptions

    @OptionGroup(title: "Report")
    var report: ReportOptions

    @OptionGroup
    var lock: LockOptions

    func validate() throws {
        guard (out == nil) != (partial == nil) else {
            throw ValidationError("Give one of --out DIR (day files) and --partial FILE (a merged partial).")
        }
        guard partial != "-" else { throw ValidationError("--partial must name a file, not standard output.") }
        if partial != nil,
            days.bom == true || days.crlf == true || days.ratios == true || days.combined != nil
                || days.campaigns != nil
                || days.xlsx != nil
        {
            throw ValidationError(
                "--bom, --crlf, --ratios, --combined, --xlsx and --campaigns are for day files (--out), not a partial.")
        }
        guard !partials.isEmpty else { throw ValidationError("No PARTIAL given.") }
    }

    func run() throws {
        var configuration =
            if let partial {
                RunConfiguration(inputs: partials, partialPath: partial)
            } else {
                RunConfiguration(inputs: partials, outputDirectory: out!)
            }
        configuration.inputKind = .partials
        lock.apply(to: &configuration)
        checks.apply(to: &configuration)
        report.apply(to: &configuration, config: nil)
        days.apply(to: &configuration)
        try RunDriver.execute(configuration, report: report)
    }
}
