import CSQLite
import TallyPaths

/// A connection to one SQLite database file, through the system's library (`CSQLite`).
///
/// A thin layer: statements prepared, values bound by position, rows read by column; every
/// failure is a `StoreError` with SQLite's message. Used by one thread at a time.
final class SQLiteDatabase {
    private let handle: OpaquePointer

    /// Whether the system's SQLite library could be loaded.
    static var isAvailable: Bool { tally_sqlite_available() != 0 }

    init(path: String) throws(StoreError) {
        guard Self.isAvailable else { throw .unavailable }
        var db: OpaquePointer?
        let status = SystemPath.withCString(path) { tally_sqlite_open($0, &db) }
        guard status == TALLY_SQLITE_OK, let db else {
            let message = db.map { String(cString: tally_sqlite_errmsg($0)) } ?? "out of memory"
            if let db { tally_sqlite_close(db) }
            throw .sqlite(message)
        }
        handle = db
        // Another process's transaction, as a reader of the same store would hold: wait a little.
        tally_sqlite_busy_timeout(handle, 5_000)
    }

    deinit {
        tally_sqlite_close(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(StoreError) {
        guard tally_sqlite_exec(handle, sql) == TALLY_SQLITE_OK else { throw error() }
    }

    func prepare(_ sql: String) throws(StoreError) -> Statement {
        var statement: OpaquePointer?
        guard tally_sqlite_prepare(handle, sql, &statement) == TALLY_SQLITE_OK, let statement else { throw error() }
        return Statement(handle: statement, database: self)
    }

    /// Runs `body` in one transaction: committed if it returns, rolled back if it throws.
    func transaction<R>(_ body: () throws(StoreError) -> R) throws(StoreError) -> R {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    fileprivate func error() -> StoreError {
        .sqlite(String(cString: tally_sqlite_errmsg(handle)))
    }

    /// A prepared statement. Parameters are numbered from 1, columns from 0, as in SQLite.
    final class Statement {
        private let handle: OpaquePointer
        private let database: SQLiteDatabase

        fileprivate init(handle: OpaquePointer, database: SQLiteDatabase) {
            self.handle = handle
            self.database = database
        }

        deinit {
            tally_sqlite_finalize(handle)
        }

        /// Binds `values` to the parameters, in order, after a reset.
        @discardableResult
        func bind(_ values: SQLValue...) throws(StoreError) -> Statement {
            tally_sqlite_reset(handle)
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                let status: Int32
                switch value {
                case .integer(let integer): status = tally_sqlite_bind_int64(handle, index, integer)
                case .null: status = tally_sqlite_bind_null(handle, index)
                case .blob(let bytes):
                    status = bytes.withUnsafeBytes {
                        // A pointer that is not null even for no bytes: a null one would bind NULL.
                        tally_sqlite_bind_blob(
                            handle, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count))
                    }
                case .text(let text):
                    status = text.withCString { tally_sqlite_bind_text(handle, index, $0, Int32(text.utf8.count)) }
                }
                guard status == TALLY_SQLITE_OK else { throw database.error() }
            }
            return self
        }

        /// Runs the statement to its end, for one that returns no rows.
        func run() throws(StoreError) {
            while try step() {}
        }

        /// Advances to the next row: true if there is one.
        func step() throws(StoreError) -> Bool {
            switch tally_sqlite_step(handle) {
            case TALLY_SQLITE_ROW: return true
            case TALLY_SQLITE_DONE: return false
            default: throw database.error()
            }
        }

        /// Calls `body` for each row.
        func forEachRow(_ body: (Statement) throws(StoreError) -> Void) throws(StoreError) {
            while try step() { try body(self) }
        }

        func isNull(_ column: Int32) -> Bool { tally_sqlite_column_type(handle, column) == TALLY_SQLITE_NULL }

        func integer(_ column: Int32) -> Int64 { tally_sqlite_column_int64(handle, column) }

        func blob(_ column: Int32) -> [UInt8] {
            let count = Int(tally_sqlite_column_bytes(handle, column))
            guard count > 0, let bytes = tally_sqlite_column_blob(handle, column) else { return [] }
            return Array(UnsafeRawBufferPointer(start: bytes, count: count))
        }

        func text(_ column: Int32) -> String { String(decoding: blob(column), as: UTF8.self) }
    }
}

/// A value bound to a statement's parameter.
enum SQLValue {
    case integer(Int64)
    case blob([UInt8])
    case text(String)
    case null
}
