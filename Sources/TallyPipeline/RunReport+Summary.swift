import Foundation
import TallyBytes
import TallyParser
import TallyPaths
import TallyWriter

extension RunReport {
    /// The `--summary-json` document: the run's accounting, per input and in all.
    ///
    /// `lines == counted + ignored + rejected + blank` over the inputs with status `ok`, which are
    /// the ones in the rollup. Every reason and kind is listed, with 0 where none occurred, so
    /// a monitoring script can read a fixed shape. Keys are sorted, so two runs over the same
    /// inputs differ only in their `started` and `finished` times.
    public func summaryJSON() -> Data {
        let summary = Summary(
            lines: accounting.lines, counted: accounting.counted, ignored: accounting.ignored,
            rejected: accounting.rejected, blank: accounting.blank, headerLines: accounting.headers,
            events: Dictionary(uniqueKeysWithValues: EventKind.allCases.map { ($0.name, accounting.events($0)) }),
            rejectedByReason: Dictionary(
                uniqueKeysWithValues: RejectReason.allCases.map { ($0.name, accounting.rejected($0)) }),
            files: inputs.map { input in
                // For a failed input, what was read before it failed (none of it is in the rollup).
                Summary.File(
                    path: SystemPath.displayed(input.location.description), status: input.status.rawValue,
                    error: input.error?.description, compression: input.compression?.rawValue,
                    format: input.format?.rawValue, lines: input.accounting.lines,
                    counted: input.accounting.counted, rejected: input.accounting.rejected,
                    sameAs: input.original.map(SystemPath.displayed),
                    warnings: input.warnings.isEmpty ? nil : input.warnings)
            },
            daysWritten: daysWritten, exitStatus: Int(exitStatus.rawValue), drift: drift?.description,
            ignoredTypes: accounting.ignoredTypes.isEmpty ? nil : ignoredTypesShown,
            tallyVersion: RollupRun.version, timeZone: timeZone,
            started: started.formatted(.iso8601), finished: finished.formatted(.iso8601),
            unnamedCampaigns: unnamedCampaigns, duplicateEvents: duplicateEvents,
            outputError: writeError.map { SystemPath.displayed($0.description) },
            warnings: warnings.isEmpty ? nil : warnings.map(SystemPath.displayed))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return try encoder.encode(summary)
        } catch {
            // Strings, integers and dictionaries of them: nothing here can fail to encode.
            preconditionFailure("the summary could not be encoded: \(error)")
        }
    }

    /// Whether the file at `path` is a summary that tally wrote: a JSON object whose first keys
    /// (sorted, pretty-printed) include `days_written`.
    static func isSummaryFile(_ path: String) -> Bool {
        guard let head = FileHead.read(path, upTo: 4096) else { return false }
        return head.first == ASCII.openBrace && head.firstRange(of: Array("\"days_written\"".utf8)) != nil
    }

    /// Writes `summaryJSON()` to `path`, atomically like every output, or to standard output
    /// if `path` is `-`.
    public func writeSummary(to path: String, fileSystem: any FileSystem = PosixFileSystem()) throws(WriteError) {
        if path == "-" {
            var document = Array(summaryJSON())
            document.append(ASCII.newline)
            try document.withUnsafeBytes { raw in Result { () throws(WriteError) in try StandardOutput.write(raw) } }
                .get()
            return
        }
        let (directory, name) = AtomicFileWriter.split(path)
        _ = TemporaryFiles.removeStale(in: directory)
        try AtomicFileWriter(fileSystem: fileSystem).replace([(name, Array(summaryJSON()))], in: directory)
    }

    /// The exit status once an output written after the run (the summary, the metrics) has been
    /// written, or has failed to be.
    public func exitStatus(afterOutputError outputError: WriteError?) -> ExitStatus {
        guard let outputError, writeError == nil else { return exitStatus }
        switch outputError {
        case .cannotCreate: return .cannotCreateOutput
        case .io: return .ioError
        }
    }

    /// A few lines for a person, for `--verbose`: one message each (the caller escapes them;
    /// an ignored type value can hold anything).
    public func humanSummary(outputDirectory: String) -> [String] {
        let ok = inputs.filter { $0.status == .ok }.count
        let empty = inputs.filter { $0.status == .empty }.count
        let copies = inputs.filter { $0.status == .duplicate }.count
        let unchanged = inputs.filter { $0.status == .unchanged }.count
        var lines = [
            "tally: \(inputs.count) input(s): \(ok) ok, \(empty) empty, \(failedInputs.count) failed"
                + (copies > 0 ? ", \(copies) duplicate" : "")
                + (unchanged > 0 ? ", \(unchanged) unchanged (not read)" : ""),
            "tally: \(accounting.lines) lines: \(accounting.counted) counted, \(accounting.ignored) ignored, "
                + "\(accounting.rejected) rejected, \(accounting.blank) blank",
            "tally: "
                + EventKind.allCases.map { "\(accounting.events($0)) \($0.name)" }.joined(separator: ", "),
        ]
        let reasons = RejectReason.allCases.filter { accounting.rejected($0) > 0 }
        if !reasons.isEmpty {
            lines.append(
                "tally: rejected: " + reasons.map { "\(accounting.rejected($0)) \($0.name)" }.joined(separator: ", "))
        }
        let ignored = ignoredTypesShown
        if !ignored.isEmpty {
            let byCount = ignored.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            lines.append(
                "tally: ignored: "
                    + byCount.map { "\($0.value) \($0.key.isEmpty ? "\"\"" : $0.key)" }.joined(separator: ", "))
        }
        if let duplicateEvents {
            lines.append("tally: \(duplicateEvents) duplicate event(s) not counted (--dedupe)")
        }
        if let unnamedCampaigns, unnamedCampaigns > 0 {
            lines.append("tally: \(unnamedCampaigns) campaign(s) of the rows written have no name in --campaigns")
        }
        if let partialWritten {
            lines.append("tally: wrote the partial rollup \(partialWritten)")
        } else {
            lines.append("tally: wrote \(daysWritten.count) day file(s) to \(outputDirectory)")
        }
        return lines
    }

    /// The ignored type values to show: the `IgnoredTypeTally.limit` commonest (ties by value),
    /// the rest counted together, so that a column of garbage over many files stays one line.
    var ignoredTypesShown: [String: Int] {
        let all = accounting.ignoredTypes
        guard all.count > IgnoredTypeTally.limit else { return all }
        let byCount = all.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        var shown = Dictionary(uniqueKeysWithValues: byCount.prefix(IgnoredTypeTally.limit).map { ($0.key, $0.value) })
        shown[IgnoredTypeTally.others, default: 0] += byCount.dropFirst(IgnoredTypeTally.limit).reduce(0) {
            $0 + $1.value
        }
        return shown
    }
}
