import ArgumentParser
import TallyPipeline

/// Where a rollup's day files go.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Directory for the YYYY-MM-DD.csv files (created if missing).", valueName: "DIR"))
    var out: String?

    /// After the `--config` file: a rollup must write somewhere.
    func apply(to configuration: inout RunConfiguration) throws {
        if let out { configuration.outputDirectory = out }
        guard !configuration.outputDirectory.isEmpty else {
            throw ValidationError("Missing --out DIR (or out = \"DIR\" in the --config file).")
        }
    }
}
