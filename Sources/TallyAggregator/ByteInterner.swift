import CTallyKernels
import Glibc

/// Gives each distinct byte string a small id, and keeps the bytes once.
///
/// This is how tally keys its tables by small integers rather than strings: a campaign id is
/// copied once, when first seen, and every later line with it costs a hash and one compare.
///
/// Storage: all strings end to end in `arena`; string `i` is
/// `arena[offsets[i] ..< offsets[i + 1]]`. `slots` is an open-addressing table (linear probing,
/// at most half full) of `id + 1`, 0 meaning empty. `hashes[i]` is string `i`'s hash, kept so
/// that growing the table and probing past other strings need no rehash or compare.
public final class ByteInterner: @unchecked Sendable {
    /// Not arrays, which copy themselves to grow: see `ReallocArray`.
    private let arena = ReallocArray<UInt8>()
    private let offsets = ReallocArray<Int>()
    private let hashes = ReallocArray<UInt64>()
    private var slots: [UInt32]
    private var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [UInt32](zeroedSlots: size)
        mask = size - 1
        offsets.append(0)
    }

    /// How many distinct strings are held.
    public var count: Int { hashes.count }

    /// How many bytes the strings hold together.
    public var byteCount: Int { arena.count }

    /// The id of `bytes`, adding them if new.
    /// - Complexity: O(bytes.count) expected.
    public func intern(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        intern(bytes, hash: ByteHash.hash(bytes))
    }

    /// The ids of `strings`, in order, adding those that are new: what `intern(_:)` of each in
    /// turn gives, faster when the interner is larger than the cache.
    ///
    /// A lookup is a chain of dependent reads (the slot, the string's hash and offset, its
    /// bytes), and in a large interner each is a cache miss that the next waits for. Here each
    /// step is issued for the whole batch before any result is used (group prefetching), so the
    /// misses of one step overlap instead of adding up; the last pass is the plain lookup, which
    /// then finds what it reads in the cache. The passes before it only read and prefetch.
    func intern(_ strings: UnsafeBufferPointer<UnsafeRawBufferPointer>, into ids: UnsafeMutableBufferPointer<UInt32>) {
        precondition(ids.count >= strings.count)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: strings.count) { hashOf in
            // The passes that only read take each table's storage once, not once a string.
            let (mask, count) = (self.mask, strings.count)
            slots.withUnsafeBufferPointer { slots in
                SlotProbe.hash(strings, into: hashOf, slots: slots, mask: mask) { ByteHash.hash($0) }
                hashes.withUnsafeBufferPointer { hashes in
                    offsets.withUnsafeBufferPointer { offsets in
                        SlotProbe.forEachProbedEntry(hashOf, count: count, slots: slots, mask: mask) { _, id in
                            tally_prefetch(hashes.baseAddress! + id)
                            tally_prefetch(offsets.baseAddress! + id)
                        }
                        arena.withUnsafeBytes { arena in
                            guard let base = arena.baseAddress else { return }
                            // Only the strings with the same hash are compared.
                            SlotProbe.forEachProbedEntry(hashOf, count: count, slots: slots, mask: mask) { index, id in
                                if hashes[id] == hashOf[index] { tally_prefetch(base + offsets[id]) }
                            }
                        }
                    }
                }
            }
            for (index, bytes) in strings.enumerated() { ids[index] = intern(bytes, hash: hashOf[index]) }
        }
    }

    /// The id of `bytes`, whose `ByteHash.hash` is `hash`, adding them if new.
    @inline(__always)
    private func intern(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> UInt32 {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let id = Int(entry - 1)
            if hashes[id] == hash, equals(id, bytes) { return UInt32(id) }
            slot = (slot + 1) & mask
        }
        let id = hashes.count
        // Ids are UInt32 to keep the key tables small; 4 billion distinct ids would not fit in memory anyway.
        precondition(id < Int(UInt32.max) - 1, "too many distinct values")
        arena.append(contentsOf: bytes)
        offsets.append(arena.count)
        hashes.append(hash)
        slots[slot] = UInt32(id + 1)
        if hashes.count * 2 > slots.count { grow() }
        return UInt32(id)
    }

    /// Calls `body` with the bytes of string `id`.
    public func withBytes<R>(of id: UInt32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = offsets[Int(id)]
        let end = offsets[Int(id) + 1]
        return try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Calls `body` with a view of every string, by id, valid only during the call: for
    /// readers of many strings, without a call and a check for each.
    func withStrings<R>(_ body: (Strings) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { arena in
            try offsets.withUnsafeBufferPointer { offsets in try body(Strings(arena: arena, offsets: offsets)) }
        }
    }

    /// The interner's strings by id (see `withStrings(_:)`).
    struct Strings {
        let arena: UnsafeRawBufferPointer
        let offsets: UnsafeBufferPointer<Int>

        @inline(__always)
        subscript(id: UInt32) -> UnsafeRawBufferPointer {
            let start = offsets[Int(id)]
            return UnsafeRawBufferPointer(rebasing: arena[start..<offsets[Int(id) + 1]])
        }

        /// Starts fetching where string `id` is (for `prefetchBytes(of:)`, a step later).
        @inline(__always)
        func prefetchPlace(of id: UInt32) {
            tally_prefetch(offsets.baseAddress! + Int(id))
        }

        /// Starts fetching string `id`'s first bytes.
        @inline(__always)
        func prefetchBytes(of id: UInt32) {
            if let base = arena.baseAddress { tally_prefetch(base + offsets[Int(id)]) }
        }
    }

    @inline(__always)
    private func equals(_ id: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = offsets[id]
        let count = offsets[id + 1] - start
        guard count == bytes.count else { return false }
        return arena.withUnsafeBytes { arena in
            let stored = UnsafeRawBufferPointer(rebasing: arena[start..<start + count])
            // Campaign ids are short: two overlapping words compare 8 to 16 bytes without a call.
            if count >= 8, count <= 16 {
                return stored.loadUnaligned(as: UInt64.self) == bytes.loadUnaligned(as: UInt64.self)
                    && stored.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
                        == bytes.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            }
            return count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, count) == 0
        }
    }

    private func grow() {
        let size = slots.count * 2
        slots = [UInt32](zeroedSlots: size)
        mask = size - 1
        for id in 0..<hashes.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(id + 1)
        }
    }
}
