import Testing

@testable import TallyParser

@Suite struct AccessLogLineTests {
    /// A line's parts as text, for comparing.
    struct Parts: Equatable, CustomStringConvertible {
        var time: String
        var path: String?
        var query = ""

        var description: String { "[\(time)] \(path.debugDescription) ?\(query)" }
    }

    func split(_ line: String) -> Parts? {
        Array(line.utf8).withUnsafeBytes { raw in
            AccessLogLine(line: raw).map { parts in
                func text(_ bytes: UnsafeRawBufferPointer) -> String { String(decoding: bytes, as: UTF8.self) }
                return Parts(
                    time: text(parts.time), path: parts.path.map(text),
                    query: text(parts.query))
            }
        }
    }

    /// Whether the path of `line` has `prefix`; nil if `line` is not a log line.
    func pathOf(_ line: String, hasPrefix prefix: String) -> Bool? {
        Array(line.utf8).withUnsafeBytes { raw in
            Array(prefix.utf8).withUnsafeBytes { p in AccessLogLine(line: raw)?.pathHasPrefix(p) }
        }
    }

    /// A line whose request is `request`, in nginx's combined format.
    static func line(request: String) -> String {
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "\#(request)" 200 43 "https://ref.example/" "Mozilla/5.0 (X11)""#
    }

    static let time = "21/Nov/2026:13:45:12 +0000"
}

// MARK: - Log lines

extension AccessLogLineTests {
    @Test func nginxCombined() {
        let line =
            #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET /px?ev=imp&cmp=abc%20d HTTP/1.1" 200 43 "#
            + #""https://ref.example/page?x=1" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) \"quoted\"""#
        #expect(split(line) == Parts(time: Self.time, path: "/px", query: "ev=imp&cmp=abc%20d"))
    }

    @Test func apacheCombinedWithAUser() {
        let line =
            #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /px/a.gif?ev=click HTTP/1.0" 200 2326 "#
            + #""http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#
        #expect(
            split(line)
                == Parts(time: "10/Oct/2000:13:55:36 -0700", path: "/px/a.gif", query: "ev=click"))
    }

    @Test func commonLogFormat() {
        let line =
            #"127.0.0.1 user-identifier frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#
        #expect(
            split(line) == Parts(time: "10/Oct/2000:13:55:36 -0700", path: "/apache_pb.gif", query: ""))
    }

    /// A bracketed user or virtual host before the time is not the time.
    @Test func bracketsBeforeTheTime() {
        let user = #"1.2.3.4 - [bob] [21/Nov/2026:13:45:12 +0000] "GET /px?ev=imp HTTP/1.1" 200 43"#
        #expect(split(user) == Parts(time: Self.time, path: "/px", query: "ev=imp"))
        let host = #"news.example [::1] - - [21/Nov/2026:13:45:12 +0000] "GET /px HTTP/1.1" 200 43"#
        #expect(split(host) == Parts(time: Self.time, path: "/px", query: ""))
    }

    @Test func hostsCanBeIPv6() {
        let plain = #"2001:db8::1 - - [21/Nov/2026:13:45:12 +0000] "GET /px?ev=imp HTTP/2.0" 204 0 "-" "curl/8.5.0""#
        #expect(split(plain) == Parts(time: Self.time, path: "/px", query: "ev=imp"))
        let bracketed = #"[2001:db8::1] - - [21/Nov/2026:13:45:12 +0000] "HEAD /px HTTP/1.1" 200 0"#
        #expect(split(bracketed) == Parts(time: Self.time, path: "/px", query: ""))
    }

    @Test(arguments: [
        ("GET /px?ev=imp HTTP/2.0", "/px", "ev=imp"),
        ("POST /px HTTP/1.1", "/px", ""),
        ("GET /px? HTTP/1.1", "/px", ""),
        ("GET /px?a=b#top HTTP/1.1", "/px", "a=b"),
        ("GET /px#top?a=b HTTP/1.1", "/px", ""),
        ("GET /px?a=b?c=d HTTP/1.1", "/px", "a=b?c=d"),
        ("GET /px?ev=imp", "/px", "ev=imp"),
        ("GET / HTTP/1.1", "/", ""),
        ("GET //px?a HTTP/1.1", "//px", "a"),
        ("GET http://ads.example/px?a=b HTTP/1.1", "/px", "a=b"),
        ("GET HTTPS://ads.example:8443/px/?x=1#f HTTP/1.1", "/px/", "x=1"),
        ("GET http://user@ads.example/px HTTP/1.1", "/px", ""),
        ("GET http://ads.example?a=b HTTP/1.1", "", "a=b"),
        ("GET http://ads.example HTTP/1.1", "", ""),
        ("GET /px?q=\\\"x\\\" HTTP/1.1", "/px", "q=\\\"x\\\""),
        ("GET /a\\\\", "/a\\\\", ""),
        ("GET /px?a=1 b HTTP/1.1", "/px", "a=1"),
        ("PROPFIND /dav/ HTTP/1.1", "/dav/", ""),
        ("VERSION-CONTROL /dav/a HTTP/1.1", "/dav/a", ""),
    ])
    func requests(request: String, path: String, query: String) {
        #expect(split(Self.line(request: request)) == Parts(time: Self.time, path: path, query: query))
    }

    /// Still log lines, but with nothing a pixel could have sent: the path is nil.
    @Test(arguments: [
        "-", "", "\\x16\\x03\\x01\\x00\\xA5\\x01\\x00\\x00\\xA1\\x03\\x03", "SSH-2.0-OpenSSH_9.6",
        "PRI * HTTP/2.0", "OPTIONS * HTTP/1.1", "CONNECT ads.example:443 HTTP/1.1", "get /px HTTP/1.1",
        "GET px?a=b HTTP/1.1", "GET ../../etc/passwd HTTP/1.1", "GET :// HTTP/1.1", "GET 1http://a/px HTTP/1.1",
        "G\\x00ET /px HTTP/1.1", "/px?ev=imp", "-GET /px HTTP/1.1", "--", "- /px",
    ])
    func linesWithoutARequest(request: String) {
        #expect(split(Self.line(request: request)) == Parts(time: Self.time, path: nil))
    }
}

// MARK: - Not log lines

extension AccessLogLineTests {
    @Test(arguments: [
        "",
        "hello world",
        #"{"ts":"2026-11-21T00:00:00Z","event":"imp","tags":["a","b"]}"#,
        "1795219200,imp,abc",
        #"[21/Nov/2026:13:45:12 +0000] "GET /px HTTP/1.1" 200 43"#,
        #"203.0.113.9 - - 21/Nov/2026:13:45:12 +0000 "GET /px HTTP/1.1" 200 43"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000 "GET /px HTTP/1.1" 200 43"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] GET /px HTTP/1.1 200 43"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000]  "GET /px HTTP/1.1" 200 43"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000]"GET /px HTTP/1.1" 200 43"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] ""#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET /px HTTP/1.1"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET /px HTTP/1.1\" 200 43"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET /px HTTP/1.1"200 43"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET" 400 0"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET " 400 0"#,
        #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET  /px HTTP/1.1" 400 0"#,
    ])
    func notAccessLogLines(line: String) {
        #expect(split(line) == nil)
    }

    @Test func theLineEndsAfterTheRequest() {
        let line = #"203.0.113.9 - - [21/Nov/2026:13:45:12 +0000] "GET /px?ev=imp HTTP/1.1""#
        #expect(split(line) == Parts(time: Self.time, path: "/px", query: "ev=imp"))
    }

    @Test func theTimeIsNotJudgedHere() {
        let line = #"h - - [yesterday] "GET /px HTTP/1.1" 200 1"#
        #expect(split(line) == Parts(time: "yesterday", path: "/px", query: ""))
    }
}

// MARK: - Path prefixes

extension AccessLogLineTests {
    @Test(arguments: [
        ("GET /px HTTP/1.1", "/px", true),
        ("GET /px/ HTTP/1.1", "/px", true),
        ("GET /px/a.gif HTTP/1.1", "/px", true),
        ("GET /px?ev=imp HTTP/1.1", "/px", true),
        ("GET /pxx HTTP/1.1", "/px", false),
        ("GET /px.gif HTTP/1.1", "/px", false),
        ("GET /p HTTP/1.1", "/px", false),
        ("GET / HTTP/1.1", "/px", false),
        ("GET /PX HTTP/1.1", "/px", false),
        ("GET /%70x HTTP/1.1", "/px", false),
        ("GET /a/px HTTP/1.1", "/px", false),
        ("GET /px HTTP/1.1", "", true),
        ("GET / HTTP/1.1", "", true),
        ("GET /anything/else HTTP/1.1", "/", true),
        ("GET /px HTTP/1.1", "/px/", false),
        ("GET /px/a.gif HTTP/1.1", "/px/", true),
        ("GET /t/px/1 HTTP/1.1", "/t/px", true),
        ("GET http://ads.example/px?a=b HTTP/1.1", "/px", true),
        ("GET http://ads.example?a=b HTTP/1.1", "", true),
        ("GET http://ads.example?a=b HTTP/1.1", "/", false),
        ("-", "", false),
        ("OPTIONS * HTTP/1.1", "", false),
    ])
    func prefixes(request: String, prefix: String, matches: Bool) {
        #expect(pathOf(Self.line(request: request), hasPrefix: prefix) == matches)
    }
}
