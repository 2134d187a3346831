import ArgumentParser
import Foundation
import TallyPipeline

extension LogFormat: ExpressibleByArgument {}

/// `--inflater`: a library, or `auto` for the fastest this build can use.
enum InflaterChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, zlib, isal
}

/// How inputs are read.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("IANA time zone that days are counted in.", valueName: "ZONE"))
    var tz: String = "UTC"

    @Option(help: "Input format; auto decides per input from its first non-blank line.")
    var format: LogFormat = .auto

    @Option(help: ArgumentHelp("Lines longer than this are rejected as line_too_long.", valueName: "BYTES"))
    var maxLineBytes: Int = 1 << 20

    /// A line up to `--max-line-bytes` is held whole to be parsed; past a gigabyte that is a
    /// typing mistake rather than a log line (and near Int.max, an overflow).
    static let maxLineBytesLimit = 1 << 30

    @Option(help: "Which library inflates gzip data; auto takes ISA-L where this build has it.")
    var inflater: InflaterChoice = .auto

    /// The inflater `--inflater` names, once `validate()` has checked it can be used.
    var resolvedInflater: Inflater {
        switch inflater {
        case .auto: .fastest
        case .zlib: .zlib
        case .isal: .isal
        }
    }

    func validate() throws {
        guard RunConfiguration.isKnownTimeZone(tz) else {
            throw ValidationError(
                "Unknown time zone '\(tz)'; use an IANA name such as UTC, Europe/London or America/New_York "
                    + "(not an abbreviation such as BST or an offset such as GMT+5).")
        }
        guard (1...Self.maxLineBytesLimit).contains(maxLineBytes) else {
            throw ValidationError("--max-line-bytes must be between 1 and \(Self.maxLineBytesLimit) (1 GiB).")
        }
        if inflater == .isal, !Inflater.isal.isAvailable {
            throw ValidationError(
                Inflater.isal.isBuiltIn
                    ? "--inflater isal: this build has ISA-L, but its library (libisal.so.2) could not be loaded."
                    : "--inflater isal: this build has no ISA-L (install libisal-dev, then rebuild).")
        }
    }

    func apply(to configuration: inout RunConfiguration) {
        configuration.timeZone = tz
        configuration.format = format
        configuration.maxLineBytes = maxLineBytes
        configuration.inflater = resolvedInflater
    }
}
