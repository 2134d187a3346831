/// What became of one line.
public enum LineOutcome {
    case event(Event)
    /// A well-formed event of a type tally does not count (a conversion, say), with the type's
    /// value as written (decoded, for JSON). The bytes are valid only during the call that
    /// receives them.
    case ignored(type: UnsafeRawBufferPointer)
    /// Empty, or only spaces, tabs and a CR.
    case blank
    /// The header line of a CSV or TSV input: names, not an event.
    case header
    case rejected(RejectReason)
}
