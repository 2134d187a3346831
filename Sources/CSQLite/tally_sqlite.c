#include "tally_sqlite.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

/* SQLite's C interface is stable (https://sqlite.org/c3ref/intro.html): these are its
 * documented signatures and constants, so no header is needed to call it. */
#define SQLITE_OPEN_READWRITE 0x00000002
#define SQLITE_OPEN_CREATE 0x00000004
#define SQLITE_OPEN_NOMUTEX 0x00008000
#define SQLITE_TRANSIENT ((void (*)(void *)) - 1)

static int (*p_open_v2)(const char *, tally_sqlite **, int, const char *);
static int (*p_close_v2)(tally_sqlite *);
static const char *(*p_errmsg)(tally_sqlite *);
static int (*p_busy_timeout)(tally_sqlite *, int);
static int (*p_exec)(tally_sqlite *, const char *, void *, void *, char **);
static int (*p_prepare_v2)(tally_sqlite *, const char *, int, tally_sqlite_stmt **, const char **);
static int (*p_finalize)(tally_sqlite_stmt *);
static int (*p_reset)(tally_sqlite_stmt *);
static int (*p_step)(tally_sqlite_stmt *);
static int (*p_bind_int64)(tally_sqlite_stmt *, int, int64_t);
static int (*p_bind_null)(tally_sqlite_stmt *, int);
static int (*p_bind_blob)(tally_sqlite_stmt *, int, const void *, int, void (*)(void *));
static int (*p_bind_text)(tally_sqlite_stmt *, int, const char *, int, void (*)(void *));
static int (*p_column_type)(tally_sqlite_stmt *, int);
static int64_t (*p_column_int64)(tally_sqlite_stmt *, int);
static const void *(*p_column_blob)(tally_sqlite_stmt *, int);
static int (*p_column_bytes)(tally_sqlite_stmt *, int);

static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

#define FIND(pointer, name)                                                                        \
    do {                                                                                           \
        *(void **)(&pointer) = dlsym(library, name);                                               \
        if (pointer == NULL) return;                                                               \
    } while (0)

static void load(void) {
    void *library = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
    FIND(p_open_v2, "sqlite3_open_v2");
    FIND(p_close_v2, "sqlite3_close_v2");
    FIND(p_errmsg, "sqlite3_errmsg");
    FIND(p_busy_timeout, "sqlite3_busy_timeout");
    FIND(p_exec, "sqlite3_exec");
    FIND(p_prepare_v2, "sqlite3_prepare_v2");
    FIND(p_finalize, "sqlite3_finalize");
    FIND(p_reset, "sqlite3_reset");
    FIND(p_step, "sqlite3_step");
    FIND(p_bind_int64, "sqlite3_bind_int64");
    FIND(p_bind_null, "sqlite3_bind_null");
    FIND(p_bind_blob, "sqlite3_bind_blob");
    FIND(p_bind_text, "sqlite3_bind_text");
    FIND(p_column_type, "sqlite3_column_type");
    FIND(p_column_int64, "sqlite3_column_int64");
    FIND(p_column_blob, "sqlite3_column_blob");
    FIND(p_column_bytes, "sqlite3_column_bytes");
    loaded = 1;
}

int tally_sqlite_available(void) {
    pthread_once(&load_once, load);
    return loaded;
}

int tally_sqlite_open(const char *path, tally_sqlite **db) {
    return p_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
}

int tally_sqlite_close(tally_sqlite *db) { return p_close_v2(db); }
const char *tally_sqlite_errmsg(tally_sqlite *db) { return p_errmsg(db); }
int tally_sqlite_busy_timeout(tally_sqlite *db, int milliseconds) { return p_busy_timeout(db, milliseconds); }
int tally_sqlite_exec(tally_sqlite *db, const char *sql) { return p_exec(db, sql, NULL, NULL, NULL); }

int tally_sqlite_prepare(tally_sqlite *db, const char *sql, tally_sqlite_stmt **statement) {
    return p_prepare_v2(db, sql, -1, statement, NULL);
}

int tally_sqlite_finalize(tally_sqlite_stmt *statement) { return p_finalize(statement); }
int tally_sqlite_reset(tally_sqlite_stmt *statement) { return p_reset(statement); }
int tally_sqlite_step(tally_sqlite_stmt *statement) { return p_step(statement); }

int tally_sqlite_bind_int64(tally_sqlite_stmt *statement, int index, int64_t value) {
    return p_bind_int64(statement, index, value);
}

int tally_sqlite_bind_null(tally_sqlite_stmt *statement, int index) { return p_bind_null(statement, index); }

int tally_sqlite_bind_blob(tally_sqlite_stmt *statement, int index, const void *bytes, int count) {
    return p_bind_blob(statement, index, bytes, count, SQLITE_TRANSIENT);
}

int tally_sqlite_bind_text(tally_sqlite_stmt *statement, int index, const char *text, int count) {
    return p_bind_text(statement, index, text, count, SQLITE_TRANSIENT);
}

int tally_sqlite_column_type(tally_sqlite_stmt *statement, int index) { return p_column_type(statement, index); }
int64_t tally_sqlite_column_int64(tally_sqlite_stmt *statement, int index) { return p_column_int64(statement, index); }
const void *tally_sqlite_column_blob(tally_sqlite_stmt *statement, int index) { return p_column_blob(statement, index); }
int tally_sqlite_column_bytes(tally_sqlite_stmt *statement, int index) { return p_column_bytes(statement, index); }
