/// A fast 64-bit hash of a short byte string, for the in-memory tables only.
///
/// Not keyed: a hostile log could aim for collisions and make the tables slow, never wrong.
/// Results are never stored or compared across runs.
enum ByteHash {
    private static let k0: UInt64 = 0x9e37_79b9_7f4a_7c15
    private static let k1: UInt64 = 0xbf58_476d_1ce4_e5b9

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: bytes.count) &* k0
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = mix(h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = mix(h ^ tail)
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
