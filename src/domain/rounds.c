/* Voucher rounds. */
#include "domain/rounds.h"
#include "db/db.h"
#include "db/rows.h"
#include "util/text.h"

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
    case ROUND_DB:
        break;
    }
    return "the database refused the round";
}

enum round_error round_add(struct db *db, const char *name, time_t opens, time_t closes,
                           int64_t voucher_cents, int64_t *id)
{
    size_t len = strlen(name);
    if (len == 0 || utf8_length(name, len) > 80 || !utf8_valid(name, len))
        return ROUND_BAD_NAME;
    if (closes <= opens)
        return ROUND_BAD_DATES;
    char o[20], c[20];
    utc_text(opens, o);
    utc_text(closes, c);
    int64_t n = 0;
    sqlite3_stmt *q = db_prepare(db, "SELECT count(*) FROM rounds WHERE ?1 < closes_at "
                                     "AND opens_at < ?2");
    if (!q)
        return ROUND_DB;
    sqlite3_bind_text(q, 1, o, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, c, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        n = sqlite3_column_int64(q, 0);
    sqlite3_reset(q);
    if (n)
        return ROUND_OVERLAP;
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

#define ROUND_COLUMNS                                                                              \
    "r.id, r.name, r.opens_at, r.closes_at, r.voucher_cents, "                                     \
    "(SELECT count(*) FROM vouchers v WHERE v.round_id = r.id AND v.voided_at IS NULL) AS issued, " \
    "(SELECT count(*) FROM ledger d JOIN vouchers v ON v.id = d.voucher_id "                       \
    " WHERE v.round_id = r.id AND d.kind = 'donation' AND NOT EXISTS "                             \
    " (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)) AS donated "

json_t *rounds_list(struct db *db)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT " ROUND_COLUMNS "FROM rounds r ORDER BY opens_at DESC");
    json_t *rows = s ? db_rows_array(s) : NULL;
    return rows ? rows : json_array();
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
