/* SQLite connection handling and migrations. */
#include "db/db.h"
#include "util/alloc.h"
#include "util/assets.h"
#include "util/log.h"

#include <assert.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
};

/* Writers in this process queue on a mutex before BEGIN IMMEDIATE: a thread then waits its
 * turn instead of sleeping in SQLite's busy handler, which keeps tail latency low. Other
 * processes (the command line, a second front) still meet at SQLite's own lock. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

/* The writer lane: how many threads may wait at once for the write lock (0: any number) and
 * how long one waits, for the mutex and SQLite's lock together, before it gives up. A server
 * sets a bound so that writers never hold the threads its readers need; the command line
 * keeps the default, one busy timeout. */
static atomic_int lane_size;
static atomic_int lane_wait_ms = DB_BUSY_TIMEOUT_MS;
static atomic_int lane_waiting; /* threads between entering db_begin and holding the lock */
/* When a writer last got the lock, or the first one began to wait for it (monotonic ms). A
 * lock that changes hands often is not stuck: the lane refuses only while nobody got it for
 * longer than an ordinary transaction takes. */
static atomic_llong lane_progress_ms;

static long long monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000L;
}

struct db {
    bool holds_write_lock;
    /* Write transactions nest: only the outermost db_begin really begins and only the
     * outermost db_commit really commits. A rollback at any depth dooms the whole. */
    int depth;
    bool doomed;
    const char *begin_file; /* where the outermost db_begin was called, for the log */
    int begin_line;
    bool in_read; /* inside db_read_begin's snapshot (a GET's) */
    bool busy;    /* a db_begin gave up on a busy lock since db_take_busy last looked */
    sqlite3 *conn;
    struct cached_stmt *cache;
    size_t ncache, cap;
};

struct db *db_open(const char *path, bool create, char *err, size_t err_size)
{
    sqlite3 *conn = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &conn, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, err_size, "cannot open database %s: %s", path,
                 conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc));
        sqlite3_close(conn);
        return NULL;
    }
    sqlite3_extended_result_codes(conn, 1);
    sqlite3_busy_timeout(conn, DB_BUSY_TIMEOUT_MS);
    sqlite3_db_config(conn, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(conn, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
    sqlite3_db_config(conn, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
    struct db *db = xcalloc(1, sizeof *db);
    db->conn = conn;
    /* synchronous=FULL: an acknowledged donation survives a power cut, not only a crash.
     * cache_size 2 MiB: every thread has its own connection, and 32 MiB each held most of the
     * server's memory; the system's file cache, shared by all, keeps the rest of the file. */
    if (!db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;"
                     " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-2048;")) {
        snprintf(err, err_size, "cannot set up database %s: %s", path, sqlite3_errmsg(conn));
        db_close(db);
        return NULL;
    }
    return db;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->ncache; i++)
        sqlite3_finalize(db->cache[i].stmt);
    free(db->cache);
    sqlite3_close(db->conn);
    free(db);
}

sqlite3 *db_handle(struct db *db)
{
    return db->conn;
}

/* Statements are kept per connection and found by the address of their text (a literal, in
 * nearly every call), then confirmed by the text itself: SQL built at run time in a buffer
 * that is later reused for other SQL gets a statement of its own text, in the same slot. */
sqlite3_stmt *db_prepare(struct db *db, const char *sql)
{
    struct cached_stmt *slot = NULL;
    for (size_t i = 0; i < db->ncache; i++) {
        if (db->cache[i].sql == sql) {
            sqlite3_stmt *stmt = db->cache[i].stmt;
            if (strcmp(sqlite3_sql(stmt), sql) != 0) {
                slot = &db->cache[i];
                break;
            }
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            return stmt;
        }
    }
    sqlite3_stmt *stmt;
    if (sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) !=
        SQLITE_OK) {
        log_error("sql: %s in: %.200s", sqlite3_errmsg(db->conn), sql);
        return NULL;
    }
    if (slot) {
        sqlite3_finalize(slot->stmt);
        slot->stmt = stmt;
        return stmt;
    }
    if (db->ncache == db->cap) {
        db->cap = db->cap ? db->cap * 2 : 32;
        db->cache = xrealloc(db->cache, db->cap * sizeof *db->cache);
    }
    db->cache[db->ncache++] = (struct cached_stmt){sql, stmt};
    return stmt;
}

size_t db_prepared_count(const struct db *db)
{
    return db->ncache;
}

bool db_exec(struct db *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db->conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("sql: %s", msg ? msg : sqlite3_errmsg(db->conn));
        sqlite3_free(msg);
        return false;
    }
    return true;
}

static void release_write_lock(struct db *db)
{
    if (db->holds_write_lock) {
        db->holds_write_lock = false;
        pthread_mutex_unlock(&write_lock);
    }
}

void db_writer_lane(int waiters, int wait_ms)
{
    atomic_store(&lane_size, waiters > 0 ? waiters : 0);
    atomic_store(&lane_wait_ms, wait_ms > 0 ? wait_ms : DB_BUSY_TIMEOUT_MS);
}

bool db_take_busy(struct db *db)
{
    bool busy = db->busy;
    db->busy = false;
    return busy;
}

static struct timespec deadline_after(int ms)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static int ms_until(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
                   (deadline->tv_nsec - now.tv_nsec) / 1000000L;
    return ms < 1 ? 1 : ms > DB_BUSY_TIMEOUT_MS ? DB_BUSY_TIMEOUT_MS : (int)ms;
}

/* Nobody got the write lock for longer than an ordinary transaction takes. */
static bool lane_stuck(void)
{
    return monotonic_ms() - atomic_load(&lane_progress_ms) > DB_LANE_STUCK_MS;
}

static void lane_give_up(struct db *db, const char *file, int line, const char *why)
{
    atomic_fetch_sub(&lane_waiting, 1);
    db->busy = true;
    log_error("transaction: begin at %s:%d gave up: %s", file, line, why);
}

bool db_begin_at(struct db *db, const char *file, int line)
{
    if (db->depth > 0) {
        if (db->doomed) {
            log_error("transaction: begin at %s:%d inside a failed transaction begun at %s:%d",
                      file, line, db->begin_file, db->begin_line);
            return false;
        }
        db->depth++;
        return true;
    }
    /* A page that only reads holds a snapshot; a write from there must end it on purpose
     * (db_read_end) rather than upgrade it by accident. */
    if (db->in_read) {
        log_error("transaction: write begun at %s:%d inside a read snapshot", file, line);
        assert(!"write transaction inside a read snapshot");
        return false;
    }
    /* A place in the lane first. Past its size a writer waits only while the lock changes
     * hands (a burst of writes, each a few milliseconds): once it is stuck (another process
     * holds it), the writer gives up, so that the threads left over stay free for readers. */
    int size = atomic_load(&lane_size);
    int ahead = atomic_fetch_add(&lane_waiting, 1);
    if (ahead == 0)
        atomic_store(&lane_progress_ms, monotonic_ms());
    bool beyond = size > 0 && ahead >= size;
    struct timespec deadline = deadline_after(atomic_load(&lane_wait_ms));
    if (beyond && lane_stuck()) {
        lane_give_up(db, file, line, "writers wait for a stuck lock");
        return false;
    }
    if (!db->holds_write_lock) {
        for (;;) {
            struct timespec until = deadline;
            if (beyond) { /* look again every 50 ms whether the lock got stuck */
                struct timespec step = deadline_after(50);
                if (step.tv_sec < until.tv_sec ||
                    (step.tv_sec == until.tv_sec && step.tv_nsec < until.tv_nsec))
                    until = step;
            }
            int rc = pthread_mutex_timedlock(&write_lock, &until);
            if (rc == 0)
                break;
            if (!beyond || ms_until(&deadline) <= 1 || lane_stuck()) {
                lane_give_up(db, file, line, "the write lock stayed taken");
                return false;
            }
        }
        db->holds_write_lock = true;
    }
    /* SQLite's own lock (another process) within what is left of the same wait; past the
     * lane's size, no longer than it takes to call the lock stuck. */
    int wait = ms_until(&deadline);
    sqlite3_busy_timeout(db->conn, beyond && wait > DB_LANE_STUCK_MS ? DB_LANE_STUCK_MS : wait);
    sqlite3_stmt *stmt = db_prepare(db, "BEGIN IMMEDIATE");
    int rc = stmt ? sqlite3_step(stmt) : SQLITE_ERROR;
    sqlite3_busy_timeout(db->conn, DB_BUSY_TIMEOUT_MS);
    atomic_fetch_sub(&lane_waiting, 1);
    if (rc == SQLITE_DONE) {
        atomic_store(&lane_progress_ms, monotonic_ms());
        db->depth = 1;
        db->doomed = false;
        db->begin_file = file;
        db->begin_line = line;
        return true;
    }
    if ((sqlite3_extended_errcode(db->conn) & 0xff) == SQLITE_BUSY)
        db->busy = true;
    log_error("transaction: begin at %s:%d failed: %s", file, line, sqlite3_errmsg(db->conn));
    release_write_lock(db);
    return false;
}

static void rollback_outermost(struct db *db)
{
    if (!sqlite3_get_autocommit(db->conn)) {
        sqlite3_stmt *stmt = db_prepare(db, "ROLLBACK");
        if (stmt)
            sqlite3_step(stmt);
    }
    db->depth = 0;
    db->doomed = false;
    release_write_lock(db);
}

bool db_commit(struct db *db)
{
    if (db->depth == 0) {
        log_error("transaction: commit without begin");
        return false;
    }
    /* An inner commit only closes its level; whether the work lands is decided by the
     * outermost one, which fails if anything inside was rolled back. */
    if (db->depth > 1) {
        db->depth--;
        return true;
    }
    if (db->doomed) {
        log_error("transaction begun at %s:%d rolled back: an inner step failed", db->begin_file,
                  db->begin_line);
        rollback_outermost(db);
        return false;
    }
    sqlite3_stmt *stmt = db_prepare(db, "COMMIT");
    if (stmt && sqlite3_step(stmt) == SQLITE_DONE) {
        db->depth = 0;
        release_write_lock(db);
        return true;
    }
    log_error("commit of transaction begun at %s:%d failed: %s", db->begin_file, db->begin_line,
              sqlite3_errmsg(db->conn));
    rollback_outermost(db);
    return false;
}

void db_rollback(struct db *db)
{
    if (db->depth > 1) {
        db->depth--;
        db->doomed = true;
        return;
    }
    /* Depth 0 is harmless: a rollback after a failed commit or a failed begin. */
    if (db->depth == 1)
        rollback_outermost(db);
    else
        release_write_lock(db);
}

int db_depth(const struct db *db)
{
    return db->depth;
}

bool db_read_begin(struct db *db)
{
    if (db->depth > 0 || db->in_read)
        return false;
    sqlite3_stmt *stmt = db_prepare(db, "BEGIN DEFERRED");
    db->in_read = stmt && sqlite3_step(stmt) == SQLITE_DONE;
    return db->in_read;
}

void db_read_end(struct db *db)
{
    if (!db->in_read)
        return;
    db->in_read = false;
    if (sqlite3_get_autocommit(db->conn))
        return;
    sqlite3_stmt *stmt = db_prepare(db, "COMMIT");
    if (stmt && sqlite3_step(stmt) != SQLITE_DONE) {
        stmt = db_prepare(db, "ROLLBACK");
        if (stmt)
            sqlite3_step(stmt);
    }
}

bool db_get_int(struct db *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *stmt = db_prepare(db, sql);
    if (!stmt || sqlite3_step(stmt) != SQLITE_ROW)
        return false;
    *out = sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
    return true;
}

/* Migrations are the embedded files "sql/NNN_name.sql", in name order. */
static int migration_version(const char *name)
{
    if (strncmp(name, "sql/", 4) != 0)
        return 0;
    const char *p = name + 4;
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' ||
        p[3] != '_')
        return 0;
    return atoi(p);
}

int db_known_version(void)
{
    int max = 0;
    for (size_t i = 0; i < assets_count; i++) {
        int v = migration_version(assets[i].name);
        if (v > max)
            max = v;
    }
    return max;
}

int db_schema_version(struct db *db)
{
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT count(*) FROM sqlite_schema WHERE type='table' AND name='schema_migrations'");
    if (!stmt || sqlite3_step(stmt) != SQLITE_ROW)
        return -1;
    int exists = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    if (!exists)
        return 0;
    int64_t v;
    if (!db_get_int(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", &v))
        return -1;
    return (int)v;
}

bool db_migrate(struct db *db, char *err, size_t err_size)
{
    if (!db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                     " applied_at TEXT NOT NULL DEFAULT (datetime('now'))) STRICT")) {
        snprintf(err, err_size, "cannot create schema_migrations: %s", sqlite3_errmsg(db->conn));
        return false;
    }
    int current = db_schema_version(db);
    int known = db_known_version();
    if (current < 0) {
        snprintf(err, err_size, "cannot read schema version: %s", sqlite3_errmsg(db->conn));
        return false;
    }
    if (current > known) {
        snprintf(err, err_size,
                 "database schema version %d is newer than this program knows (%d); "
                 "use a newer buurtsamen",
                 current, known);
        return false;
    }
    for (size_t i = 0; i < assets_count; i++) {
        int v = migration_version(assets[i].name);
        if (v <= current)
            continue;
        char *sql = xstrndup((const char *)assets[i].data, assets[i].len);
        bool ok = db_begin(db) && db_exec(db, sql);
        free(sql);
        if (ok) {
            sqlite3_stmt *stmt =
                db_prepare(db, "INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
            ok = stmt && sqlite3_bind_int(stmt, 1, v) == SQLITE_OK &&
                 sqlite3_bind_text(stmt, 2, assets[i].name + 4, -1, SQLITE_STATIC) == SQLITE_OK &&
                 sqlite3_step(stmt) == SQLITE_DONE;
            if (stmt)
                sqlite3_reset(stmt);
        }
        if (!ok || !db_commit(db)) {
            snprintf(err, err_size, "migration %s failed: %s", assets[i].name,
                     sqlite3_errmsg(db->conn));
            db_rollback(db);
            return false;
        }
        log_info("applied migration %s", assets[i].name + 4);
    }
    return true;
}

int64_t db_data_version(struct db *db)
{
    int64_t v = 0;
    db_get_int(db, "PRAGMA data_version", &v);
    return (v << 32) ^ (int64_t)sqlite3_total_changes64(db->conn);
}

bool db_checkpoint(struct db *db)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db->conn, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &stmt, NULL) !=
        SQLITE_OK)
        return false;
    /* One row: busy (1 when a reader or writer kept it from completing), frames, done. */
    bool ok = sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 0;
    sqlite3_finalize(stmt);
    return ok;
}
