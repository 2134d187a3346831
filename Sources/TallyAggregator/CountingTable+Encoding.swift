import CTallyKernels
import TallyBytes

extension CountingTable {
    /// The table's rows of each local day, each encoded as `RollupTable.encodedDays(by:)`
    /// encodes a table of the same counts, byte for byte: how the state store keeps an input's
    /// counts. Straight from this table, because making that table first interned a wide key's
    /// hundreds of thousands of keys again, for every input.
    /// - Returns: nil if the table spilled keys (`spilled`): those are merged into a
    ///   `RollupTable`, which encodes them all.
    public func encodedDays(by granularity: Granularity) -> [(day: Int32, rows: [UInt8])]? {
        withEncodingView { view in
            guard spilled == nil else { return nil }
            // A key's bytes are kept once for each of its periods: those rows are one key, and
            // share one rank.
            let count = view.periods.count
            let rankOfKey = RollupTable.keyRanks(count: count, keys: view.keys, equalKeysShareRank: true)
            let rows = RollupTable.orderedRows(count: count, rankOfKey: rankOfKey) { row in
                (view.periods[row], UInt32(row))
            }
            let days = RollupTable.days(of: rows, by: granularity) { view.periods[Int($0)] }
            return RollupTable.encodedDays(
                days, rankOfKey: rankOfKey, view: view, keyBytes: view.keys.arena.count, keyCount: count)
        }
    }

    /// A counting table's rows as the canonical encoding reads them: each row is its own key
    /// id, its bytes in the arena, its counters in its slot.
    struct EncodingRows: EncodingView {
        let counterCount: Int
        let periods: UnsafeBufferPointer<Int32>
        let slotOfRow: UnsafeBufferPointer<Int>
        /// The first slot's counters, and how far apart slots are.
        let counters: UnsafeRawPointer
        let slotStride: Int
        let keys: RowKeys

        /// Row `r`'s key bytes, by id `r`.
        struct RowKeys: KeysByID {
            let arena: UnsafeRawBufferPointer
            let starts: UnsafeBufferPointer<Int>
            let lengths: UnsafeBufferPointer<UInt32>

            @inline(__always)
            subscript(id: UInt32) -> UnsafeRawBufferPointer {
                let start = starts[Int(id)]
                return UnsafeRawBufferPointer(rebasing: arena[start..<start + Int(lengths[Int(id)])])
            }

            @inline(__always)
            func prefetchPlace(of id: UInt32) {
                tally_prefetch(starts.baseAddress! + Int(id))
                tally_prefetch(lengths.baseAddress! + Int(id))
            }

            @inline(__always)
            func prefetchBytes(of id: UInt32) {
                if let base = arena.baseAddress { tally_prefetch(base + starts[Int(id)]) }
            }
        }

        @inline(__always) func keyID(ofRow row: Int) -> UInt32 { UInt32(row) }
        @inline(__always) func period(ofRow row: Int) -> Int32 { periods[row] }

        @inline(__always)
        func count(_ counter: Int, ofRow row: Int) -> UInt64 {
            counters.load(fromByteOffset: slotOfRow[row] * slotStride + counter * 8, as: UInt64.self)
        }

        /// The row's period and where its slot is.
        @inline(__always)
        func prefetch(row: Int) {
            tally_prefetch(periods.baseAddress! + row)
            tally_prefetch(slotOfRow.baseAddress! + row)
        }

        /// The row's slot, once where it is has arrived.
        @inline(__always)
        func prefetchDependent(row: Int) {
            tally_prefetch(counters + slotOfRow[row] * slotStride)
        }

        func appendExtras(ofRow row: Int, into writer: inout BinaryWriter) {}
    }
}
