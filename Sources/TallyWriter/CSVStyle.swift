/// How the day files are laid out, for the program that opens them. The default is what tally
/// has always written: no byte order mark, LF line ends.
public struct CSVStyle: Sendable, Equatable {
    /// Starts each file with a UTF-8 byte order mark, which makes Excel and LibreOffice read the
    /// file as UTF-8 when it is opened directly (without one, `café` shows as `cafÃ©`).
    public var byteOrderMark = false
    /// Ends each record with CR LF, as RFC 4180 has it, instead of LF.
    public var crlf = false

    public init(byteOrderMark: Bool = false, crlf: Bool = false) {
        self.byteOrderMark = byteOrderMark
        self.crlf = crlf
    }

    static let byteOrderMarkBytes: [UInt8] = [0xef, 0xbb, 0xbf]
}
