import Foundation
import Synchronization
import TallyAggregator
import TallyBytes
import TallyParser
import TallyReader
import TallyStore
import TallyThreads
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
        /// The `--campaigns` file cannot be read or used.
        case campaigns(String)

        public var description: String {
            switch self {
            case .unknownTimeZone(let zone): "unknown time zone '\(zone)'"
            case .zoneWithoutHours(let zone):
                "the time zone '\(zone)' has an offset that is not a whole number of quarter hours, "
                    + "which an hourly rollup cannot label"
            case .outputCollision(let why), .campaigns(let why): why
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
        if configuration.inputKind == .logs, configuration.granularity == .hour, !calendar.hasQuarterHourOffsets {
            throw .zoneWithoutHours(configuration.timeZone)
        }
        let names = try campaignNames()
        if names != nil, configuration.inputKind == .logs, !configuration.keyColumns.columns.contains(.campaign) {
            throw .campaigns(
                "--campaigns names campaigns, and --by \(configuration.keyColumns.names.joined(separator: ",")) has none"
            )
        }

        var report = RunReport()
        report.timeZone = configuration.timeZone
        let outputs = OutputFiles(
            outputDirectory: configuration.outputDirectory,
            files: [
                ("--summary-json", configuration.summaryPath), ("--rejects", configuration.rejectsPath),
                ("--metrics", configuration.metricsPath), ("--partial", configuration.partialPath),
                ("--combined", configuration.combinedPath), ("--xlsx", configuration.xlsxPath),
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
        let writesDays = configuration.partialPath == nil
        let expansion = InputExpander(
            // A partial's folder may hold the logs it is made of.
            excludingDirectories: writesDays ? [configuration.outputDirectory] : [], outputFiles: outputs.paths,
            ownOutputs: outputs.writtenByTally, settings: configuration.configPath.map { [$0] } ?? []
        ).expand(configuration.inputs)
        if let input = expansion.outputsAmongInputs.first {
            throw .outputCollision(
                input == "-"
                    ? "standard input is one of this run's outputs"
                    : "\(input) is an input and an output of this run")
        }

        // One run at a time per output folder; held until this function returns. A partial is
        // one file, replaced atomically, and map runs share folders: it takes no lock.
        if writesDays {
            guard let lock = takeLock(of: configuration.outputDirectory, for: "writing to", &report) else {
                return report
            }
            report.lock = lock
        }
        var state: StateRun?
        if writesDays, configuration.inputKind == .logs, let statePath = configuration.statePath {
            guard let opened = openState(at: statePath, &report) else { return report }
            state = opened
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
        let problems = expansion.problems.map { InputReport(location: $0.location, status: .failed, error: $0.error) }
        if configuration.inputKind == .logs {
            report.warnings += expansion.duplicates.map { "\($0): named more than once; read once" }
        }

        let partial: PartialRollup
        var rejectParts: [RejectsFile.Part] = []
        var newRows: [ContentFingerprint: [(day: Int32, rows: [UInt8])]] = [:]
        switch configuration.inputKind {
        case .logs:
            let unchanged = state?.unchangedInputs(expansion.inputs) ?? [:]
            if let state {
                for path in state.forgottenAndGone() {
                    report.warnings.append("--rebuild: \(path) is not among the inputs: its counts are dropped")
                }
            }
            progress.setInputsTotal(expansion.inputs.count - unchanged.count)
            progress.setStoredBytesTotal(
                Int(expansion.sizes.filter { unchanged[$0.key] == nil }.values.reduce(0, +)))
            (partial, rejectParts, newRows) = countInputs(
                expansion.inputs, problems: problems, sizes: expansion.sizes, calendar: calendar, rejects: rejects,
                state: state, unchanged: unchanged)
        case .partials:
            guard problems.isEmpty else {
                report.inputs = problems
                return report
            }
            // Logs named twice are read once; a partial named twice is a mistake that would
            // have doubled its counts had it been merged twice: refused like a copy of it.
            if let twice = expansion.duplicates.first {
                report.refusal = PartialRollup.Refusal(
                    description: "\(twice) is named more than once: merged twice, it would be counted twice",
                    exitStatus: .dataError)
                return report
            }
            // Day files beside a state store are views of it, which a merge would not update.
            if writesDays, FileIdentity(path: configuration.outputDirectory + "/.tally/state.sqlite") != nil {
                report.refusal = PartialRollup.Refusal(
                    description: "\(configuration.outputDirectory) holds a state store (.tally/state.sqlite), whose "
                        + "day files tally rollup keeps; merge into another folder",
                    exitStatus: .usage)
                return report
            }
            do throws(PartialRollup.Refusal) {
                partial = try PartialRollup.merging(expansion.inputs)
            } catch {
                report.refusal = error
                return report
            }
            report.timeZone = partial.shape.timeZone
            if names != nil, !partial.shape.keyColumns.columns.contains(.campaign) {
                report.refusal = PartialRollup.Refusal(
                    description: "--campaigns names campaigns, and these partials have no campaign column",
                    exitStatus: .usage)
                return report
            }
        }
        report.inputs = partial.inputs
        conclude(&report)

        if let partialPath = configuration.partialPath {
            let (directory, name) = AtomicFileWriter.split(partialPath)
            do {
                try AtomicFileWriter(fileSystem: fileSystem).replace([(name, partial.fileBytes())], in: directory)
                report.partialWritten = partialPath
            } catch {
                report.writeError = error
            }
        } else {
            var columns = RowColumns(
                granularity: partial.shape.granularity, keyHeaders: partial.shape.keyColumns.headers,
                counterNames: EventKind.allCases.map(\.name))
            columns.distinctName = partial.shape.distinctField.map { "unique_" + $0 }
            if let names {
                // (Partials merged without a campaign column are refused above.)
                columns.campaignNames = names
                columns.campaignColumn = partial.shape.keyColumns.columns.firstIndex(of: .campaign) ?? 0
            }
            let writer = DailyCSVWriter(
                columns: columns, style: configuration.csvStyle, concurrency: configuration.jobs, fileSystem: fileSystem
            )
            var dirty: [Int32]?
            var storedDuplicates: UInt64 = 0
            // With --dedupe, the days the combined file and the workbook show that this run left
            // alone, counted once per id and without their ids (see below).
            var untouchedDays: RollupTable?
            if let state {
                do throws(StoreError) {
                    // The output folder is part of the layout: a store that served another one
                    // (`--state` shared, `-o` changed) writes every day into this one, not only
                    // the days that changed.
                    let folder = FileIdentity(path: configuration.outputDirectory).map {
                        " out=\($0.device):\($0.inode)"
                    }
                    let style =
                        configuration.csvStyle.stateKey + (names.map { " campaigns=\($0.digest)" } ?? "")
                        + (folder ?? "")
                    let days = try state.commit(partial.inputs, rows: newRows, style: style)
                    let counted = Set(partial.inputs.filter { $0.status == .ok }.compactMap(\.fingerprint))
                    // The combined file and the workbook hold every day, so the table must too.
                    let changed = Set(days)
                    let untouched =
                        configuration.combinedPath == nil && configuration.xlsxPath == nil
                        ? [] : try state.store.countedDays().filter { !changed.contains($0) }
                    if partial.table.identifiesEvents {
                        // This run's duplicates are those the stored counts of these days did
                        // not have already: its inputs' repeats, of each other or of earlier ones.
                        let stored = RollupTable(
                            counterCount: partial.table.counterCount, countsDistinct: partial.table.countsDistinct,
                            identifiesEvents: true)
                        try state.addContributions(to: stored, days: days, excluding: counted)
                        partial.table.merge(stored)
                        // (Which uses up the ids of `stored`, merged above.)
                        storedDuplicates = stored.countingDuplicatesOnce(by: partial.shape.granularity).duplicates
                        // A day this run left alone holds stored events only, and an id counts
                        // once a day: each such day is counted on its own and keeps only its
                        // counts, so that one day's ids are in memory at a time, not every
                        // stored day's (8 bytes an id on disk, 25 to 50 in memory).
                        for day in untouched {
                            let stored = RollupTable(
                                counterCount: partial.table.counterCount,
                                countsDistinct: partial.table.countsDistinct, identifiesEvents: true)
                            try state.addContributions(to: stored, days: [day], excluding: counted)
                            let once = stored.countingDuplicatesOnce(by: partial.shape.granularity).table
                            if let untouchedDays { untouchedDays.merge(once) } else { untouchedDays = once }
                        }
                    } else {
                        try state.addContributions(to: partial.table, days: days + untouched, excluding: counted)
                    }
                    dirty = days
                } catch {
                    report.stateError = error
                }
            }
            if report.stateError == nil {
                // What the day files show: with --dedupe, each event id once a day and type.
                var shown = partial.table
                if partial.table.identifiesEvents {
                    let (table, duplicates) = partial.table.countingDuplicatesOnce(by: partial.shape.granularity)
                    shown = table
                    report.duplicateEvents = duplicates - storedDuplicates
                    if let untouchedDays { shown.merge(untouchedDays) }
                }
                do {
                    try writer.write(shown, to: configuration.outputDirectory, days: dirty.map(Set.init)) {
                        report.daysWritten.append($0)
                    }
                    if let names {
                        report.unnamedCampaigns = Self.unnamed(
                            in: shown, column: columns.campaignColumn, keyColumns: columns.keyHeaders.count,
                            names: names)
                    }
                    if let combined = configuration.combinedPath {
                        try writer.writeCombined(shown, to: combined)
                    }
                    if let xlsx = configuration.xlsxPath {
                        try writer.writeWorkbook(shown, to: xlsx)
                    }
                    if let dirty {
                        // A day whose counts all went (a file re-delivered without them): its file goes too.
                        let emptied = Set(dirty).subtracting(shown.days(by: partial.shape.granularity))
                        try writer.remove(days: emptied.sorted(), from: configuration.outputDirectory)
                        try state?.store.clearDirty(dirty)
                    }
                } catch let error as WriteError {
                    report.writeError = error
                } catch let error as StoreError {
                    report.stateError = error
                } catch {
                    preconditionFailure("\(error)")
                }
            }
        }
        do {
            try rejects?.commit(rejectParts)
        } catch {
            if report.writeError == nil { report.writeError = error }
        }
        return report
    }

    /// The `--campaigns` file's names, if one is given.
    private func campaignNames() throws(ConfigurationError) -> CampaignNames? {
        guard let path = configuration.campaignsPath else { return nil }
        let bytes: [UInt8]
        do throws(InputError) {
            bytes = try InputLocation.file(path).wholeContents()
        } catch {
            throw .campaigns("--campaigns \(path): \(error)")
        }
        do throws(CampaignNames.Problem) {
            return try CampaignNames(
                contents: bytes, path: path, digest: bytes.withUnsafeBytes { ContentFingerprint(of: $0) }.description)
        } catch {
            throw .campaigns(error.description)
        }
    }

    /// How many distinct campaigns of `table`'s rows `names` has no name for.
    private static func unnamed(in table: RollupTable, column: Int, keyColumns: Int, names: CampaignNames) -> Int {
        var missing: Set<[UInt8]> = []
        for id in 0..<UInt32(table.keyValues.count) {
            table.keyValues.withBytes(of: id) { key in
                KeyTuple.forEachColumn(of: key, columns: keyColumns) { index, cell in
                    if index == column, !names.contains(cell) { missing.insert(Array(cell)) }
                }
            }
        }
        return missing.count
    }

    /// The lock of `directory`, held until the report goes; nil if another run holds it or it
    /// cannot be made, with the reason in `report`.
    private func takeLock(of directory: String, for use: String, _ report: inout RunReport) -> RunLock? {
        do throws(RunLock.Failure) {
            let lock = try RunLock(directory: directory, waitSeconds: configuration.waitSeconds)
            if let notLocked = lock.notLocked { report.warnings.append(notLocked) }
            return lock
        } catch {
            switch error {
            case .held(let pid):
                report.busy =
                    "another tally run\(pid.map { " (pid \($0))" } ?? "") is \(use) \(directory); "
                    + "try again later, or give --wait SECONDS"
            case .cannotCreate(let why): report.writeError = why
            }
            return nil
        }
    }

    /// The state store at `path`, under the output folder's lock and its own folder's; nil, with
    /// the reason in `report`, if it cannot be used.
    private func openState(at path: String, _ report: inout RunReport) -> StateRun? {
        let folder = AtomicFileWriter.split(path).directory
        do {
            try fileSystem.createDirectory(folder)
        } catch {
            report.writeError = error
            return nil
        }
        // Its own folder's lock too, the default store's as well: another run may name this
        // store with `--state` and write to another output folder. (Every run takes its output
        // folder's lock first and a store's second, so no two runs can each hold a lock that the
        // other waits for.)
        if FileIdentity(path: folder) != FileIdentity(path: configuration.outputDirectory) {
            guard let lock = takeLock(of: folder, for: "using the state store in", &report) else { return nil }
            report.stateLock = lock
        }
        do throws(StoreError) {
            return try StateRun(path: path, shape: RollupShape(configuration), rebuild: configuration.rebuild)
        } catch {
            report.stateError = error
            return nil
        }
    }

    /// How many copies a run names on standard error, one line each.
    static let copiesNamed = 10

    /// The run's accounting from its inputs, and what it must warn or fail for: too many
    /// rejected lines, or nothing counted (drift).
    private func conclude(_ report: inout RunReport) {
        var copies = 0
        for input in report.inputs {
            switch input.status {
            case .ok:
                report.accounting.merge(input.accounting)
                report.warnings += input.warnings.map { "\(input.location): \($0)" }
            case .duplicate:
                copies += 1
                // A folder of copies would otherwise print a line each: the summary lists them all.
                if copies <= Self.copiesNamed {
                    report.warnings.append(
                        "\(input.location): the same content as \(input.original ?? "another input"), "
                            + "which is counted; this copy is not")
                }
            case .empty, .failed, .unchanged: break
            }
        }
        if copies > Self.copiesNamed {
            report.warnings.append(
                "\(copies - Self.copiesNamed) more inputs are copies of counted ones and are not counted "
                    + "(status duplicate in --summary-json)")
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
        // Inputs the state store has counted are not drift: a night without new logs rereads nothing.
        if !configuration.allowEmpty, report.failedInputs.isEmpty, report.accounting.counted == 0,
            !report.inputs.contains(where: { $0.status == .unchanged })
        {
            let uncounted = report.accounting.rejected + report.accounting.ignored
            report.drift = uncounted > 0 ? .nothingCounted(lines: uncounted) : .noInput
        }
    }

    /// Reads `inputs` on the workers, largest first. Reports come back in input order.
    ///
    /// Largest first, because the run ends when the last worker does: taken in the order given,
    /// a large file left for last keeps one worker busy while the others have nothing to do.
    /// Standard input, whose size is unknown, goes first. The order changes nothing else: the
    /// merge is exact in any order, and reports and rejected lines are kept in input order.
    ///
    /// With a state store, the `unchanged` inputs are not read (their reports are given), an input
    /// of a content the store has counted is not counted again, and each newly counted content's
    /// rows are encoded by day for the store.
    private func countInputs(
        _ inputs: [InputLocation], problems: [InputReport], sizes: [InputLocation: Int64], calendar: LocalDayCalendar,
        rejects: RejectsFile?, state: StateRun?, unchanged: [InputLocation: InputReport]
    ) -> (PartialRollup, [RejectsFile.Part], [ContentFingerprint: [(day: Int32, rows: [UInt8])]]) {
        let workers = max(1, min(configuration.jobs, inputs.count))
        let order = inputs.indices.sorted { a, b in
            let (sizeA, sizeB) = (sizes[inputs[a]] ?? .max, sizes[inputs[b]] ?? .max)
            return sizeA != sizeB ? sizeA > sizeB : a < b
        }
        let next = Atomic<Int>(0)
        let reports = Mutex([InputReport?](repeating: nil, count: inputs.count))
        let parts = Mutex([Int: PartBox]())
        let total = Mutex(PartialRollup(shape: RollupShape(configuration)))
        let newRows = Mutex([ContentFingerprint: [(day: Int32, rows: [UInt8])]]())
        let (stateful, counted) = (state != nil, state?.counted ?? [:])
        let ownContents = Dictionary(
            uniqueKeysWithValues: inputs.compactMap { input in
                state?.storedContent(of: input).map { (input, $0) }
            })
        let configuration = self.configuration
        let progress = self.progress

        WorkerThreads.run(workers) {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readSize, alignment: 64)
            defer { buffer.deallocate() }
            let job = InputCounter(configuration: configuration, calendar: calendar, buffer: buffer, progress: progress)
            // One table a worker, its memory kept from input to input; and as hourly files of
            // one feed have about as many keys each, its slots are then the right size at once.
            let table = CountingTable(counterCount: EventKind.allCases.count)
            while true {
                let taken = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard taken < inputs.count else { break }
                let index = order[taken]
                // An input decodes on a thread of its own while its worker parses when cores
                // are left over (fewer inputs than jobs), and when it is one of the last:
                // then the cores that run out of inputs first take up its decoding.
                let pipelined = configuration.jobs >= 2 * workers || taken > inputs.count - workers
                if let known = unchanged[inputs[index]] {
                    reports.withLock { $0[index] = total.withLock { $0.add(known, counts: nil) } }
                    continue
                }
                let (report, counts, part) = job.run(inputs[index], rejects: rejects, pipelined: pipelined, into: table)
                let added = total.withLock {
                    $0.add(report, counts: counts, counted: counted, ownContent: ownContents[inputs[index]])
                }
                if stateful, added.status == .ok, let counts, let fingerprint = added.fingerprint {
                    let days = counts.encodedDays(by: configuration.granularity)
                    newRows.withLock { $0[fingerprint] = days }
                }
                if let part { parts.withLock { $0[index] = PartBox(part: part) } }
                reports.withLock { $0[index] = added }
                progress.inputDone()
            }
        }

        // Of inputs with one content, whichever finished first was counted; the first in input
        // order is named as counted, so that reports do not depend on timing. The counts are
        // the same either way.
        var ordered = reports.withLock { $0.map { $0! } }
        // (Contents the store counted before are not this run's to name.)
        var first: [ContentFingerprint: Int] = [:]
        for index in ordered.indices where ordered[index].status == .ok || ordered[index].status == .duplicate {
            guard let fingerprint = ordered[index].fingerprint, state?.counted[fingerprint] == nil else { continue }
            let counted = first[fingerprint]
            ordered[index].status = counted == nil ? .ok : .duplicate
            ordered[index].original = counted.map { ordered[$0].location.description }
            first[fingerprint] = counted ?? index
        }
        let partial = total.withLock { $0 }
        partial.replaceInputs(problems + ordered)
        let keptParts = parts.withLock { kept in
            kept.sorted { $0.key < $1.key }.filter { ordered[$0.key].status == .ok }.map(\.value.part)
        }
        return (partial, keptParts, newRows.withLock { $0 })
    }
}

/// Hands a finished part from its worker to the run. Safe because the worker never touches it
/// again once it is handed over.
private struct PartBox: @unchecked Sendable {
    let part: RejectsFile.Part
}
