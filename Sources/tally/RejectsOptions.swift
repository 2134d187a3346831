import ArgumentParser
import TallyPipeline

/// Where the lines a run rejects go, if anywhere.
struct RejectsOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write the rejected lines (source, line number, reason, text) to FILE as TSV, gzip if it ends in .gz (- for standard output).",
            valueName: "FILE"))
    var rejects: String?
}

extension RejectsOptions {
    func apply(to configuration: inout RunConfiguration) {
        if let rejects { configuration.rejectsPath = rejects }
    }
}
