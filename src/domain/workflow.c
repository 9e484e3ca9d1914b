/* Initiative states. */
#include "domain/workflow.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/byline.h"
#include "domain/ledger.h"
#include "domain/notify.h"
#include "domain/users.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *from, *to;
    enum actor_kind who;
} transitions[] = {
    {"ingediend", "wijziging_gevraagd", ACTOR_STAFF},
    {"ingediend", "open", ACTOR_STAFF},
    {"ingediend", "afgewezen", ACTOR_STAFF},
    {"ingediend", "ingetrokken", ACTOR_INITIATOR},
    {"wijziging_gevraagd", "ingediend", ACTOR_INITIATOR},
    {"wijziging_gevraagd", "afgewezen", ACTOR_STAFF},
    {"wijziging_gevraagd", "ingetrokken", ACTOR_INITIATOR},
    {"open", "niet_gehaald", ACTOR_SYSTEM},
    {"open", "ingetrokken", ACTOR_INITIATOR},
    {"gefinancierd", "uitgevoerd", ACTOR_INITIATOR},
};

bool workflow_allowed(const char *from, const char *to, enum actor_kind who)
{
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++)
        if (!strcmp(transitions[i].from, from) && !strcmp(transitions[i].to, to) &&
            transitions[i].who == who)
            return true;
    return false;
}

static bool exec_bound(struct db *db, const char *sql, int64_t id, const char *text,
                       const char *when)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    if (text)
        sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
    if (when)
        sqlite3_bind_text(s, 3, when, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

static enum workflow_result transition_locked(struct db *db, int64_t id, const char *to,
                                              enum actor_kind who, const char *actor,
                                              const char *message, time_t now)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT state FROM initiatives WHERE id = ?");
    if (!s)
        return WF_BUSY;
    sqlite3_bind_int64(s, 1, id);
    char from[24] = "";
    if (sqlite3_step(s) == SQLITE_ROW)
        snprintf(from, sizeof from, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    if (!*from)
        return WF_NOT_FOUND;
    if (!workflow_allowed(from, to, who))
        return WF_NOT_ALLOWED;
    char when[20];
    utc_text(now, when);
    const char *msg = message ? message : "";
    if (!exec_bound(db, "UPDATE initiatives SET state = ?2, updated_at = ?3 WHERE id = ?1", id, to,
                    when))
        return WF_BUSY;
    if (!strcmp(to, "open")) {
        /* Donations run until the deadline: the end of the round whose codes can be used
         * (the current one, else the next). A deadline set before is kept only while it is
         * still ahead and within that round: no code could be used after the round. */
        if (!exec_bound(db,
                        "UPDATE initiatives SET published_at = ?3, deadline = "
                        "(SELECT CASE WHEN i.deadline IS NOT NULL AND i.deadline > ?3 "
                        "  AND (r.closes_at IS NULL OR i.deadline <= r.closes_at) THEN i.deadline "
                        "  ELSE r.closes_at END FROM initiatives i LEFT JOIN "
                        "  (SELECT closes_at FROM rounds WHERE closes_at > ?3 ORDER BY opens_at "
                        "   LIMIT 1) r WHERE i.id = ?1) "
                        "WHERE id = ?1 AND ?2 IS NOT NULL",
                        id, "", when))
            return WF_BUSY;
    }
    if (!strcmp(to, "afgewezen") || !strcmp(to, "uitgevoerd")) {
        if (!exec_bound(db, "UPDATE initiatives SET state_reason = ?2 WHERE id = ?1", id, msg,
                        NULL))
            return WF_BUSY;
    }
    if (!strcmp(from, "open") && (!strcmp(to, "ingetrokken") || !strcmp(to, "niet_gehaald"))) {
        if (ledger_release_initiative(db, id, now, actor) < 0)
            return WF_BUSY;
    }
    if (!strcmp(to, "wijziging_gevraagd") && *msg) {
        sqlite3_stmt *m = db_prepare(db, "INSERT INTO initiative_messages(initiative_id, "
                                         "author_role, author_name, body, created_at) "
                                         "VALUES (?, 'wijkregisseur', ?, ?, ?)");
        if (!m)
            return WF_BUSY;
        sqlite3_bind_int64(m, 1, id);
        sqlite3_bind_text(m, 2, actor, -1, SQLITE_STATIC);
        sqlite3_bind_text(m, 3, msg, -1, SQLITE_STATIC);
        sqlite3_bind_text(m, 4, when, -1, SQLITE_STATIC);
        bool ok = sqlite3_step(m) == SQLITE_DONE;
        sqlite3_reset(m);
        if (!ok)
            return WF_BUSY;
    }
    if (!audit_state_change(db, now, actor, id, from, to, msg))
        return WF_BUSY;
    if (!notify_state(db, id, to, msg, now))
        return WF_BUSY;
    if (!strcmp(to, "ingediend") && !notify_staff_submitted(db, id, now))
        return WF_BUSY;
    return WF_OK;
}

enum workflow_result workflow_transition(struct db *db, int64_t initiative_id, const char *to,
                                         enum actor_kind who, const char *actor,
                                         const char *message, time_t now)
{
    if (!db_begin(db))
        return WF_BUSY;
    enum workflow_result r = transition_locked(db, initiative_id, to, who, actor, message, now);
    if (r != WF_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? WF_OK : WF_BUSY;
}

/* The area of an initiative (0: city-wide); false when there is no such initiative. */
static bool initiative_area(struct db *db, int64_t id, int64_t *area_id, char state[24])
{
    sqlite3_stmt *s =
        db_prepare(db, "SELECT coalesce(area_id, 0), state FROM initiatives WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        *area_id = sqlite3_column_int64(s, 0);
        snprintf(state, 24, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_reset(s);
    return found;
}

enum workflow_result workflow_staff_decide(struct db *db, const struct user *staff,
                                           int64_t initiative_id, const char *to,
                                           const char *message, time_t now)
{
    if (!db_begin(db))
        return WF_BUSY;
    int64_t area_id = 0;
    char state[24];
    enum workflow_result r = WF_OK;
    if (!initiative_area(db, initiative_id, &area_id, state))
        r = WF_NOT_FOUND;
    else if (!user_may_act(db, staff, area_id)) {
        char subject[40];
        snprintf(subject, sizeof subject, "initiative:%lld", (long long)initiative_id);
        /* The refusal is the one thing written: who tried what, outside their areas. */
        if (!audit_add(db, now, staff->username, "geweigerd", subject, "", to,
                       "buiten eigen gebied") ||
            !db_commit(db)) {
            db_rollback(db);
            log_error("workflow: the refusal of %s on initiative %lld was not audited",
                      staff->username, (long long)initiative_id);
        }
        return WF_OUT_OF_AREA;
    } else if ((!strcmp(to, "wijziging_gevraagd") || !strcmp(to, "afgewezen")) &&
               (!message || !*message))
        r = WF_NO_TEXT;
    else
        r = transition_locked(db, initiative_id, to, ACTOR_STAFF, staff->username,
                              message ? message : "", now);
    if (r != WF_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? WF_OK : WF_BUSY;
}

enum workflow_result workflow_staff_update(struct db *db, const struct user *staff,
                                           int64_t initiative_id, const char *body, time_t now)
{
    if (!db_begin(db))
        return WF_BUSY;
    int64_t area_id = 0;
    char state[24];
    enum workflow_result r = WF_OK;
    if (!initiative_area(db, initiative_id, &area_id, state))
        r = WF_NOT_FOUND;
    else if (!user_may_act(db, staff, area_id))
        r = WF_OUT_OF_AREA;
    else if (strcmp(state, "open") && strcmp(state, "gefinancierd") && strcmp(state, "uitgevoerd"))
        r = WF_NOT_ALLOWED;
    else if (!body || !*body)
        r = WF_NO_TEXT;
    if (r != WF_OK) {
        db_rollback(db);
        return r;
    }
    char when[20], subject[40];
    utc_text(now, when);
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)initiative_id);
    char byline[320];
    if (!staff_byline(db, staff, byline, sizeof byline)) {
        db_rollback(db);
        return WF_BUSY;
    }
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO initiative_updates(initiative_id, author_role, "
                                     "author_name, body, created_at) "
                                     "VALUES (?, 'wijkregisseur', ?, ?, ?)");
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_int64(s, 1, initiative_id);
        sqlite3_bind_text(s, 2, byline, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, when, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    ok = ok && audit_add(db, now, staff->username, "update", subject, "", "", "") &&
         notify_update(db, initiative_id, now);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return WF_BUSY;
    }
    return WF_OK;
}

int workflow_deadlines(struct db *db, time_t now)
{
    char when[20], soon[20];
    utc_text(now, when);
    utc_text(now + 7 * 86400, soon);
    int64_t ids[256];
    int n = 0;
    sqlite3_stmt *s = db_prepare(db, "SELECT id FROM initiatives WHERE state = 'open' "
                                     "AND deadline IS NOT NULL AND deadline <= ? LIMIT 256");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, when, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW && n < 256)
        ids[n++] = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    int changed = 0;
    for (int i = 0; i < n; i++)
        if (workflow_transition(db, ids[i], "niet_gehaald", ACTOR_SYSTEM, "systeem",
                                "De deadline is verstreken voordat het streefbedrag was gehaald.",
                                now) == WF_OK)
            changed++;
    /* One reminder a week before the deadline. */
    n = 0;
    s = db_prepare(db, "SELECT id FROM initiatives WHERE state = 'open' AND reminder_sent = 0 "
                       "AND deadline IS NOT NULL AND deadline > ?1 AND deadline <= ?2 LIMIT 256");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, soon, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW && n < 256)
        ids[n++] = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    for (int i = 0; i < n; i++) {
        if (!db_begin(db))
            return -1;
        bool ok = exec_bound(db, "UPDATE initiatives SET reminder_sent = 1 WHERE id = ?1", ids[i],
                             NULL, NULL) &&
                  notify_reminder(db, ids[i], now);
        if (!ok || !db_commit(db)) {
            db_rollback(db);
            return -1;
        }
    }
    return changed;
}
