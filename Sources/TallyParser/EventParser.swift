import Glibc
import TallyBytes

/// Turns the lines of one input into events. One parser per input: it remembers the format it
/// decided on and, for CSV and TSV, the header's columns.
///
/// Checks run in this order, and the first that fails names the line's reason: NUL byte,
/// syntax (`malformed`), a missing field, the type (`bad_type`; a type not counted makes the line
/// `ignored`), the campaign, the time, then the other key fields (`nul_byte`, `invalid_utf8`).
public struct EventParser {
    /// The column of each field in a CSV or TSV input, -1 where the header has none.
    private struct Columns {
        var time = -1, type = -1, campaign = -1
        /// The key fields other than the campaign (`KeyColumns.fieldNames`), if any.
        var keyFields: KeyFieldColumns?
    }

    private enum State {
        case undecided
        case json
        case delimited(DelimitedRowScanner, columns: Columns)
        case accessLog(AccessLogNames)
    }

    public let schema: LogSchema
    public let timeParser: TimeParser
    public let requestedFormat: LogFormat
    public let keyColumns: KeyColumns
    private var state = State.undecided
    private var sawFirstLine = false

    private let fieldNames: ByteTable<FieldMatch>
    let typeNames: ByteTable<EventKind>
    var recentType = RecentLookup<EventKind>()
    private var json: JSONFieldScanner<FastPaths>
    private var typeDecoder = EscapeDecoder()
    private var campaignDecoder = EscapeDecoder()
    /// Where access-log values are percent-decoded: the type's, the campaign's, the key's.
    let percentScratch = [ScratchBuffer(), ScratchBuffer(), ScratchBuffer()]
    private var timeDecoder = EscapeDecoder()
    private var hourCache = TimeParser.HourCache()
    private let fieldScratch = [ScratchBuffer(), ScratchBuffer(), ScratchBuffer()]
    /// Where a key of several columns is built; the values of the key fields, for JSON and for
    /// CSV (its spans), each by the field's index.
    private let keyBuilder = ByteAccumulator()
    private var keyDecoder = EscapeDecoder()
    /// The key fields other than the campaign (`KeyColumns.fieldNames`), then the
    /// distinct-values field and the identifying field, if any: every field read besides time,
    /// type and campaign.
    private let keyFieldNames: [String]
    /// The distinct-values field's index in `keyFieldNames`, if there is one.
    private let distinctIndex: Int?
    /// The identifying field's index in `keyFieldNames`, if there is one.
    private let identityIndex: Int?
    /// The identifying field's value of the last event, copied: another value may be decoded
    /// into the key decoder's space after it.
    private let identityBytes = ByteAccumulator(capacity: 64)
    /// Whether the key is the campaign alone, and no other field is read: then the campaign's
    /// bytes are the key.
    let keyIsCampaign: Bool
    /// `keyColumns` as `buildKey` walks it, without an array of enums (and its retains) a line:
    /// how many columns, and which one is the campaign, if any.
    private let keyColumnCount: Int
    private let campaignColumn: Int
    /// `schema.fixedKind`: what every line counts as, its type field unread.
    let fixedKind: EventKind?

    /// Problems with a CSV or TSV header, such as a field with no column, for the run's warnings.
    public private(set) var headerProblems: [String] = []

    public init(
        format: LogFormat = .auto, schema: LogSchema = .standard, timeParser: TimeParser = TimeParser(),
        keyColumns: KeyColumns = .campaign, distinctField: String? = nil, identityField: String? = nil
    ) {
        self.schema = schema
        self.timeParser = timeParser
        self.keyColumns = keyColumns
        requestedFormat = format
        // One field may be both (`--uniques request_id --dedupe request_id`): read once, used twice.
        let identityIsDistinct = identityField != nil && identityField == distinctField
        keyFieldNames =
            keyColumns.fieldNames + [distinctField, identityIsDistinct ? nil : identityField].compactMap { $0 }
        distinctIndex = distinctField == nil ? nil : keyColumns.fieldNames.count
        identityIndex = identityField == nil ? nil : identityIsDistinct ? distinctIndex : keyFieldNames.count - 1
        fieldNames = schema.fieldTable(keyFields: keyFieldNames)
        typeNames = schema.typeTable()
        json = JSONFieldScanner(schema: schema, keyFields: keyFieldNames)
        keyIsCampaign = keyColumns.isCampaignOnly && distinctField == nil && identityField == nil
        keyColumnCount = keyColumns.columns.count
        campaignColumn = keyColumns.columns.firstIndex(of: .campaign) ?? -1
        fixedKind = schema.fixedKind
    }

    /// The format in use: the requested one, or what `auto` decided (nil before any non-blank line).
    public var format: LogFormat? {
        switch state {
        case .undecided: requestedFormat == .auto ? nil : requestedFormat
        case .json: .jsonl
        case .delimited(let scanner, _):
            switch scanner.delimiter {
            case ASCII.comma: .csv
            case ASCII.tab: .tsv
            default: .delimited
            }
        case .accessLog: .clf
        }
    }

    /// The delimiter of a delimited input, once the parser has decided on it.
    public var delimiter: UInt8? {
        guard case .delimited(let scanner, _) = state else { return nil }
        return scanner.delimiter
    }

    public mutating func parse(_ piece: LineSplitter.Piece) -> LineOutcome {
        switch piece {
        case .line(let bytes): return parse(line: bytes)
        case .plainLine(let bytes, let place): return parse(line: bytes, plain: place)
        case .tooLong:
            // A too-long first line still counts as the first: a BOM can only be on it.
            sawFirstLine = true
            return .rejected(.lineTooLong)
        }
    }

    /// What the line splitter should index the text for (see `TextIndex`): known once the
    /// format is.
    public var textClasses: TextIndex.Classes? {
        switch state {
        case .undecided: nil
        case .json: .json
        case .delimited(let scanner, _): .delimited(scanner.delimiter)
        // Its lines are split on spaces, brackets and quotes, which no index marks.
        case .accessLog: nil
        }
    }

    /// - Parameters:
    ///   - line: one line without its `\n`.
    ///   - plain: the line's place in the text's index, if the splitter indexed it.
    public mutating func parse(line raw: UnsafeRawBufferPointer, plain: TextIndex.Line? = nil) -> LineOutcome {
        var line = raw
        if !sawFirstLine {
            sawFirstLine = true
            // Without its place in the index, which the BOM would shift.
            if line.starts(with: [0xef, 0xbb, 0xbf]) {
                return parse(line: UnsafeRawBufferPointer(rebasing: line[3...]))
            }
        }
        if let last = line.last, last == ASCII.carriageReturn {
            line = UnsafeRawBufferPointer(rebasing: line.dropLast())
        }
        if Self.isBlank(line) { return .blank }
        switch state {
        case .json:
            return parseJSON(line, plain: plain)
        case .delimited(let scanner, let columns):
            return parseRow(line, scanner: scanner, columns: columns, plain: plain)
        case .accessLog(let names):
            return parseAccessLog(line, names: names)
        case .undecided:
            if Self.hasNul(line) { return .rejected(.nulByte) }
            switch requestedFormat == .auto ? Self.guessFormat(line) : requestedFormat {
            case .csv: return startDelimited(line, delimiter: schema.delimiter ?? ASCII.comma)
            case .tsv: return startDelimited(line, delimiter: schema.delimiter ?? ASCII.tab)
            case .delimited: return startDelimited(line, delimiter: schema.delimiter ?? Self.guessDelimiter(line))
            case .clf:
                let names = AccessLogNames(schema: schema, keyFields: keyFieldNames)
                state = .accessLog(names)
                return parseAccessLog(line, names: names)
            case .jsonl, .auto:
                state = .json
                return parseJSON(line)
            }
        }
    }

    static func hasNul(_ line: UnsafeRawBufferPointer) -> Bool {
        memchr(line.baseAddress!, 0, line.count) != nil
    }

    static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        line.allSatisfy { $0 == ASCII.space || $0 == ASCII.tab || $0 == ASCII.carriageReturn }
    }

    /// JSON if the line starts with `{`; an access log if it reads as one; otherwise delimited.
    static func guessFormat(_ line: UnsafeRawBufferPointer) -> LogFormat {
        if let first = line.first(where: { $0 != ASCII.space && $0 != ASCII.tab }), first == ASCII.openBrace {
            return .jsonl
        }
        return AccessLogLine(line: line) != nil ? .clf : .delimited
    }

    /// The delimiters tally finds by itself, in the order that breaks a tie.
    public static let detectedDelimiters: [UInt8] = [
        ASCII.comma, ASCII.tab, UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "^"),
    ]

    /// Of `detectedDelimiters`, the one the line (a header, or a first row) holds most often
    /// outside quotes; a comma if it holds none of them (a single column).
    static func guessDelimiter(_ line: UnsafeRawBufferPointer) -> UInt8 {
        var counts = [Int](repeating: 0, count: detectedDelimiters.count)
        var quoted = false
        for byte in line {
            if byte == ASCII.quote {
                quoted.toggle()
            } else if !quoted, let index = detectedDelimiters.firstIndex(of: byte) {
                counts[index] += 1
            }
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }),
            counts[best] > 0
        else { return ASCII.comma }
        return detectedDelimiters[best]
    }

    // MARK: - JSON Lines

    private mutating func parseJSON(_ line: UnsafeRawBufferPointer, plain: TextIndex.Line? = nil) -> LineOutcome {
        var values = (JSONFieldValue(), JSONFieldValue(), JSONFieldValue())
        // A raw NUL is never valid JSON, so lines that scan need no separate search for one.
        guard json.scan(line, plain: plain, into: &values) else {
            return .rejected(Self.hasNul(line) ? .nulByte : .malformed)
        }
        let (time, type, campaign) = values
        if time.isMissing || campaign.isMissing { return .rejected(.missingField) }
        let kind: EventKind
        if let fixedKind {
            kind = fixedKind
        } else {
            if type.isMissing { return .rejected(.missingField) }
            guard type.kind == .string else { return .rejected(.badType) }
            guard let typeText = Self.string(line, type, &typeDecoder) else { return .rejected(.malformed) }
            guard let found = recentType.lookup(typeText, in: typeNames, foldingCase: true) else {
                return .ignored(type: typeText)
            }
            kind = found
        }

        let campaignBytes: UnsafeRawBufferPointer
        switch campaign.kind {
        case .string:
            guard let text = Self.string(line, campaign, &campaignDecoder) else { return .rejected(.malformed) }
            campaignBytes = text
        case .number:
            let text = Self.slice(line, campaign)
            // An integer is used as written; a fraction or exponent is not an id.
            guard !text.contains(where: { $0 == UInt8(ascii: ".") || $0 | ASCII.caseBit == UInt8(ascii: "e") }) else {
                return .rejected(.badCampaign)
            }
            campaignBytes = text
        case .null, .other:
            return .rejected(.badCampaign)
        }
        // A raw NUL makes the line fail to scan, so only an escape (`\u0000`) can put one here.
        if let reason = Self.checkCampaign(campaignBytes, mayHoldNul: campaign.hasEscape) { return .rejected(reason) }

        let parsedTime: TimeParser.Result
        switch time.kind {
        case .string:
            guard let text = Self.string(line, time, &timeDecoder) else { return .rejected(.malformed) }
            parsedTime = timeParser.parse(text: text, cache: &hourCache)
        case .number:
            parsedTime = timeParser.parse(number: Self.slice(line, time))
        case .null, .other:
            parsedTime = .bad
        }
        if keyIsCampaign { return Self.event(parsedTime, kind, campaignBytes) }
        return jsonEventWithKey(line, parsedTime, kind, campaign: campaignBytes)
    }

    /// The event of a JSON line whose key has more than the campaign. Apart, and never inlined,
    /// so that it leaves `parseJSON` (the default key's path) as small as it was.
    @inline(never)
    private mutating func jsonEventWithKey(
        _ line: UnsafeRawBufferPointer, _ time: TimeParser.Result, _ kind: EventKind, campaign: UnsafeRawBufferPointer
    ) -> LineOutcome {
        guard case .instant(let instant) = time else { return Self.event(time, kind, campaign) }
        // The values as memory, not the object that holds them: a closure that used the object
        // retained and released it for each field it read.
        let keyFields = json.keyFields?.values
        let (distinctIndex, identityIndex) = (self.distinctIndex, self.identityIndex)
        return buildKey(instant, kind, campaign: campaign) { decoder, index in
            guard let value = keyFields?[index], !value.isMissing,
                // A distinct value or an event's id is a string or a number: `true` or an
                // object is no id.
                (index != distinctIndex && index != identityIndex) || value.kind == .string
                    || value.kind == .number
            else {
                return .value(UnsafeRawBufferPointer(start: nil, count: 0))
            }
            guard value.kind == .string else { return .value(Self.slice(line, value)) }
            guard let text = Self.string(line, value, &decoder) else { return .rejected(.malformed) }
            // A raw NUL makes the line fail to scan: only an escape can put one here.
            if value.hasEscape, memchr(text.baseAddress!, 0, text.count) != nil { return .rejected(.nulByte) }
            return .value(text)
        }
    }

    /// A key field's value for `buildKey`, or why the line is refused.
    enum KeyValue {
        case value(UnsafeRawBufferPointer)
        case rejected(RejectReason)
    }

    /// The event with its key built from the key columns: the campaign, and each other field's
    /// value as `value(&decoder, index)` gives it (checked here to be UTF-8), where `decoder`
    /// may hold the decoded text until the next call. Inlined into each format's caller, so
    /// that `value` is too: it is called for every key field of every line.
    @inline(__always)
    mutating func buildKey(
        _ instant: Int64, _ kind: EventKind, campaign: UnsafeRawBufferPointer,
        value: (inout EscapeDecoder, Int) -> KeyValue
    ) -> LineOutcome {
        let builder = keyBuilder
        builder.removeAll()
        var fieldIndex = 0
        for position in 0..<keyColumnCount {
            if position > 0 { builder.append(KeyTuple.separator) }
            if position == campaignColumn {
                builder.append(campaign)
                continue
            }
            switch value(&keyDecoder, fieldIndex) {
            case .value(let bytes):
                guard UTF8Validation.isValid(bytes) else { return .rejected(.invalidUTF8) }
                builder.append(bytes)
            case .rejected(let reason):
                return .rejected(reason)
            }
            fieldIndex += 1
        }
        var event = Event(instant: instant, kind: kind, key: builder.bytes)
        // A value that cannot be read is no value: `--uniques` never changes what is counted,
        // and `--dedupe` counts an event without a readable id as an event without an id.
        if let identityIndex, case .value(let bytes) = value(&keyDecoder, identityIndex), !bytes.isEmpty {
            identityBytes.removeAll()
            identityBytes.append(bytes)
            event.identity = identityBytes.bytes
        }
        if let distinctIndex, case .value(let bytes) = value(&keyDecoder, distinctIndex), !bytes.isEmpty {
            event.distinct = bytes
        }
        return .event(event)
    }

    private static func slice(_ line: UnsafeRawBufferPointer, _ value: JSONFieldValue) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: line[value.start..<value.end])
    }

    private static func string(
        _ line: UnsafeRawBufferPointer, _ value: JSONFieldValue, _ decoder: inout EscapeDecoder
    ) -> UnsafeRawBufferPointer? {
        let body = slice(line, value)
        return value.hasEscape ? decoder.decode(body) : body
    }

    /// - Parameter mayHoldNul: false where the caller has ruled out a NUL byte already.
    static func checkCampaign(_ bytes: UnsafeRawBufferPointer, mayHoldNul: Bool) -> RejectReason? {
        if bytes.isEmpty { return .emptyCampaign }
        if mayHoldNul, memchr(bytes.baseAddress!, 0, bytes.count) != nil { return .nulByte }
        if !UTF8Validation.isValid(bytes) { return .invalidUTF8 }
        return nil
    }

    static func event(
        _ time: TimeParser.Result, _ kind: EventKind, _ campaign: UnsafeRawBufferPointer
    ) -> LineOutcome {
        switch time {
        case .instant(let instant): .event(Event(instant: instant, kind: kind, key: campaign))
        case .bad: .rejected(.badTime)
        case .outOfRange: .rejected(.timeOutOfRange)
        case .ambiguous: .rejected(.ambiguousTime)
        case .nonexistent: .rejected(.nonexistentTime)
        }
    }

    // MARK: - CSV and TSV

    /// Takes the first line of a delimited input: its header, or with `schema.columns` its
    /// first row.
    private mutating func startDelimited(_ line: UnsafeRawBufferPointer, delimiter: UInt8) -> LineOutcome {
        let scanner = DelimitedRowScanner(delimiter: delimiter)
        guard let names = schema.columns else { return readHeader(line, scanner: scanner) }
        setColumns(scanner: scanner, source: "the columns have") { body in
            for (index, name) in names.enumerated() {
                var bytes = Array(name.utf8)
                bytes.withUnsafeMutableBytes { body(index, UnsafeRawBufferPointer($0)) }
            }
            return true
        }
        return parse(line: line)
    }

    private mutating func readHeader(_ line: UnsafeRawBufferPointer, scanner: DelimitedRowScanner) -> LineOutcome {
        let scratch = ScratchBuffer()
        setColumns(scanner: scanner, source: "the header has") { body in
            scanner.forEachField(line) { index, span in
                var name = UnsafeRawBufferPointer(rebasing: line[span.start..<span.end])
                if span.doubled { name = DelimitedRowScanner.undouble(name, into: scratch) }
                body(index, Self.trimmingSpaces(name))
            }
        }
        return .header
    }

    /// Decides the column of each field from the column names `forEachName` gives (a header
    /// line's, or the configured `columns`), and notes what is missing in `headerProblems`,
    /// each starting with `source` (`the header has`).
    private mutating func setColumns(
        scanner: DelimitedRowScanner, source: String,
        _ forEachName: ((Int, UnsafeRawBufferPointer) -> Void) -> Bool
    ) {
        var best = [(column: Int, rank: Int)](
            repeating: (-1, Int.max), count: Field.allCases.count + keyFieldNames.count)
        let fieldNames = self.fieldNames
        let wellFormed = forEachName { index, name in
            if let match = fieldNames.lookup(name), match.rank < best[match.slot].rank {
                best[match.slot] = (index, match.rank)
            }
        }
        if !wellFormed { headerProblems.append("the header line has broken quoting") }
        for field in Field.allCases where best[field.rawValue].column < 0 && !(field == .type && fixedKind != nil) {
            let names = (schema.aliases[field] ?? []).joined(separator: ", ")
            headerProblems.append("\(source) no \(field) column (looked for: \(names))")
        }
        var columns = Columns(
            time: best[Field.time.rawValue].column, type: best[Field.type.rawValue].column,
            campaign: best[Field.campaign.rawValue].column)
        if !keyFieldNames.isEmpty {
            let keyColumns = keyFieldNames.indices.map { best[Field.allCases.count + $0].column }
            for (index, (name, column)) in zip(keyFieldNames, keyColumns).enumerated() where column < 0 {
                headerProblems.append(
                    index == distinctIndex
                        ? "\(source) no \(name) column (the --uniques field: no value is counted)"
                        : index == identityIndex
                            ? "\(source) no \(name) column (the --dedupe field: no event is a duplicate)"
                            : "\(source) no \(name) column (a key column: its cells are empty)")
            }
            columns.keyFields = KeyFieldColumns(keyColumns)
        }
        state = .delimited(scanner, columns: columns)
    }

    private mutating func parseRow(
        _ line: UnsafeRawBufferPointer, scanner: DelimitedRowScanner, columns: Columns, plain: TextIndex.Line?
    ) -> LineOutcome {
        let keyFields = columns.keyFields
        guard
            let (wellFormed, spans) = scanner.spans(
                line, (columns.time, columns.type, columns.campaign), plain: plain,
                keyFields: keyFields.map { ($0.columns, $0.last, $0.spans) })
        else {
            return .rejected(.nulByte)
        }
        guard wellFormed else { return .rejected(.malformed) }
        guard let timeSpan = spans.0, let campaignSpan = spans.2 else { return .rejected(.missingField) }
        // The scratch buffers are passed, not `self`: a method of `self` here made the
        // compiler copy the whole parser for each call.
        let scratch = fieldScratch
        let time = Self.cell(line, timeSpan, into: scratch[Field.time.rawValue])
        let campaign = Self.cell(line, campaignSpan, into: scratch[Field.campaign.rawValue])
        let kind: EventKind
        if let fixedKind {
            // An empty cell is CSV's null; an empty campaign is named as such.
            if time.isEmpty { return .rejected(.missingField) }
            kind = fixedKind
        } else {
            guard let typeSpan = spans.1 else { return .rejected(.missingField) }
            let type = Self.cell(line, typeSpan, into: scratch[Field.type.rawValue])
            if time.isEmpty || type.isEmpty { return .rejected(.missingField) }
            guard let found = recentType.lookup(type, in: typeNames, foldingCase: true) else {
                return .ignored(type: type)
            }
            kind = found
        }
        // `spans` has refused a row with a NUL byte anywhere.
        if let reason = Self.checkCampaign(campaign, mayHoldNul: false) { return .rejected(reason) }
        let parsedTime = timeParser.parse(text: time, cache: &hourCache)
        guard let keyFields else { return Self.event(parsedTime, kind, campaign) }
        return rowEventWithKey(line, parsedTime, kind, campaign: campaign, keyFields.spans)
    }

    /// The event of a CSV or TSV row whose key has more than the campaign; apart for the reason
    /// `jsonEventWithKey` is.
    @inline(never)
    private mutating func rowEventWithKey(
        _ line: UnsafeRawBufferPointer, _ time: TimeParser.Result, _ kind: EventKind, campaign: UnsafeRawBufferPointer,
        _ spans: UnsafeMutableBufferPointer<DelimitedRowScanner.FieldSpan?>
    ) -> LineOutcome {
        guard case .instant(let instant) = time else { return Self.event(time, kind, campaign) }
        // The time's: its text has been read.
        let scratch = fieldScratch[Field.time.rawValue]
        return buildKey(instant, kind, campaign: campaign) { _, index in
            guard let span = spans[index] else { return .value(UnsafeRawBufferPointer(start: nil, count: 0)) }
            let text = UnsafeRawBufferPointer(rebasing: line[span.start..<span.end])
            return .value(span.doubled ? DelimitedRowScanner.undouble(text, into: scratch) : text)
        }
    }

    /// A cell's text, its doubled quotes undone in `scratch` if it has any.
    private static func cell(
        _ line: UnsafeRawBufferPointer, _ span: DelimitedRowScanner.FieldSpan, into scratch: ScratchBuffer
    ) -> UnsafeRawBufferPointer {
        let text = UnsafeRawBufferPointer(rebasing: line[span.start..<span.end])
        return span.doubled ? DelimitedRowScanner.undouble(text, into: scratch) : text
    }

    private static func trimmingSpaces(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == ASCII.space || bytes[start] == ASCII.tab { start += 1 }
        while end > start, bytes[end - 1] == ASCII.space || bytes[end - 1] == ASCII.tab { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}
