// libFuzzer harness for the line parser: built by scripts/fuzz.sh together with the sources of
// TallyParser into one module, so it sees their internals.
//
// For any bytes: no crash or memory error (ASan), the same outcomes whatever the chunk
// boundaries and with or without the text index, every counted event sane (campaign non-empty
// valid UTF-8, time in range; with key columns, a key of that many valid UTF-8 columns), and the
// JSON scanner's (with and without key fields) and time parser's fast paths giving what their
// plain paths give.

@_cdecl("LLVMFuzzerTestOneInput")
public func parserFuzzOne(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: count)
    guard count > 0 else { return 0 }
    // The first byte picks a line cap and a chunk size, so both vary with the input.
    let maxLine = 16 + Int(input[0]) * 4
    let chunk = 1 + Int(input[0] % 13)
    let window = 1 + Int(input[0] % 97) * 3
    let body = UnsafeRawBufferPointer(rebasing: input[1...])
    let keyed = input[0] & 1 == 1
    let whole = outcomes(body, chunk: max(1, body.count), maxLine: maxLine, indexWindow: nil, keyed: keyed)
    let pieces = outcomes(body, chunk: chunk, maxLine: maxLine, indexWindow: window, keyed: keyed)
    if whole != pieces { fatalError("chunking or indexing changed the outcomes: \(whole) vs \(pieces)") }
    compareFastPaths(body)
    return 0
}

/// Key columns for keyed runs: the campaign between two other fields.
private let keyColumns = try! KeyColumns(names: ["country", "campaign", "n"])
private var fastScanners = [
    JSONFieldScanner<FastPaths>(schema: .standard),
    JSONFieldScanner<FastPaths>(schema: .standard, keyFields: ["country", "n"]),
]
private var carefulScanners = [
    JSONFieldScanner<PlainPaths>(schema: .standard),
    JSONFieldScanner<PlainPaths>(schema: .standard, keyFields: ["country", "n"]),
]
private var hourCache = TimeParser.HourCache()

private func compareFastPaths(_ body: UnsafeRawBufferPointer) {
    let time = TimeParser()
    for line in body.split(separator: 0x0a, omittingEmptySubsequences: false) {
        let bytes = UnsafeRawBufferPointer(rebasing: line)
        for pair in fastScanners.indices {
            var a = (JSONFieldValue(), JSONFieldValue(), JSONFieldValue())
            var b = a
            let fastValid = fastScanners[pair].scan(bytes, into: &a)
            let carefulValid = carefulScanners[pair].scan(bytes, into: &b)
            if fastValid != carefulValid { fatalError("scanner paths disagree on validity: \(Array(bytes))") }
            if fastValid,
                a != b
                    || (0..<2).contains(where: {
                        fastScanners[pair].keyFields?[$0] != carefulScanners[pair].keyFields?[$0]
                    })
            {
                fatalError("scanner paths disagree on values: \(Array(bytes))")
            }
        }
        if time.parse(text: bytes, cache: &hourCache) != time.parse(text: bytes) {
            fatalError("the hour cache changed a time: \(Array(bytes))")
        }
        for delimiter in [UInt8(ascii: ","), 0x09] {
            let scanner = DelimitedRowScanner(delimiter: delimiter)
            var walked: (DelimitedRowScanner.FieldSpan?, DelimitedRowScanner.FieldSpan?, DelimitedRowScanner.FieldSpan?)
            let wellFormed = scanner.forEachField(bytes) { index, span in
                if index == 0 {
                    walked.0 = span
                } else if index == 1 {
                    walked.1 = span
                } else if index == 7 {
                    walked.2 = span
                }
            }
            guard let fast = scanner.spans(bytes, (0, 1, 7)) else {
                if !bytes.contains(0) { fatalError("row bitmaps saw a NUL that is not there: \(Array(bytes))") }
                continue
            }
            if fast.wellFormed != wellFormed { fatalError("row bitmaps disagree on quoting: \(Array(bytes))") }
            if wellFormed, fast.spans != walked {
                fatalError("row bitmaps disagree on a field: \(Array(bytes))")
            }
        }
    }
}

/// - Parameter indexWindow: the text index's window (see `TextIndex`), or nil for none.
private func outcomes(_ body: UnsafeRawBufferPointer, chunk: Int, maxLine: Int, indexWindow: Int?, keyed: Bool)
    -> [String]
{
    // Keyed runs also read a distinct-values field and an id (`--uniques placement --dedupe
    // user_id`, fields of the sample logs the corpus starts from), whose bytes must come out the
    // same however the text is cut.
    var parser =
        keyed
        ? EventParser(keyColumns: keyColumns, distinctField: "placement", identityField: "user_id") : EventParser()
    var splitter = LineSplitter(maxLineBytes: maxLine, indexWindow: indexWindow ?? 1)
    var results: [String] = []
    let time = TimeParser()
    func record(_ piece: LineSplitter.Piece) {
        switch parser.parse(piece) {
        case .event(let event):
            let columns = event.key.split(separator: 0, omittingEmptySubsequences: false)
            if columns.count != (keyed ? 3 : 1)
                || columns.contains(where: { !UTF8Validation.isValid(.init(rebasing: $0)) })
            {
                fatalError("bad key counted: \(Array(event.key))")
            }
            if columns[keyed ? 1 : 0].isEmpty { fatalError("empty campaign counted") }
            if event.instant < time.earliest || event.instant >= time.end { fatalError("time out of range counted") }
            results.append(
                "event \(event.instant) \(event.kind) \(Array(event.key))"
                    + " \(Array(event.distinct)) \(Array(event.identity))")
        case .ignored(let type): results.append("ignored \(Array(type))")
        case .blank: results.append("blank")
        case .header: results.append("header")
        case .rejected(let reason): results.append(reason.name)
        }
    }
    var start = 0
    while start < body.count {
        let end = min(start + chunk, body.count)
        splitter.consume(
            UnsafeRawBufferPointer(rebasing: body[start..<end]),
            indexing: { indexWindow == nil ? nil : parser.textClasses }, record)
        start = end
    }
    splitter.finish(record)
    return results
}

/// The JSON scanner with every shortcut off: the plain walk the fast paths are held to.
private enum PlainPaths: ScanPaths {
    static var usesShortcuts: Bool { false }
}
