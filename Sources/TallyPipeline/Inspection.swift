import TallyAggregator
import TallyBytes
import TallyParser
import TallyReader
import TallyWriter

/// What `tally inspect` tells of one input, read whole as a rollup would read it but counting
/// nothing: how it was stored and what format it is in, the first events as tally reads them,
/// the ignored type values, and each reject reason with the first line that gave it. What a
/// user reads before the first nightly run, to see that tally understands their logs.
public struct Inspection: Sendable {
    public var location: InputLocation
    public var compression: Compression?
    public var format: LogFormat?
    /// The delimiter of a delimited input.
    public var delimiter: UInt8?
    /// What every line counts as, if a `[[sources]]` entry names the file.
    public var fixedKind: EventKind?
    /// Why the input could not be read to its end, if it could not.
    public var error: InputError?
    public var accounting = LineAccounting()
    public var headerProblems: [String] = []
    public var firstEvents: [Sample] = []
    /// Each reason that occurred, with its first line.
    public var firstRejects: [RejectReason: Sample] = [:]

    /// A line of the input: its number, and what tally made of it.
    public struct Sample: Sendable {
        public let line: Int
        public let text: String
    }

    /// Reads `location` as `configuration` says and notes the first `events` events.
    public static func inspect(_ location: InputLocation, configuration: RunConfiguration, events: Int) -> Inspection {
        var inspection = Inspection(location: location)
        guard
            let calendar = LocalDayCalendar(
                identifier: configuration.timeZone,
                covering: configuration.timeParser.earliest..<configuration.timeParser.end)
        else { return inspection }
        let opened: OpenedInput
        do {
            opened = try InputOpener.open(location, inflater: configuration.inflater)
        } catch {
            inspection.error = error
            return inspection
        }
        inspection.compression = opened.compression
        var parser = configuration.eventParser(for: location)
        var splitter = LineSplitter(maxLineBytes: configuration.maxLineBytes)
        var ignored = IgnoredTypeTally()
        var accounting = LineAccounting()
        var firstEvents: [Sample] = []
        var firstRejects: [RejectReason: Sample] = [:]
        var lineNumber = 0
        let keyHeaders = configuration.keyColumns.headers

        func handle(_ piece: LineSplitter.Piece) {
            lineNumber += 1
            let outcome = parser.parse(piece)
            switch outcome {
            case .event(let event) where firstEvents.count < events:
                var text = "\(Self.utcTime(event.instant))  \(event.kind.name)"
                KeyTuple.forEachColumn(of: event.key, columns: keyHeaders.count) { column, cell in
                    text += "  \(keyHeaders[column])=\(String(decoding: cell, as: UTF8.self))"
                }
                text += "  -> \(CivilDate(daysSinceEpoch: calendar.day(of: event.instant)))"
                firstEvents.append(Sample(line: lineNumber, text: text))
            case .rejected(let reason) where firstRejects[reason] == nil:
                let bytes = piece.bytes.map { Array($0.prefix(200)) } ?? []
                firstRejects[reason] = Sample(line: lineNumber, text: String(decoding: bytes, as: UTF8.self))
            case .ignored(let type):
                ignored.record(type)
            default:
                break
            }
            accounting.record(outcome)
        }

        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: RollupRun.readSize, alignment: 64)
        defer { buffer.deallocate() }
        do throws(InputError) {
            try DirectChunks(source: opened.source, buffer: buffer).forEachChunk { chunk in
                splitter.consume(chunk, indexing: { parser.textClasses }, handle)
            }
            splitter.finish(handle)
        } catch {
            inspection.error = error
        }
        accounting.ignoredTypes = ignored.byValue
        inspection.accounting = accounting
        inspection.format = parser.format
        inspection.delimiter = parser.delimiter
        inspection.fixedKind = configuration.fixedKind(of: location)
        inspection.headerProblems = parser.headerProblems
        inspection.firstEvents = firstEvents
        inspection.firstRejects = firstRejects
        return inspection
    }

    /// `2026-11-20T13:45:12Z`: an instant (seconds since 1970) in UTC.
    static func utcTime(_ instant: Int64) -> String {
        let days = instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400
        let seconds = instant - days * 86_400
        func two(_ value: Int64) -> String { (value < 10 ? "0" : "") + String(value) }
        return
            "\(CivilDate(daysSinceEpoch: Int32(days)))T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))Z"
    }

    /// The report for a person, a line each (the caller escapes control characters).
    public func lines(configuration: RunConfiguration) -> [String] {
        var lines: [String] = []
        let stored = compression.map { $0 == .gzip ? "gzip" : "plain text" } ?? "unknown"
        let read =
            format.map { Self.formatName($0, delimiter: delimiter, columns: configuration.schema.columns) }
            ?? "no format found (no line to judge it by)"
        lines.append("\(location): \(stored), \(read)")
        if let error { lines.append("  error: \(error)") }
        guard compression != nil else { return lines }  // Not opened: nothing more to tell.
        for problem in headerProblems { lines.append("  header: \(problem)") }
        lines.append("  fields: " + Self.fieldsText(configuration.schema, accessLog: format == .clf))
        if let fixedKind {
            lines.append(
                "  types: every line is one of \(fixedKind.name) (the file's name matches a [[sources]] entry)")
        } else {
            lines.append("  types: " + Self.typesText(configuration.schema))
        }
        let inputZone = configuration.timeParser.inputZone?.identifier ?? "UTC"
        lines.append(
            "  key: \(configuration.keyColumns.headers.joined(separator: ", ")); days in \(configuration.timeZone) "
                + "(--tz); times without a zone are read in \(inputZone) (--input-tz)")
        let a = accounting
        lines.append(
            "  lines: \(a.lines): \(a.counted) counted, \(a.ignored) ignored, \(a.rejected) rejected, \(a.blank) blank"
                + (a.headers > 0 ? " (and \(a.headers) header line)" : ""))
        if !firstEvents.isEmpty {
            lines.append("  first events:")
            lines += firstEvents.map { "    line \($0.line): \($0.text)" }
        }
        if !a.ignoredTypes.isEmpty {
            let byCount = a.ignoredTypes.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            lines.append(
                "  ignored types: "
                    + byCount.map { "\($0.key.isEmpty ? "\"\"" : $0.key) \($0.value)" }.joined(separator: ", "))
        }
        for reason in RejectReason.allCases {
            guard let sample = firstRejects[reason] else { continue }
            lines.append(
                "  rejected \(reason.name): \(a.rejected(reason)), first on line \(sample.line): \(sample.text)")
        }
        return lines
    }

    static func formatName(_ format: LogFormat, delimiter: UInt8?, columns: [String]?) -> String {
        let names = columns.map { "no header line, columns " + $0.joined(separator: ", ") } ?? "header line"
        switch format {
        case .auto: return "format to be decided"
        case .jsonl: return "JSON Lines"
        case .clf: return "access log (common or combined log format)"
        case .csv: return "CSV (delimiter ',', \(names))"
        case .tsv: return "TSV (delimiter tab, \(names))"
        case .delimited:
            let shown = delimiter.map {
                $0 > ASCII.space && $0 < ASCII.delete ? "'\(Character(Unicode.Scalar($0)))'" : "byte \($0)"
            }
            return "delimited text (delimiter \(shown ?? "unknown"), \(names))"
        }
    }

    static func fieldsText(_ schema: LogSchema, accessLog: Bool) -> String {
        guard accessLog else {
            return [(Field.time, "time"), (.type, "type"), (.campaign, "campaign")].map { field, name in
                "\(name) = " + (schema.aliases[field] ?? []).joined(separator: " | ")
            }.joined(separator: "; ")
        }
        let access = schema.accessLog
        let type = (access.typeParameters ?? schema.aliases[.type] ?? []).joined(separator: " | ")
        let campaign = (access.campaignParameters ?? schema.aliases[.campaign] ?? []).joined(separator: " | ")
        let prefix = access.pathPrefix.isEmpty ? "every request" : "requests under \(access.pathPrefix)"
        return "time = the bracketed time; type = query parameter \(type); campaign = query parameter \(campaign); "
            + "read from \(prefix)"
    }

    static func typesText(_ schema: LogSchema) -> String {
        EventKind.allCases.map { kind in
            "\(kind.name) = " + schema.typeValues.filter { $0.value == kind }.keys.sorted().joined(separator: ", ")
        }.joined(separator: "; ")
    }
}
