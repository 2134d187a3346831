/// A fast 64-bit hash of a short byte string, for the in-memory tables only.
///
/// Not keyed: a hostile log could aim for collisions and make the tables slow, never wrong.
/// Results are never stored or compared across runs.
enum ByteHash {
    private static let k0: UInt64 = 0x9e37_79b9_7f4a_7c15
    private static let k1: UInt64 = 0xbf58_476d_1ce4_e5b9

    /// - Parameter seed: mixed in with the length, so that one string hashes differently under
    ///   different seeds (a day, say) at no extra cost.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt64 {
        let n = bytes.count
        var h = (UInt64(truncatingIfNeeded: n) ^ UInt64(seed) << 32) &* k0
        if n >= 8 {
            var i = 0
            while n - i > 8 {
                h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            // The last eight bytes, overlapping bytes already mixed when n is not a multiple
            // of 8: no byte-at-a-time tail (the length is in `h`, so no two strings collide by it).
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
        } else if n >= 4 {
            let low = UInt64(bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            let high = UInt64(bytes.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
            h = mix(h ^ (low | high << 32))
        } else if n > 0 {
            let first = UInt64(bytes[0])
            let middle = UInt64(bytes[n >> 1])
            let last = UInt64(bytes[n - 1])
            h = mix(h ^ (first | middle << 8 | last << 16))
        }
        return finish(h)
    }

    @inline(__always)
    static func hash(_ value: UInt64) -> UInt64 {
        finish(value &* k0)
    }

    @inline(__always)
    private static func mix(_ h: UInt64) -> UInt64 {
        let m = h &* k1
        return m ^ (m >> 31)
    }

    @inline(__always)
    private static func finish(_ h: UInt64) -> UInt64 {
        var x = h
        x ^= x >> 30
        x &*= k1
        x ^= x >> 27
        x &*= 0x94d0_49bb_1331_11eb
        return x ^ (x >> 31)
    }
}
