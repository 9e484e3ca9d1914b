/* The periodic chores: privacy erasure, deadlines and reminders, the e-mail queue. */
#include "domain/housekeeping.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/follow.h"
#include "domain/mail.h"
#include "domain/photo.h"
#include "domain/offers.h"
#include "domain/takingpart.h"
#include "domain/throttle.h"
#include "domain/workflow.h"
#include "util/config.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

enum { ERASE_PER_PASS = 500 }; /* initiatives read at a time */

static bool exec_at(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

/* Inside the caller's transaction: erases up to ERASE_PER_PASS initiatives; how many, -1 on
 * an error. */
static int erase_contact_details(struct db *db, time_t now)
{
    char limit[20];
    utc_text(now - (time_t)HOUSEKEEPING_KEEP_DAYS * 86400, limit);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT id FROM initiatives WHERE state IN ('uitgevoerd', 'afgewezen', "
            "'ingetrokken', 'niet_gehaald') AND updated_at < ? AND (initiator_email <> '' OR "
            "initiator_phone <> '' OR initiator_postcode <> '' OR EXISTS (SELECT 1 FROM co_organisers c "
            "WHERE c.initiative_id = initiatives.id) OR EXISTS (SELECT 1 FROM volunteers v "
            "WHERE v.initiative_id = initiatives.id AND v.email <> '') OR EXISTS (SELECT 1 FROM "
            "follows f WHERE f.initiative_id = initiatives.id) OR EXISTS (SELECT 1 FROM offers o "
            "WHERE o.initiative_id = initiatives.id AND o.email <> '')) ORDER BY id LIMIT ?");
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, limit, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, ERASE_PER_PASS);
    int64_t ids[ERASE_PER_PASS];
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < ERASE_PER_PASS)
        ids[n++] = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return -1;
    for (int i = 0; i < n; i++) {
        char subject[40];
        snprintf(subject, sizeof subject, "initiative:%lld", (long long)ids[i]);
        /* Its followers too (their links and digest lines go with them). */
        if (!exec_at(db, "DELETE FROM co_organisers WHERE initiative_id = ?", ids[i]) ||
            !exec_at(db,
                     "DELETE FROM follow_tokens WHERE follow_id IN (SELECT id FROM follows "
                     "WHERE initiative_id = ?)",
                     ids[i]) ||
            !exec_at(db,
                     "DELETE FROM follow_events WHERE follow_id IN (SELECT id FROM follows "
                     "WHERE initiative_id = ?)",
                     ids[i]) ||
            !exec_at(db, "DELETE FROM follows WHERE initiative_id = ?", ids[i]) ||
            !takingpart_erase(db, ids[i]) || !offers_erase(db, ids[i]) ||
            !exec_at(db,
                     "UPDATE initiatives SET initiator_email = '', initiator_phone = '', "
                     "initiator_postcode = '', initiator_house_number = '' WHERE id = ?",
                     ids[i]) ||
            !audit_add(db, now, "systeem", "privacy-erase", subject, "", "", "twee jaar na afloop"))
            return -1;
    }
    return n;
}

int housekeeping_forget(struct db *db, time_t now)
{
    if (!db_begin(db))
        return -1;
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE expires_at <= ?");
    bool ok = s != NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, (int64_t)now);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    throttle_purge(db, now, HOUSEKEEPING_THROTTLE_SECONDS);
    /* Sent mail stays a while for staff to see what went out (/beheer/email), then goes with
     * its addresses and bodies; unsent mail stays until it is sent. */
    ok = ok && exec_at(db, "DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?",
                       (int64_t)now - (int64_t)HOUSEKEEPING_OUTBOX_DAYS * 86400);
    /* Follow requests nobody confirmed, and old unsubscribe links. */
    ok = ok && follow_expire(db, now);
    /* Photos of forms that were never sent. */
    ok = ok && photo_expire(db, now) >= 0;
    /* Erased initiatives no longer match, so each round takes the next ones. */
    int erased = 0, round;
    do {
        round = ok ? erase_contact_details(db, now) : -1;
        erased += round;
    } while (round == ERASE_PER_PASS);
    if (round < 0) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db) ? erased : -1;
}

bool housekeeping_pass(struct db *db, time_t now, const struct config *config, int mail_max,
                       struct housekeeping_report *report)
{
    report->forgotten = housekeeping_forget(db, now);
    report->past_deadline = workflow_deadlines(db, now);
    report->digests = follow_send_digests(db, now);
    char from[512];
    mail_sender_from(db, config, from, sizeof from);
    struct mail_config mail = {.command = config->mail_command, .from = from};
    report->mail_sent = mail_send_due(db, &mail, now, mail_max);
    return report->forgotten >= 0 && report->past_deadline >= 0 && report->digests >= 0 &&
           report->mail_sent >= 0;
}
