import Glibc

/// How many lines of one input had each event type that tally does not count, by value, so a
/// renamed type (`IMPRESSION_SERVED` for `impression`) shows by name in the summary instead of
/// as a bare number of ignored lines.
///
/// Per line it costs a compare with the last value seen (most ignored lines repeat it) or a
/// search of the few seen so far; a value becomes a `String` once, when first seen. Past
/// `limit` distinct values an input's others are counted together, so a column of garbage
/// cannot grow the table without bound; the run shows at most `limit` values too
/// (`RunReport.ignoredTypesShown`), the rest together.
struct IgnoredTypeTally {
    static let limit = 64
    /// The key under which values past `limit` are counted.
    static let others = "(other values)"

    private var values: [[UInt8]] = []
    private var counts: [Int] = []
    private var overflow = 0
    private var last = -1

    mutating func record(_ value: UnsafeRawBufferPointer) {
        if last >= 0, Self.same(values[last], value) {
            counts[last] += 1
            return
        }
        if let index = values.firstIndex(where: { Self.same($0, value) }) {
            last = index
            counts[index] += 1
        } else if values.count < Self.limit {
            values.append(Array(value))
            counts.append(1)
            last = values.count - 1
        } else {
            overflow += 1
        }
    }

    /// The counts by value, the bytes read as UTF-8 (anything else replaced).
    var byValue: [String: Int] {
        var result: [String: Int] = [:]
        for (value, count) in zip(values, counts) {
            result[String(decoding: value, as: UTF8.self), default: 0] += count
        }
        if overflow > 0 { result[Self.others, default: 0] += overflow }
        return result
    }

    private static func same(_ kept: [UInt8], _ value: UnsafeRawBufferPointer) -> Bool {
        guard kept.count == value.count else { return false }
        guard let bytes = value.baseAddress, !kept.isEmpty else { return true }
        return kept.withUnsafeBytes { memcmp($0.baseAddress!, bytes, value.count) == 0 }
    }
}
