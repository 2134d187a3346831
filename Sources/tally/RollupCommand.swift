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

    @OptionGroup(title: "Output")
    var output: OutputOptions

    @Option(
        help: ArgumentHelp(
            "If another run is writing to the output folder, wait up to this long for it (default: 0, exit 75 at once).",
            valueName: "SECONDS"))
    var wait: Double = 0

    /// Optional, so that the help shows no default: the number of cores is the machine's.
    @Option(help: ArgumentHelp("Worker threads (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        guard wait >= 0, wait <= 86_400 else { throw ValidationError("--wait must be between 0 and 86400 seconds.") }
        if inputs.isEmpty, isatty(STDIN_FILENO) != 0 {
            throw ValidationError("No INPUT given and standard input is a terminal; name files, or - for stdin.")
        }
    }

    func run() throws {
        ProcessSetup.reserveStandardDescriptors()
        ProcessSetup.ignoreBrokenPipes()
        if let limit = ProcessSetup.tooFewDescriptors() {
            StandardError.print(
                "tally: error: the descriptor limit (ulimit -n) is \(limit); tally needs at least \(ProcessSetup.minimumDescriptors)"
            )
            throw ExitCode(ExitStatus.osError.rawValue)
        }
        var configuration = RunConfiguration(inputs: inputs.isEmpty ? ["-"] : inputs, outputDirectory: output.out)
        configuration.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        configuration.waitSeconds = wait
        input.apply(to: &configuration)
        rows.apply(to: &configuration)
        configuration.rejectsPath = output.rejects
        configuration.summaryPath = output.summaryJSON
        configuration.metricsPath = output.metrics
        configuration.csvStyle = CSVStyle(
            byteOrderMark: output.bom, crlf: output.crlf, ratios: output.ratios ? RunConfiguration.standardRatios : [])
        SignalCleanup.install()
        let run = RollupRun(configuration: configuration)
        let bar = ProgressBar(run.progress)
        let report: RunReport
        do {
            report = try run.run()
            bar?.finish()
        } catch {
            bar?.finish()
            throw ValidationError(StandardError.escaped("\(error)") + ".")
        }
        let status = output.emit(report, configuration: configuration)
        if status != .ok { throw ExitCode(status.rawValue) }
    }
}
