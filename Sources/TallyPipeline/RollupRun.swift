import Dispatch
import Foundation
import Synchronization
import TallyAggregator
import TallyParser
import TallyReader
import TallyWriter

/// One run of the pipeline: inputs -> per-input counting tables -> one rollup -> daily CSV files.
///
/// Inputs are spread over `jobs` workers. Each worker reads one input at a time into a
/// counting table of that input's own, merges it into the run's one rollup (under a lock) once
/// the input has been read to its checked end, and goes on with the next. Memory is thus
/// bounded by the keys, not the bytes: the run's rollup and one input's table per worker.
/// (Per-worker rollups merged at the end cost more memory: two large tables and the growth of
/// one were alive at once.)
public struct RollupRun: Sendable {
    public let configuration: RunConfiguration
    public let fileSystem: any FileSystem
    /// Updated as the run goes, for a progress bar.
    public let progress = RunProgress()

    /// Decoded bytes are read this many at a time.
    static let readSize = 1 << 20

    public init(configuration: RunConfiguration, fileSystem: any FileSystem = PosixFileSystem()) {
        self.configuration = configuration
        self.fileSystem = fileSystem
    }

    /// What makes a run refuse to start: a usage error (64), found before any input is read.
    public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
        case unknownTimeZone(String)
        /// An hourly rollup in a zone with an offset that is not whole quarter hours.
        case zoneWithoutHours(String)
        /// An output is an input, another output, or a day file.
        case outputCollision(String)

        public var description: String {
            switch self {
            case .unknownTimeZone(let zone): "unknown time zone '\(zone)'"
            case .zoneWithoutHours(let zone):
                "the time zone '\(zone)' has an offset that is not a whole number of quarter hours, "
                    + "which an hourly rollup cannot label"
            case .outputCollision(let why): why
            }
        }
    }

    /// Runs: checks the outputs, reads the inputs, writes the day files and the rejects file.
    /// The report holds the output folder's lock, for the caller to write the summary and the
    /// metrics under it.
    public func run() throws(ConfigurationError) -> RunReport {
        var report = try runSteps()
        report.finished = Date()
        return report
    }

    private func runSteps() throws(ConfigurationError) -> RunReport {
        let parser = configuration.timeParser
        guard
            let calendar = LocalDayCalendar(
                identifier: configuration.timeZone, covering: parser.earliest..<parser.end)
        else { throw .unknownTimeZone(configuration.timeZone) }
        if configuration.granularity == .hour, !calendar.hasQuarterHourOffsets {
            throw .zoneWithoutHours(configuration.timeZone)
        }

        var report = RunReport()
        report.timeZone = configuration.timeZone
        let outputs = OutputFiles(
            outputDirectory: configuration.outputDirectory,
            files: [
                ("--summary-json", configuration.summaryPath), ("--rejects", configuration.rejectsPath),
                ("--metrics", configuration.metricsPath),
            ]
            .compactMap { option, path in path.map { OutputFiles.Named(option: option, path: $0) } })
        do throws(OutputFiles.Problem) {
            try outputs.check()
        } catch {
            switch error {
            case .collision(let why): throw .outputCollision(why)
            case .notRegular(let why):
                report.writeError = why
                return report
            }
        }
        let expansion = InputExpander(
            excludingDirectories: [configuration.outputDirectory], outputFiles: outputs.paths,
            ownOutputs: outputs.writtenByTally
        ).expand(configuration.inputs)
        if let input = expansion.outputsAmongInputs.first {
            throw .outputCollision(
                input == "-"
                    ? "standard input is one of this run's outputs"
                    : "\(input) is an input and an output of this run")
        }

        // One run at a time per output folder; held until this function returns.
        do throws(RunLock.Failure) {
            let lock = try RunLock(directory: configuration.outputDirectory, waitSeconds: configuration.waitSeconds)
            report.lock = lock
            if let notLocked = lock.notLocked { report.warnings.append(notLocked) }
        } catch {
            switch error {
            case .held(let pid):
                report.busy =
                    "another tally run\(pid.map { " (pid \($0))" } ?? "") is writing to \(configuration.outputDirectory); "
                    + "try again later, or give --wait SECONDS"
            case .cannotCreate(let why):
                report.writeError = why
            }
            return report
        }

        // What runs killed outright left beside the outputs, before this run adds its own.
        _ = TemporaryFiles.removeStale(in: configuration.outputDirectory)
        let rejects = configuration.rejectsPath.map { RejectsFile(path: $0, fileSystem: fileSystem) }
        // (Not for `--rejects -`, whose parts go to the system's shared temporary folder.)
        if let rejects, rejects.path != "-" { _ = TemporaryFiles.removeStale(in: rejects.directory) }
        do {
            try rejects?.prepare()
        } catch {
            report.writeError = error
            return report
        }
        report.inputs = expansion.problems.map {
            InputReport(location: $0.location, status: .failed, error: $0.error)
        }
        report.warnings += expansion.duplicates.map { "\($0): named more than once; read once" }

        progress.setInputsTotal(expansion.inputs.count)
        progress.setStoredBytesTotal(Int(expansion.sizes.values.reduce(0, +)))
        let (inputReports, rollup, rejectParts) = countInputs(
            expansion.inputs, sizes: expansion.sizes, calendar: calendar, rejects: rejects)
        report.inputs += inputReports
        for input in report.inputs where input.status == .ok {
            report.accounting.merge(input.accounting)
            report.warnings += input.warnings.map { "\(input.location): \($0)" }
        }
        if let limit = configuration.maxRejectRate, report.accounting.lines > 0,
            Double(report.accounting.rejected) > limit * Double(report.accounting.lines)
        {
            report.rejectRateExceeded = true
            let percent =
                (Double(report.accounting.rejected) / Double(report.accounting.lines) * 10_000).rounded() / 100
            report.warnings.append(
                "\(report.accounting.rejected) of \(report.accounting.lines) lines rejected "
                    + "(\(percent)%), over --max-reject-rate \(limit)")
        }
        if !configuration.allowEmpty, report.failedInputs.isEmpty, report.accounting.counted == 0 {
            let uncounted = report.accounting.rejected + report.accounting.ignored
            report.drift = uncounted > 0 ? .nothingCounted(lines: uncounted) : .noInput
        }

        if rollup.keyCount > 0 {
            let columns = RowColumns(
                granularity: configuration.granularity, keyHeaders: configuration.keyColumns.headers,
                counterNames: EventKind.allCases.map(\.name))
            let writer = DailyCSVWriter(columns: columns, style: configuration.csvStyle, fileSystem: fileSystem)
            do {
                try writer.write(rollup, to: configuration.outputDirectory) { report.daysWritten.append($0) }
            } catch {
                report.writeError = error
            }
        }
        do {
            try rejects?.commit(rejectParts)
        } catch {
            if report.writeError == nil { report.writeError = error }
        }
        return report
    }

    /// Reads `inputs` on the workers, largest first. Reports come back in input order.
    ///
    /// Largest first, because the run ends when the last worker does: taken in the order given,
    /// a large file left for last keeps one worker busy while the others have nothing to do.
    /// Standard input, whose size is unknown, goes first. The order changes nothing else: the
    /// merge is exact in any order, and reports and rejected lines are kept in input order.
    private func countInputs(
        _ inputs: [InputLocation], sizes: [InputLocation: Int64], calendar: LocalDayCalendar, rejects: RejectsFile?
    ) -> ([InputReport], RollupTable, [RejectsFile.Part]) {
        let workers = max(1, min(configuration.jobs, inputs.count))
        let order = inputs.indices.sorted { a, b in
            let (sizeA, sizeB) = (sizes[inputs[a]] ?? .max, sizes[inputs[b]] ?? .max)
            return sizeA != sizeB ? sizeA > sizeB : a < b
        }
        let next = Atomic<Int>(0)
        let reports = Mutex([InputReport?](repeating: nil, count: inputs.count))
        let parts = Mutex([Int: PartBox]())
        let total = Mutex(RollupTable(counterCount: EventKind.allCases.count))
        let configuration = self.configuration
        let progress = self.progress

        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 64)
            defer { buffer.deallocate() }
            let job = InputCounter(configuration: configuration, calendar: calendar, buffer: buffer, progress: progress)
            while true {
                let taken = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard taken < inputs.count else { break }
                let index = order[taken]
                // An input decodes on a thread of its own while its worker parses when cores
                // are left over (fewer inputs than jobs), and when it is one of the last:
                // then the cores that run out of inputs first take up its decoding.
                let pipelined = configuration.jobs >= 2 * workers || taken > inputs.count - workers
                let (report, counts, part) = job.run(inputs[index], rejects: rejects, pipelined: pipelined)
                if let counts { total.withLock { $0.merge(counts) } }
                if let part { parts.withLock { $0[index] = PartBox(part: part) } }
                reports.withLock { $0[index] = report }
                progress.inputDone()
            }
        }

        let keptParts = parts.withLock { $0.sorted { $0.key < $1.key }.map(\.value.part) }
        return (reports.withLock { $0.map { $0! } }, total.withLock { $0 }, keptParts)
    }
}

/// Hands a finished part from its worker to the run. Safe because the worker never touches it
/// again once it is handed over.
private struct PartBox: @unchecked Sendable {
    let part: RejectsFile.Part
}
