import TallyAggregator
import TallyParser
import TallyReader
import TallyWriter

/// What a front end (the command line) needs of the stages around a run, through the pipeline:
/// it imports no stage but this one.
public typealias LogFormat = TallyParser.LogFormat
public typealias Inflater = TallyReader.Inflater
public typealias CSVStyle = TallyWriter.CSVStyle
public typealias KeyColumns = TallyParser.KeyColumns
public typealias Granularity = TallyAggregator.Granularity

extension RunConfiguration {
    /// `--ratios`: clicks and video views over impressions.
    public static let standardRatios = [
        CSVStyle.Ratio(name: "ctr", numerator: EventKind.click.rawValue, denominator: EventKind.impression.rawValue),
        CSVStyle.Ratio(
            name: "view_rate", numerator: EventKind.videoView.rawValue, denominator: EventKind.impression.rawValue),
    ]

    /// Why ISA-L cannot inflate in this run, if it cannot (`--inflater isal`, `inflater = "isal"`).
    public static var isalUnavailable: String? {
        guard !Inflater.isal.isAvailable else { return nil }
        return Inflater.isal.isBuiltIn
            ? "this build has ISA-L, but its library (libisal.so.2) could not be loaded"
            : "this build has no ISA-L (install libisal-dev, then rebuild)"
    }

    /// Reads times written without a zone as times in the zone `name`.
    /// - Returns: false, changing nothing, if `name` is not a zone.
    public mutating func setInputTimeZone(_ name: String) -> Bool {
        guard let parser = TimeParser(inputZone: name) else { return false }
        timeParser = parser
        return true
    }

    /// Estimates each row's distinct values of the field `name` (`--uniques`).
    /// - Returns: why it cannot be, if it cannot: a field the key or the event is read from.
    public mutating func setDistinctField(_ name: String) -> String? {
        if let problem = problemWithExtraField(name) { return problem }
        distinctField = name
        return nil
    }

    /// Counts an event whose field `name` repeats another's of the same day and type once (`--dedupe`).
    /// - Returns: why it cannot be, if it cannot: a field the key or the event is read from.
    public mutating func setDedupeField(_ name: String) -> String? {
        if let problem = problemWithExtraField(name) { return problem }
        dedupeField = name
        return nil
    }

    /// Why `name` cannot be a field read besides the row's (`--uniques`, `--dedupe`), if it cannot.
    private func problemWithExtraField(_ name: String) -> String? {
        if name.isEmpty { return "name a field" }
        if let field = Field.allCases.first(where: { schema.aliases[$0]?.contains(name) == true }) {
            return "'\(name)' is the \(field) field"
        }
        if keyColumns.names.contains(name) { return "'\(name)' is a key column (--by)" }
        return nil
    }

    /// Whether `name` is a zone of the system's tzdata that `timeZone` may be.
    public static func isKnownTimeZone(_ name: String) -> Bool {
        LocalDayCalendar.isZoneName(name)
    }
}

extension RollupRun {
    /// tally's release, as `tally --version` and the summary say it.
    public static let version = "0.16.3"

    /// Removes every temporary file the process has made and not yet renamed, and lets no new
    /// one be made: for a signal handler, as the process goes. Every output stays whole.
    public static func abandonTemporaryFiles() {
        TemporaryFiles.shared.stop()
    }
}

extension RunReport {
    /// Writes the summary to `path` if there is one (`-`: standard output), and gives the run's
    /// exit status, which a summary that could not be written makes a failure, with the reason.
    public func writeSummary(ifAskedTo path: String?) -> (status: ExitStatus, failure: String?) {
        guard let path else { return (exitStatus, nil) }
        do {
            try writeSummary(to: path)
            return (exitStatus, nil)
        } catch {
            return (exitStatus(afterOutputError: error), error.description)
        }
    }

    /// Writes the metrics to `path` if there is one, for a run that ends with `status`; gives
    /// the status again, which a metrics file that could not be written makes a failure, with
    /// the reason.
    public func writeMetrics(ifAskedTo path: String?, status: ExitStatus) -> (status: ExitStatus, failure: String?) {
        guard let path else { return (status, nil) }
        do {
            try writeMetrics(to: path, status: status)
            return (status, nil)
        } catch {
            return (status == .ok ? exitStatus(afterOutputError: error) : status, error.description)
        }
    }
}
