import ArgumentParser
import Foundation
import TallyPipeline

/// What the run tells, and where.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Directory for the YYYY-MM-DD.csv files (created if missing).", valueName: "DIR"))
    var out: String

    @Option(
        help: ArgumentHelp("Write the run's accounting as JSON to FILE (- for standard output).", valueName: "FILE"))
    var summaryJSON: String?

    @Option(
        help: ArgumentHelp(
            "Write the rejected lines (source, line number, reason, text) to FILE as TSV, gzip if it ends in .gz (- for standard output).",
            valueName: "FILE"))
    var rejects: String?

    @Option(
        help: ArgumentHelp(
            "Write the run as Prometheus metrics to FILE (node_exporter's textfile format).", valueName: "FILE"))
    var metrics: String?

    @Flag(help: "Start each day file with a UTF-8 byte order mark (for Excel and LibreOffice).")
    var bom = false

    @Flag(help: "End the day files' records with CR LF instead of LF.")
    var crlf = false

    @Flag(help: "Add ctr (clicks / impressions) and view_rate (video_views / impressions) columns.")
    var ratios = false

    @Flag(name: .shortAndLong, help: "Print a short summary to standard error.")
    var verbose = false

    /// Warnings and errors always go to standard error (cron mails them); the summary only
    /// when asked for.
    /// - Returns: the exit status, which a summary file that could not be written makes a failure.
    func emit(_ report: RunReport, configuration: RunConfiguration) -> ExitStatus {
        for input in report.failedInputs {
            StandardError.print("tally: error: \(input.location): \(input.error?.description ?? "failed")")
        }
        for warning in report.warnings {
            StandardError.print("tally: warning: \(warning)")
        }
        if let error = report.writeError {
            StandardError.print("tally: error: \(error)")
        }
        if let busy = report.busy {
            StandardError.print("tally: error: \(busy)")
        }
        if let drift = report.drift {
            StandardError.print("tally: error: \(drift)")
        }
        let (summaryStatus, summaryFailure) = report.writeSummary(ifAskedTo: summaryJSON)
        if let summaryFailure {
            StandardError.print("tally: error: summary: \(summaryFailure)")
        }
        let (status, metricsFailure) = report.writeMetrics(ifAskedTo: metrics, status: summaryStatus)
        if let metricsFailure {
            StandardError.print("tally: error: metrics: \(metricsFailure)")
        }
        if verbose {
            for line in report.humanSummary(outputDirectory: configuration.outputDirectory) {
                StandardError.print(line)
            }
        }
        return status
    }
}
