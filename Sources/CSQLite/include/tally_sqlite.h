#ifndef TALLY_SQLITE_H
#define TALLY_SQLITE_H

#include <stdint.h>

/*
 * The system's SQLite (libsqlite3.so.0), opened with dlopen, never linked: building needs no
 * SQLite header (a fresh machine has the library, which the Swift toolchain itself uses, but
 * not libsqlite3-dev), and a binary runs where the library is missing, without a state store.
 *
 * Each function is the SQLite function of the same name (sqlite3_...), called through a pointer
 * found at load time; the handles are SQLite's own, opaque here. Only once
 * tally_sqlite_available() has said 1.
 */

typedef struct tally_sqlite tally_sqlite;
typedef struct tally_sqlite_stmt tally_sqlite_stmt;

/* 1 if libsqlite3.so.0 could be loaded with every function below; thread-safe, loads once. */
int tally_sqlite_available(void);

#define TALLY_SQLITE_OK 0
#define TALLY_SQLITE_BUSY 5
#define TALLY_SQLITE_ROW 100
#define TALLY_SQLITE_DONE 101
#define TALLY_SQLITE_NULL 5

/* sqlite3_open_v2 with SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX. */
int tally_sqlite_open(const char *path, tally_sqlite **db);
int tally_sqlite_close(tally_sqlite *db);
const char *tally_sqlite_errmsg(tally_sqlite *db);
int tally_sqlite_busy_timeout(tally_sqlite *db, int milliseconds);
/* sqlite3_exec without a callback. */
int tally_sqlite_exec(tally_sqlite *db, const char *sql);
int tally_sqlite_prepare(tally_sqlite *db, const char *sql, tally_sqlite_stmt **statement);
int tally_sqlite_finalize(tally_sqlite_stmt *statement);
int tally_sqlite_reset(tally_sqlite_stmt *statement);
int tally_sqlite_step(tally_sqlite_stmt *statement);
int tally_sqlite_bind_int64(tally_sqlite_stmt *statement, int index, int64_t value);
int tally_sqlite_bind_null(tally_sqlite_stmt *statement, int index);
/* Bound as SQLITE_TRANSIENT: SQLite copies the bytes. */
int tally_sqlite_bind_blob(tally_sqlite_stmt *statement, int index, const void *bytes, int count);
int tally_sqlite_bind_text(tally_sqlite_stmt *statement, int index, const char *text, int count);
int tally_sqlite_column_type(tally_sqlite_stmt *statement, int index);
int64_t tally_sqlite_column_int64(tally_sqlite_stmt *statement, int index);
const void *tally_sqlite_column_blob(tally_sqlite_stmt *statement, int index);
int tally_sqlite_column_bytes(tally_sqlite_stmt *statement, int index);

#endif
