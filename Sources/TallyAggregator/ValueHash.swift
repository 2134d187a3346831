/// The hash of a value counted by `--uniques` (a user id, say): XXH64 with seed 0, exactly as
/// its reference implementation (github.com/Cyan4973/xxHash) computes it.
///
/// Never change it. Its results are stored, inside `HyperLogLog` sketches, in partial files and
/// in the state store, and are merged with sketches made by other runs, versions and machines;
/// a sketch of hashes from another function would merge without complaint and count every user
/// twice. Unlike `ByteHash`, which only serves the in-memory tables, this one is part of the file
/// formats. Being XXH64, it can be checked against any other implementation (Python's `xxhash`
/// gave the test vectors), and it reads bytes as little-endian whatever the machine.
enum ValueHash {
    private static let prime1: UInt64 = 0x9e37_79b1_85eb_ca87
    private static let prime2: UInt64 = 0xc2b2_ae3d_27d4_eb4f
    private static let prime3: UInt64 = 0x1656_67b1_9e37_79f9
    private static let prime4: UInt64 = 0x85eb_ca77_c2b2_ae63
    private static let prime5: UInt64 = 0x27d4_eb2f_1656_67c5

    /// XXH64 of `bytes` with seed 0.
    /// - Complexity: O(`bytes.count`).
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var offset = 0
        var h: UInt64
        if count >= 32 {
            // Seed 0: the four lanes start at p1 + p2, p2, 0 and -p1.
            var v1 = prime1 &+ prime2
            var v2 = prime2
            var v3: UInt64 = 0
            var v4: UInt64 = 0 &- prime1
            while count - offset >= 32 {
                v1 = round(v1, word(bytes, offset))
                v2 = round(v2, word(bytes, offset + 8))
                v3 = round(v3, word(bytes, offset + 16))
                v4 = round(v4, word(bytes, offset + 24))
                offset += 32
            }
            h = v1.rotated(1) &+ v2.rotated(7) &+ v3.rotated(12) &+ v4.rotated(18)
            h = (h ^ round(0, v1)) &* prime1 &+ prime4
            h = (h ^ round(0, v2)) &* prime1 &+ prime4
            h = (h ^ round(0, v3)) &* prime1 &+ prime4
            h = (h ^ round(0, v4)) &* prime1 &+ prime4
        } else {
            h = prime5
        }
        h &+= UInt64(truncatingIfNeeded: count)
        while count - offset >= 8 {
            h ^= round(0, word(bytes, offset))
            h = h.rotated(27) &* prime1 &+ prime4
            offset += 8
        }
        if count - offset >= 4 {
            let half = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            h ^= UInt64(half) &* prime1
            h = h.rotated(23) &* prime2 &+ prime3
            offset += 4
        }
        while offset < count {
            h ^= UInt64(bytes[offset]) &* prime5
            h = h.rotated(11) &* prime1
            offset += 1
        }
        h ^= h >> 33
        h &*= prime2
        h ^= h >> 29
        h &*= prime3
        h ^= h >> 32
        return h
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        (accumulator &+ input &* prime2).rotated(31) &* prime1
    }

    /// The little-endian 64-bit word at `offset`, which must have 8 bytes after it.
    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}

extension UInt64 {
    /// Rotated left by `bits`, 0 < `bits` < 64.
    @inline(__always)
    fileprivate func rotated(_ bits: UInt64) -> UInt64 {
        self << bits | self >> (64 - bits)
    }
}
