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
        for id in 0..<other.keyValues.count {
            ourID[id] = other.keyValues.withBytes(of: UInt32(id)) { keyValues.intern($0) }
        }
        // With ids, each of other's rows is looked up here once more, to map its slots to ours.
        var ourRow = other.identities == nil ? [] : [Int](repeating: 0, count: other.rowKeys.count)
        for (row, rowKey) in other.rowKeys.enumerated() {
            let keyID = ourID[Int(Self.keyID(of: rowKey))]
            if other.identities != nil {
                ourRow[row] = self.row(for: Self.pack(period: Self.period(of: rowKey), keyID: keyID))
            }
            if let sketches = other.sketches {
                mergeDistinct(period: Self.period(of: rowKey), keyID: keyID, sketches[row])
            }
            for counter in 0..<counterCount {
                let amount = other.counts[row * counterCount + counter]
                if amount != 0 { add(period: Self.period(of: rowKey), keyID: keyID, counter: counter, amount: amount) }
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
        table.forEachKey { period, key, counts in add(period: period, key: key, counts: counts) }
        if let spilled = table.spilled { merge(spilled) }
    }

    /// Adds one key's counters, one for each of `counterCount`; zeros make no row.
    func add(period: Int32, key: UnsafeRawBufferPointer, counts: UnsafeBufferPointer<UInt64>) {
        let id = keyValues.intern(key)
        for counter in 0..<counterCount where counts[counter] != 0 {
            add(period: period, keyID: id, counter: counter, amount: counts[counter])
        }
    }
}
