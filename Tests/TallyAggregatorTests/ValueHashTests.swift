import Testing

@testable import TallyAggregator

@Suite struct ValueHashTests {
    /// The bytes (i * 167 + 13) mod 256 for i in 0..<count, a pattern that sets every bit.
    static func pattern(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 * 167 + 13) }
    }

    static func hash(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { ValueHash.hash($0) }
    }
}

// MARK: - Test vectors

extension ValueHashTests {
    /// From Python's `xxhash` 4.1.0: `xxhash.xxh64(bytes((i * 167 + 13) % 256 for i in
    /// range(n)), seed=0).intdigest()`. Every length from one side of each branch to the
    /// other: the 1-byte tail, the 4-byte word, the 8-byte words, the 32-byte stripes.
    static let patternVectors: [(count: Int, hash: UInt64)] = [
        (0, 0xef46_db37_51d8_e999),
        (1, 0x2078_e1ad_38ad_738b),
        (2, 0xd9c7_bf9d_2ba6_b544),
        (3, 0x634d_95fc_01a1_89cd),
        (4, 0xeed3_4090_8a1a_c6c6),
        (5, 0x342b_d7a5_f3e2_edcd),
        (7, 0x0da4_9362_1d6d_c898),
        (8, 0x76f9_16c7_bb52_3126),
        (9, 0x175d_7bee_83bd_73b9),
        (12, 0xfb52_f89a_1dc4_49d2),
        (15, 0x4e1c_333b_057f_b6a4),
        (16, 0x7bbe_ff67_6993_12f6),
        (17, 0x5a63_f300_c4cb_3d87),
        (24, 0x864b_f0f7_6018_4516),
        (31, 0x65c5_feb0_1da7_464d),
        (32, 0x7665_c921_c9bf_2ec7),
        (33, 0xb5a9_d9ef_259a_e821),
        (40, 0xc942_02b2_b088_6774),
        (63, 0xb028_9cd9_3240_34f0),
        (64, 0xfff2_525c_99bf_2005),
        (65, 0x01fb_d6d6_ac20_fbaf),
        (96, 0xb4c9_1238_bebc_5148),
        (100, 0x74e5_02db_362e_fd4c),
    ]

    @Test(arguments: patternVectors)
    func isXXH64WithSeedZero(count: Int, hash: UInt64) {
        #expect(Self.hash(Self.pattern(count)) == hash)
    }

    @Test(
        arguments: [
            ("", 0xef46_db37_51d8_e999),
            ("a", 0xd24e_c4f1_a98c_6e5b),
            ("abc", 0x44bc_2cf5_ad77_0999),
            ("user_42", 0x42d3_acba_1377_e487),
            ("Nobody inspects the spammish repetition", 0xfbce_a83c_8a37_8bf1),
        ] as [(String, UInt64)])
    func textHashesAsItsUTF8Bytes(text: String, hash: UInt64) {
        #expect(Self.hash(Array(text.utf8)) == hash)
    }

    /// The words are read unaligned: where the bytes sit in memory changes nothing.
    @Test func theHashDoesNotDependOnAlignment() {
        for count in [7, 8, 31, 32, 33, 100] {
            let bytes = Self.pattern(count)
            for shift in 1..<8 {
                let shifted = [UInt8](repeating: 0xff, count: shift) + bytes
                let hash = shifted.withUnsafeBytes { ValueHash.hash(UnsafeRawBufferPointer(rebasing: $0[shift...])) }
                #expect(hash == Self.hash(bytes), "\(count) bytes at offset \(shift)")
            }
        }
    }
}
