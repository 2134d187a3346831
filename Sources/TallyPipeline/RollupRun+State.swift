import TallyAggregator
import TallyBytes
import TallyReader
import TallyStore
import TallyWriter

/// A run's use of the state store: which inputs need no reading, what the read ones change,
/// and which day files follow from that.
///
/// The order that keeps every count exactly once, whenever the process is killed:
/// 1. the inputs are read into memory; nothing is written;
/// 2. one store transaction records what they contribute and marks every day whose counts
///    change dirty; killed before it commits, the store is as it was and the next run reads the
///    same inputs again; after, the counts are the store's, and no input is read twice;
/// 3. the dirty days' files are written from the store and renamed into place;
/// 4. a second transaction clears those days. Killed between 2 and 4, the next run finds them
///    still dirty and writes them again (writing a day from the store twice gives the same
///    bytes), so a day file is always, in the end, exactly the sum of its contributions.
struct StateRun {
    let store: StateStore
    /// Contents counted by earlier runs, with a name each.
    let counted: [ContentFingerprint: String]
    /// Where each file input is, how large, and since when (nil for standard input).
    private(set) var stamps: [InputLocation: FileStamp] = [:]

    init(path: String, shape: RollupShape, rebuild: Bool) throws(StoreError) {
        store = try StateStore(
            path: path, shape: shape.options.map { ($0.option, $0.value) }, rebuild: rebuild,
            sameShape: { stored in (try? RollupShape(options: stored.map { (option: $0.0, value: $0.1) })) == shape })
        counted = Dictionary(uniqueKeysWithValues: store.contents.map { (ContentFingerprint(bytes: $0.key), $0.value) })
    }

    /// The reports of the inputs the store has counted as they are now, by the cheap check
    /// (path, size, modification time): they are not read. The stamps are taken before any input
    /// is read, so that a file that changes while it is read looks changed to the next run.
    mutating func unchangedInputs(_ inputs: [InputLocation]) -> [InputLocation: InputReport] {
        var unchanged: [InputLocation: InputReport] = [:]
        for input in inputs {
            guard case .file(let path) = input, let stamp = FileStamp(path: path) else { continue }
            stamps[input] = stamp
            if let stored = store.paths[stamp.path], stored.size == stamp.size, stored.modified == stamp.modified {
                var report = InputReport(location: input, status: .unchanged)
                report.fingerprint = ContentFingerprint(bytes: stored.fingerprint)
                unchanged[input] = report
            }
        }
        return unchanged
    }

    /// The paths `--rebuild` made the store forget that are not among this run's inputs (after
    /// `unchangedInputs`, which looks the inputs up): their counts are gone.
    func forgottenAndGone() -> [String] {
        let given = Set(stamps.values.map(\.path))
        return store.forgotten.paths.filter { !given.contains($0) }
    }

    /// The content the store has for `input`'s path, if it knows the path.
    func storedContent(of input: InputLocation) -> ContentFingerprint? {
        stamps[input].flatMap { store.paths[$0.path] }.map { ContentFingerprint(bytes: $0.fingerprint) }
    }

    /// Records what the inputs read whole contributed (`rows`: a newly counted content's rows by
    /// day) and gives the days to write again: those whose counts changed, those an earlier
    /// run left dirty, and all of them if the day files' layout changed.
    func commit(
        _ inputs: [InputReport], rows: [ContentFingerprint: [(day: Int32, rows: [UInt8])]], style: String
    ) throws(StoreError) -> [Int32] {
        var changes = StateStore.Changes(rowsFormat: Int64(RollupTable.KeyList.frontCoded.rawValue))
        for input in inputs where input.status != .failed {
            guard let fingerprint = input.fingerprint else { continue }
            let stamp = stamps[input.location]
            if let stamp, let stored = store.paths[stamp.path], stored.size == stamp.size,
                stored.modified == stamp.modified
            {
                continue  // Unchanged by the cheap check, not read: nothing to record.
            }
            // Standard input has no name to check again: it is known by its content.
            changes.paths.append(
                StateStore.StoredPath(
                    path: stamp?.path ?? "-:\(fingerprint)", size: stamp?.size ?? -1, modified: stamp?.modified ?? -1,
                    fingerprint: fingerprint.bytes))
            if input.status == .ok { changes.contents[fingerprint.bytes] = rows[fingerprint] ?? [] }
        }
        if try store.dayFileStyle() != style {
            changes.style = style
            changes.dirty = Set(try store.countedDays())
        }
        return try store.commit(changes)
    }

    /// Adds to `table` every stored contribution to `days` but those of `excluded` (counted in
    /// the table already).
    func addContributions(to table: RollupTable, days: [Int32], excluding excluded: Set<ContentFingerprint>)
        throws(StoreError)
    {
        try store.forEachContribution(to: days, excluding: Set(excluded.map(\.bytes))) {
            (format, bytes) throws(StoreError) in
            // The rows' format is the version of their encoding, named by how it lists keys.
            guard let keyList = RollupTable.KeyList(rawValue: Int(format)) else {
                throw .foreign("\(store.path) holds rows of format \(format), which this tally cannot read")
            }
            var reader = BinaryReader(bytes)
            do throws(RollupTable.DecodingError) {
                table.merge(
                    try RollupTable.decode(
                        from: &reader, counterCount: table.counterCount, countsDistinct: table.countsDistinct,
                        identifiesEvents: table.identifiesEvents, keys: keyList))
            } catch {
                throw .foreign("\(store.path) holds rows this tally cannot read: \(error)")
            }
        }
    }
}
