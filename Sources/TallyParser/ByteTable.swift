/// Byte strings looked up by length first, so that a key no name matches costs a bit test or
/// a compare or two: most keys in a log line are not fields tally wants.
///
/// Storage is flat and raw, so a lookup on the hot path copies and retains nothing: the names of
/// length `n` are entries `starts[n] ..< starts[n + 1]`; entry `e` has its bytes at
/// `bytes[offsets[e] ..< offsets[e] + n]` and its value in `values[e]`. Immutable once built.
final class ByteTable<Value>: @unchecked Sendable {
    /// Bit `n` is set if some name has `n` bytes (for n < 64): most keys are rejected by it.
    private let lengths: UInt64
    private let longest: Int
    private let starts: UnsafeMutablePointer<Int>
    private let offsets: UnsafeMutablePointer<Int>
    private let bytes: UnsafeMutablePointer<UInt8>
    private let values: [Value]

    init(_ entries: [(String, Value)]) {
        // By length, then by bytes: the schema's names come from dictionaries, whose order
        // changes from run to run, and a lookup's cost should not.
        let sorted = entries.map { (Array($0.0.utf8), $0.1) }.sorted {
            $0.0.count != $1.0.count ? $0.0.count < $1.0.count : $0.0.lexicographicallyPrecedes($1.0)
        }
        longest = sorted.last?.0.count ?? 0
        var starts = [Int](repeating: sorted.count, count: longest + 2)
        for (index, entry) in sorted.enumerated().reversed() { starts[entry.0.count] = index }
        for length in stride(from: longest, through: 0, by: -1) where starts[length] > starts[length + 1] {
            starts[length] = starts[length + 1]
        }
        let allBytes = sorted.flatMap(\.0)
        var offsets: [Int] = []
        var offset = 0
        for entry in sorted {
            offsets.append(offset)
            offset += entry.0.count
        }
        self.starts = .allocate(capacity: starts.count)
        self.starts.initialize(from: starts, count: starts.count)
        self.offsets = .allocate(capacity: max(1, offsets.count))
        self.offsets.initialize(from: offsets, count: offsets.count)
        self.bytes = .allocate(capacity: max(1, allBytes.count))
        self.bytes.initialize(from: allBytes, count: allBytes.count)
        values = sorted.map(\.1)
        lengths = sorted.reduce(0) { $1.0.count < 64 ? $0 | 1 << UInt64($1.0.count) : $0 }
    }

    deinit {
        starts.deallocate()
        offsets.deallocate()
        bytes.deallocate()
    }

    /// - Parameter fold: compare ASCII letters case-insensitively (the table's names are lower case).
    @inline(__always)
    func lookup(_ key: UnsafeRawBufferPointer, foldingCase fold: Bool = false) -> Value? {
        let n = key.count
        guard n > 0, n <= longest else { return nil }
        if n < 64, lengths & (1 << UInt64(n)) == 0 { return nil }
        var entry = starts[n]
        let end = starts[n + 1]
        while entry < end {
            if Self.equal(key.baseAddress!, UnsafeRawPointer(bytes + offsets[entry]), n, fold: fold) {
                return values[entry]
            }
            entry += 1
        }
        return nil
    }

    /// Whether the `n` bytes at `key` (folded to lower case if `fold`) are the `n` at `name`,
    /// compared a word at a time: the last word overlaps the one before it rather than
    /// being read byte by byte.
    @inline(__always)
    private static func equal(_ key: UnsafeRawPointer, _ name: UnsafeRawPointer, _ n: Int, fold: Bool) -> Bool {
        @inline(__always)
        func word(_ p: UnsafeRawPointer, _ at: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
        @inline(__always)
        func half(_ p: UnsafeRawPointer, _ at: Int) -> UInt64 {
            UInt64(p.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        }
        @inline(__always)
        func folded(_ x: UInt64) -> UInt64 { fold ? lowercasedASCII(x) : x }
        if n >= 8 {
            var i = 0
            while n - i > 8 {
                if folded(word(key, i)) != word(name, i) { return false }
                i += 8
            }
            return folded(word(key, n - 8)) == word(name, n - 8)
        }
        if n >= 4 {
            return folded(half(key, 0) | half(key, n - 4) << 32) == half(name, 0) | half(name, n - 4) << 32
        }
        for i in 0..<n
        where folded(UInt64(key.load(fromByteOffset: i, as: UInt8.self)))
            != UInt64(name.load(fromByteOffset: i, as: UInt8.self))
        {
            return false
        }
        return true
    }

    /// The `n` (1...16) bytes at `p` as two words that together hold every one of them: equal
    /// signatures of byte strings of one length mean equal strings.
    @inline(__always)
    static func signature(_ p: UnsafeRawPointer, _ n: Int) -> (UInt64, UInt64) {
        if n >= 8 {
            return (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        }
        if n >= 4 {
            return (
                UInt64(p.loadUnaligned(as: UInt32.self)),
                UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            )
        }
        // One to three bytes: the first, the middle and the last are all of them.
        func byte(_ i: Int) -> UInt64 { UInt64(p.load(fromByteOffset: i, as: UInt8.self)) }
        return (byte(0) | byte(n >> 1) << 8 | byte(n - 1) << 16, 0)
    }

    /// `x` with each byte that is an ASCII capital letter made lower case, all eight at once.
    @inline(__always)
    static func lowercasedASCII(_ x: UInt64) -> UInt64 {
        let lows: UInt64 = 0x7f7f_7f7f_7f7f_7f7f
        let ones: UInt64 = 0x0101_0101_0101_0101
        // For each byte b below 0x80: b + 0x3f reaches 0x80 from "A" (0x41) up, and b + 0x25
        // from "[" (0x5b) up; the sums stay within their bytes.
        let seven = x & lows
        let capitals = (seven &+ ones &* 0x3f) & ~(seven &+ ones &* 0x25) & ~x & (ones &* 0x80)
        return x | capitals >> 2
    }
}
