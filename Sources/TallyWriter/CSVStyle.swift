/// How the day files are laid out, for the program that opens them. The default is what tally
/// has always written: no byte order mark, LF line ends.
public struct CSVStyle: Sendable, Equatable {
    /// Starts each file with a UTF-8 byte order mark, which makes Excel and LibreOffice read the
    /// file as UTF-8 when it is opened directly (without one, `café` shows as `cafÃ©`).
    public var byteOrderMark = false
    /// Ends each record with CR LF, as RFC 4180 has it, instead of LF.
    public var crlf = false
    /// Columns after the counts, each one counter over another.
    public var ratios: [Ratio] = []

    /// The layout in a few words, as the state store remembers it: day files of another layout
    /// are all written again.
    public var stateKey: String {
        "bom=\(byteOrderMark) crlf=\(crlf) ratios="
            + ratios.map { "\($0.name):\($0.numerator)/\($0.denominator)" }.joined(separator: ",")
    }

    /// A column of one counter over another (clicks over impressions: `ctr`), a plain decimal
    /// with six digits after the point, rounded half up; empty where the denominator is 0.
    public struct Ratio: Sendable, Equatable {
        public var name: String
        public var numerator: Int
        public var denominator: Int

        public init(name: String, numerator: Int, denominator: Int) {
            self.name = name
            self.numerator = numerator
            self.denominator = denominator
        }

        /// `numerator / denominator` as text, exactly rounded: (2 * 10^6 * n + d) / (2d) is n/d in
        /// millionths, rounded half up, worked out in 128 bits so that no count overflows it.
        static func text(_ numerator: UInt64, over denominator: UInt64) -> String {
            guard denominator > 0 else { return "" }
            let (divisor, tooLarge) = denominator.multipliedReportingOverflow(by: 2)
            let scaled = numerator.multipliedFullWidth(by: 2_000_000)
            let sum = scaled.low.addingReportingOverflow(denominator)
            let high = scaled.high &+ (sum.overflow ? 1 : 0)
            guard !tooLarge, high < divisor else {
                // Counts no day holds (a ratio past 10^13, or a denominator past 2^63).
                return String(Double(numerator) / Double(denominator))
            }
            let millionths = divisor.dividingFullWidth((high, sum.partialValue)).quotient
            let fraction = String(millionths % 1_000_000)
            return "\(millionths / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
        }
    }

    public init(byteOrderMark: Bool = false, crlf: Bool = false, ratios: [Ratio] = []) {
        self.byteOrderMark = byteOrderMark
        self.crlf = crlf
        self.ratios = ratios
    }

    public static let byteOrderMarkBytes: [UInt8] = [0xef, 0xbb, 0xbf]
}
