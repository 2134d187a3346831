import ArgumentParser
import Foundation
import TallyParser
import TallyPipeline

extension LogFormat: ExpressibleByArgument {}

/// How inputs are read.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("IANA time zone that days are counted in.", valueName: "ZONE"))
    var tz: String = "UTC"

    @Option(help: "Input format; auto decides per input from its first non-blank line.")
    var format: LogFormat = .auto

    @Option(help: ArgumentHelp("Lines longer than this are rejected as line_too_long.", valueName: "BYTES"))
    var maxLineBytes: Int = 1 << 20

    func validate() throws {
        guard TimeZone(identifier: tz) != nil else {
            throw ValidationError("Unknown time zone '\(tz)'; use an IANA name such as UTC or America/New_York.")
        }
        guard maxLineBytes >= 1 else { throw ValidationError("--max-line-bytes must be at least 1.") }
    }

    func apply(to configuration: inout RunConfiguration) {
        configuration.timeZone = tz
        configuration.format = format
        configuration.maxLineBytes = maxLineBytes
    }
}
