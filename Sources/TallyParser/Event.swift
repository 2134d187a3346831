/// One counted event. `key` points into the line or into the parser's scratch space and is
/// valid only until the parser's next call.
public struct Event {
    public var instant: Int64
    public var kind: EventKind
    /// The row key: the key columns' values as a `KeyTuple` (with the default key, the campaign).
    public var key: UnsafeRawBufferPointer
    /// With a distinct-values field (`--uniques`), its value; nil where the line has none (or
    /// an empty one). Valid as long as `key` is.
    public var distinct: UnsafeRawBufferPointer? = nil
    /// With an identifying field (`--dedupe`), its value; nil where the line has none (or an
    /// empty one). Valid as long as `key` is.
    public var identity: UnsafeRawBufferPointer? = nil
}
