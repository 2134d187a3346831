import ArgumentParser
import TallyPipeline

/// What makes a run fail after it has counted: too many rejected lines, or nothing counted.
struct CheckOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Exit 65 (after writing) if more than this share of lines is rejected, 0 to 1.", valueName: "R"))
    var maxRejectRate: Double?

    @Flag(inversion: .prefixedNo, help: "Succeed when there is no input, or when every line is rejected or ignored.")
    var allowEmpty: Bool?

    func validate() throws {
        if let maxRejectRate, !(0...1).contains(maxRejectRate) {
            throw ValidationError("--max-reject-rate must be between 0 and 1.")
        }
    }

    func apply(to configuration: inout RunConfiguration) {
        if let maxRejectRate { configuration.maxRejectRate = maxRejectRate }
        if let allowEmpty { configuration.allowEmpty = allowEmpty }
    }
}
