extension RollupTable {
    /// Records one event with an id among the events of (`period`, `key`) and counter
    /// `counter`: the event itself is counted elsewhere (the input's counting table), this
    /// says only that it had the id `value`.
    /// - Precondition: `identifiesEvents`.
    public func addIdentified(period: Int32, key: UnsafeRawBufferPointer, counter: Int, value: UnsafeRawBufferPointer) {
        let row = row(for: Self.pack(period: period, keyID: keyValues.intern(key)))
        identities!.add(slot: row * counterCount + counter, hash: ValueHash.hash(value))
    }

    /// Puts the ids in their order now, which a merge of this table would otherwise do: an
    /// input's worker does it before it takes the run's lock to merge.
    public func sortEventIDs() {
        identities?.normalize()
    }

    /// The table as day files show it with `--dedupe`: each id counted once per local day and
    /// counter, in the first row of the day that has it (see `EventIdentities`), and the number
    /// of events that were not counted for it. Rows left with nothing counted go. The result
    /// keeps no ids; sketches of distinct values are kept as they are.
    ///
    /// This table's ids are used up (reordered in place, so that millions of them are not held
    /// twice): it keeps its counts, and no ids any more.
    /// - Precondition: `identifiesEvents`.
    public func countingDuplicatesOnce(by granularity: Granularity) -> (table: RollupTable, duplicates: UInt64) {
        let identities = identities!
        let (rows, _) = orderedRows()
        precondition(rows.count < 1 << 30, "too many rows to rank with their counter in 32 bits")
        var rankOfRow = [UInt32](repeating: 0, count: rows.count)
        for (rank, row) in rows.enumerated() { rankOfRow[Int(row)] = UInt32(rank) }
        // Each id becomes (hash, counter and the rank of its row) in place: sorted, the ids of one
        // hash and counter come together, their rows in day-file order, so the first of each
        // day is the one counted.
        var occurrences = identities.takeEntries()
        for index in occurrences.indices {
            let (row, counter) = Int(occurrences[index].slot).quotientAndRemainder(dividingBy: counterCount)
            occurrences[index].slot = UInt32(counter) << 30 | rankOfRow[row]
        }
        occurrences.sort { ($0.hash, $0.slot) < ($1.hash, $1.slot) }
        var credited = [UInt64](repeating: 0, count: counts.count)
        var previous: (hash: UInt64, counter: UInt32, day: Int32)? = nil
        for occurrence in occurrences {
            let counter = occurrence.slot >> 30
            let row = Int(rows[Int(occurrence.slot & (1 << 30 - 1))])
            let day = Period.day(of: Self.period(of: rowKeys[row]), granularity)
            if let previous, previous.hash == occurrence.hash, previous.counter == counter, previous.day == day {
                continue
            }
            previous = (occurrence.hash, counter, day)
            credited[row * counterCount + Int(counter)] += 1
        }
        occurrences = []
        let table = RollupTable(counterCount: counterCount, countsDistinct: countsDistinct)
        var duplicates: UInt64 = 0
        var rowCounts = [UInt64](repeating: 0, count: counterCount)
        for (row, rowKey) in rowKeys.enumerated() {
            var counted = false
            for counter in 0..<counterCount {
                let slot = row * counterCount + counter
                duplicates += identities.identified[slot] - credited[slot]
                rowCounts[counter] = counts[slot] - identities.identified[slot] + credited[slot]
                counted = counted || rowCounts[counter] != 0
            }
            guard counted else { continue }
            keyValues.withBytes(of: Self.keyID(of: rowKey)) { key in
                rowCounts.withUnsafeBufferPointer { table.add(period: Self.period(of: rowKey), key: key, counts: $0) }
                if let sketches {
                    table.mergeDistinct(
                        period: Self.period(of: rowKey), keyID: table.keyValues.intern(key), sketches[row])
                }
            }
        }
        return (table, duplicates)
    }
}
