/// Why a line was not counted. Every rejected line has exactly one: the first check it fails, in
/// the order `EventParser` documents (a line with a bad time and an empty campaign is
/// `emptyCampaign`).
public enum RejectReason: Int, CaseIterable, Sendable {
    /// Not a JSON object, or a CSV/TSV row with broken quoting.
    case malformed
    /// The line holds a NUL byte (or a campaign decodes to one): a sign of a damaged file.
    case nulByte
    /// Longer than the line cap; never held whole.
    case lineTooLong
    /// One of time, type or campaign is absent (or JSON null, or an empty CSV cell for time/type).
    case missingField
    /// The type is not a string.
    case badType
    /// The campaign is neither a string nor an integer.
    case badCampaign
    case emptyCampaign
    /// The campaign's bytes are not UTF-8, so no CSV reader could show it faithfully.
    case invalidUTF8
    /// The time is neither ISO 8601 (with or without a zone) nor an epoch number.
    case badTime
    /// The time is outside the accepted years (2000 to 2100 by default).
    case timeOutOfRange
    /// A time written without a zone falls in the hour its input zone repeats when clocks go
    /// back: it could be either of two instants.
    case ambiguousTime
    /// A time written without a zone falls in the hour its input zone skips when clocks go
    /// forward: no clock showed it.
    case nonexistentTime

    /// The name used in summaries and reject files.
    public var name: String {
        switch self {
        case .malformed: "malformed"
        case .nulByte: "nul_byte"
        case .lineTooLong: "line_too_long"
        case .missingField: "missing_field"
        case .badType: "bad_type"
        case .badCampaign: "bad_campaign"
        case .emptyCampaign: "empty_campaign"
        case .invalidUTF8: "invalid_utf8"
        case .badTime: "bad_time"
        case .timeOutOfRange: "time_out_of_range"
        case .ambiguousTime: "ambiguous_time"
        case .nonexistentTime: "nonexistent_time"
        }
    }
}
