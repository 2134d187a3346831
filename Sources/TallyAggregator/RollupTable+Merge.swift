extension RollupTable {
    /// Adds every count of `other` into this rollup.
    ///
    /// This is the one way partial rollups (per input, per worker, later per machine) become one.
    /// It is exact, and associative and commutative: any grouping and order of merges gives the
    /// same counts, and the output is sorted, so the same bytes.
    ///
    /// Sketches of distinct values merge too (register by register, as exactly), and so do the
    /// ids of identified events (a set union), from a table that has them into one that does.
    ///
    /// - Complexity: O(distinct keys of `other` + rows of `other`).
    public func merge(_ other: RollupTable) {
        precondition(other.counterCount == counterCount, "merging rollups with different counters")
        precondition(!other.countsDistinct || countsDistinct, "merging distinct values into a table without")
        precondition(!other.identifiesEvents || identifiesEvents, "merging event ids into a table without")
        precondition(
            !(other.identities?.isUsedUp ?? false) && !(identities?.isUsedUp ?? false),
            "merging a table whose ids countingDuplicatesOnce used up")
        // Other's key ids are its own; map each to ours once.
        var ourID = [UInt32](repeating: 0, count: other.keyValues.count)
        other.keyValues.withStrings { strings in
            var batch = [UnsafeRawBufferPointer](
                repeating: UnsafeRawBufferPointer(start: nil, count: 0), count: CountingTable.batchSize)
            ourID.withUnsafeMutableBufferPointer { ourID in
                for start in stride(from: 0, to: ourID.count, by: batch.count) {
                    let end = min(start + batch.count, ourID.count)
                    for id in start..<end { batch[id - start] = strings[UInt32(id)] }
                    batch.withUnsafeBufferPointer {
                        keyValues.intern(
                            UnsafeBufferPointer(rebasing: $0[..<(end - start)]),
                            into: UnsafeMutableBufferPointer(rebasing: ourID[start..<end]))
                    }
                }
            }
        }
        // A row of other's makes one here if it has a count, a sketch or ids; zeros alone make none.
        let needed = other.rowKeys.indices.filter { row in
            other.sketches != nil || other.identities != nil
                || other.counts[row * counterCount..<(row + 1) * counterCount].contains { $0 != 0 }
        }
        var ourRow = [Int](repeating: 0, count: other.rowKeys.count)
        var keys = [UInt64](repeating: 0, count: CountingTable.batchSize)
        var rows = [Int](repeating: 0, count: CountingTable.batchSize)
        for start in stride(from: 0, to: needed.count, by: keys.count) {
            let batch = needed[start..<min(start + keys.count, needed.count)]
            for (index, row) in batch.enumerated() {
                let rowKey = other.rowKeys[row]
                keys[index] = Self.pack(period: Self.period(of: rowKey), keyID: ourID[Int(Self.keyID(of: rowKey))])
            }
            keys.withUnsafeBufferPointer { keys in
                rows.withUnsafeMutableBufferPointer { rows in
                    self.rows(
                        for: UnsafeBufferPointer(rebasing: keys[..<batch.count]),
                        into: UnsafeMutableBufferPointer(rebasing: rows[..<batch.count]))
                }
            }
            for (index, row) in batch.enumerated() { ourRow[row] = rows[index] }
        }
        for row in needed {
            if let sketches = other.sketches { mergeDistinct(row: ourRow[row], sketches[row]) }
            for counter in 0..<counterCount {
                let amount = other.counts[row * counterCount + counter]
                if amount != 0 { add(row: ourRow[row], counter: counter, amount: amount) }
            }
        }
        if let theirs = other.identities, let ours = identities {
            theirs.forEachSlot { slot, ids in
                let (row, counter) = slot.quotientAndRemainder(dividingBy: counterCount)
                ours.add(
                    slot: ourRow[row] * counterCount + counter, amount: theirs.identified[slot],
                    hashes: ids.lazy.map(\.hash))
            }
        }
    }
}

extension RollupTable {
    /// Adds every count of one input's counting table into this rollup: the same counts as if
    /// each event had been added here, since keys and counters are the same.
    ///
    /// - Complexity: O(keys of `table`, spilled ones included).
    public func merge(_ table: CountingTable) {
        precondition(table.counterCount == counterCount, "merging tables with different counters")
        // The table's own keys first: that makes its waiting count, which may spill.
        table.forEachBatch { add($0) }
        if let spilled = table.spilled { merge(spilled) }
    }

    /// Adds a batch of keys' counters; a key whose counters are all zero makes no row.
    func add(_ batch: CountingTable.Batch) {
        let n = batch.keys.count
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: n) { ids in
            keyValues.intern(batch.keys, into: ids)
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: n) { keys in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { which in
                    var m = 0
                    for index in 0..<n
                    where batch.counts[index * counterCount..<(index + 1) * counterCount].contains(where: { $0 != 0 }) {
                        keys[m] = Self.pack(period: batch.periods[index], keyID: ids[index])
                        which[m] = index
                        m += 1
                    }
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { rows in
                        self.rows(for: UnsafeBufferPointer(rebasing: keys[..<m]), into: rows)
                        for (position, index) in which[..<m].enumerated() {
                            for counter in 0..<counterCount {
                                add(
                                    row: rows[position], counter: counter,
                                    amount: batch.counts[index * counterCount + counter])
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds one key's counters, one for each of `counterCount`; zeros make no row.
    func add(period: Int32, key: UnsafeRawBufferPointer, counts: UnsafeBufferPointer<UInt64>) {
        let id = keyValues.intern(key)
        for counter in 0..<counterCount where counts[counter] != 0 {
            add(period: period, keyID: id, counter: counter, amount: counts[counter])
        }
    }
}
