import ArgumentParser
import Foundation
import TallyPipeline

/// What the run tells, and where.
struct OutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the run's accounting as JSON to FILE.", valueName: "FILE"))
    var summaryJSON: String?

    @Option(help: ArgumentHelp(
        "Write the rejected lines (source, line number, reason, text) to FILE, gzip-compressed.", valueName: "FILE"))
    var rejects: String?

    @Flag(name: .shortAndLong, help: "Print a short summary to standard error.")
    var verbose = false

    /// Warnings and errors always go to standard error (cron mails them); the summary only
    /// when asked for.
    func emit(_ report: RunReport, configuration: RunConfiguration) {
        for input in report.failedInputs {
            StandardError.print("tally: error: \(input.location): \(input.error?.description ?? "failed")")
        }
        for warning in report.warnings {
            StandardError.print("tally: warning: \(warning)")
        }
        if let error = report.writeError {
            StandardError.print("tally: error: \(error)")
        }
        if let summaryJSON {
            do {
                try report.summaryJSON().write(to: URL(fileURLWithPath: summaryJSON), options: .atomic)
            } catch {
                StandardError.print("tally: error: cannot write \(summaryJSON): \(error.localizedDescription)")
            }
        }
        if verbose {
            StandardError.print(report.humanSummary(outputDirectory: configuration.outputDirectory))
        }
    }
}

enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
