import ArgumentParser
import Foundation
import TallyPipeline

/// What `tally rollup` and `tally map` share: the logs to read, how, what a row counts, what
/// fails the run, and how many threads.
struct LogOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Log files, directories, or - for standard input.", valueName: "INPUT"))
    var inputs: [String] = []

    @OptionGroup(title: "Input")
    var input: InputOptions

    @OptionGroup(title: "Rows")
    var rows: RowOptions

    @OptionGroup(title: "Checks")
    var checks: CheckOptions

    /// Optional, so that the help shows no default: the number of cores is the machine's.
    @Option(help: ArgumentHelp("Worker threads (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    /// Standard input when no input is named, but never a terminal: a cron job that lost its
    /// arguments must not hang waiting for someone to type.
    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1.") }
        if inputs.isEmpty, isatty(STDIN_FILENO) != 0 {
            throw ValidationError("No INPUT given and standard input is a terminal; name files, or - for stdin.")
        }
    }

    /// The inputs as the run takes them: `-` when none is named.
    var named: [String] { inputs.isEmpty ? ["-"] : inputs }

    /// Tally's defaults, then the `--config` file's settings, then the command line's.
    func configuration() throws -> (RunConfiguration, ConfigFile?) {
        var (configuration, config) = try input.configuration(inputs: named)
        if let jobs { configuration.jobs = jobs }
        try rows.apply(to: &configuration)
        checks.apply(to: &configuration)
        return (configuration, config)
    }
}
