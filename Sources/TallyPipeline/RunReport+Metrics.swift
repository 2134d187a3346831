import Foundation
import TallyParser
import TallyWriter

extension RunReport {
    /// The name of the metric that keeps the last successful run's time across failed runs.
    static let lastSuccessMetric = "tally_last_success_timestamp_seconds"

    /// The `--metrics` file: the run as Prometheus metrics, in the text format node_exporter's
    /// textfile collector reads. Metric names and labels are fixed, so a dashboard or an alert
    /// ("no success for 26 hours") can rely on them.
    ///
    /// - Parameters:
    ///   - status: the run's final exit status (after its summary was written, or failed to be).
    ///   - previousSuccess: the last success recorded in the file this one replaces: a failed
    ///     run keeps it, so that an alert on its age fires.
    func metricsText(status: ExitStatus, previousSuccess: Int?) -> String {
        var text = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples {
                text += name + (sample.labels.isEmpty ? "" : "{\(sample.labels)}") + " " + sample.value + "\n"
            }
        }
        let success = status == .ok ? Int(finished.timeIntervalSince1970) : previousSuccess
        if let success {
            metric(Self.lastSuccessMetric, "Unix time of the end of the last run that exited 0.", [("", "\(success)")])
        }
        metric(
            "tally_last_run_timestamp_seconds", "Unix time of the end of the last run.",
            [
                ("", "\(Int(finished.timeIntervalSince1970))")
            ])
        metric("tally_last_run_exit_status", "Exit status of the last run (sysexits).", [("", "\(status.rawValue)")])
        metric(
            "tally_last_run_duration_seconds", "Wall time of the last run.",
            [
                ("", String(format: "%.3f", finished.timeIntervalSince(started)))
            ])
        let statuses = InputReport.Status.allCases
        metric(
            "tally_last_run_files", "Inputs of the last run, by outcome (ok: read and rolled up).",
            statuses.map { status in
                ("outcome=\"\(status.rawValue)\"", "\(inputs.filter { $0.status == status }.count)")
            })
        metric(
            "tally_last_run_lines", "Lines of the inputs rolled up, by outcome.",
            [
                ("counted", accounting.counted), ("ignored", accounting.ignored), ("rejected", accounting.rejected),
                ("blank", accounting.blank),
            ].map { ("outcome=\"\($0.0)\"", "\($0.1)") })
        metric(
            "tally_last_run_rejected_lines", "Rejected lines of the inputs rolled up, by reason.",
            RejectReason.allCases.map { ("reason=\"\($0.name)\"", "\(accounting.rejected($0))") })
        metric(
            "tally_last_run_events", "Counted events, by type.",
            EventKind.allCases.map { ("type=\"\($0.name)\"", "\(accounting.events($0))") })
        if let duplicateEvents {
            metric(
                "tally_last_run_duplicate_events",
                "Events not counted as repeats of an id counted that day (--dedupe).",
                [("", "\(duplicateEvents)")])
        }
        return text
    }

    /// Writes `metricsText` to `path`, atomically like every output, keeping the last success
    /// that the file it replaces recorded; or to standard output if `path` is `-`.
    public func writeMetrics(to path: String, status: ExitStatus, fileSystem: any FileSystem = PosixFileSystem())
        throws(WriteError)
    {
        if path == "-" {
            let text = Array(metricsText(status: status, previousSuccess: nil).utf8)
            try text.withUnsafeBytes { raw in Result { () throws(WriteError) in try StandardOutput.write(raw) } }.get()
            return
        }
        let previous = Self.lastSuccess(in: path)
        let (directory, name) = AtomicFileWriter.split(path)
        _ = TemporaryFiles.removeStale(in: directory)
        try AtomicFileWriter(fileSystem: fileSystem).replace(
            [(name, Array(metricsText(status: status, previousSuccess: previous).utf8))], in: directory)
    }

    /// The last success recorded in the metrics file at `path`, if there is one.
    static func lastSuccess(in path: String) -> Int? {
        guard let head = FileHead.read(path, upTo: 1 << 16) else { return nil }
        for line in String(decoding: head, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix(lastSuccessMetric + " ") {
            return Int(line.dropFirst(lastSuccessMetric.count + 1))
        }
        return nil
    }

    /// Whether the file at `path` is a metrics file that tally wrote.
    static func isMetricsFile(_ path: String) -> Bool {
        guard let head = FileHead.read(path, upTo: 256) else { return false }
        return String(decoding: head, as: UTF8.self).hasPrefix("# HELP tally_")
    }
}
