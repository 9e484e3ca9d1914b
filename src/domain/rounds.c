/* Voucher rounds. */
#include "domain/rounds.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

const char *round_error_message(enum round_error err)
{
    switch (err) {
    case ROUND_OK:
        return "ok";
    case ROUND_BAD_NAME:
        return "the name must be 1 to 80 characters";
    case ROUND_BAD_DATES:
        return "the round must close after it opens";
    case ROUND_OVERLAP:
        return "rounds may not overlap; another round covers part of this period";
    case ROUND_DUPLICATE:
        return "a round with this name exists already";
    case ROUND_NOT_FOUND:
        return "there is no such round";
    case ROUND_STARTED:
        return "the round has started or has vouchers; it can no longer change";
    case ROUND_BAD_VALUE:
        return "the value must be more than zero and at most 1000 euros";
    case ROUND_DB:
        break;
    }
    return "the database refused the round";
}

static enum round_error check_fields(const char *name, time_t opens, time_t closes,
                                     int64_t voucher_cents)
{
    size_t len = strlen(name);
    if (len == 0 || utf8_length(name, len) > 80 || !utf8_valid(name, len))
        return ROUND_BAD_NAME;
    if (closes <= opens)
        return ROUND_BAD_DATES;
    if (voucher_cents < 1 || voucher_cents > 100000)
        return ROUND_BAD_VALUE;
    return ROUND_OK;
}

/* Another round than `except` (0: none) that shares a moment with [o, c): ROUND_OVERLAP. The
 * triggers refuse it as well; this says so by name. */
static enum round_error check_overlap(struct db *db, const char *o, const char *c, int64_t except)
{
    sqlite3_stmt *q = db_prepare(db, "SELECT count(*) FROM rounds WHERE ?1 < closes_at "
                                     "AND opens_at < ?2 AND id <> ?3");
    if (!q)
        return ROUND_DB;
    sqlite3_bind_text(q, 1, o, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, c, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, except);
    int64_t n = -1;
    if (sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    return n < 0 ? ROUND_DB : n ? ROUND_OVERLAP : ROUND_OK;
}

enum round_error round_add(struct db *db, const char *name, time_t opens, time_t closes,
                           int64_t voucher_cents, int64_t *id)
{
    enum round_error bad = check_fields(name, opens, closes, voucher_cents);
    if (bad != ROUND_OK)
        return bad;
    char o[20], c[20];
    utc_text(opens, o);
    utc_text(closes, c);
    enum round_error overlap = check_overlap(db, o, c, 0);
    if (overlap != ROUND_OK)
        return overlap;
    sqlite3_stmt *s = db_prepare(
        db, "INSERT INTO rounds(name, opens_at, closes_at, voucher_cents) VALUES (?, ?, ?, ?)");
    if (!s)
        return ROUND_DB;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, o, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, c, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, voucher_cents);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return ROUND_DUPLICATE;
    if (rc != SQLITE_DONE)
        return ROUND_DB;
    if (id)
        *id = sqlite3_last_insert_rowid(db_handle(db));
    return ROUND_OK;
}

static bool audit_round(struct db *db, const char *actor, time_t now, const char *action,
                        int64_t id, const char *name)
{
    char subject[40];
    snprintf(subject, sizeof subject, "round:%lld", (long long)id);
    return audit_add(db, now, actor, action, subject, "", name, "");
}

enum round_error round_create(struct db *db, const char *name, time_t opens, time_t closes,
                              int64_t voucher_cents, const char *actor, time_t now, int64_t *id)
{
    /* One transaction: the overlap check, the insert and the audit row see the same rounds. */
    if (!db_begin(db))
        return ROUND_DB;
    int64_t new_id = 0;
    enum round_error r = round_add(db, name, opens, closes, voucher_cents, &new_id);
    if (r == ROUND_OK && !audit_round(db, actor, now, "round-add", new_id, name))
        r = ROUND_DB;
    if (r != ROUND_OK) {
        db_rollback(db);
        return r;
    }
    if (!db_commit(db))
        return ROUND_DB;
    if (id)
        *id = new_id;
    return ROUND_OK;
}

static enum round_error edit_in_transaction(struct db *db, int64_t id, const char *name,
                                            const char *o, const char *c, int64_t voucher_cents,
                                            const char *at)
{
    sqlite3_stmt *q = db_prepare(db, "SELECT opens_at > ?2 AND NOT EXISTS (SELECT 1 FROM "
                                     "vouchers WHERE round_id = ?1) FROM rounds WHERE id = ?1");
    if (!q)
        return ROUND_DB;
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_text(q, 2, at, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    int editable = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
    sqlite3_reset(q);
    if (rc == SQLITE_DONE)
        return ROUND_NOT_FOUND;
    if (rc != SQLITE_ROW)
        return ROUND_DB;
    if (!editable)
        return ROUND_STARTED;
    enum round_error overlap = check_overlap(db, o, c, id);
    if (overlap != ROUND_OK)
        return overlap;
    sqlite3_stmt *s = db_prepare(db, "UPDATE rounds SET name = ?2, opens_at = ?3, closes_at = ?4, "
                                     "voucher_cents = ?5 WHERE id = ?1");
    if (!s)
        return ROUND_DB;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, o, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, c, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, voucher_cents);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return ROUND_DUPLICATE;
    if (rc != SQLITE_DONE || sqlite3_changes(db_handle(db)) != 1)
        return ROUND_DB;
    return ROUND_OK;
}

enum round_error round_edit(struct db *db, int64_t id, const char *name, time_t opens,
                            time_t closes, int64_t voucher_cents, const char *actor, time_t now)
{
    enum round_error r = check_fields(name, opens, closes, voucher_cents);
    if (r != ROUND_OK)
        return r;
    char o[20], c[20], at[20];
    utc_text(opens, o);
    utc_text(closes, c);
    utc_text(now, at);
    if (!db_begin(db))
        return ROUND_DB;
    r = edit_in_transaction(db, id, name, o, c, voucher_cents, at);
    if (r == ROUND_OK && !audit_round(db, actor, now, "round-edit", id, name))
        r = ROUND_DB;
    if (r != ROUND_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? ROUND_OK : ROUND_DB;
}

/* The counts come from the round summaries (007_summaries.sql), kept with the ledger. */
#define ROUND_COLUMNS                                                                              \
    "r.id, r.name, r.opens_at, r.closes_at, r.voucher_cents, "                                     \
    "(SELECT coalesce(sum(t.issued), 0) FROM round_area_totals t WHERE t.round_id = r.id) "        \
    "AS issued, "                                                                                  \
    "(SELECT coalesce(sum(t.donated), 0) FROM round_area_totals t WHERE t.round_id = r.id) "       \
    "AS donated "

json_t *rounds_list(struct db *db)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT " ROUND_COLUMNS "FROM rounds r ORDER BY opens_at DESC");
    json_t *rows = s ? db_rows_array(s) : NULL;
    return rows ? rows : json_array();
}

int64_t rounds_count(struct db *db)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT count(*) FROM rounds");
    if (!s)
        return -1;
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return n;
}

json_t *rounds_page(struct db *db, int limit, int offset, int64_t *total)
{
    *total = rounds_count(db);
    /* Each round's one row of round_totals (019), in the index's order: the query stops at
     * the page without sorting. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT r.id, r.name, r.opens_at, r.closes_at, r.voucher_cents, "
            "coalesce(t.issued, 0) AS issued, coalesce(t.donated, 0) AS donated "
            "FROM rounds r INDEXED BY rounds_newest "
            "LEFT JOIN round_totals t ON t.round_id = r.id "
            "ORDER BY r.opens_at DESC, r.id DESC LIMIT ?1 OFFSET ?2");
    if (!s || *total < 0)
        return NULL;
    sqlite3_bind_int(s, 1, limit);
    sqlite3_bind_int(s, 2, offset);
    return db_rows_array(s);
}

json_t *round_current(struct db *db, time_t now)
{
    char t[20];
    utc_text(now, t);
    sqlite3_stmt *s = db_prepare(db, "SELECT r.id, r.name, r.opens_at, r.closes_at, "
                                     "r.voucher_cents FROM rounds r "
                                     "WHERE r.opens_at <= ?1 AND ?1 < r.closes_at");
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, t, -1, SQLITE_TRANSIENT);
    return db_first_row(s);
}

json_t *round_get(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT " ROUND_COLUMNS "FROM rounds r WHERE r.id = ?");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    return db_first_row(s);
}
