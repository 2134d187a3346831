import TallyBytes

/// Finds the mistakes in a TOML text that the TOML parser tally uses (toml++ 3, inside TOMLKit
/// 0.6) stops the whole process on, with a failed assertion, instead of reporting: a table
/// header whose name starts with a byte no key starts with (`[ = 1`, a lone `[`), and a `}`
/// where an array expects a value (`[1, }`). Such a text never reaches it; every other mistake
/// is the parser's to report.
///
/// It follows strings (basic, literal, and their multi-line forms), comments, arrays and
/// inline tables, and nothing else: it is no TOML parser, and passes much that is not TOML.
enum TOMLGuard {
    /// The line and column (from 1) of the first such mistake, and what it is.
    static func firstCrash(in text: [UInt8]) -> (line: Int, column: Int, why: String)? {
        var i = text.starts(with: [0xef, 0xbb, 0xbf]) ? 3 : 0
        var line = 1
        var lineStart = 0
        var nesting: [UInt8] = []  // `[` for an array, `{` for an inline table
        var awaitingValue = false  // in an array, after its `[` or a `,`
        var atLineStart = true  // nothing but spaces on this line so far
        func place(_ at: Int) -> (Int, Int) { (line, at - lineStart + 1) }
        while i < text.count {
            let byte = text[i]
            switch byte {
            case ASCII.newline:
                i += 1
                line += 1
                lineStart = i
                atLineStart = true
                continue
            case ASCII.space, ASCII.tab, ASCII.carriageReturn:
                i += 1
                continue
            case UInt8(ascii: "#"):
                while i < text.count, text[i] != ASCII.newline { i += 1 }
                continue
            case ASCII.quote, UInt8(ascii: "'"):
                skipString(text, &i, &line, &lineStart)
                awaitingValue = false
                atLineStart = false
                continue
            case UInt8(ascii: "[") where nesting.isEmpty && atLineStart:
                // A table header: `[name]` or `[[name]]`.
                var j = i + 1
                func skipSpaces() { while j < text.count, text[j] == ASCII.space || text[j] == ASCII.tab { j += 1 } }
                skipSpaces()
                if j < text.count, text[j] == UInt8(ascii: "[") {
                    j += 1
                    skipSpaces()
                }
                let named =
                    j < text.count
                    && (KeyScanner.isBareKeyByte(text[j]) || text[j] == ASCII.quote || text[j] == UInt8(ascii: "'")
                        || text[j] == UInt8(ascii: "]"))
                if !named {
                    let (line, column) = place(j)
                    return (line, column, "a table header needs a name, bare or quoted")
                }
                i = j
                atLineStart = false
                continue
            case UInt8(ascii: "["):
                nesting.append(byte)
                awaitingValue = true
            case UInt8(ascii: "{"):
                nesting.append(byte)
                awaitingValue = false
            case UInt8(ascii: "}"):
                if awaitingValue, nesting.last == UInt8(ascii: "[") {
                    let (line, column) = place(i)
                    return (line, column, "an array holds a '}' where a value should be")
                }
                if nesting.last == UInt8(ascii: "{") { nesting.removeLast() }
                awaitingValue = false
            case UInt8(ascii: "]"):
                if nesting.last == UInt8(ascii: "[") { nesting.removeLast() }
                awaitingValue = false
            case ASCII.comma:
                awaitingValue = nesting.last == UInt8(ascii: "[")
            default:
                awaitingValue = false
            }
            atLineStart = false
            i += 1
        }
        return nil
    }

    /// Moves `i` past the string that starts there, counting the lines it spans.
    private static func skipString(_ text: [UInt8], _ i: inout Int, _ line: inout Int, _ lineStart: inout Int) {
        let quote = text[i]
        let multiline = i + 2 < text.count && text[i + 1] == quote && text[i + 2] == quote
        i += multiline ? 3 : 1
        while i < text.count {
            let byte = text[i]
            if byte == ASCII.backslash, quote == ASCII.quote {
                i += 2
                continue
            }
            if byte == ASCII.newline {
                // A one-line string ends at its line's end, unclosed: the parser says so.
                guard multiline else { return }
                line += 1
                lineStart = i + 1
            }
            if byte == quote {
                if !multiline {
                    i += 1
                    return
                }
                if i + 2 < text.count, text[i + 1] == quote, text[i + 2] == quote {
                    i += 3
                    // Up to two more quotes belong to the string.
                    while i < text.count, text[i] == quote { i += 1 }
                    return
                }
            }
            i += 1
        }
    }
}
