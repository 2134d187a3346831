import TallyBytes

/// An approximate count of distinct values (`--uniques user_id`): a HyperLogLog sketch of
/// 2^14 = 16384 registers, whose estimates have a standard error of 1.04 / sqrt(16384) = 0.81%,
/// and which merges exactly, so that one row's count can be summed across files, days, runs and
/// partial results without counting a value twice.
///
/// A value is added by its `ValueHash`, XXH64 of its bytes with seed 0 as an unsigned 64-bit
/// number h (Python: `xxhash.xxh64(value).intdigest()`). Its top 14 bits, h >> 50, choose a
/// register; the register keeps the largest rank seen, where the rank is 1 + the number of
/// leading zeros of the low 50 bits counted from bit 49 down (1...51; 51 when all 50 are zero),
/// that is min(clz64(h << 14), 50) + 1. Merging takes the larger value of each register, so a
/// merge of two sketches has exactly the registers of one sketch fed both streams, in any
/// order. `estimate` is Otmar Ertl's improved raw estimator ("New cardinality estimation
/// algorithms for HyperLogLog sketches", arXiv:1702.01284, algorithm 6), which needs no bias
/// tables; up to 100 values it is linear counting, within 1 of the truth but for values that
/// fell in a register already set (at 100 values, 3% of sketches come out 2 or 3 under).
///
/// In memory a sketch is sparse (a sorted list of its non-zero registers, 4 bytes each) while
/// it has at most `sparseLimit` = 4095 of them, under the 16 KiB of the dense form (one byte a
/// register): most rows of a rollup see few users, and a sketch of 10 costs 40 bytes. The form
/// depends only on the registers (they only grow), so equal registers are equal sketches.
///
/// ## Encoding
/// One canonical form, a function of the registers alone: equal registers give equal bytes,
/// however the sketch was built. Integers are unsigned LEB128 (see `BinaryWriter`): 7 bits a
/// byte, low bits first, the high bit set on every byte but the last, no padding bytes.
///
/// - a tag, 0 or 1 (one byte);
/// - tag 0, sparse, used if and only if at most `sparseEncodingLimit` = 6079 registers are
///   non-zero: their number k (LEB128), then for each non-zero register, by increasing index,
///   the difference between its index and the previous one's (LEB128; the index before the
///   first is taken as -1, so every difference is at least 1 and the first is index + 1) and
///   its rank (one byte, 1...51). 6079 is the most registers whose sparse form can never be
///   longer than the dense one: at most 128 of the differences, which add up to at most 16384,
///   can reach 128 and take 2 bytes, so k registers take at most 1 (tag) + 2 (k) + 2k + 128
///   bytes, and 2 * 6079 + 131 <= 12289, the dense form's length. An empty sketch is the two bytes 0, 0.
/// - tag 1, dense, used if and only if more than 6079 registers are non-zero: 12288 bytes, the
///   16384 registers in index order, 6 bits each, least significant bits first: registers
///   4i...4i+3 (values r0...r3) are the 24-bit little-endian number r0 | r1 << 6 | r2 << 12 |
///   r3 << 18 in bytes 3i...3i+2. Every register is at most 51.
///
/// `decode` refuses anything else (a difference of 0, an index past 16383, a rank of 0 or over
/// 51, a form used where the other is the canonical one, another tag, input cut short), so one
/// sketch has one encoding. A sparse sketch of 10 values is about 32 bytes; a dense one 12289.
public struct HyperLogLog: Equatable, Sendable {
    /// Bits of the hash that choose a register.
    static let precision = 14
    static let registerCount = 1 << precision
    /// The largest rank: 1 + the 64 - 14 = 50 bits after the index, all zero.
    static let maxRank: UInt8 = 51
    /// The most non-zero registers kept in the sparse form in memory: 4 bytes each, fewer
    /// bytes than the dense form's `registerCount`.
    static let sparseLimit = registerCount / 4 - 1
    /// The most non-zero registers written in the sparse encoding (see the type's comment).
    static let sparseEncodingLimit = 6079
    /// Bytes of the dense encoding after its tag: 6 bits a register.
    static let denseEncodedCount = registerCount * 6 / 8

    /// The non-zero registers, each `index << 8 | rank`, in increasing order; used while
    /// `dense` is empty.
    private var sparse: [UInt32] = []
    /// Empty, or all `registerCount` registers, when more than `sparseLimit` are non-zero.
    private var dense: [UInt8] = []

    /// An empty sketch, whose estimate is 0.
    public init() {}

    /// Adds the value whose bytes are `value`, by its `ValueHash`.
    public mutating func add(_ value: UnsafeRawBufferPointer) {
        add(hash: ValueHash.hash(value))
    }

    /// Adds a value by its `ValueHash`: no other hash, or sketches from elsewhere would not merge.
    /// - Complexity: O(1) dense; O(log n) sparse, plus O(n) when the value sets a new register.
    mutating func add(hash: UInt64) {
        let index = Int(hash >> (64 - Self.precision))
        // A zero rest has 64 leading zeros; its rank is the largest, 51.
        let rank = UInt8(min((hash << Self.precision).leadingZeroBitCount, 50) + 1)
        raise(index, to: rank)
    }

    /// Raises the register at `index` to `rank` if it is lower.
    private mutating func raise(_ index: Int, to rank: UInt8) {
        if !dense.isEmpty {
            if dense[index] < rank { dense[index] = rank }
            return
        }
        let key = UInt32(index) << 8
        var low = 0
        var high = sparse.count
        while low < high {
            let middle = (low + high) / 2
            if sparse[middle] < key { low = middle + 1 } else { high = middle }
        }
        if low < sparse.count, sparse[low] >> 8 == index {
            if UInt8(sparse[low] & 0xff) < rank { sparse[low] = key | UInt32(rank) }
        } else if sparse.count < Self.sparseLimit {
            sparse.insert(key | UInt32(rank), at: low)
        } else {
            makeDense()
            dense[index] = rank
        }
    }

    /// Takes, register by register, the larger of this sketch's and `other`'s: the sketch of
    /// both streams.
    /// - Complexity: O(n + m) for two sparse sketches of n and m registers; O(16384) otherwise.
    public mutating func merge(_ other: HyperLogLog) {
        if dense.isEmpty, other.dense.isEmpty {
            var merged: [UInt32] = []
            merged.reserveCapacity(sparse.count + other.sparse.count)
            var i = 0
            var j = 0
            while i < sparse.count, j < other.sparse.count {
                let (a, b) = (sparse[i], other.sparse[j])
                if a >> 8 == b >> 8 {
                    merged.append(max(a, b))  // same index: the larger rank
                    i += 1
                    j += 1
                } else if a < b {
                    merged.append(a)
                    i += 1
                } else {
                    merged.append(b)
                    j += 1
                }
            }
            merged += sparse[i...]
            merged += other.sparse[j...]
            sparse = merged
            if sparse.count > Self.sparseLimit { makeDense() }
            return
        }
        if dense.isEmpty { makeDense() }
        if other.dense.isEmpty {
            for entry in other.sparse { raise(Int(entry >> 8), to: UInt8(entry & 0xff)) }
        } else {
            for index in 0..<Self.registerCount where dense[index] < other.dense[index] {
                dense[index] = other.dense[index]
            }
        }
    }

    private mutating func makeDense() {
        var registers = [UInt8](repeating: 0, count: Self.registerCount)
        for entry in sparse { registers[Int(entry >> 8)] = UInt8(entry & 0xff) }
        dense = registers
        sparse = []
    }

    /// All `registerCount` registers, 0 where nothing was seen.
    var registers: [UInt8] {
        if !dense.isEmpty { return dense }
        var registers = [UInt8](repeating: 0, count: Self.registerCount)
        for entry in sparse { registers[Int(entry >> 8)] = UInt8(entry & 0xff) }
        return registers
    }

    /// How many registers are non-zero.
    var nonZeroCount: Int {
        dense.isEmpty ? sparse.count : dense.reduce(0) { $0 + ($1 == 0 ? 0 : 1) }
    }

    /// The number of distinct values added, estimated (0 for an empty sketch, standard error
    /// 0.81%), rounded to the nearest integer; `Int.max` when every register is at its largest.
    /// - Complexity: O(16384) dense, O(n) sparse.
    public var estimate: Int {
        let q = 64 - Self.precision
        // How many registers hold each value 0...q + 1.
        var histogram = [Int](repeating: 0, count: q + 2)
        if dense.isEmpty {
            histogram[0] = Self.registerCount - sparse.count
            for entry in sparse { histogram[Int(entry & 0xff)] += 1 }
        } else {
            for register in dense { histogram[Int(register)] += 1 }
        }
        let m = Double(Self.registerCount)
        var z = m * Self.tau(1 - Double(histogram[q + 1]) / m)
        for k in stride(from: q, through: 1, by: -1) { z = 0.5 * (z + Double(histogram[k])) }
        z += m * Self.sigma(Double(histogram[0]) / m)
        // alpha_infinity = 1 / (2 ln 2). An empty sketch has z = infinity: 0. One with every
        // register at 51 (some 2^64 values, or a file made up) has z = 0: no estimate fits.
        let estimate = m * m / (2 * Self.ln2 * z)
        return estimate < 0x1p63 ? Int(estimate.rounded()) : Int.max
    }

    private static let ln2 = 0.693_147_180_559_945_3

    /// Ertl's sigma(x) = x + sum over k >= 1 of x^(2^k) 2^(k-1), for the registers still zero.
    private static func sigma(_ x: Double) -> Double {
        if x == 1 { return .infinity }
        var x = x
        var y = 1.0
        var z = x
        while true {
            x *= x
            let previous = z
            z += x * y
            y += y
            if z == previous { return z }
        }
    }

    /// Ertl's tau(x) = (1 - x - sum over k >= 1 of (1 - x^(2^-k))^2 2^-k) / 3, for the
    /// registers at the largest rank.
    private static func tau(_ x: Double) -> Double {
        if x == 0 || x == 1 { return 0 }
        var x = x
        var y = 1.0
        var z = 1 - x
        while true {
            x = x.squareRoot()
            let previous = z
            y *= 0.5
            z -= (1 - x) * (1 - x) * y
            if z == previous { return z / 3 }
        }
    }
}

// MARK: - Encoding

extension HyperLogLog {
    /// Why bytes given to `decode` are not a sketch `encode` wrote.
    public typealias DecodingError = CanonicalDecodingError

    /// Appends the sketch in its one canonical form (see the type's comment).
    /// - Complexity: O(16384) at most.
    public func encode(into writer: inout BinaryWriter) {
        let count = nonZeroCount
        if count <= Self.sparseEncodingLimit {
            writer.append(0)
            writer.append(count)
            var previous = -1
            var entries = sparse
            if !dense.isEmpty {
                entries = []
                for (index, rank) in dense.enumerated() where rank != 0 {
                    entries.append(UInt32(index) << 8 | UInt32(rank))
                }
            }
            for entry in entries {
                let index = Int(entry >> 8)
                writer.append(index - previous)
                writer.append(Int(entry & 0xff))  // under 128: its LEB128 is the one byte
                previous = index
            }
        } else {
            writer.append(1)
            let registers = registers
            var packed = [UInt8](repeating: 0, count: Self.denseEncodedCount)
            for group in 0..<Self.registerCount / 4 {
                let value =
                    UInt32(registers[4 * group]) | UInt32(registers[4 * group + 1]) << 6
                    | UInt32(registers[4 * group + 2]) << 12 | UInt32(registers[4 * group + 3]) << 18
                packed[3 * group] = UInt8(truncatingIfNeeded: value)
                packed[3 * group + 1] = UInt8(truncatingIfNeeded: value >> 8)
                packed[3 * group + 2] = UInt8(truncatingIfNeeded: value >> 16)
            }
            writer.append(raw: packed)
        }
    }

    /// Reads a sketch `encode` wrote, refusing any other form, so that one sketch has one
    /// encoding.
    public static func decode(from reader: inout BinaryReader) throws(DecodingError) -> HyperLogLog {
        let start = reader.offset
        let tag = try reading { () throws(BinaryReader.Malformed) in try reader.readUInt64() }
        var sketch = HyperLogLog()
        switch tag {
        case 0:
            let countAt = reader.offset
            let count = try reading { () throws(BinaryReader.Malformed) in try reader.readUInt64() }
            guard count <= UInt64(sparseEncodingLimit) else {
                throw .notCanonical(
                    "\(count) registers in a sparse sketch at byte \(countAt), over \(sparseEncodingLimit):"
                        + " the dense form is canonical")
            }
            var entries: [UInt32] = []
            entries.reserveCapacity(Int(count))
            var previous = -1
            for _ in 0..<count {
                let at = reader.offset
                let delta = try reading { () throws(BinaryReader.Malformed) in try reader.readUInt64() }
                guard delta != 0 else {
                    throw .notCanonical("an index difference of 0 at byte \(at): each index must exceed the one before")
                }
                guard delta < UInt64(registerCount - previous) else {
                    throw .notCanonical("a register index past \(registerCount - 1) at byte \(at)")
                }
                let index = previous + Int(delta)
                let rankAt = reader.offset
                let rank = try reading { () throws(BinaryReader.Malformed) in try reader.readUInt64() }
                guard rank >= 1, rank <= UInt64(maxRank) else {
                    throw .notCanonical("a rank of \(rank) at byte \(rankAt), not 1...\(maxRank)")
                }
                entries.append(UInt32(index) << 8 | UInt32(rank))
                previous = index
            }
            sketch.sparse = entries
            if entries.count > sparseLimit { sketch.makeDense() }
        case 1:
            let packedAt = reader.offset
            let packed = try reading { () throws(BinaryReader.Malformed) in
                try reader.readRaw(denseEncodedCount)
            }
            var registers = [UInt8](repeating: 0, count: registerCount)
            var count = 0
            for group in 0..<registerCount / 4 {
                let value =
                    UInt32(packed[3 * group]) | UInt32(packed[3 * group + 1]) << 8
                    | UInt32(packed[3 * group + 2]) << 16
                for slot in 0..<4 {
                    let rank = UInt8(truncatingIfNeeded: value >> (6 * UInt32(slot)) & 0x3f)
                    guard rank <= maxRank else {
                        throw .notCanonical(
                            "a rank of \(rank) for register \(4 * group + slot) at byte \(packedAt + 3 * group),"
                                + " over \(maxRank)")
                    }
                    registers[4 * group + slot] = rank
                    if rank != 0 { count += 1 }
                }
            }
            guard count > sparseEncodingLimit else {
                throw .notCanonical(
                    "a dense sketch at byte \(start) with \(count) registers set, at most \(sparseEncodingLimit):"
                        + " the sparse form is canonical")
            }
            sketch.dense = registers
        default:
            throw .notCanonical("a sketch tagged \(tag) at byte \(start), neither 0 (sparse) nor 1 (dense)")
        }
        return sketch
    }

    /// The result of `read`, its error wrapped as `.malformed`.
    private static func reading<T>(
        _ read: () throws(BinaryReader.Malformed) -> T
    ) throws(DecodingError) -> T {
        do {
            return try read()
        } catch {
            throw .malformed(error)
        }
    }
}
