/// The ids of a rollup's identified events (`--dedupe FIELD`), kept beside its counts so that
/// a repeated event can be told from a new one whichever input, night or partial brought it.
///
/// The rule, applied by `RollupTable.countingDuplicatesOnce(by:)` when day files are made: an
/// event with an id counts once per local day and event type. Of the events of one day and type
/// that share an id, the one in the first row (in day-file order: period, then key) counts; the
/// others are duplicates. The type is part of it because ad servers give a click the request id
/// of the impression it follows: both must count. The day is, because a re-sent event carries
/// its first time, and the rule then needs only one day's ids at a time.
///
/// What is kept, for each counter of each row (a slot, `row * counterCount + counter`, as the
/// table's counts): how many of the counted events had an id (`identified`), and the ids
/// themselves, as 64-bit hashes (`ValueHash`, which must never change: stores and partials
/// hold them). Both merge exactly: the numbers add, the ids are a set union. So a table's ids
/// are the same whatever order its inputs were merged in, and so is what counts once.
///
/// Invariant: `identified.count` is the table's slot count; every entry's slot is below it.
/// Entries are appended unsorted and may repeat until `normalize()` sorts them by (slot, hash)
/// and keeps each once.
final class EventIdentities {
    /// One id of one slot.
    struct Entry: Comparable {
        var slot: UInt32
        var hash: UInt64

        @inline(__always)
        static func < (a: Entry, b: Entry) -> Bool { (a.slot, a.hash) < (b.slot, b.hash) }
    }

    /// Events with an id, by slot (a subset of the table's counts).
    private(set) var identified: [UInt64] = []
    private(set) var entries: [Entry] = []
    private var isNormalized = true
    /// Whether `takeEntries()` took the ids: then `identified` no longer matches them, and
    /// the table may be written out as counts only, never encoded or merged with ids.
    private(set) var isUsedUp = false

    /// Makes room for one more row's slots.
    func addRow(counterCount: Int) {
        identified.append(contentsOf: repeatElement(0, count: counterCount))
    }

    /// Records one identified event of `slot`.
    @inline(__always)
    func add(slot: Int, hash: UInt64) {
        identified[slot] &+= 1
        entries.append(Entry(slot: UInt32(truncatingIfNeeded: slot), hash: hash))
        isNormalized = false
    }

    /// Adds `amount` identified events to `slot` and `hashes` to its ids (a merge or a decode).
    func add(slot: Int, amount: UInt64, hashes: some Sequence<UInt64>) {
        identified[slot] &+= amount
        for hash in hashes { entries.append(Entry(slot: UInt32(truncatingIfNeeded: slot), hash: hash)) }
        isNormalized = false
    }

    /// Sorts the entries by (slot, hash) and keeps each once.
    func normalize() {
        guard !isNormalized else { return }
        entries.sort()
        var kept = 0
        for index in entries.indices where kept == 0 || entries[index] != entries[kept - 1] {
            entries[kept] = entries[index]
            kept += 1
        }
        entries.removeLast(entries.count - kept)
        isNormalized = true
    }

    /// Where each slot's ids begin in `entries` once normalized: slot `s` has
    /// `entries[starts[s]..<starts[s + 1]]`.
    func slotStarts(slotCount: Int) -> [UInt32] {
        normalize()
        var starts = [UInt32](repeating: 0, count: slotCount + 1)
        for entry in entries { starts[Int(entry.slot) + 1] += 1 }
        for slot in 0..<slotCount { starts[slot + 1] += starts[slot] }
        return starts
    }

    /// Every entry, normalized, leaving none: for a caller that reorders them in place rather
    /// than keep a second copy of what may be millions of ids.
    func takeEntries() -> [Entry] {
        normalize()
        isUsedUp = true
        defer { entries = [] }
        return entries
    }

    /// The ids of each slot, ascending, once normalized: `body(slot, ids)` for every slot that has any.
    func forEachSlot(_ body: (Int, ArraySlice<Entry>) -> Void) {
        normalize()
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count, entries[end].slot == entries[start].slot { end += 1 }
            body(Int(entries[start].slot), entries[start..<end])
            start = end
        }
    }
}
