/* Audit log entries. */
#include "domain/audit.h"
#include "db/db.h"
#include "db/rows.h"
#include "util/text.h"

#include <stdio.h>

static bool insert(struct db *db, time_t at, const char *actor, const char *action,
                   const char *subject, const char *from, const char *to, const char *reason)
{
    sqlite3_stmt *s = db_prepare(
        db, "INSERT INTO audit_log(at, actor, action, subject, from_value, to_value, reason, "
            "ledger_seq) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(id), 0) FROM ledger))");
    if (!s)
        return false;
    char when[20];
    utc_text(at, when);
    sqlite3_bind_text(s, 1, when, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, from ? from : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, to ? to : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, reason ? reason : "", -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

bool audit_add(struct db *db, time_t at, const char *actor, const char *action,
               const char *subject, const char *from, const char *to, const char *reason)
{
    return insert(db, at, actor, action, subject, from, to, reason);
}

bool audit_state_change(struct db *db, time_t at, const char *actor, int64_t initiative_id,
                        const char *from, const char *to, const char *reason)
{
    char subject[40];
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)initiative_id);
    return insert(db, at, actor, "state", subject, from, to, reason);
}

json_t *audit_search(struct db *db, const struct audit_filter *filter, int limit)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT at, actor, action, subject, from_value, to_value, reason FROM audit_log "
            "WHERE (?1 = '' OR actor = ?1) AND (?2 = '' OR action = ?2) "
            "AND (?3 = '' OR at >= ?3) AND (?4 = '' OR at < date(?4, '+1 day')) "
            "ORDER BY id DESC LIMIT ?5");
    if (!s)
        return NULL;
    const char *values[] = {filter->actor, filter->action, filter->from, filter->to};
    for (int i = 0; i < 4; i++)
        sqlite3_bind_text(s, i + 1, values[i] ? values[i] : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, limit);
    return db_rows_array(s);
}
