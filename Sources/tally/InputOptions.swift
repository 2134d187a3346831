import ArgumentParser
import Foundation
import TallyPipeline

extension LogFormat: ExpressibleByArgument {}

/// `--inflater`: a library, or `auto` for the fastest this build can use.
enum InflaterChoice: String, CaseIterable, ExpressibleByArgument {
    case auto, zlib, isal
}

/// How inputs are read. Each option is nil unless given, so that a `--config` file's setting
/// stands where the command line says nothing.
struct InputOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A TOML file of settings: the log format and any option; the command line wins.", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("IANA time zone that days are counted in (default: UTC).", valueName: "ZONE"))
    var tz: String?

    @Option(
        help: ArgumentHelp("IANA time zone of times written without an offset (default: UTC).", valueName: "ZONE"))
    var inputTz: String?

    @Option(help: "Input format (default: auto, decided per input from its first non-blank line).")
    var format: LogFormat?

    @Option(
        help: ArgumentHelp(
            "The delimiter of delimited input, one character or \\t (default: the commonest of , tab ; | ^ in the first line).",
            valueName: "CHAR"))
    var delimiter: String?

    @Option(
        help: ArgumentHelp(
            "Lines longer than this are rejected as line_too_long (default: 1048576).", valueName: "BYTES"))
    var maxLineBytes: Int?

    /// A line up to `--max-line-bytes` is held whole to be parsed; past a gigabyte that is a
    /// typing mistake rather than a log line (and near Int.max, an overflow).
    static let maxLineBytesLimit = 1 << 30

    @Option(help: "Which library inflates gzip data (default: auto, ISA-L where this build has it).")
    var inflater: InflaterChoice?

    /// `--delimiter` as a byte, once `validate()` has checked it.
    var delimiterByte: UInt8? {
        guard let delimiter else { return nil }
        return delimiter == "\\t" ? UInt8(ascii: "\t") : delimiter.utf8.first
    }

    func validate() throws {
        for (option, zone) in [("--tz", tz), ("--input-tz", inputTz)] {
            guard let zone, !RunConfiguration.isKnownTimeZone(zone) else { continue }
            throw ValidationError(
                "\(option): unknown time zone '\(zone)'; use an IANA name such as UTC, Europe/London or "
                    + "America/New_York (not an abbreviation such as BST or an offset such as GMT+5).")
        }
        if let maxLineBytes, !(1...Self.maxLineBytesLimit).contains(maxLineBytes) {
            throw ValidationError("--max-line-bytes must be between 1 and \(Self.maxLineBytesLimit) (1 GiB).")
        }
        if let delimiter, delimiter != "\\t",
            delimiter.utf8.count != 1 || ["\n", "\r", "\"", "\0"].contains(delimiter)
        {
            throw ValidationError("--delimiter must be one byte other than a quote or a line end, or \\t for a tab.")
        }
        if inflater == .isal, let why = RunConfiguration.isalUnavailable {
            throw ValidationError("--inflater isal: \(why).")
        }
    }

    /// The `--config` file, read and checked; nil without one.
    /// - Throws: exit 78 (EX_CONFIG) after one line on standard error, if the file cannot be
    ///   read or is wrong: before any input is read.
    func loadConfig() throws -> ConfigFile? {
        guard let config else { return nil }
        do {
            return try ConfigFile.load(path: config)
        } catch {
            throw Self.configFailure(error)
        }
    }

    static func configFailure(_ error: ConfigFile.Error) -> ExitCode {
        StandardError.print("tally: error: " + StandardError.escaped(error.description))
        return ExitCode(ExitStatus.config.rawValue)
    }

    /// Tally's defaults, then the `--config` file's settings, then these options.
    func configuration(inputs: [String]) throws -> (RunConfiguration, ConfigFile?) {
        var configuration = RunConfiguration(inputs: inputs, outputDirectory: "")
        configuration.jobs = ProcessInfo.processInfo.activeProcessorCount
        configuration.inflater = .fastest
        let file = try loadConfig()
        if let file, let config {
            configuration.configPath = config
            do {
                try file.apply(to: &configuration, path: config)
            } catch {
                throw Self.configFailure(error)
            }
        }
        apply(to: &configuration)
        return (configuration, file)
    }

    func apply(to configuration: inout RunConfiguration) {
        if let tz { configuration.timeZone = tz }
        if let inputTz { _ = configuration.setInputTimeZone(inputTz) }
        if let format { configuration.format = format }
        if let delimiterByte { configuration.schema.delimiter = delimiterByte }
        if let maxLineBytes { configuration.maxLineBytes = maxLineBytes }
        switch inflater {
        case .auto: configuration.inflater = .fastest
        case .zlib: configuration.inflater = .zlib
        case .isal: configuration.inflater = .isal
        case nil: break
        }
    }
}
