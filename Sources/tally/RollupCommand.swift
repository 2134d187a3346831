import ArgumentParser
import Foundation
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

    @Argument(help: ArgumentHelp("Log files, directories, or - for standard input.", valueName: "INPUT"))
    var inputs: [String] = []

    @OptionGroup(title: "Input")
    var input: InputOptions

    @OptionGroup(title: "Rows")
    var rows: RowOptions

    @OptionGroup(title: "Checks")
    var checks: CheckOptions

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

    @OptionGroup
    var workers: WorkerOptions

    func validate() throws {
        try StandardInputCheck.validate(inputs)
    }

    func run() throws {
        var configuration = RunConfiguration(inputs: inputs.isEmpty ? ["-"] : inputs, outputDirectory: output.out)
        configuration.waitSeconds = lock.wait
        workers.apply(to: &configuration)
        input.apply(to: &configuration)
        rows.apply(to: &configuration)
        checks.apply(to: &configuration)
        report.apply(to: &configuration)
        configuration.rejectsPath = rejects.rejects
        configuration.csvStyle = days.csvStyle
        stateOptions.apply(to: &configuration)
        try RunDriver.execute(configuration, report: report)
    }
}

/// `--wait`: how long to wait for another run that writes to the same folder.
struct LockOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "If another run is writing to the output folder, wait up to this long for it (default: 0, exit 75 at once).",
            valueName: "SECONDS"))
    var wait: Double = 0

    func validate() throws {
        guard wait >= 0, wait <= 86_400 else { throw ValidationError("--wait must be between 0 and 86400 seconds.") }
    }
}

/// `--jobs`.
struct WorkerOptions: ParsableArguments {
    /// Optional, so that the help shows no default: the number of cores is the machine's.
    @Option(help: ArgumentHelp("Worker threads (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
    }

    func apply(to configuration: inout RunConfiguration) {
        configuration.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
    }
}

/// Reading standard input when no input is named, but never from a terminal: a cron job
/// that lost its arguments must not hang waiting for someone to type.
enum StandardInputCheck {
    static func validate(_ inputs: [String]) throws {
        if inputs.isEmpty, isatty(STDIN_FILENO) != 0 {
            throw ValidationError("No INPUT given and standard input is a terminal; name files, or - for stdin.")
        }
    }
}
