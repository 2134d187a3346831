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

    /// The command line's choice, else the `--config` file's, else the store in the output folder.
    func apply(to configuration: inout RunConfiguration, config: ConfigFile?) throws {
        var path: String?
        if noState {
            path = nil
        } else if let state {
            path = state
        } else {
            switch config?.state {
            case .off?: path = nil
            case .path(let configured)?: path = configured
            case nil:
                let out = configuration.outputDirectory
                path = (out.hasSuffix("/") ? out : out + "/") + ".tally/state.sqlite"
            }
        }
        if rebuild, path == nil {
            throw ValidationError("--rebuild needs a state store, and the --config file says state = false.")
        }
        configuration.statePath = path
        configuration.rebuild = rebuild
    }
}
