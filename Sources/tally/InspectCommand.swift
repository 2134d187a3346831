import ArgumentParser
import TallyPipeline

/// `tally inspect`: what tally makes of some logs, before they are rolled up.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show how tally reads some log files: format, field names, first events, ignored types, rejects.",
        discussion: """
            Reads each FILE as tally rollup would, counting nothing and writing nothing: the format \
            found, the names each field goes by and the type values counted, the first events with \
            the day they count on, the ignored type values with their counts, and each reject reason \
            with the first line that gave it. Exit 0 when every FILE could be read, whatever it held.
            """
    )

    @Argument(help: ArgumentHelp("Log files, or - for standard input.", valueName: "FILE"))
    var files: [String]

    @OptionGroup(title: "Input")
    var input: InputOptions

    @OptionGroup(title: "Rows")
    var rows: RowOptions

    @Option(help: ArgumentHelp("How many of the first events to show.", valueName: "N"))
    var events: Int = 5

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Name at least one FILE to inspect.") }
        guard events >= 0 else { throw ValidationError("--events cannot be negative.") }
    }

    func run() throws {
        ProcessSetup.ignoreBrokenPipes()
        var (configuration, _) = try input.configuration(inputs: files)
        try rows.apply(to: &configuration)
        var worst = ExitStatus.ok
        for (index, file) in files.enumerated() {
            let inspection = Inspection.inspect(
                file == "-" ? .standardInput : .file(file), configuration: configuration, events: events)
            if index > 0 { print("") }
            for line in inspection.lines(configuration: configuration) { print(StandardError.escaped(line)) }
            if let error = inspection.error, worst == .ok { worst = ExitStatus(inputError: error) }
        }
        if worst != .ok { throw ExitCode(worst.rawValue) }
    }
}
