import ArgumentParser

/// Where a rollup's day files go.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Directory for the YYYY-MM-DD.csv files (created if missing).", valueName: "DIR"))
    var out: String
}

/// Where the lines a run rejects go, if anywhere.
struct RejectsOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write the rejected lines (source, line number, reason, text) to FILE as TSV, gzip if it ends in .gz (- for standard output).",
            valueName: "FILE"))
    var rejects: String?
}
