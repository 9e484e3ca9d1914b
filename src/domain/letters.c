/* Voucher letters: base URL, round and municipality, and issuing with the audit row. */
#include "domain/letters.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "util/config.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

bool letters_info_load(struct db *db, const struct config *config, int64_t round_id,
                       struct letters_info *out)
{
    memset(out, 0, sizeof *out);
    json_t *round = round_get(db, round_id);
    if (!round)
        return false;
    snprintf(out->round_name, sizeof out->round_name, "%s",
             json_string_value(json_object_get(round, "name")) ?: "");
    out->value_cents = json_integer_value(json_object_get(round, "voucher_cents"));
    out->valid_until = parse_utc(json_string_value(json_object_get(round, "closes_at"))) - 1;
    json_decref(round);
    settings_base_url(db, config, out->base_url, sizeof out->base_url);
    json_t *settings = settings_all(db);
    snprintf(out->site_name, sizeof out->site_name, "%s",
             settings_value(settings, "site_naam", config));
    snprintf(out->gemeente, sizeof out->gemeente, "%s",
             settings_value(settings, "gemeente_naam", config));
    snprintf(out->contact_email, sizeof out->contact_email, "%s",
             settings_value(settings, "contact_email", config));
    json_decref(settings);
    return true;
}

static bool round_exists(struct db *db, int64_t round_id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT 1 FROM rounds WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, round_id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

static bool audit_issue(struct db *db, const char *actor, time_t now, const char *action,
                        int64_t round_id, long count)
{
    char subject[40], to[24];
    snprintf(subject, sizeof subject, "round:%lld", (long long)round_id);
    snprintf(to, sizeof to, "%ld", count);
    return audit_add(db, now, actor, action, subject, "", to, "");
}

enum issue_result letters_issue(struct db *db, const unsigned char secret[SECRET_BYTES],
                                int64_t round_id, const char *actor, time_t now,
                                const struct issue_sink *sink, long *issued)
{
    *issued = 0;
    if (!db_begin(db))
        return ISSUE_FAILED;
    if (!round_exists(db, round_id)) {
        db_rollback(db);
        return ISSUE_NO_ROUND;
    }
    /* vouchers_issue's transaction nests in this one, so the audit row commits with it. */
    char err[300];
    long n = vouchers_issue(db, secret, round_id, now, sink, err, sizeof err);
    if (n < 0)
        log_error("issuing round %lld: %s", (long long)round_id, err);
    if (n < 0 || !audit_issue(db, actor, now, "vouchers-issue", round_id, n)) {
        db_rollback(db);
        return ISSUE_FAILED;
    }
    if (!db_commit(db))
        return ISSUE_FAILED;
    *issued = n;
    return ISSUE_OK;
}

/* Why a replacement would be refused, read in the replacing transaction: ISSUE_OK when the
 * household exists and its voucher of the round (if any) was not given. */
static enum issue_result replace_check(struct db *db, int64_t round_id, const char *postcode,
                                       int64_t number, const char *addition)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT EXISTS (SELECT 1 FROM vouchers v JOIN ledger d ON d.voucher_id = v.id "
            "WHERE v.household_id = h.id AND v.round_id = ?4 AND v.voided_at IS NULL "
            "AND d.kind = 'donation' AND NOT EXISTS (SELECT 1 FROM ledger x "
            "WHERE x.reverses_id = d.id)) FROM households h "
            "WHERE h.postcode = ?1 AND h.house_number = ?2 AND h.addition = ?3");
    if (!s)
        return ISSUE_FAILED;
    sqlite3_bind_text(s, 1, postcode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, number);
    sqlite3_bind_text(s, 3, addition, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, round_id);
    int rc = sqlite3_step(s);
    enum issue_result r = rc == SQLITE_DONE          ? ISSUE_NO_HOUSEHOLD
                          : rc != SQLITE_ROW         ? ISSUE_FAILED
                          : sqlite3_column_int(s, 0) ? ISSUE_USED
                                                     : ISSUE_OK;
    sqlite3_reset(s);
    return r;
}

enum issue_result letters_replace(struct db *db, const unsigned char secret[SECRET_BYTES],
                                  int64_t round_id, const char *postcode, int64_t number,
                                  const char *addition, const char *actor, time_t now,
                                  const struct issue_sink *sink)
{
    if (!db_begin(db))
        return ISSUE_FAILED;
    enum issue_result r = round_exists(db, round_id)
                              ? replace_check(db, round_id, postcode, number, addition)
                              : ISSUE_NO_ROUND;
    if (r == ISSUE_OK) {
        char err[300];
        if (!vouchers_replace(db, secret, round_id, postcode, number, addition, now, sink, err,
                              sizeof err) ||
            !audit_issue(db, actor, now, "vouchers-replace", round_id, 1))
            r = ISSUE_FAILED;
    }
    if (r != ISSUE_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? ISSUE_OK : ISSUE_FAILED;
}
