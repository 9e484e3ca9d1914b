/* Residents' requests for a replacement letter, and the admin's queue of them. */
#include "domain/letter_requests.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

/* Handled: closed, or a voucher was issued to the household after the request. */
#define LETTER_REQUEST_OPEN                                                                        \
    "r.closed_at IS NULL AND NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.household_id = "         \
    "r.household_id AND v.id > r.voucher_before) "

enum letter_request_result letter_request_add(struct db *db, const char *postcode, int64_t number,
                                              const char *addition, time_t now)
{
    char at[20];
    utc_text(now, at);
    if (!db_begin(db))
        return LETTER_REQUEST_DB;
    /* An earlier request that a new letter answered is closed, so that the household may ask
     * again (the new letter may be lost too). */
    sqlite3_stmt *done = db_prepare(
        db, "UPDATE letter_requests AS r SET closed_at = ?2, closed_by = 'vervangen' "
            "WHERE r.closed_at IS NULL AND r.household_id = (SELECT id FROM households WHERE "
            "postcode = ?1 AND house_number = ?3 AND addition = ?4) AND EXISTS (SELECT 1 FROM "
            "vouchers v WHERE v.household_id = r.household_id AND v.id > r.voucher_before)");
    sqlite3_stmt *add = db_prepare(
        db, "INSERT INTO letter_requests(household_id, created_at, voucher_before) SELECT h.id, "
            "?2, (SELECT coalesce(max(v.id), 0) FROM vouchers v WHERE v.household_id = h.id) "
            "FROM households h WHERE h.postcode = ?1 AND h.house_number = ?3 AND "
            "h.addition = ?4 ON CONFLICT DO NOTHING");
    bool ok = done && add;
    sqlite3_stmt *both[2] = {done, add};
    for (int i = 0; ok && i < 2; i++) {
        sqlite3_bind_text(both[i], 1, postcode, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(both[i], 2, at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(both[i], 3, number);
        sqlite3_bind_text(both[i], 4, addition ? addition : "", -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(both[i]) == SQLITE_DONE;
        sqlite3_reset(both[i]);
    }
    if (ok && sqlite3_changes(db_handle(db)) > 0) {
        char subject[40];
        snprintf(subject, sizeof subject, "letter-request:%lld",
                 (long long)sqlite3_last_insert_rowid(db_handle(db)));
        ok = audit_add(db, now, "inwoner", "letter-request", subject, NULL, "aangevraagd", NULL);
    }
    if (!ok) {
        db_rollback(db);
        return LETTER_REQUEST_DB;
    }
    return db_commit(db) ? LETTER_REQUEST_TAKEN : LETTER_REQUEST_DB;
}

json_t *letter_requests_open(struct db *db, time_t now, int limit)
{
    char at[20];
    utc_text(now, at);
    sqlite3_stmt *s = db_prepare(
        db,
        "SELECT r.id, r.created_at, h.postcode, h.house_number, h.addition, h.street, h.city, "
        "coalesce(p.name, a.name) AS area, c.id AS round_id, "
        "CASE WHEN c.id IS NULL OR v.id IS NULL THEN 'geen' WHEN EXISTS (SELECT 1 FROM ledger "
        "l WHERE l.voucher_id = v.id AND l.kind = 'donation' AND NOT EXISTS (SELECT 1 FROM "
        "ledger x WHERE x.reverses_id = l.id)) THEN 'gebruikt' ELSE 'ongebruikt' END AS voucher "
        "FROM letter_requests r JOIN households h ON h.id = r.household_id "
        "JOIN areas a ON a.id = h.area_id LEFT JOIN areas p ON p.id = a.parent_id "
        "LEFT JOIN rounds c ON c.opens_at <= ?1 AND ?1 < c.closes_at "
        "LEFT JOIN vouchers v ON v.round_id = c.id AND v.household_id = h.id AND "
        "v.voided_at IS NULL "
        "WHERE " LETTER_REQUEST_OPEN "ORDER BY r.created_at, r.id LIMIT ?2");
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit);
    return db_rows_array(s);
}

int64_t letter_requests_open_count(struct db *db)
{
    int64_t n = 0;
    if (!db_get_int(db, "SELECT count(*) FROM letter_requests r WHERE " LETTER_REQUEST_OPEN, &n))
        return -1;
    return n;
}

enum letter_close_result letter_request_close(struct db *db, int64_t id, const char *actor,
                                              const char *reason, time_t now)
{
    char at[20];
    utc_text(now, at);
    if (!db_begin(db))
        return LETTER_CLOSE_DB;
    sqlite3_stmt *s = db_prepare(
        db, "UPDATE letter_requests AS r SET closed_at = ?2, closed_by = ?3, reason = ?4 "
            "WHERE r.id = ?1 AND " LETTER_REQUEST_OPEN "RETURNING household_id");
    if (!s) {
        db_rollback(db);
        return LETTER_CLOSE_DB;
    }
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, actor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, reason, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    int64_t household = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    if (rc == SQLITE_ROW)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    bool ok = rc == SQLITE_DONE;
    if (ok && household) {
        char subject[40];
        snprintf(subject, sizeof subject, "letter-request:%lld", (long long)id);
        ok = audit_add(db, now, actor, "letter-request-close", subject, "aangevraagd", "gesloten",
                       reason);
    }
    if (!ok) {
        db_rollback(db);
        return LETTER_CLOSE_DB;
    }
    if (!db_commit(db))
        return LETTER_CLOSE_DB;
    return household ? LETTER_CLOSED : LETTER_CLOSE_NOT_OPEN;
}
