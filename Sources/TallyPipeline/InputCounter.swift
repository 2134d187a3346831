import TallyAggregator
import TallyParser
import TallyReader
import TallyWriter

/// Reads one input to its end into a counting table of its own.
///
/// The counts of an input stay apart until its last byte has been checked (a gzip member's CRC
/// can fail at the very end), and are merged into the run's rollup only then: a damaged input
/// contributes nothing, wherever the damage is.
struct InputCounter {
    let configuration: RunConfiguration
    let calendar: LocalDayCalendar
    /// Decoded bytes are read into this, and lines are sliced from it in place.
    let buffer: UnsafeMutableRawBufferPointer
    let progress: RunProgress

    /// - Parameters:
    ///   - pipelined: decode on a second thread while this one parses.
    ///   - counts: the table to count into, emptied first: a worker's own, kept from input to
    ///     input (see `CountingTable.removeAll()`). The counts returned hold it.
    /// - Returns: the report, and if the input is good its counts and its rejected lines.
    func run(_ location: InputLocation, rejects: RejectsFile?, pipelined: Bool, into counts: CountingTable)
        -> (InputReport, InputCounts?, RejectsFile.Part?)
    {
        precondition(counts.counterCount == EventKind.allCases.count, "a table of other counters")
        counts.removeAll()
        var report = InputReport(location: location, status: .ok)
        // A partial rollup and the state store know inputs by their content. When another thread
        // parses, the decoding thread sets the pace: a regular file is then read and hashed ahead
        // of it on a thread of its own (`ReadAhead`); a pipe or standard input, whose reads may
        // block for ever, is read in place and hashed on a thread of its own.
        let readsAhead = pipelined && InputOpener.readsAhead(location)
        let hasher: (any FingerprintHasher)?
        if configuration.partialPath == nil && configuration.statePath == nil {
            hasher = nil
        } else if pipelined, !readsAhead, let background = BackgroundHasher() {
            hasher = background
        } else {
            hasher = ContentFingerprint.Hasher()
        }
        let opened: OpenedInput
        do {
            opened = try InputOpener.open(
                location, inflater: configuration.inflater, onRead: progress.readStored,
                storedBytes: hasher.map { hasher in { hasher.update($0) } }, readAhead: readsAhead)
        } catch {
            report.status = .failed
            report.error = error
            return (report, nil, nil)
        }
        report.compression = opened.compression
        if opened.isEmpty {
            report.status = .empty
            report.fingerprint = hasher?.finish()
            return (report, nil, nil)
        }
        let extras =
            configuration.distinctField == nil && configuration.dedupeField == nil
            ? nil
            : RollupTable(
                counterCount: EventKind.allCases.count, countsDistinct: configuration.distinctField != nil,
                identifiesEvents: configuration.dedupeField != nil)
        var parser = configuration.eventParser(for: location)
        var splitter = LineSplitter(maxLineBytes: configuration.maxLineBytes)
        var accounting = LineAccounting()
        var ignoredTypes = IgnoredTypeTally()
        let calendar = self.calendar
        let granularity = configuration.granularity
        var lineNumber = 0
        var decodedBytes = 0
        var rejected: RejectsFile.Part?

        func handle(_ piece: LineSplitter.Piece) {
            lineNumber += 1
            let outcome = parser.parse(piece)
            switch outcome {
            case .event(let event):
                let period = calendar.period(of: event.instant, granularity)
                counts.add(period: period, key: event.key, counter: event.kind.rawValue)
                if let extras {
                    if !event.distinct.isEmpty {
                        extras.addDistinct(period: period, key: event.key, value: event.distinct)
                    }
                    if !event.identity.isEmpty {
                        extras.addIdentified(
                            period: period, key: event.key, counter: event.kind.rawValue, value: event.identity)
                    }
                }
            case .rejected(let reason):
                if let rejects {
                    if rejected == nil { rejected = rejects.makePart(source: location.description) }
                    rejected?.record(line: lineNumber, reason: reason.name, text: piece.bytes)
                }
            case .ignored(let type):
                ignoredTypes.record(type)
            default:
                break
            }
            accounting.record(outcome)
        }

        do throws(InputError) {
            let chunks: any ChunkSource
            if pipelined, let pump = ChunkPump(source: opened.source, bufferSize: buffer.count) {
                chunks = pump
            } else {
                // Also when the pump's thread cannot be started: slower, the same counts.
                chunks = DirectChunks(source: opened.source, buffer: buffer)
            }
            try chunks.forEachChunk { chunk in
                decodedBytes += chunk.count
                progress.read(chunk.count)
                splitter.consume(chunk, indexing: { parser.textClasses }, handle)
            }
            splitter.finish(handle)
        } catch {
            report.status = .failed
            report.error = error
            report.accounting = accounting
            rejected?.discard()
            return (report, nil, nil)
        }
        accounting.ignoredTypes = ignoredTypes.byValue
        report.accounting = accounting
        // A gzip file of nothing (a 20-byte member, or only empty members) is as empty as a zero-byte file.
        if decodedBytes == 0 { report.status = .empty }
        report.format = parser.format
        report.warnings = parser.headerProblems
        report.fingerprint = hasher?.finish()
        rejected?.finish()
        extras?.sortEventIDs()
        return (report, InputCounts(table: counts, extras: extras), rejected)
    }
}
