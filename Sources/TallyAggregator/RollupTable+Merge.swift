extension RollupTable {
    /// Adds every count of `other` into this rollup.
    ///
    /// This is the one way partial rollups (per input, per worker, later per machine) become one.
    /// It is exact, and associative and commutative: any grouping and order of merges gives the
    /// same counts, and the output is sorted, so the same bytes.
    ///
    /// - Complexity: O(distinct campaigns of `other` + keys of `other`).
    public func merge(_ other: RollupTable) {
        precondition(other.counterCount == counterCount, "merging rollups with different counters")
        // Other's campaign ids are its own; map each to ours once.
        var ourID = [UInt32](repeating: 0, count: other.campaigns.count)
        for id in 0..<other.campaigns.count {
            ourID[id] = other.campaigns.withBytes(of: UInt32(id)) { campaigns.intern($0) }
        }
        for (row, key) in other.keys.enumerated() {
            let campaign = ourID[Int(Self.campaign(of: key))]
            for counter in 0..<counterCount {
                let amount = other.counts[row * counterCount + counter]
                if amount != 0 { add(day: Self.day(of: key), campaignID: campaign, counter: counter, amount: amount) }
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
        table.forEachKey { day, campaign, counts in add(day: day, campaign: campaign, counts: counts) }
        if let spilled = table.spilled { merge(spilled) }
    }

    /// Adds one key's counters, one for each of `counterCount`; zeros make no row.
    func add(day: Int32, campaign: UnsafeRawBufferPointer, counts: UnsafeBufferPointer<UInt64>) {
        let id = campaigns.intern(campaign)
        for counter in 0..<counterCount where counts[counter] != 0 {
            add(day: day, campaignID: id, counter: counter, amount: counts[counter])
        }
    }
}
