/* Database connection: pragmas, cached prepared statements, transactions, migrations. */
#ifndef BS_DB_H
#define BS_DB_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;

/* How long a statement waits for a lock another connection holds. */
enum { DB_BUSY_TIMEOUT_MS = 5000 };
/* Nobody got the write lock for this long: it is stuck (another process holds it). */
enum { DB_LANE_STUCK_MS = 250 };

/* Opens (creating when asked) with WAL, foreign keys, busy timeout and defensive settings.
 * On failure returns NULL and writes a one-line reason into err. */
struct db *db_open(const char *path, bool create, char *err, size_t err_size);
void db_close(struct db *db);
sqlite3 *db_handle(struct db *db);

/* A prepared statement for this connection, reused across calls: the sql pointer should be a
 * string literal (SQL built at run time is kept too, one statement per address, so build it
 * once). The statement comes back reset with no bindings. NULL on an SQL error (logged). */
sqlite3_stmt *db_prepare(struct db *db, const char *sql);
/* How many statements db_prepare keeps: constant once every statement ran, since it knows a
 * statement by its text's address (SQL built at run time must be made once, not per call). */
size_t db_prepared_count(const struct db *db);
/* Runs SQL text without results (schema, pragmas). */
bool db_exec(struct db *db, const char *sql);

/* Transactions: BEGIN IMMEDIATE for anything that writes, so that the write lock is taken at
 * the start rather than halfway (no deadlocks between readers upgrading).
 * They nest: an inner db_begin/db_commit pair only counts a level, so that two domain calls
 * can be made atomic by an outer pair; the outermost commit really commits. A db_rollback at
 * any level dooms the whole: the outermost db_commit then rolls back and returns false.
 * A db_begin that returns false opened nothing (call neither commit nor rollback for it; a
 * rollback then is harmless). A write may not begin inside db_read_begin's snapshot (asserted):
 * a GET that must write ends its snapshot first with db_read_end, on purpose. */
#define db_begin(db) db_begin_at((db), __FILE__, __LINE__)
bool db_begin_at(struct db *db, const char *file, int line);
bool db_commit(struct db *db);
void db_rollback(struct db *db);
/* The writer lane of a server: while the write lock is stuck (nobody got it for
 * DB_LANE_STUCK_MS), at most `waiters` threads wait for it at once, and each waits at most
 * wait_ms (0 for either: no bound, one busy timeout), so that writers never hold all the
 * threads that readers need. A db_begin past either bound returns false, having begun nothing,
 * and marks the connection busy (db_take_busy). */
void db_writer_lane(int waiters, int wait_ms);
/* True when a db_begin on this connection gave up on a busy lock since the last call (which
 * clears it): the request should answer 503 with Retry-After. */
bool db_take_busy(struct db *db);
/* How deep the write transactions are nested now (0: none). */
int db_depth(const struct db *db);

/* A read snapshot for a whole page: one transaction instead of one per statement, so that
 * the WAL locks are taken once per request. db_read_end is harmless if nothing began. */
bool db_read_begin(struct db *db);
void db_read_end(struct db *db);

/* Applies embedded sql/NNN_*.sql files not yet applied, each in its own transaction.
 * Refuses a database whose schema is newer than this program. */
bool db_migrate(struct db *db, char *err, size_t err_size);
/* Highest applied migration, 0 for none, -1 on error. */
int db_schema_version(struct db *db);
/* Highest migration this program knows. */
int db_known_version(void);

/* Changes whenever this database changed, by this connection or another: PRAGMA data_version
 * plus this connection's own change count. For caches of derived answers. */
int64_t db_data_version(struct db *db);

/* Small helpers for one-value queries. */
bool db_get_int(struct db *db, const char *sql, int64_t *out);

/* Copies the WAL into the database and empties it (at shutdown); false when another
 * connection kept it from completing. */
bool db_checkpoint(struct db *db);
/* Why a write would fail now (read-only database or file system, full disk, a file or
 * directory that cannot be written), or NULL. Cheap: no lock, no write. */
const char *db_write_problem(struct db *db);

#endif
