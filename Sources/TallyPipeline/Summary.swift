/// The shape of the `--summary-json` document.
struct Summary: Encodable {
    struct File: Encodable {
        let path: String
        let status: String
        let error: String?
        let compression: String?
        let format: String?
        let lines: Int
        let counted: Int
        let rejected: Int
        /// For a duplicate: the input whose content it has.
        let sameAs: String?
        let warnings: [String]?

        enum CodingKeys: String, CodingKey {
            case path, status, error, compression, format, lines, counted, rejected, warnings
            case sameAs = "same_as"
        }
    }

    let lines: Int
    let counted: Int
    let ignored: Int
    let rejected: Int
    let blank: Int
    let headerLines: Int
    let events: [String: Int]
    let rejectedByReason: [String: Int]
    let files: [File]
    let daysWritten: [String]
    let exitStatus: Int
    let drift: String?
    let ignoredTypes: [String: Int]?
    let tallyVersion: String
    let timeZone: String
    let started: String
    let finished: String
    let unnamedCampaigns: Int?
    let duplicateEvents: UInt64?
    let outputError: String?
    let warnings: [String]?

    enum CodingKeys: String, CodingKey {
        case lines, counted, ignored, rejected, blank, events, files, warnings
        case headerLines = "header_lines"
        case rejectedByReason = "rejected_by_reason"
        case daysWritten = "days_written"
        case exitStatus = "exit_status"
        case outputError = "output_error"
        case drift, started, finished
        case ignoredTypes = "ignored_types"
        case tallyVersion = "tally_version"
        case timeZone = "time_zone"
        case unnamedCampaigns = "unnamed_campaigns"
        case duplicateEvents = "duplicate_events"
    }
}
