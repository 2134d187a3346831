/// The line where each key of a TOML document is first defined, which TOMLKit does not tell.
///
/// The document has been parsed by toml++ already, so it is valid TOML: a small scanner that
/// follows its structure (headers, dotted and quoted keys, strings of each kind, arrays and
/// inline tables over several lines, comments) is enough. Where the scanner meets something it
/// does not follow, it stops: keys after it have no line, which is better than a wrong one.
public struct KeyLines: Equatable, Sendable {
    /// By the key as messages name it (`ConfigKey.description`), which tells keys apart.
    private var lines: [String: Int] = [:]
    /// The first line with a string that holds the escape of a NUL (`"\u0000"`): TOMLKit hands
    /// strings on as C strings, which would silently end there.
    private(set) var nulEscapeLine: Int?

    /// No key at all, as for a file made in code.
    public init() {}

    init(_ text: String) {
        var scanner = KeyScanner(bytes: Array(text.utf8))
        scanner.scanDocument()
        for (key, line) in scanner.lines { lines[key.description] = line }
        nulEscapeLine = scanner.nulEscapeLine
    }

    /// The line (from 1) where `key` is defined: its `key =`, its `[table]` header, its array
    /// element, or the first line of a dotted key that passes through it.
    func line(of key: ConfigKey) -> Int? {
        lines[key.description]
    }

    /// The line of `key` as messages name it: `header`, `fields.time`, `sources[0].match`; `nil`
    /// when it is not sure.
    public subscript(key: String) -> Int? {
        lines[key]
    }

    /// Where keys were written is not what a file sets: any two are equal, so that two files
    /// that set the same are.
    public static func == (lhs: KeyLines, rhs: KeyLines) -> Bool {
        true
    }
}
