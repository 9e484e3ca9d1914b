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

bool audit_add(struct db *db, time_t at, const char *actor, const char *action, const char *subject,
               const char *from, const char *to, const char *reason)
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

/* The subject is "kind:id" (or a name for users and settings); the joins name it. The id
 * bounds are always bound (0 and INT64_MAX for none) so that the log is read as a range of its
 * rowids, in order, and the reading stops at the LIMIT. */
#define AUDIT_SEARCH                                                                               \
    "SELECT a.id, a.at, a.actor, a.action, a.subject, a.from_value, a.to_value, a.reason, "        \
    "CASE WHEN a.subject GLOB 'initiative:[0-9]*' THEN 'initiative' "                              \
    "WHEN a.subject GLOB 'round:[0-9]*' THEN 'round' "                                             \
    "WHEN a.subject GLOB 'news:[0-9]*' THEN 'news' "                                               \
    "WHEN a.subject GLOB 'area:[0-9]*' THEN 'area' "                                               \
    "WHEN a.subject GLOB 'file:[0-9]*' THEN 'file' "                                               \
    "WHEN a.subject GLOB 'user:?*' THEN 'user' ELSE '' END AS subject_kind, "                      \
    "CASE WHEN a.subject GLOB '[a-z]*:[0-9]*' "                                                    \
    "THEN CAST(substr(a.subject, instr(a.subject, ':') + 1) AS INTEGER) ELSE 0 END "               \
    "AS subject_id, "                                                                              \
    "coalesce(i.title, r.name, n.title, ar.name, f.title) AS subject_title, "                      \
    "f.round_id AS file_round_id "                                                                 \
    "FROM audit_log a "                                                                            \
    "LEFT JOIN initiatives i ON a.subject GLOB 'initiative:[0-9]*' "                               \
    "  AND i.id = CAST(substr(a.subject, 12) AS INTEGER) "                                         \
    "LEFT JOIN rounds r ON a.subject GLOB 'round:[0-9]*' "                                         \
    "  AND r.id = CAST(substr(a.subject, 7) AS INTEGER) "                                          \
    "LEFT JOIN news n ON a.subject GLOB 'news:[0-9]*' "                                            \
    "  AND n.id = CAST(substr(a.subject, 6) AS INTEGER) "                                          \
    "LEFT JOIN areas ar ON a.subject GLOB 'area:[0-9]*' "                                          \
    "  AND ar.id = CAST(substr(a.subject, 6) AS INTEGER) "                                         \
    "LEFT JOIN issued_files f ON a.subject GLOB 'file:[0-9]*' "                                    \
    "  AND f.id = CAST(substr(a.subject, 6) AS INTEGER) "                                          \
    "WHERE (?1 = '' OR a.actor = ?1) AND (?2 = '' OR a.action = ?2) "                              \
    "AND (?3 = '' OR a.at >= ?3) AND (?4 = '' OR a.at < date(?4, '+1 day')) "                      \
    "AND (?5 = '' OR a.at < ?5) "                                                                  \
    "AND (?7 = 0 OR a.subject = 'round:' || ?7 "                                                   \
    "     OR a.subject IN (SELECT 'file:' || id FROM issued_files WHERE round_id = ?7)) "          \
    "AND a.id < ?9 AND a.id > ?10 "

json_t *audit_search(struct db *db, const struct audit_filter *filter, int limit)
{
    bool forward = filter->after_id > 0;
    /* One initiative's entries are found by the subject index (and are few): the id order of
     * the whole log is for the other filters. */
    static const char *const sql[2][2] = {
        {AUDIT_SEARCH "ORDER BY a.id DESC LIMIT ?8", AUDIT_SEARCH "ORDER BY a.id ASC LIMIT ?8"},
        {AUDIT_SEARCH "AND a.subject = 'initiative:' || ?6 ORDER BY a.id DESC LIMIT ?8",
         AUDIT_SEARCH "AND a.subject = 'initiative:' || ?6 ORDER BY a.id ASC LIMIT ?8"}};
    sqlite3_stmt *s = db_prepare(db, sql[filter->initiative_id > 0][forward]);
    if (!s)
        return NULL;
    const char *values[] = {filter->actor, filter->action, filter->from, filter->to,
                            filter->before};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_text(s, i + 1, values[i] ? values[i] : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, filter->initiative_id);
    sqlite3_bind_int64(s, 7, filter->round_id);
    sqlite3_bind_int(s, 8, limit);
    sqlite3_bind_int64(s, 9, filter->before_id > 0 ? filter->before_id : INT64_MAX);
    sqlite3_bind_int64(s, 10, forward ? filter->after_id : 0);
    json_t *rows = db_rows_array(s);
    if (rows && forward) { /* read oldest first: turn the page round */
        for (size_t i = 0, n = json_array_size(rows); i < n / 2; i++) {
            json_t *a = json_incref(json_array_get(rows, i));
            json_array_set(rows, i, json_array_get(rows, n - 1 - i));
            json_array_set_new(rows, n - 1 - i, a);
        }
    }
    return rows;
}

#define AUDIT_CHOICES 100

json_t *audit_filter_choices(struct db *db)
{
    return audit_filter_choices_for(db, 0);
}

json_t *audit_filter_choices_for(struct db *db, int64_t chosen)
{
    /* The newest initiatives by id and the chosen one, so that the form does not grow with
     * the years; an older one is filtered on by its number (?initiatief=ID). */
    sqlite3_stmt *s =
        db_prepare(db, "SELECT id, title FROM initiatives WHERE id IN (SELECT id FROM initiatives "
                       "ORDER BY id DESC LIMIT ?2) OR id = ?1 ORDER BY id DESC");
    json_t *initiatives = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, chosen);
        sqlite3_bind_int(s, 2, AUDIT_CHOICES);
        initiatives = db_rows_array(s);
    }
    s = db_prepare(db, "SELECT id, name FROM rounds ORDER BY opens_at DESC");
    json_t *rounds = s ? db_rows_array(s) : NULL;
    if (!initiatives || !rounds) {
        json_decref(initiatives);
        json_decref(rounds);
        return NULL;
    }
    return json_pack("{s:o, s:o}", "initiatives", initiatives, "rounds", rounds);
}
