/// Follows a TOML document's structure, byte by byte, and notes where each key appears.
struct KeyScanner {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var lines: [ConfigKey: Int] = [:]
    /// For each array of tables, how many `[[name]]` headers it has had so far.
    var tableArrays: [ConfigKey: Int] = [:]
    /// The table that `key = value` lines define keys in.
    var table = ConfigKey.root
    /// Set on anything this scanner does not follow; it stops there.
    var lost = false
    var nulEscapeLine: Int?

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    /// Moves past one byte, counting lines.
    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    private mutating func note(_ key: ConfigKey, line: Int) {
        if lines[key] == nil { lines[key] = line }
    }

    mutating func scanDocument() {
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { index = 3 }  // a byte order mark
        while !lost, let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): advance()
            case UInt8(ascii: "#"): skipComment()
            case UInt8(ascii: "["): scanHeader()
            default:
                scanKeyValue(in: table)
                skipSpaces()
                if current == UInt8(ascii: "#") { skipComment() }
                if let end = current, end != UInt8(ascii: "\n"), end != UInt8(ascii: "\r") { lost = true }
            }
        }
    }

    private mutating func skipSpaces() {
        while current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") { advance() }
    }

    private mutating func skipComment() {
        while let byte = current, byte != UInt8(ascii: "\n") { advance() }
    }

    /// Spaces, line ends and comments, as between the elements of an array.
    private mutating func skipBlank() {
        while !lost, let byte = current {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): advance()
            case UInt8(ascii: "#"): skipComment()
            default: return
            }
        }
    }

    /// `[a.b]` or `[[a.b]]`: the table that the following lines define keys in.
    private mutating func scanHeader() {
        let headerLine = line
        advance()
        let isArray = current == UInt8(ascii: "[")
        if isArray { advance() }
        skipSpaces()
        guard let names = scanKey() else { return }
        skipSpaces()
        for _ in 0..<(isArray ? 2 : 1) {
            guard current == UInt8(ascii: "]") else {
                lost = true
                return
            }
            advance()
        }
        var key = ConfigKey.root
        for (position, name) in names.enumerated() {
            key = key.appending(name)
            if isArray, position == names.count - 1 {
                let count = tableArrays[key, default: 0]
                tableArrays[key] = count + 1
                note(key, line: headerLine)
                key = key.appending(index: count)
            } else if let count = tableArrays[key] {
                // `[sources.x]` after `[[sources]]` is in the latest entry.
                key = key.appending(index: count - 1)
            }
            note(key, line: headerLine)
        }
        table = key
    }

    /// `a.b = value`, in `base`.
    private mutating func scanKeyValue(in base: ConfigKey) {
        let keyLine = line
        guard let names = scanKey() else { return }
        var key = base
        for name in names {
            key = key.appending(name)
            note(key, line: keyLine)
        }
        skipSpaces()
        guard current == UInt8(ascii: "=") else {
            lost = true
            return
        }
        advance()
        skipSpaces()
        scanValue(at: key)
    }

    /// A key, dotted or not: its names, unquoted.
    private mutating func scanKey() -> [String]? {
        var names: [String] = []
        while true {
            skipSpaces()
            guard let name = scanSimpleKey() else {
                lost = true
                return nil
            }
            names.append(name)
            skipSpaces()
            guard current == UInt8(ascii: ".") else { return names }
            advance()
        }
    }

    private mutating func scanSimpleKey() -> String? {
        switch current {
        case UInt8(ascii: "\""): return scanBasicString()
        case UInt8(ascii: "'"): return scanLiteralString()
        default:
            let start = index
            while let byte = current, Self.isBareKeyByte(byte) { advance() }
            return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
        }
    }

    private mutating func scanValue(at key: ConfigKey) {
        switch current {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                skipMultilineString(quote: UInt8(ascii: "\""))
            } else {
                _ = scanBasicString()
            }
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                skipMultilineString(quote: UInt8(ascii: "'"))
            } else {
                _ = scanLiteralString()
            }
        case UInt8(ascii: "["): scanArray(at: key)
        case UInt8(ascii: "{"): scanInlineTable(at: key)
        default:
            // A number, a boolean or a date (which may hold a space): up to what ends a value.
            let start = index
            while let byte = current,
                ![
                    UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "\n"),
                    UInt8(ascii: "\r"),
                ].contains(byte)
            {
                advance()
            }
            if index == start { lost = true }
        }
    }

    private mutating func scanArray(at key: ConfigKey) {
        advance()
        var position = 0
        while !lost {
            skipBlank()
            guard let byte = current else {
                lost = true
                return
            }
            if byte == UInt8(ascii: "]") {
                advance()
                return
            }
            let element = key.appending(index: position)
            note(element, line: line)
            scanValue(at: element)
            position += 1
            skipBlank()
            if current == UInt8(ascii: ",") { advance() }
        }
    }

    private mutating func scanInlineTable(at key: ConfigKey) {
        advance()
        while !lost {
            skipBlank()
            guard let byte = current else {
                lost = true
                return
            }
            if byte == UInt8(ascii: "}") {
                advance()
                return
            }
            scanKeyValue(in: key)
            skipBlank()
            if current == UInt8(ascii: ",") { advance() }
        }
    }

    /// `"..."`, with its escapes decoded (roughly: enough to name a key).
    private mutating func scanBasicString() -> String? {
        advance()
        let bytes = bytes
        var scalars = String.UnicodeScalarView()
        var start = index
        func flush(upTo end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars)
        }
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                flush(upTo: index)
                advance()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(upTo: index)
                advance()
                guard let escaped = current else { break }
                noteNULEscape()
                advance()
                switch escaped {
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{c}")
                case UInt8(ascii: "e"): scalars.append("\u{1b}")
                case UInt8(ascii: "u"), UInt8(ascii: "U"), UInt8(ascii: "x"):
                    let width = escaped == UInt8(ascii: "u") ? 4 : escaped == UInt8(ascii: "U") ? 8 : 2
                    let end = min(index + width, bytes.count)
                    let digits = String(decoding: bytes[index..<end], as: UTF8.self)
                    index = end
                    if let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) {
                        scalars.append(scalar)
                    }
                default: scalars.append(Unicode.Scalar(escaped))
                }
                start = index
            case UInt8(ascii: "\n"):
                lost = true
                return nil
            default:
                advance()
            }
        }
        lost = true
        return nil
    }

    /// Notes the line if the escape whose letter is at `index` stands for NUL.
    private mutating func noteNULEscape() {
        let width: Int
        switch current {
        case UInt8(ascii: "u"): width = 4
        case UInt8(ascii: "U"): width = 8
        case UInt8(ascii: "x"): width = 2
        default: return
        }
        let digits = bytes[(index + 1)...].prefix(width)
        if digits.count == width, digits.allSatisfy({ $0 == UInt8(ascii: "0") }), nulEscapeLine == nil {
            nulEscapeLine = line
        }
    }

    /// `'...'`: no escapes.
    private mutating func scanLiteralString() -> String? {
        advance()
        let start = index
        while let byte = current, byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\n") { advance() }
        guard current == UInt8(ascii: "'") else {
            lost = true
            return nil
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        advance()
        return text
    }

    /// `"""..."""` or `'''...'''`, over any number of lines; up to two more quotes before the
    /// closing three are part of the string.
    private mutating func skipMultilineString(quote: UInt8) {
        for _ in 0..<3 { advance() }
        while let byte = current {
            if quote == UInt8(ascii: "\""), byte == UInt8(ascii: "\\") {
                advance()
                noteNULEscape()
                if current != nil { advance() }
            } else if byte == quote, peek(1) == quote, peek(2) == quote {
                for _ in 0..<3 { advance() }
                while current == quote { advance() }
                return
            } else {
                advance()
            }
        }
        lost = true
    }
}
