/// An opened input: its plain bytes, how they were stored, and whether there were none at all.
public struct OpenedInput {
    public let source: any ByteSource
    public let compression: Compression
    /// The input had zero bytes (which is reported, and is not an error).
    public let isEmpty: Bool
}
