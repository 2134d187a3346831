/// The last byte string a `ByteTable` was asked about, with its answer.
///
/// Most of a log's events are of one type (impressions), so most lines ask for the type value
/// the line before asked for; comparing with that one, exactly and without folding case, costs
/// a fraction of a lookup. One per parser: it changes on every miss.
struct RecentLookup<Value> {
    /// The key's length; 0 while none is kept.
    private var count = 0
    private var signature: (UInt64, UInt64) = (0, 0)
    private var value: Value?

    init() {}

    /// What `table.lookup(key, foldingCase: fold)` gives, always; without asking the table when
    /// `key` is byte for byte the last one asked about. Keys of more than 16 bytes go to the table.
    // `@inline(always)`: `__always`, only a hint, left this a call from `parseJSON`, the
    // default key's hot path.
    @inline(always)
    mutating func lookup(_ key: UnsafeRawBufferPointer, in table: ByteTable<Value>, foldingCase fold: Bool) -> Value? {
        let n = key.count
        guard n > 0, n <= 16 else { return table.lookup(key, foldingCase: fold) }
        let keySignature = ByteTable<Value>.signature(key.baseAddress!, n)
        if n == count, keySignature == signature { return value }
        let found = table.lookup(key, foldingCase: fold)
        count = n
        signature = keySignature
        value = found
        return found
    }
}
