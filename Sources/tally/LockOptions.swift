import ArgumentParser
import TallyPipeline

/// `--wait`: how long to wait for another run that writes to the same folder.
struct LockOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "If another run is writing to the output folder, wait up to this long for it (default: 0, exit 75 at once).",
            valueName: "SECONDS"))
    var wait: Double?

    func validate() throws {
        if let wait, !(0...86_400).contains(wait) {
            throw ValidationError("--wait must be between 0 and 86400 seconds.")
        }
    }

    func apply(to configuration: inout RunConfiguration) {
        if let wait { configuration.waitSeconds = wait }
    }
}
