/// One counted event. `key` points into the line or into the parser's scratch space and is
/// valid only until the parser's next call.
public struct Event {
    public var instant: Int64
    public var kind: EventKind
    /// The row key: the key columns' values as a `KeyTuple` (with the default key, the campaign).
    public var key: UnsafeRawBufferPointer
    /// With a distinct-values field (`--uniques`), its value; empty where the line has none.
    /// Valid as long as `key` is. (Not optional: an event is returned for every line counted,
    /// and the optionals' tags made it a word larger.)
    public var distinct = UnsafeRawBufferPointer(start: nil, count: 0)
    /// With an identifying field (`--dedupe`), its value; empty where the line has none.
    /// Valid as long as `key` is.
    public var identity = UnsafeRawBufferPointer(start: nil, count: 0)
}
