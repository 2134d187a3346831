import Foundation
import TallyParser
import TallyPaths
import TallyWriter

extension RunReport {
    /// The `--summary-json` document: the run's accounting, per input and in all.
    ///
    /// `lines == counted + ignored + rejected + blank` over the inputs with status `ok`, which are
    /// the ones in the rollup. Every reason and kind is listed, with 0 where none occurred, so
    /// a monitoring script can read a fixed shape.
    public func summaryJSON() -> Data {
        var files: [[String: Any]] = []
        for input in inputs {
            var file: [String: Any] = [
                "path": SystemPath.displayed(input.location.description), "status": input.status.rawValue,
            ]
            if let error = input.error { file["error"] = error.description }
            if let compression = input.compression { file["compression"] = compression.rawValue }
            if let format = input.format { file["format"] = format.rawValue }
            // For a failed input, what was read before it failed (none of it is in the rollup).
            file["lines"] = input.accounting.lines
            file["counted"] = input.accounting.counted
            file["rejected"] = input.accounting.rejected
            if !input.warnings.isEmpty { file["warnings"] = input.warnings }
            files.append(file)
        }
        var document: [String: Any] = [
            "lines": accounting.lines,
            "counted": accounting.counted,
            "ignored": accounting.ignored,
            "rejected": accounting.rejected,
            "blank": accounting.blank,
            "header_lines": accounting.headers,
            "events": Dictionary(uniqueKeysWithValues: EventKind.allCases.map { ($0.name, accounting.events($0)) }),
            "rejected_by_reason": Dictionary(
                uniqueKeysWithValues: RejectReason.allCases.map { ($0.name, accounting.rejected($0)) }),
            "files": files,
            "days_written": daysWritten,
            "exit_status": Int(exitStatus.rawValue),
        ]
        if let writeError { document["output_error"] = SystemPath.displayed(writeError.description) }
        if !warnings.isEmpty { document["warnings"] = warnings.map(SystemPath.displayed) }
        // Sorted keys: the same run gives the same bytes.
        return (try? JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]))
            ?? Data()
    }

    /// Whether the file at `path` is a summary that tally wrote: a JSON object whose first keys
    /// (sorted, pretty-printed) include `days_written`.
    static func isSummaryFile(_ path: String) -> Bool {
        guard let head = FileHead.read(path, upTo: 4096) else { return false }
        return head.first == UInt8(ascii: "{") && head.firstRange(of: Array("\"days_written\"".utf8)) != nil
    }

    /// Writes `summaryJSON()` to `path`, atomically like every output, or to standard output
    /// if `path` is `-`.
    public func writeSummary(to path: String, fileSystem: any FileSystem = PosixFileSystem()) throws(WriteError) {
        if path == "-" {
            var document = Array(summaryJSON())
            document.append(0x0a)
            try document.withUnsafeBytes { raw in Result { () throws(WriteError) in try StandardOutput.write(raw) } }.get()
            return
        }
        let (directory, name) = AtomicFileWriter.split(path)
        _ = TemporaryFiles.removeStale(in: directory)
        try AtomicFileWriter(fileSystem: fileSystem).replace([(name, Array(summaryJSON()))], in: directory)
    }

    /// The exit status once the summary file has been written, or has failed to be.
    public func exitStatus(summaryError: WriteError?) -> ExitStatus {
        guard let summaryError, writeError == nil else { return exitStatus }
        switch summaryError {
        case .cannotCreate: return .cannotCreateOutput
        case .io: return .ioError
        }
    }

    /// A few lines for a person, for `--verbose`.
    public func humanSummary(outputDirectory: String) -> String {
        let ok = inputs.filter { $0.status == .ok }.count
        let empty = inputs.filter { $0.status == .empty }.count
        var lines = [
            "tally: \(inputs.count) input(s): \(ok) ok, \(empty) empty, \(failedInputs.count) failed",
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
        lines.append("tally: wrote \(daysWritten.count) day file(s) to \(outputDirectory)")
        return lines.joined(separator: "\n")
    }
}
