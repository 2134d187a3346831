/// The fields tally reads from every event.
public enum Field: Int, CaseIterable, Sendable {
    case time, type, campaign
}
