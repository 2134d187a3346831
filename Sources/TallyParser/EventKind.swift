/// What an event counts as: the index of one counter. New kinds are new cases, in order.
public enum EventKind: Int, CaseIterable, Sendable {
    case impression, click, videoView

    /// The name used in summaries and CSV headers.
    public var name: String {
        switch self {
        case .impression: "impressions"
        case .click: "clicks"
        case .videoView: "video_views"
        }
    }
}
