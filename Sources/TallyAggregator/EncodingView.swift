import TallyBytes

/// A table's rows by index, as the canonical encoding reads them (`RollupTable.encode`), valid
/// during the call that lends it. `RollupTable` lends one, and so does `CountingTable`, whose
/// input's counts the state store keeps, encoded straight from the table they were counted in:
/// one function writes the one form from either.
protocol EncodingView {
    associatedtype Keys: KeysByID
    var counterCount: Int { get }
    /// The keys' bytes by id. Rows of one key have one id, or several that `keyRanks` gives one
    /// rank.
    var keys: Keys { get }
    func keyID(ofRow row: Int) -> UInt32
    func period(ofRow row: Int) -> Int32
    func count(_ counter: Int, ofRow row: Int) -> UInt64
    /// Starts fetching what the row's key id, period and counters are read from.
    func prefetch(row: Int)
    /// What `prefetch(row:)` could not fetch because it depends on what that fetched; called a
    /// few rows later.
    func prefetchDependent(row: Int)
    /// Appends what follows the row's counters in the encoding: a sketch of distinct values,
    /// event ids, if the table keeps them.
    func appendExtras(ofRow row: Int, into writer: inout BinaryWriter)
}

/// Keys' bytes by id, for readers of many of them: without a call and a check for each.
protocol KeysByID {
    subscript(id: UInt32) -> UnsafeRawBufferPointer { get }
    /// Starts fetching where key `id` is (for `prefetchBytes(of:)`, a step later).
    func prefetchPlace(of id: UInt32)
    /// Starts fetching key `id`'s first bytes.
    func prefetchBytes(of id: UInt32)
}

extension ByteInterner.Strings: KeysByID {}
