import ArgumentParser
import TallyPipeline

/// Where the nightly state store is, or that there is none.
struct StateOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The state store: what every input so far contributed (default: DIR/.tally/state.sqlite).",
            valueName: "PATH"))
    var state: String?

    @Flag(help: "No state store: read every input given, and write each day it touches from those inputs alone.")
    var noState = false

    @Flag(help: "Forget the state store's counts and read every input given again; the others' counts are dropped.")
    var rebuild = false

    func validate() throws {
        if noState, state != nil || rebuild {
            throw ValidationError("--no-state cannot go with --state or --rebuild.")
        }
    }

    func apply(to configuration: inout RunConfiguration) {
        guard !noState else { return }
        let out = configuration.outputDirectory
        configuration.statePath = state ?? (out.hasSuffix("/") ? out : out + "/") + ".tally/state.sqlite"
        configuration.rebuild = rebuild
    }
}
