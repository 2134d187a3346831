/// The nightly state store: what every input ever rolled up into one output folder contributed,
/// so that a run reads only new and changed inputs and a day file is always the sum of every
/// contribution to its day (docs/ARCHITECTURE.md, "The state store").
///
/// Counts belong to contents, not to names: a content (the SHA-256 of an input's stored bytes)
/// is counted once whatever names it was read under, and stays counted while any name the
/// store knows still has it. So a copy under a second name adds nothing; a file re-delivered
/// with new content replaces its old counts (unless another name still has the old content, as
/// a rotated copy does); and a deleted file keeps its counts, since its name is never forgotten.
///
/// One SQLite file (by default `OUT/.tally/state.sqlite`):
/// - `meta`: the schema version, the options that shape rows (a store serves one shape), and
///   the layout of the day files last written;
/// - `contents`: each counted content by fingerprint;
/// - `paths`: each input by its absolute path, with the size and modification time it had when
///   read (the cheap check) and its content then;
/// - `contributions`: a content's rows of one local day, as `RollupTable.encode` writes them,
///   and the version of that encoding (`format`, as the caller numbers it: rows of an older
///   tally stay as they were written, and are read as such);
/// - `dirty_days`: days whose file must be written again: recorded in the transaction that
///   changes their counts, cleared only once their files are renamed into place.
///
/// Not thread-safe; one run holds it at a time (the run's lock).
public final class StateStore {
    public let path: String
    private let database: SQLiteDatabase
    /// Every input path the store knows, with its stamp and content when last read.
    public private(set) var paths: [String: StoredPath] = [:]
    /// Every counted content, by fingerprint, with one of the paths that have it.
    public private(set) var contents: [[UInt8]: String] = [:]

    /// 2 added `contributions.format`; a store of schema 1 gains it when opened (its rows
    /// are of format 1).
    static let schemaVersion = "2"

    /// An input path as the store remembers it.
    public struct StoredPath: Sendable, Equatable {
        public let path: String
        public let size: Int64
        public let modified: Int64
        public let fingerprint: [UInt8]

        public init(path: String, size: Int64, modified: Int64, fingerprint: [UInt8]) {
            self.path = path
            self.size = size
            self.modified = modified
            self.fingerprint = fingerprint
        }
    }

    /// What the store held before `--rebuild` emptied it.
    public struct Forgotten: Sendable {
        public var days: [Int32] = []
        public var paths: [String] = []
    }

    /// Opens the store at `path`, creating it if missing (its folder must exist).
    ///
    /// - Parameters:
    ///   - shape: the options that shape rows, as (option, value) pairs; a store made with
    ///     others is refused (`StoreError.otherOptions`) unless `rebuild`.
    ///   - sameShape: whether options stored in another form (by an older tally, without an
    ///     option added since) mean `shape`; if so the store is kept, and its options rewritten.
    ///   - rebuild: forget every count first; `forgotten` then says what was there, and its
    ///     days are left dirty, so that their files are written again from what is read now.
    public init(
        path: String, shape: [(String, String)], rebuild: Bool = false,
        sameShape: ([(String, String)]) -> Bool = { _ in false }
    ) throws(StoreError) {
        self.path = path
        database = try SQLiteDatabase(path: path)
        // A rollback journal, synced to the end (`EXTRA` also syncs the folder once the journal
        // is deleted, which is what commits): a commit is on disk when it returns, and a process
        // killed at any instant leaves the last committed state (the next open rolls a torn
        // transaction back). Not WAL: a night's rows are mostly new pages, which a rollback
        // journal writes once and WAL twice (to the log, then at the checkpoint); a store is
        // written by one run at a time, so WAL's readers beside a writer are not needed. Pages
        // of 64 KiB, set when a store is made (an older store keeps its own): a night of wide
        // keys commits a hundred megabytes of rows. A cache of at most 64 MiB, taken only as the
        // store needs it, so that those pages are not spilled and read back again and again.
        try database.execute("PRAGMA page_size = 65536")
        // A store of an earlier tally is in WAL mode, and leaving it needs the store to itself:
        // with another connection open (a `sqlite3` shell), it stays in WAL, as safe, and the
        // run goes on.
        try? database.execute("PRAGMA journal_mode = DELETE")
        try database.execute("PRAGMA synchronous = EXTRA; PRAGMA cache_size = -65536")
        try database.transaction { () throws(StoreError) in
            try database.execute(
                """
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS contents (id INTEGER PRIMARY KEY, fingerprint BLOB NOT NULL UNIQUE);
                CREATE TABLE IF NOT EXISTS paths (
                    path TEXT PRIMARY KEY, size INTEGER NOT NULL, modified INTEGER NOT NULL,
                    fingerprint BLOB NOT NULL) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS paths_by_fingerprint ON paths (fingerprint);
                CREATE TABLE IF NOT EXISTS contributions (
                    content INTEGER NOT NULL, day INTEGER NOT NULL, rows BLOB NOT NULL,
                    format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (content, day)) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS contributions_by_day ON contributions (day);
                CREATE TABLE IF NOT EXISTS dirty_days (day INTEGER PRIMARY KEY);
                INSERT OR IGNORE INTO meta VALUES ('schema', '\(Self.schemaVersion)');
                """)
            var schema = try value(of: "schema")
            if schema == "1" {
                // (Made when the store is opened, in its first transaction: a store is never
                // left half-upgraded, and an older tally then refuses it by its schema.)
                try database.execute(
                    """
                    ALTER TABLE contributions ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
                    UPDATE meta SET value = '\(Self.schemaVersion)' WHERE key = 'schema';
                    """)
                schema = Self.schemaVersion
            }
            guard schema == Self.schemaVersion else {
                throw .foreign(
                    "\(path) is a state store of schema \(schema ?? "?"); this tally reads \(Self.schemaVersion)")
            }
            if rebuild {
                forgotten.days = try days(of: "SELECT DISTINCT day FROM contributions")
                try database.prepare(
                    "SELECT path FROM paths WHERE fingerprint IN (SELECT fingerprint FROM contents) ORDER BY path"
                ).forEachRow { forgotten.paths.append($0.text(0)) }
                try database.execute(
                    "DELETE FROM contributions; DELETE FROM contents; DELETE FROM paths; DELETE FROM meta WHERE key = 'shape'"
                )
                let dirty = try database.prepare("INSERT OR IGNORE INTO dirty_days VALUES (?)")
                for day in forgotten.days { try dirty.bind(.integer(Int64(day))).run() }
            }
            let wanted = shape.map { "\($0.0) \($0.1)" }.joined(separator: "\n")
            if let stored = try value(of: "shape") {
                if stored != wanted {
                    let pairs = stored.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                        let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
                    }
                    guard sameShape(pairs) else { throw .otherOptions(path: path, stored: stored, wanted: wanted) }
                    try setValue(wanted, of: "shape")
                }
            } else {
                try setValue(wanted, of: "shape")
            }
        }
        try database.prepare("SELECT path, size, modified, fingerprint FROM paths").forEachRow { row in
            paths[row.text(0)] = StoredPath(
                path: row.text(0), size: row.integer(1), modified: row.integer(2), fingerprint: row.blob(3))
        }
        try database.prepare(
            "SELECT contents.fingerprint, MIN(paths.path) FROM contents JOIN paths USING (fingerprint) GROUP BY contents.id"
        ).forEachRow { row in contents[row.blob(0)] = row.text(1) }
    }

    /// What `--rebuild` emptied out of the store.
    public private(set) var forgotten = Forgotten()

    /// The days whose files are to be written again: left by a run that stopped after its commit.
    public func dirtyDays() throws(StoreError) -> [Int32] {
        try days(of: "SELECT day FROM dirty_days ORDER BY day")
    }

    /// The layout of the day files last written (`--bom`, `--crlf`, `--ratios`), if any.
    public func dayFileStyle() throws(StoreError) -> String? { try value(of: "style") }

    /// What one run changes, committed in one transaction by `commit(_:)`.
    public struct Changes {
        /// Inputs read whole (counted, copies, empty, touched), as the store will remember them.
        public var paths: [StoredPath] = []
        /// The rows of each content counted for the first time, by day.
        public var contents: [[UInt8]: [(day: Int32, rows: [UInt8])]] = [:]
        /// The version of the encoding of `contents`' rows, given back with them.
        public let rowsFormat: Int64
        /// Days to mark dirty besides those whose counts change (all of them, when the day files'
        /// layout changed).
        public var dirty: Set<Int32> = []
        public var style: String?

        public init(rowsFormat: Int64) {
            self.rowsFormat = rowsFormat
        }
    }

    /// Records `changes` and marks dirty every day whose counts they change, all or nothing.
    /// Once this has returned, the counts are the store's; the day files follow, and
    /// `clearDirty` after them.
    /// - Returns: every dirty day, these and any left from a run that stopped before its files.
    public func commit(_ changes: Changes) throws(StoreError) -> [Int32] {
        try database.transaction { () throws(StoreError) in
            let dirty = try database.prepare("INSERT OR IGNORE INTO dirty_days VALUES (?)")
            let addContent = try database.prepare("INSERT INTO contents (fingerprint) VALUES (?) RETURNING id")
            let addRows = try database.prepare(
                "INSERT INTO contributions (content, day, rows, format) VALUES (?, ?, ?, ?)")
            for (fingerprint, days) in changes.contents {
                try addContent.bind(.blob(fingerprint))
                guard try addContent.step() else { throw .sqlite("a content just added is not there") }
                let content = addContent.integer(0)
                try addContent.run()
                for (day, rows) in days {
                    try addRows.bind(.integer(content), .integer(Int64(day)), .blob(rows), .integer(changes.rowsFormat))
                        .run()
                    try dirty.bind(.integer(Int64(day))).run()
                }
            }
            let upsert = try database.prepare(
                """
                INSERT INTO paths (path, size, modified, fingerprint) VALUES (?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified = excluded.modified,
                    fingerprint = excluded.fingerprint
                """)
            var left: Set<[UInt8]> = []
            for input in changes.paths {
                if let old = paths[input.path]?.fingerprint, old != input.fingerprint { left.insert(old) }
                try upsert.bind(
                    .text(input.path), .integer(input.size), .integer(input.modified), .blob(input.fingerprint)
                )
                .run()
                paths[input.path] = input
                if changes.contents[input.fingerprint] != nil { contents[input.fingerprint] = input.path }
            }
            // A content no name has any more was replaced (a re-delivery): its counts go. A
            // deleted file keeps its name here, so its content stays.
            let stillNamed = try database.prepare("SELECT 1 FROM paths WHERE fingerprint = ? LIMIT 1")
            let daysOf = try database.prepare(
                "SELECT day FROM contributions WHERE content = (SELECT id FROM contents WHERE fingerprint = ?)")
            let removeRows = try database.prepare(
                "DELETE FROM contributions WHERE content = (SELECT id FROM contents WHERE fingerprint = ?)")
            let removeContent = try database.prepare("DELETE FROM contents WHERE fingerprint = ?")
            for fingerprint in left where try !stillNamed.bind(.blob(fingerprint)).step() {
                try daysOf.bind(.blob(fingerprint)).forEachRow { row throws(StoreError) in
                    try dirty.bind(.integer(row.integer(0))).run()
                }
                try removeRows.bind(.blob(fingerprint)).run()
                try removeContent.bind(.blob(fingerprint)).run()
                contents[fingerprint] = nil
            }
            for day in changes.dirty { try dirty.bind(.integer(Int64(day))).run() }
            if let style = changes.style { try setValue(style, of: "style") }
        }
        return try dirtyDays()
    }

    /// Every day with counts.
    public func countedDays() throws(StoreError) -> [Int32] {
        try days(of: "SELECT DISTINCT day FROM contributions ORDER BY day")
    }

    /// Calls `body` with each stored contribution to `days` (the version of its encoding and
    /// its rows), except those of the contents `excluded` (which the caller has counted already).
    public func forEachContribution(
        to days: [Int32], excluding excluded: Set<[UInt8]>, _ body: (Int64, [UInt8]) throws(StoreError) -> Void
    ) throws(StoreError) {
        let select = try database.prepare(
            "SELECT contents.fingerprint, contributions.format, contributions.rows FROM contributions JOIN contents "
                + "ON contents.id = contributions.content WHERE contributions.day = ?")
        for day in days {
            try select.bind(.integer(Int64(day))).forEachRow { row throws(StoreError) in
                if !excluded.contains(row.blob(0)) { try body(row.integer(1), row.blob(2)) }
            }
        }
    }

    /// Forgets that `days` are dirty: their files are written.
    public func clearDirty(_ days: [Int32]) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            let clear = try database.prepare("DELETE FROM dirty_days WHERE day = ?")
            for day in days { try clear.bind(.integer(Int64(day))).run() }
        }
    }

    // MARK: - Helpers

    private func value(of key: String) throws(StoreError) -> String? {
        let select = try database.prepare("SELECT value FROM meta WHERE key = ?").bind(.text(key))
        return try select.step() ? select.text(0) : nil
    }

    private func setValue(_ value: String, of key: String) throws(StoreError) {
        try database.prepare("INSERT OR REPLACE INTO meta VALUES (?, ?)").bind(.text(key), .text(value)).run()
    }

    private func days(of sql: String) throws(StoreError) -> [Int32] {
        var days: [Int32] = []
        try database.prepare(sql).forEachRow { days.append(Int32(truncatingIfNeeded: $0.integer(0))) }
        return days
    }
}
