import ArgumentParser

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
