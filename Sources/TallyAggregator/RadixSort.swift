/// Sorts values by 64-bit keys: a least-significant-digit radix sort, a byte at a time.
///
/// A day file's rows are put in order by one number each (their period and their key's rank),
/// and a wide hourly rollup has millions: a comparison sort then takes a large part of the time
/// between the last input and the first byte written. This reads the keys once to count each
/// byte's values, then moves every pair once per byte that is not the same in all keys; rows'
/// numbers vary in a few bytes only (a rank's low bytes, an hour's), so that is a few passes.
enum RadixSort {
    /// Puts `keys` in ascending order, and `values` in the same order as their keys; stable.
    static func sort(keys: inout [UInt64], values: inout [UInt32]) {
        precondition(keys.count == values.count)
        let count = keys.count
        guard count > 1 else { return }
        // The count of each value of each byte, in one read of the keys.
        var histograms = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeBufferPointer { keys in
            histograms.withUnsafeMutableBufferPointer { histograms in
                for key in keys {
                    for byte in 0..<8 { histograms[byte << 8 | Int(truncatingIfNeeded: key >> (byte * 8) & 0xff)] += 1 }
                }
            }
        }
        var spareKeys = [UInt64](repeating: 0, count: count)
        var spareValues = [UInt32](repeating: 0, count: count)
        for byte in 0..<8 {
            let counts = histograms[byte << 8..<(byte + 1) << 8]
            // A byte every key has the same value in leaves the order as it is.
            if counts.contains(count) { continue }
            var next = [Int](repeating: 0, count: 256)
            var total = 0
            for (value, number) in counts.enumerated() {
                next[value] = total
                total += number
            }
            let shift = UInt64(byte * 8)
            keys.withUnsafeBufferPointer { keys in
                values.withUnsafeBufferPointer { values in
                    spareKeys.withUnsafeMutableBufferPointer { spareKeys in
                        spareValues.withUnsafeMutableBufferPointer { spareValues in
                            next.withUnsafeMutableBufferPointer { next in
                                for index in 0..<count {
                                    let key = keys[index]
                                    let bucket = Int(truncatingIfNeeded: key >> shift & 0xff)
                                    let place = next[bucket]
                                    next[bucket] = place + 1
                                    spareKeys[place] = key
                                    spareValues[place] = values[index]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &spareKeys)
            swap(&values, &spareValues)
        }
    }
}
