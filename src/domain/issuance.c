/* Voucher issuance and replacement. */
#include "domain/issuance.h"
#include "db/db.h"
#include "domain/households.h"
#include "util/text.h"

#include <stdio.h>
#include <sodium.h>
#include <string.h>

/* Creates one voucher with a fresh code and hands the letter to the sink. */
static bool issue_one(struct db *db, const unsigned char *secret, int64_t round_id,
                      int64_t value_cents, const char *when, sqlite3_stmt *row,
                      int64_t replaces_id, const struct issue_sink *sink)
{
    sqlite3_stmt *ins = db_prepare(db, "INSERT INTO vouchers(round_id, household_id, code_hash, "
                                       "value_cents, issued_at, replaces_id) "
                                       "VALUES (?, ?, ?, ?, ?, ?)");
    if (!ins)
        return false;
    struct letter l = {0};
    l.household_id = sqlite3_column_int64(row, 0);
    char code[CODE_CHARS + 1];
    unsigned char hash[CODE_HASH_BYTES];
    int rc;
    /* A collision of 74-bit codes is practically impossible; try again if it happens. */
    for (int attempt = 0; attempt < 3; attempt++) {
        code_generate(code);
        code_hash(secret, code, hash);
        sqlite3_bind_int64(ins, 1, round_id);
        sqlite3_bind_int64(ins, 2, l.household_id);
        sqlite3_bind_blob(ins, 3, hash, sizeof hash, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 4, value_cents);
        sqlite3_bind_text(ins, 5, when, -1, SQLITE_STATIC);
        if (replaces_id)
            sqlite3_bind_int64(ins, 6, replaces_id);
        else
            sqlite3_bind_null(ins, 6);
        rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc != SQLITE_CONSTRAINT_UNIQUE)
            break;
    }
    if (rc != SQLITE_DONE)
        return false;
    l.voucher_id = sqlite3_last_insert_rowid(db_handle(db));
    snprintf(l.postcode, sizeof l.postcode, "%s", (const char *)sqlite3_column_text(row, 1));
    house_number_format(sqlite3_column_int64(row, 2), (const char *)sqlite3_column_text(row, 3),
                        l.house_number);
    l.street = (const char *)sqlite3_column_text(row, 4);
    l.city = (const char *)sqlite3_column_text(row, 5);
    l.area = (const char *)sqlite3_column_text(row, 6);
    code_format(code, l.code);
    l.value_cents = value_cents;
    bool ok = sink->letter(sink->ctx, &l);
    sodium_memzero(code, sizeof code);
    return ok;
}

static bool round_value(struct db *db, int64_t round_id, int64_t *value)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT voucher_cents FROM rounds WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, round_id);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    if (ok)
        *value = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return ok;
}

#define HOUSEHOLD_COLUMNS                                                                          \
    "h.id, h.postcode, h.house_number, h.addition, h.street, h.city, a.name "

long vouchers_issue(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t round_id,
                    time_t now, const struct issue_sink *sink, char *err, size_t err_size)
{
    if (!db_begin(db)) {
        snprintf(err, err_size, "the database is busy");
        return -1;
    }
    int64_t value;
    if (!round_value(db, round_id, &value)) {
        db_rollback(db);
        snprintf(err, err_size, "there is no round %lld", (long long)round_id);
        return -1;
    }
    int64_t total = 0;
    sqlite3_stmt *count = db_prepare(db, "SELECT count(*) FROM households h WHERE NOT EXISTS "
                                         "(SELECT 1 FROM vouchers v WHERE v.household_id = h.id "
                                         "AND v.round_id = ? AND v.voided_at IS NULL)");
    if (count) {
        sqlite3_bind_int64(count, 1, round_id);
        if (sqlite3_step(count) == SQLITE_ROW)
            total = sqlite3_column_int64(count, 0);
        sqlite3_reset(count);
    }
    /* Collect first: inserting into vouchers while stepping over a query on it is fragile. */
    sqlite3_stmt *list = NULL;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT " HOUSEHOLD_COLUMNS "FROM households h "
                           "JOIN areas a ON a.id = h.area_id WHERE NOT EXISTS "
                           "(SELECT 1 FROM vouchers v WHERE v.household_id = h.id "
                           "AND v.round_id = ?1 AND v.voided_at IS NULL) "
                           "ORDER BY h.postcode, h.house_number, h.addition",
                           -1, &list, NULL) != SQLITE_OK) {
        db_rollback(db);
        snprintf(err, err_size, "query failed");
        return -1;
    }
    sqlite3_bind_int64(list, 1, round_id);
    char when[20];
    utc_text(now, when);
    long done = 0;
    bool ok = true;
    int rc;
    /* SQLite reads the households table, not vouchers, here; the NOT EXISTS was evaluated per
     * row, and a household gets its voucher exactly once as the query moves on. */
    while (ok && (rc = sqlite3_step(list)) == SQLITE_ROW) {
        ok = issue_one(db, secret, round_id, value, when, list, 0, sink);
        if (!ok)
            break;
        done++;
        if (sink->progress && (done % 1000 == 0 || done == total))
            sink->progress(sink->ctx, done, (long)total);
    }
    sqlite3_finalize(list);
    if (ok && sink->finish)
        ok = sink->finish(sink->ctx);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        snprintf(err, err_size, "issuing failed; no voucher was issued");
        return -1;
    }
    return done;
}

bool vouchers_replace(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t round_id,
                      const char *postcode, int64_t number, const char *addition, time_t now,
                      const struct issue_sink *sink, char *err, size_t err_size)
{
    err[0] = '\0';
    if (!db_begin(db)) {
        snprintf(err, err_size, "the database is busy");
        return false;
    }
    int64_t value;
    bool ok = round_value(db, round_id, &value);
    if (!ok)
        snprintf(err, err_size, "there is no round %lld", (long long)round_id);
    sqlite3_stmt *row = NULL;
    if (ok && sqlite3_prepare_v2(db_handle(db),
                                 "SELECT " HOUSEHOLD_COLUMNS ", v.id, EXISTS (SELECT 1 FROM ledger d "
                                 "WHERE d.voucher_id = v.id AND d.kind = 'donation' AND NOT EXISTS "
                                 "(SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)) "
                                 "FROM households h JOIN areas a ON a.id = h.area_id "
                                 "LEFT JOIN vouchers v ON v.household_id = h.id "
                                 "AND v.round_id = ?4 AND v.voided_at IS NULL "
                                 "WHERE h.postcode = ?1 AND h.house_number = ?2 AND h.addition = ?3",
                                 -1, &row, NULL) != SQLITE_OK)
        ok = false;
    if (ok) {
        sqlite3_bind_text(row, 1, postcode, -1, SQLITE_STATIC);
        sqlite3_bind_int64(row, 2, number);
        sqlite3_bind_text(row, 3, addition, -1, SQLITE_STATIC);
        sqlite3_bind_int64(row, 4, round_id);
        if (sqlite3_step(row) != SQLITE_ROW) {
            snprintf(err, err_size, "there is no household at %s %lld%s", postcode,
                     (long long)number, addition);
            ok = false;
        }
    }
    char when[20];
    utc_text(now, when);
    int64_t old = 0;
    if (ok) {
        old = sqlite3_column_int64(row, 7);
        if (sqlite3_column_int(row, 8)) {
            snprintf(err, err_size, "this household's voucher was used already; no replacement");
            ok = false;
        }
    }
    if (ok && old) {
        sqlite3_stmt *v = db_prepare(db, "UPDATE vouchers SET voided_at = ? WHERE id = ?");
        ok = v != NULL;
        if (ok) {
            sqlite3_bind_text(v, 1, when, -1, SQLITE_STATIC);
            sqlite3_bind_int64(v, 2, old);
            ok = sqlite3_step(v) == SQLITE_DONE;
            sqlite3_reset(v);
        }
    }
    if (ok)
        ok = issue_one(db, secret, round_id, value, when, row, old, sink) &&
             (!sink->finish || sink->finish(sink->ctx));
    sqlite3_finalize(row);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        if (!*err)
            snprintf(err, err_size, "replacing failed; nothing changed");
        return false;
    }
    return true;
}
