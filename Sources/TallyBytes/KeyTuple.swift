import Glibc

/// The key columns of one rollup row as one byte string: the columns' bytes joined by NUL.
///
/// One row key flows from the parser through the tables to the writer (and into any partial
/// rollup) as this one value, so that no stage keeps a campaign with extras bolted on. The
/// encoding is chosen for three properties:
/// - A one-column key is that column's bytes, unchanged: the default key (the campaign) costs
///   nothing to build, and reads the same as before there were more columns.
/// - Comparing two encodings bytewise orders them column by column, each bytewise: NUL is below
///   every other byte, so a column that is a prefix of another sorts first, as it should.
/// - It splits back without lengths.
/// All three rest on one invariant: no column holds a NUL byte. The parser rejects such lines
/// (`nul_byte`) before a key is built.
public enum KeyTuple {
    /// The separator between columns.
    public static let separator: UInt8 = 0

    /// Calls `body` with each column of `key`, in order; `columns` is how many it has (at least 1).
    @inlinable
    public static func forEachColumn(
        of key: UnsafeRawBufferPointer, columns: Int, _ body: (Int, UnsafeRawBufferPointer) -> Void
    ) {
        var start = 0
        for column in 0..<columns - 1 {
            let end = separatorOffset(in: key, from: start)
            body(column, UnsafeRawBufferPointer(rebasing: key[start..<end]))
            start = min(end + 1, key.count)
        }
        body(columns - 1, UnsafeRawBufferPointer(rebasing: key[start...]))
    }

    /// Where the first separator at or after `start` is, or `key.count` if none is.
    ///
    /// Columns are mostly short ids, and a writer splits every row's key: the first bytes are
    /// looked at in a loop, which for a short column costs less than the call, and `memchr`
    /// takes over past them.
    @inlinable
    static func separatorOffset(in key: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        let looped = min(key.count, start + 32)
        while index < looped {
            if key[index] == separator { return index }
            index += 1
        }
        guard index < key.count else { return key.count }
        return memchr(key.baseAddress! + index, Int32(separator), key.count - index).map {
            UnsafeRawPointer($0) - key.baseAddress!
        } ?? key.count
    }
}
