import CTallyKernels
import TallyBytes

extension RollupTable {
    /// Why bytes given to `decode` are not a table `encode` wrote.
    public typealias DecodingError = CanonicalDecodingError

    /// Appends the table to `writer` in its one canonical form: equal tables, however they were
    /// built or merged, give equal bytes.
    ///
    /// Layout (integers LEB128, see `BinaryWriter`):
    /// - the number of keys, then each key in bytewise order, front-coded: how many of its first
    ///   bytes are the key before's (0 for the first key), then the rest of its bytes
    ///   (length-prefixed). Keys of several columns, in order, share most of their bytes with
    ///   the one before (a campaign, a creative), and listed whole they are most of a wide
    ///   key's bytes (`KeyList`);
    /// - the number of rows, then each row ordered by period then key: its period as the signed
    ///   difference from the previous row's (the first from 0), its key's index in the list
    ///   above, and its `counterCount` counters; with `countsDistinct`, then its sketch of
    ///   distinct values (`HyperLogLog.encode`); with `identifiesEvents`, then for each counter
    ///   the events with an id among its count and, if any, the number of their distinct ids
    ///   and each id (8 bytes, little-endian), ascending.
    /// Sorted periods make most differences 0, one byte; a row costs about 2 bytes plus its
    /// counters' digits.
    public func encode(into writer: inout BinaryWriter) {
        let (rows, rankOfKey) = orderedRows()
        withEncodingView(idStarts: idStarts()) { view in
            Self.encode(rows[...], rankOfKey: rankOfKey, view: view, into: &writer)
        }
    }

    /// The table's rows of each local day, each encoded as `encode` would encode a table of
    /// that day's rows alone: how the state store keeps an input's counts. The keys are put in
    /// order once for all the days.
    public func encodedDays(by granularity: Granularity) -> [(day: Int32, rows: [UInt8])] {
        let (rows, rankOfKey) = orderedRows()
        let idStarts = idStarts()
        return withEncodingView(idStarts: idStarts) { view in
            Self.encodedDays(
                days(of: rows, by: granularity), rankOfKey: rankOfKey, view: view,
                keyBytes: keyValues.byteCount, keyCount: keyValues.count)
        }
    }

    /// Each day's rows encoded, with room for a day's keys and rows made at once (most keys a
    /// few dozen bytes, a row's numbers a few): a large input's bytes are then not copied again
    /// and again as they grow.
    static func encodedDays<View: EncodingView>(
        _ days: [(day: Int32, rows: ArraySlice<UInt32>)], rankOfKey: [UInt32], view: View, keyBytes: Int,
        keyCount: Int
    ) -> [(day: Int32, rows: [UInt8])] {
        let bytesPerRow = (keyCount > 0 ? keyBytes / keyCount : 0) + 4 + 2 * view.counterCount
        return days.map { day, rows in
            var writer = BinaryWriter(reservingCapacity: rows.count * bytesPerRow)
            encode(rows, rankOfKey: rankOfKey, view: view, into: &writer)
            return (day, writer.bytes)
        }
    }

    /// Where each slot's ids begin among the identities' entries, if the table keeps ids.
    private func idStarts() -> [UInt32]? {
        guard let identities else { return nil }
        precondition(!identities.isUsedUp, "encoding a table whose ids countingDuplicatesOnce used up")
        return identities.slotStarts(slotCount: rowKeys.count * counterCount)
    }

    /// Calls `body` with the table's rows as `encode` reads them.
    private func withEncodingView<R>(idStarts: [UInt32]?, _ body: (RowView) -> R) -> R {
        keyValues.withStrings { strings in
            rowKeys.withUnsafeBufferPointer { rowKeys in
                counts.withUnsafeBufferPointer { counts in
                    body(
                        RowView(
                            counterCount: counterCount, rowKeys: rowKeys, counts: counts, keys: strings,
                            sketches: sketches, identities: identities, idStarts: idStarts))
                }
            }
        }
    }

    /// `RollupTable`'s rows as `encode` reads them.
    struct RowView: EncodingView {
        let counterCount: Int
        let rowKeys: UnsafeBufferPointer<UInt64>
        let counts: UnsafeBufferPointer<UInt64>
        let keys: ByteInterner.Strings
        let sketches: [HyperLogLog]?
        let identities: EventIdentities?
        let idStarts: [UInt32]?

        @inline(__always) func keyID(ofRow row: Int) -> UInt32 { RollupTable.keyID(of: rowKeys[row]) }
        @inline(__always) func period(ofRow row: Int) -> Int32 { RollupTable.period(of: rowKeys[row]) }
        @inline(__always) func count(_ counter: Int, ofRow row: Int) -> UInt64 {
            counts[row * counterCount + counter]
        }
        @inline(__always) func prefetch(row: Int) {
            tally_prefetch(rowKeys.baseAddress! + row)
            tally_prefetch(counts.baseAddress! + row * counterCount)
        }
        @inline(__always) func prefetchDependent(row: Int) {}

        func appendExtras(ofRow row: Int, into writer: inout BinaryWriter) {
            sketches?[row].encode(into: &writer)
            guard let identities, let idStarts else { return }
            for slot in row * counterCount..<(row + 1) * counterCount {
                writer.append(identities.identified[slot])
                guard identities.identified[slot] != 0 else { continue }
                let ids = identities.entries[Int(idStarts[slot])..<Int(idStarts[slot + 1])]
                writer.append(ids.count)
                for entry in ids { writer.append(fixed: entry.hash) }
            }
        }
    }

    /// Encodes `rows`, which are in order (period, then key rank), as a table of those rows alone.
    static func encode<View: EncodingView>(
        _ rows: ArraySlice<UInt32>, rankOfKey: [UInt32], view: View, into writer: inout BinaryWriter
    ) {
        // The rows are in (period, key) order, scattered over the table: each one's key and
        // counters are a cache miss, fetched 16 rows ahead (as `forEachRow` does), and so are
        // the keys' places and bytes when they are written, 8 and 4 keys ahead.
        let rankOfRow = rows.indices.map { position in
            if position + 16 < rows.endIndex { view.prefetch(row: Int(rows[position + 16])) }
            return rankOfKey[Int(view.keyID(ofRow: Int(rows[position])))]
        }
        // The keys these rows use, in rank order (so bytewise), and each one's index in that
        // list: marked by rank, then numbered in one pass over the ranks, without a sort. (Ids
        // of one rank are one key: any of them gives its bytes.)
        let unused = UInt32.max
        var indexOfRank = [UInt32](repeating: unused, count: rankOfKey.count)
        for rank in rankOfRow { indexOfRank[Int(rank)] = 0 }
        var keyOfRank = [UInt32](repeating: 0, count: rankOfKey.count)
        for (id, rank) in rankOfKey.enumerated() { keyOfRank[Int(rank)] = UInt32(id) }
        var usedKeys: [UInt32] = []
        usedKeys.reserveCapacity(rows.count)
        for rank in indexOfRank.indices where indexOfRank[rank] != unused {
            indexOfRank[rank] = UInt32(usedKeys.count)
            usedKeys.append(keyOfRank[rank])
        }

        writer.append(usedKeys.count)
        let keys = view.keys
        var before = UnsafeRawBufferPointer(start: nil, count: 0)
        for (position, key) in usedKeys.enumerated() {
            if position + 8 < usedKeys.count { keys.prefetchPlace(of: usedKeys[position + 8]) }
            if position + 4 < usedKeys.count { keys.prefetchBytes(of: usedKeys[position + 4]) }
            let bytes = keys[key]
            let shared = sharedPrefix(before, bytes)
            writer.append(shared)
            writer.append(bytes: UnsafeRawBufferPointer(rebasing: bytes[shared...]))
            before = bytes
        }
        writer.append(rows.count)
        var previous: Int64 = 0
        for (offset, row) in rows.enumerated() {
            if offset + 16 < rows.count { view.prefetch(row: Int(rows[rows.startIndex + offset + 16])) }
            if offset + 8 < rows.count { view.prefetchDependent(row: Int(rows[rows.startIndex + offset + 8])) }
            let period = Int64(view.period(ofRow: Int(row)))
            writer.append(signed: period - previous)
            previous = period
            writer.append(Int(indexOfRank[Int(rankOfRow[offset])]))
            for counter in 0..<view.counterCount { writer.append(view.count(counter, ofRow: Int(row))) }
            view.appendExtras(ofRow: Int(row), into: &writer)
        }
    }

    /// The local days the table has rows of.
    public func days(by granularity: Granularity) -> Set<Int32> {
        // Rows mostly come in runs of one period (an input's, merged together): a period like the row
        // before's adds nothing, so a wide table's millions of rows cost a compare each, not a
        // set insertion each.
        var days: Set<Int32> = []
        var last: Int32? = nil
        for rowKey in rowKeys {
            let period = Self.period(of: rowKey)
            guard period != last else { continue }
            last = period
            days.insert(Period.day(of: period, granularity))
        }
        return days
    }

    /// How the keys of an encoded table are listed: the one thing that tells the versions of
    /// the encoding apart.
    public enum KeyList: Int, Sendable {
        /// Each key whole (length-prefixed): tables tally wrote before 0.16 (partial files of
        /// format version 1, state stores of schema 1).
        case whole = 1
        /// Each key front-coded, as `encode` writes it.
        case frontCoded = 2
    }

    /// Reads a table `encode` wrote, with `counterCount` counters a row (and a sketch, with
    /// `countsDistinct`; event ids, with `identifiesEvents`), refusing anything that is not in
    /// its canonical form, so that one content has one encoding. `keys` says how its keys are
    /// listed: an older tally's tables list them whole.
    public static func decode(
        from reader: inout BinaryReader, counterCount: Int, countsDistinct: Bool = false,
        identifiesEvents: Bool = false, keys keyList: KeyList = .frontCoded
    ) throws(DecodingError) -> RollupTable {
        let table = RollupTable(
            counterCount: counterCount, countsDistinct: countsDistinct, identifiesEvents: identifiesEvents)
        var amounts = [UInt64](repeating: 0, count: counterCount)
        do throws(any Error) {
            let keyCount = try reader.readInt(atMost: Int(UInt32.max) - 2)
            var previousKey: [UInt8]? = nil
            var key: [UInt8] = []
            for index in 0..<keyCount {
                let id: UInt32
                let inOrder: Bool
                switch keyList {
                case .whole:
                    (id, inOrder) = try reader.readBytes { bytes in
                        let inOrder = previousKey.map { Self.precedes($0, bytes) } ?? true
                        previousKey = Array(bytes)
                        return (table.keyValues.intern(bytes), inOrder)
                    }
                case .frontCoded:
                    // Canonical: the shared bytes are all the two keys share, so the rest, if the
                    // key before goes on, begins with a byte greater than its next one; a key
                    // that the key before begins goes on past it. Either way, keys ascend.
                    let shared = try reader.readInt(atMost: key.count)
                    let next = shared < key.count ? key[shared] : nil  // the key before's byte after them
                    key.removeSubrange(shared...)
                    inOrder = try reader.readBytes { rest in
                        let ascends = next.map { !rest.isEmpty && rest[0] > $0 } ?? (!rest.isEmpty || index == 0)
                        key.append(contentsOf: rest)
                        return ascends
                    }
                    id = key.withUnsafeBytes { table.keyValues.intern($0) }
                }
                guard inOrder, Int(id) == index else { throw DecodingError.notCanonical("keys out of order") }
            }
            let rowCount = try reader.readInt(atMost: Int(UInt32.max) - 2)
            var period: Int64 = 0
            var previous: (period: Int64, key: Int)? = nil
            for _ in 0..<rowCount {
                let (sum, overflow) = period.addingReportingOverflow(try reader.readSigned())
                guard !overflow, let period32 = Int32(exactly: sum) else {
                    throw DecodingError.notCanonical("a period out of range")
                }
                period = sum
                guard keyCount > 0 else { throw DecodingError.notCanonical("a row without keys") }
                let key = try reader.readInt(atMost: keyCount - 1)
                if let previous, (previous.period, previous.key) >= (period, key) {
                    throw DecodingError.notCanonical("rows out of order")
                }
                previous = (period, key)
                // A new row each time: the order check above makes every (period, key) new. A
                // row of zeros is never written: a day file would show it.
                var counted = false
                for counter in 0..<counterCount {
                    let amount = try reader.readUInt64()
                    amounts[counter] = amount
                    counted = counted || amount != 0
                    table.add(period: period32, keyID: UInt32(key), counter: counter, amount: amount)
                }
                guard counted else { throw DecodingError.notCanonical("a row that counts nothing") }
                if countsDistinct {
                    do throws(HyperLogLog.DecodingError) {
                        table.mergeDistinct(period: period32, keyID: UInt32(key), try HyperLogLog.decode(from: &reader))
                    } catch {
                        guard case .notCanonical(let why) = error else { throw error }
                        throw DecodingError.notCanonical("a sketch of distinct values: \(why)")
                    }
                }
                if let identities = table.identities {
                    let row = table.row(for: Self.pack(period: period32, keyID: UInt32(key)))
                    for counter in 0..<counterCount {
                        let identified = try reader.readUInt64()
                        guard identified <= amounts[counter] else {
                            throw DecodingError.notCanonical("more events with an id than events")
                        }
                        guard identified != 0 else { continue }
                        let count = try reader.readInt(atMost: Int(clamping: identified))
                        guard count > 0 else { throw DecodingError.notCanonical("events with an id and no id") }
                        // Eight bytes an id: a count the bytes left cannot hold is cut short, and
                        // is refused before any room is made for it.
                        guard count <= reader.remainingCount / 8 else {
                            throw BinaryReader.Malformed(offset: reader.offset, what: "event ids cut short")
                        }
                        var hashes: [UInt64] = []
                        hashes.reserveCapacity(count)
                        for _ in 0..<count {
                            let hash = try reader.readFixedUInt64()
                            if let last = hashes.last, last >= hash {
                                throw DecodingError.notCanonical("event ids out of order")
                            }
                            hashes.append(hash)
                        }
                        identities.add(slot: row * counterCount + counter, amount: identified, hashes: hashes)
                    }
                }
            }
        } catch let error as DecodingError {
            throw error
        } catch {
            // Nothing else throws in the loop above.
            throw .malformed(error as! BinaryReader.Malformed)
        }
        return table
    }

    /// How many bytes `a` and `b` begin with alike.
    static func sharedPrefix(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let limit = min(a.count, b.count)
        var shared = 0
        // Eight bytes at a time, then byte by byte where they differ.
        while shared + 8 <= limit,
            a.loadUnaligned(fromByteOffset: shared, as: UInt64.self)
                == b.loadUnaligned(fromByteOffset: shared, as: UInt64.self)
        {
            shared += 8
        }
        while shared < limit, a[shared] == b[shared] { shared += 1 }
        return shared
    }

    /// Whether `a` sorts strictly before `b`, bytewise.
    private static func precedes(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
        for (x, y) in zip(a, b) where x != y { return x < y }
        return a.count < b.count
    }
}
