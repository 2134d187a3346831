import ArgumentParser
import TallyPipeline

/// What the run tells about itself, and where.
struct ReportOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Write the run's accounting as JSON to FILE (- for standard output).", valueName: "FILE"))
    var summaryJSON: String?

    @Option(
        help: ArgumentHelp(
            "Write the run as Prometheus metrics to FILE (node_exporter's textfile format).", valueName: "FILE"))
    var metrics: String?

    @Flag(name: .shortAndLong, inversion: .prefixedNo, help: "Print a short summary to standard error.")
    var verbose: Bool?

    func apply(to configuration: inout RunConfiguration, config: ConfigFile?) {
        if let summaryJSON { configuration.summaryPath = summaryJSON }
        if let metrics { configuration.metricsPath = metrics }
        configuration.verbose = verbose ?? config?.verbose ?? false
    }

    /// Warnings and errors always go to standard error (cron mails them); the summary only
    /// when asked for.
    /// - Returns: the exit status, which a summary file that could not be written makes a failure.
    func emit(_ report: RunReport, configuration: RunConfiguration) -> ExitStatus {
        if let refusal = report.refusal {
            StandardError.print("tally: error: \(refusal)")
        }
        if let stateError = report.stateError {
            StandardError.print("tally: error: state store: \(stateError)")
        }
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
        let (summaryStatus, summaryFailure) = report.writeSummary(ifAskedTo: configuration.summaryPath)
        if let summaryFailure {
            StandardError.print("tally: error: summary: \(summaryFailure)")
        }
        let (status, metricsFailure) = report.writeMetrics(
            ifAskedTo: configuration.metricsPath, status: summaryStatus)
        if let metricsFailure {
            StandardError.print("tally: error: metrics: \(metricsFailure)")
        }
        if configuration.verbose {
            for line in report.humanSummary(outputDirectory: configuration.outputDirectory) {
                StandardError.print(line)
            }
        }
        return status
    }
}
