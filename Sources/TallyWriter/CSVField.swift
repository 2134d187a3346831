import TallyBytes

/// Text cells for CSV files that spreadsheets open safely.
///
/// RFC 4180: a cell holding a comma, a quote, CR or LF is quoted, with quotes doubled. And as
/// OWASP recommends against CSV injection, a cell that begins with `=`, `+`, `-`, `@`, a tab or
/// a CR (which Excel, Sheets and LibreOffice may run as a formula) gets a leading `'` and is
/// quoted: spreadsheets show `'=1+1` as the text `=1+1` with a visible apostrophe in the cell
/// editor only. A cell that begins with `'` gets one too, so that two ids never look alike
/// (`=x` is written `'=x`, and `'=x` is written `''=x`): removing the one leading apostrophe of
/// a cell that has one always gives the id back.
public enum CSVField {
    /// Whether a cell starting with `byte` gets a `'` (the starts named above).
    @inline(__always)
    static func isGuardedStart(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"),
            ASCII.tab, ASCII.carriageReturn, UInt8(ascii: "'"):
            true
        default: false
        }
    }

    /// Whether `text` holds a comma, a quote, CR or LF; all are below `-`, so most bytes are
    /// passed with one compare.
    @inline(__always)
    static func needsQuotes(_ text: UnsafeRawBufferPointer) -> Bool {
        for byte in text where byte <= ASCII.comma {
            if byte == ASCII.comma || byte == ASCII.quote || byte == ASCII.carriageReturn || byte == ASCII.newline {
                return true
            }
        }
        return false
    }

    /// Appends `text` to `out` as one CSV cell.
    public static func append(_ text: [UInt8], to out: inout [UInt8]) {
        text.withUnsafeBytes { append($0, to: &out) }
    }

    /// Appends `text` to `out` as one CSV cell.
    public static func append(_ text: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        write(text, whole: { out.append(contentsOf: $0) }, byte: { out.append($0) })
    }

    /// Writes `text` as one cell: through `whole` when it goes as it is, else a byte at a time
    /// through `byte`. One rule for every output a cell goes to (an array, a `RecordBuffer`).
    @inline(__always)
    static func write(
        _ text: UnsafeRawBufferPointer, whole: (UnsafeRawBufferPointer) -> Void, byte: (UInt8) -> Void
    ) {
        let guarded = text.first.map(isGuardedStart) ?? false
        guard guarded || needsQuotes(text) else {
            whole(text)
            return
        }
        byte(ASCII.quote)
        if guarded { byte(UInt8(ascii: "'")) }
        for character in text {
            if character == ASCII.quote { byte(character) }
            byte(character)
        }
        byte(ASCII.quote)
    }
}
