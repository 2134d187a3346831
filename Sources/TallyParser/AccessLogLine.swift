import Glibc
import TallyBytes

/// One line of a web server's access log in the common or combined log format (Apache's
/// `%h %l %u %t "%r" %>s %b`, nginx's `combined`), split just far enough to read a tracking
/// pixel's request: the time, and the path and query of the request line.
///
/// The parts are slices of the line, valid as long as its bytes are, and are the bytes as logged:
/// nothing is decoded. Percent escapes are `QueryParameters`' business; the `\xHH` and `\"` that
/// servers write for unsafe bytes are left alone, since a browser percent-encodes every byte a
/// pixel's URL could need, so they only ever appear in requests that are not pixels.
///
/// Only the frame is checked, so that the variations of real logs pass:
/// - Before the time (host, ident, user) nothing is read: a host may be an IPv6 address, written
///   `[::1]` by some servers, and a user may be anything. The time is taken from the first `[`
///   that follows a space to the next `]`; `TimeParser.parse(accessLogTime:)` judges it.
/// - A space and a quoted request must follow the `]`. The request ends at the first quote not
///   escaped by a backslash (Apache writes `\"`, nginx `\x22`), which the end of the line or a
///   space must follow.
/// - After the request (status, size, referrer, agent, any extra fields) nothing is read, so
///   the common format, the combined one and longer ones all work.
///
/// A log line can log no usable request: `"-"` (the client sent none), `""`, bytes that are not
/// HTTP (a TLS handshake sent to the plain port, logged `"\x16\x03\x01..."`, an SSH banner), or a
/// target that is not a path (`OPTIONS *`, `CONNECT host:443`, `PRI * HTTP/2.0`). Such a line is
/// still a log line, so it gives a value whose `path` is nil, for the caller to ignore: servers
/// log these by the thousand and they say nothing about the log's health. But a request that
/// starts with a method and has no target (`"GET"`) gives nil, a malformed line, like a line
/// without the frame.
struct AccessLogLine {
    /// The text between `[` and `]`, for `TimeParser.parse(accessLogTime:)`.
    let time: UnsafeRawBufferPointer
    /// The target's path, before any `?` or `#`, as logged. For a target that is a full URL
    /// (`http://host/px?a=b`, which proxies send) the path after the authority: `/px`, or empty
    /// if the URL has none. Nil when the line logs no usable request (see the type's comment).
    let path: UnsafeRawBufferPointer?
    /// The query string, after the `?` and before any `#`; empty if there is none.
    let query: UnsafeRawBufferPointer

    private init(time: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer?, query: UnsafeRawBufferPointer) {
        self.time = time
        self.path = path
        self.query = query
    }

    /// Splits `line` (without its newline), or gives nil if it is not an access log line.
    ///
    /// - Complexity: O(n) in the line's length.
    init?(line: UnsafeRawBufferPointer) {
        guard let (time, request) = Self.frame(line) else { return nil }
        func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: line[range]) }
        switch Self.request(line, request) {
        case .malformed:
            return nil
        case .unusable:
            let none = request.lowerBound..<request.lowerBound
            self.init(time: slice(time), path: nil, query: slice(none))
        case .usable(let path, let query):
            self.init(time: slice(time), path: slice(path), query: slice(query))
        }
    }

    /// Whether the path is `prefix` or lies under it: it equals `prefix`, or starts with
    /// `prefix` followed by `/`. So `/px` matches `/px`, `/px/` and `/px/a.gif` but not `/pxx`.
    /// A prefix that ends in `/` matches every path that starts with it (`/` matches all paths
    /// but the empty one), and the empty prefix matches every path. A line without a request
    /// (`path` nil) matches nothing, not even the empty prefix.
    ///
    /// The raw path is compared, not a decoded one: a pixel's URL is written by its owner,
    /// plainly, and `/%70x` is not worth a decoding on every line.
    func pathHasPrefix(_ prefix: UnsafeRawBufferPointer) -> Bool {
        guard let path, path.count >= prefix.count else { return false }
        guard prefix.count > 0 else { return true }
        // Both non-empty, so both have a base address.
        guard memcmp(path.baseAddress!, prefix.baseAddress!, prefix.count) == 0 else { return false }
        let slash = UInt8(ascii: "/")
        return path.count == prefix.count || prefix[prefix.count - 1] == slash || path[prefix.count] == slash
    }

    /// Where the time and the request (both without their brackets or quotes) lie in the line,
    /// or nil if the line lacks the frame `... [time] "request"` followed by a space or its end.
    private static func frame(_ line: UnsafeRawBufferPointer) -> (time: Range<Int>, request: Range<Int>)? {
        let n = line.count
        // The first `[` after a space whose `]` a space and a quote follow: a user or a virtual
        // host before the time may be bracketed too (`[bob]`, `[::1]`). From 1, so that a `[`
        // found has a byte before it.
        var searchFrom = 1
        var open = 0
        var close = 0
        while open == 0 {
            guard let i = index(of: UInt8(ascii: "["), in: line, from: searchFrom, to: n) else { return nil }
            searchFrom = i + 1
            guard line[i - 1] == ASCII.space, let j = index(of: UInt8(ascii: "]"), in: line, from: i + 1, to: n),
                j + 2 < n, line[j + 1] == ASCII.space, line[j + 2] == ASCII.quote
            else { continue }
            (open, close) = (i, j)
        }
        let start = close + 3
        var from = start
        var end = 0
        while end == 0 {
            guard let quote = index(of: ASCII.quote, in: line, from: from, to: n) else { return nil }
            // Escaped if an odd number of backslashes come before it (`\\"` is a backslash, then the end).
            var backslashes = 0
            while quote - backslashes > start, line[quote - backslashes - 1] == ASCII.backslash { backslashes += 1 }
            if backslashes % 2 == 0 { end = quote }
            from = quote + 1
        }
        guard end + 1 == n || line[end + 1] == ASCII.space else { return nil }
        return (open + 1..<close, start..<end)
    }

    /// What a request line holds, by its place in the line.
    private enum Request {
        case usable(path: Range<Int>, query: Range<Int>)
        /// No request, or not one a pixel could have sent (see the type's comment).
        case unusable
        /// A method without a target.
        case malformed
    }

    /// Reads the request line at `request` (the text between its quotes).
    private static func request(_ line: UnsafeRawBufferPointer, _ request: Range<Int>) -> Request {
        let (slash, question, hash) = (UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"))
        let end = request.upperBound
        var i = request.lowerBound
        while i < end, isMethodByte(line[i]) { i += 1 }
        let method = request.lowerBound..<i
        // A method starts with a letter: `-` alone is the server's word for no request at all.
        guard !method.isEmpty, line[method.lowerBound] &- UInt8(ascii: "A") < 26, i == end || line[i] == ASCII.space
        else { return .unusable }
        guard i < end else { return .malformed }  // `GET` and nothing else
        let targetStart = i + 1
        let targetEnd = index(of: ASCII.space, in: line, from: targetStart, to: end) ?? end
        guard targetStart < targetEnd else { return .malformed }  // `GET ` or `GET  /`: no target
        let pathStart: Int
        if line[targetStart] == slash {
            pathStart = targetStart
        } else if let authority = afterScheme(line, targetStart, targetEnd) {
            // The authority ends where the path, the query or the fragment starts.
            var j = authority
            while j < targetEnd, line[j] != slash, line[j] != question, line[j] != hash {
                j += 1
            }
            pathStart = j
        } else {
            return .unusable
        }
        let fragment = index(of: hash, in: line, from: pathStart, to: targetEnd) ?? targetEnd
        let mark = index(of: question, in: line, from: pathStart, to: fragment)
        let query = mark.map { $0 + 1..<fragment } ?? fragment..<fragment
        return .usable(path: pathStart..<(mark ?? fragment), query: query)
    }

    /// Method names are tokens; those in use are uppercase letters, with `-` or `_` inside a few
    /// (`VERSION-CONTROL`). Anything else in the first word means the bytes are not HTTP.
    @inline(__always)
    private static func isMethodByte(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "A") < 26 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    /// Where the authority starts if the target at `start` is an absolute URL, `scheme://...`
    /// (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`); nil otherwise.
    private static func afterScheme(_ line: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        guard (line[start] | ASCII.caseBit) &- UInt8(ascii: "a") < 26 else { return nil }
        var i = start + 1
        while i < end {
            let c = line[i]
            let isSchemeByte =
                (c | ASCII.caseBit) &- UInt8(ascii: "a") < 26 || c &- ASCII.zero < 10 || c == UInt8(ascii: "+")
                || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            guard isSchemeByte else { break }
            i += 1
        }
        guard i + 3 <= end, line[i] == ASCII.colon, line[i + 1] == UInt8(ascii: "/"), line[i + 2] == UInt8(ascii: "/")
        else { return nil }
        return i + 3
    }

    /// The index of the first `byte` in `start..<end` of `line`, or nil.
    @inline(__always)
    private static func index(of byte: UInt8, in line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int? {
        // A non-empty range of the line, so its base address is not nil.
        guard start < end, let found = memchr(line.baseAddress! + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(found) - line.baseAddress!
    }
}
