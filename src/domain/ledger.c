/* The donation ledger. */
#include "domain/ledger.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/notify.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"

static void copy_text(char *out, size_t size, const unsigned char *text)
{
    snprintf(out, size, "%s", text ? (const char *)text : "");
}

enum voucher_status voucher_lookup(struct db *db, const unsigned char secret[SECRET_BYTES],
                                   const char *input, time_t now, struct voucher_info *info,
                                   char code[CODE_CHARS + 1])
{
    memset(info, 0, sizeof *info);
    if (code_normalize(input, code) != CODE_OK)
        return VOUCHER_TYPO;
    unsigned char hash[CODE_HASH_BYTES];
    code_hash(secret, code, hash);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT v.id, v.round_id, v.value_cents, v.voided_at, r.name, r.opens_at, "
            "r.closes_at, coalesce(a.parent_id, a.id), d.id, d.initiative_id, i.title "
            "FROM vouchers v JOIN rounds r ON r.id = v.round_id "
            "JOIN households h ON h.id = v.household_id JOIN areas a ON a.id = h.area_id "
            "LEFT JOIN ledger d ON d.voucher_id = v.id AND d.kind = 'donation' "
            "  AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id) "
            "LEFT JOIN initiatives i ON i.id = d.initiative_id WHERE v.code_hash = ?");
    if (!s)
        return VOUCHER_UNKNOWN;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return VOUCHER_UNKNOWN;
    }
    info->voucher_id = sqlite3_column_int64(s, 0);
    info->round_id = sqlite3_column_int64(s, 1);
    info->value_cents = sqlite3_column_int64(s, 2);
    bool voided = sqlite3_column_type(s, 3) != SQLITE_NULL;
    copy_text(info->round_name, sizeof info->round_name, sqlite3_column_text(s, 4));
    copy_text(info->opens_at, sizeof info->opens_at, sqlite3_column_text(s, 5));
    copy_text(info->closes_at, sizeof info->closes_at, sqlite3_column_text(s, 6));
    info->home_area_id = sqlite3_column_int64(s, 7);
    info->donation_id = sqlite3_column_int64(s, 8);
    info->donated_to = sqlite3_column_int64(s, 9);
    copy_text(info->donated_title, sizeof info->donated_title, sqlite3_column_text(s, 10));
    sqlite3_reset(s);
    char t[20];
    utc_text(now, t);
    if (voided)
        return VOUCHER_VOIDED;
    if (info->donation_id)
        return VOUCHER_USED;
    if (strcmp(t, info->opens_at) < 0)
        return VOUCHER_NOT_YET;
    if (strcmp(t, info->closes_at) >= 0)
        return VOUCHER_CLOSED;
    return VOUCHER_OK;
}

bool ledger_receipt(struct db *db, int64_t ledger_id, struct receipt *r)
{
    memset(r, 0, sizeof *r);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT l.id, l.initiative_id, l.amount_cents, i.raised_cents, "
            "i.target_cents - i.covered_cents, i.state IN ('gefinancierd', 'uitgevoerd'), i.title, l.at "
            "FROM ledger l JOIN initiatives i ON i.id = l.initiative_id "
            "WHERE l.id = ? AND l.kind = 'donation'");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, ledger_id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        r->ledger_id = sqlite3_column_int64(s, 0);
        r->initiative_id = sqlite3_column_int64(s, 1);
        r->amount_cents = sqlite3_column_int64(s, 2);
        r->raised_cents = sqlite3_column_int64(s, 3);
        r->target_cents = sqlite3_column_int64(s, 4);
        r->funded = sqlite3_column_int(s, 5) != 0;
        copy_text(r->title, sizeof r->title, sqlite3_column_text(s, 6));
        copy_text(r->at, sizeof r->at, sqlite3_column_text(s, 7));
    }
    sqlite3_reset(s);
    return found;
}

bool ledger_area_eligible(struct db *db, int64_t initiative_area_id, int64_t home_area_id)
{
    if (initiative_area_id == 0)
        return true;
    sqlite3_stmt *s = db_prepare(db, "SELECT coalesce(parent_id, id) FROM areas WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, initiative_area_id);
    bool ok = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 0) == home_area_id;
    sqlite3_reset(s);
    return ok;
}

/* Everything between BEGIN IMMEDIATE and COMMIT; the caller rolls back unless DONATE_OK. */
static enum donate_status donate_locked(struct db *db, const unsigned char *secret,
                                        const char *input, int64_t initiative_id, time_t now,
                                        const char *actor, enum voucher_status *vstatus,
                                        struct voucher_info *info, struct receipt *receipt)
{
    char code[CODE_CHARS + 1];
    *vstatus = voucher_lookup(db, secret, input, now, info, code);
    if (*vstatus == VOUCHER_USED && info->donated_to == initiative_id) {
        ledger_receipt(db, info->donation_id, receipt);
        return DONATE_REPEAT;
    }
    if (*vstatus != VOUCHER_OK)
        return DONATE_VOUCHER;

    sqlite3_stmt *s = db_prepare(
        db, "SELECT coalesce(area_id, 0), state, target_cents - covered_cents, raised_cents, "
            "deadline IS NOT NULL AND deadline <= ?2 FROM initiatives WHERE id = ?1");
    if (!s)
        return DONATE_BUSY;
    char when[20];
    utc_text(now, when);
    sqlite3_bind_int64(s, 1, initiative_id);
    sqlite3_bind_text(s, 2, when, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return DONATE_NO_INITIATIVE;
    }
    int64_t area_id = sqlite3_column_int64(s, 0);
    bool open = strcmp((const char *)sqlite3_column_text(s, 1), "open") == 0;
    int64_t target = sqlite3_column_int64(s, 2), raised = sqlite3_column_int64(s, 3);
    bool past_deadline = sqlite3_column_int(s, 4) != 0;
    sqlite3_reset(s);
    /* The last voucher may take the total over the target (lowered by the budget lines that
     * accepted offers cover); none after it. */
    if (!open || past_deadline || raised >= target)
        return DONATE_INITIATIVE_CLOSED;
    if (!ledger_area_eligible(db, area_id, info->home_area_id))
        return DONATE_NOT_ELIGIBLE;

    sqlite3_stmt *ins = db_prepare(
        db, "INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents, actor) "
            "VALUES (?, 'donation', ?, ?, ?, ?)");
    if (!ins)
        return DONATE_BUSY;
    sqlite3_bind_text(ins, 1, when, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 2, initiative_id);
    sqlite3_bind_int64(ins, 3, info->voucher_id);
    sqlite3_bind_int64(ins, 4, info->value_cents);
    sqlite3_bind_text(ins, 5, actor ? actor : "", -1, SQLITE_STATIC);
    int rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (rc != SQLITE_DONE)
        return DONATE_BUSY;
    int64_t ledger_id = sqlite3_last_insert_rowid(db_handle(db));

    sqlite3_stmt *up = db_prepare(
        db, "UPDATE initiatives SET raised_cents = raised_cents + ?1, "
            "voucher_count = voucher_count + 1, updated_at = ?2 WHERE id = ?3");
    if (!up)
        return DONATE_BUSY;
    sqlite3_bind_int64(up, 1, info->value_cents);
    sqlite3_bind_text(up, 2, when, -1, SQLITE_STATIC);
    sqlite3_bind_int64(up, 3, initiative_id);
    rc = sqlite3_step(up);
    sqlite3_reset(up);
    if (rc != SQLITE_DONE)
        return DONATE_BUSY;
    if (raised + info->value_cents >= target &&
        !ledger_fund(db, initiative_id, now, "systeem", "streefbedrag bereikt"))
        return DONATE_BUSY;
    if (!ledger_receipt(db, ledger_id, receipt))
        return DONATE_BUSY;
    return DONATE_OK;
}

bool ledger_fund(struct db *db, int64_t initiative_id, time_t now, const char *actor,
                 const char *reason)
{
    char when[20];
    utc_text(now, when);
    sqlite3_stmt *up = db_prepare(db, "UPDATE initiatives SET state = 'gefinancierd', "
                                      "updated_at = ?2 WHERE id = ?1 AND state = 'open'");
    if (!up)
        return false;
    sqlite3_bind_int64(up, 1, initiative_id);
    sqlite3_bind_text(up, 2, when, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(up) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
    sqlite3_reset(up);
    return ok &&
           audit_state_change(db, now, actor, initiative_id, "open", "gefinancierd", reason) &&
           notify_funded(db, initiative_id, now);
}

/* A write that failed: a lock held too long is worth another try in a moment; a database
 * that cannot be written (by its last error, or by a look at its file and disk) is not. */
static enum donate_status busy_or_unavailable(struct db *db)
{
    int rc = sqlite3_errcode(db_handle(db));
    if (rc == SQLITE_READONLY || rc == SQLITE_FULL || rc == SQLITE_IOERR ||
        rc == SQLITE_CANTOPEN || db_write_problem(db))
        return DONATE_UNAVAILABLE;
    return DONATE_BUSY;
}

enum donate_status ledger_donate(struct db *db, const unsigned char secret[SECRET_BYTES],
                                 const char *input, int64_t initiative_id, time_t now,
                                 const char *actor, enum voucher_status *vstatus,
                                 struct voucher_info *info, struct receipt *receipt)
{
    memset(receipt, 0, sizeof *receipt);
    *vstatus = VOUCHER_OK;
    /* A typo needs no lock: tell it at once. */
    char code[CODE_CHARS + 1];
    if (code_normalize(input, code) != CODE_OK) {
        memset(info, 0, sizeof *info);
        *vstatus = VOUCHER_TYPO;
        return DONATE_VOUCHER;
    }
    /* Refused up front when the disk is full or read-only: a write that fails halfway tells
     * less, and on a nearly full disk it may. */
    if (db_write_problem(db))
        return DONATE_UNAVAILABLE;
    if (!db_begin(db))
        return busy_or_unavailable(db);
    enum donate_status st =
        donate_locked(db, secret, code, initiative_id, now, actor, vstatus, info, receipt);
    if (st == DONATE_BUSY)
        st = busy_or_unavailable(db); /* before the rollback, while the error is known */
    if (st == DONATE_OK) {
        if (!db_commit(db))
            return busy_or_unavailable(db);
    } else {
        db_rollback(db);
    }
    return st;
}

int ledger_release_initiative(struct db *db, int64_t initiative_id, time_t now, const char *actor)
{
    char when[20];
    utc_text(now, when);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT d.id, d.voucher_id, d.amount_cents, ?2 < r.closes_at "
            "FROM ledger d JOIN vouchers v ON v.id = d.voucher_id JOIN rounds r ON r.id = v.round_id "
            "WHERE d.initiative_id = ?1 AND d.kind = 'donation' "
            "AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id) ORDER BY d.id");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, initiative_id);
    sqlite3_bind_text(s, 2, when, -1, SQLITE_STATIC);
    struct standing {
        int64_t id, voucher_id, amount;
        bool round_open;
    } *rows = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            rows = xrealloc(rows, cap * sizeof *rows);
        }
        rows[n++] = (struct standing){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                                      sqlite3_column_int64(s, 2), sqlite3_column_int(s, 3) != 0};
    }
    sqlite3_reset(s);
    int64_t total = 0;
    sqlite3_stmt *ins = db_prepare(
        db, "INSERT INTO ledger(at, kind, initiative_id, voucher_id, reverses_id, amount_cents, "
            "actor) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (size_t i = 0; ins && i < n; i++) {
        sqlite3_bind_text(ins, 1, when, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, rows[i].round_open ? "release" : "return", -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, initiative_id);
        sqlite3_bind_int64(ins, 4, rows[i].voucher_id);
        sqlite3_bind_int64(ins, 5, rows[i].id);
        sqlite3_bind_int64(ins, 6, -rows[i].amount);
        sqlite3_bind_text(ins, 7, actor ? actor : "", -1, SQLITE_STATIC);
        int rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc != SQLITE_DONE) {
            free(rows);
            return -1;
        }
        total += rows[i].amount;
    }
    free(rows);
    if (!ins)
        return -1;
    if (n) {
        sqlite3_stmt *up = db_prepare(db, "UPDATE initiatives SET raised_cents = raised_cents - ?1, "
                                          "voucher_count = voucher_count - ?2, updated_at = ?3 "
                                          "WHERE id = ?4");
        if (!up)
            return -1;
        sqlite3_bind_int64(up, 1, total);
        sqlite3_bind_int64(up, 2, (int64_t)n);
        sqlite3_bind_text(up, 3, when, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 4, initiative_id);
        int rc = sqlite3_step(up);
        sqlite3_reset(up);
        if (rc != SQLITE_DONE)
            return -1;
    }
    return (int)n;
}

/* State and totals of an initiative inside a write transaction; the target is what remains
 * after the lines that accepted offers cover. */
static bool money_facts(struct db *db, int64_t id, char state[24], int64_t *raised, int64_t *target,
                        int64_t *paid)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT state, raised_cents, target_cents - covered_cents, coalesce((SELECT "
            "sum(amount_cents) FROM "
            "ledger WHERE initiative_id = i.id AND kind = 'payout'), 0) FROM initiatives i "
            "WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        snprintf(state, 24, "%s", (const char *)sqlite3_column_text(s, 0));
        *raised = sqlite3_column_int64(s, 1);
        *target = sqlite3_column_int64(s, 2);
        *paid = sqlite3_column_int64(s, 3);
    }
    sqlite3_reset(s);
    return found;
}

static bool insert_money(struct db *db, const char *kind, int64_t id, int64_t cents,
                         const char *partner, const char *reference, const char *actor,
                         const char *when)
{
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO ledger(at, kind, initiative_id, amount_cents, "
                                     "partner, reference, actor) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, id);
    sqlite3_bind_int64(s, 4, cents);
    sqlite3_bind_text(s, 5, partner ? partner : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, reference ? reference : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, actor, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

enum money_result ledger_contribution(struct db *db, int64_t initiative_id, int64_t cents,
                                      const char *partner, const char *actor, time_t now)
{
    if (cents <= 0 || cents > 100000000 || !partner || !*partner)
        return MONEY_BAD;
    if (!db_begin(db))
        return MONEY_BUSY;
    char state[24], when[20], subject[40];
    int64_t raised, target, paid;
    enum money_result r = MONEY_OK;
    utc_text(now, when);
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)initiative_id);
    if (!money_facts(db, initiative_id, state, &raised, &target, &paid))
        r = MONEY_NO_INITIATIVE;
    else if (strcmp(state, "open") && strcmp(state, "gefinancierd"))
        r = MONEY_WRONG_STATE;
    else if (!insert_money(db, "contribution", initiative_id, cents, partner, "", actor, when))
        r = MONEY_BUSY;
    if (r == MONEY_OK) {
        bool funded = !strcmp(state, "open") && raised + cents >= target;
        sqlite3_stmt *up = db_prepare(
            db, "UPDATE initiatives SET raised_cents = raised_cents + ?1, updated_at = ?2 "
                "WHERE id = ?3");
        bool ok = up != NULL;
        if (ok) {
            sqlite3_bind_int64(up, 1, cents);
            sqlite3_bind_text(up, 2, when, -1, SQLITE_STATIC);
            sqlite3_bind_int64(up, 3, initiative_id);
            ok = sqlite3_step(up) == SQLITE_DONE;
            sqlite3_reset(up);
        }
        char amount[32];
        snprintf(amount, sizeof amount, "%lld", (long long)cents);
        ok = ok && audit_add(db, now, actor, "contribution", subject, "", amount, partner);
        if (ok && funded)
            ok = ledger_fund(db, initiative_id, now, actor, "streefbedrag bereikt met bijdrage");
        if (!ok)
            r = MONEY_BUSY;
    }
    if (r != MONEY_OK || !db_commit(db)) {
        db_rollback(db);
        return r == MONEY_OK ? MONEY_BUSY : r;
    }
    return MONEY_OK;
}

enum money_result ledger_payout(struct db *db, int64_t initiative_id, int64_t cents,
                                const char *reference, const char *actor, time_t now)
{
    if (cents <= 0 || !reference || !*reference)
        return MONEY_BAD;
    if (!db_begin(db))
        return MONEY_BUSY;
    char state[24], when[20], subject[40];
    int64_t raised, target, paid;
    enum money_result r = MONEY_OK;
    utc_text(now, when);
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)initiative_id);
    if (!money_facts(db, initiative_id, state, &raised, &target, &paid))
        r = MONEY_NO_INITIATIVE;
    else if (strcmp(state, "gefinancierd") && strcmp(state, "uitgevoerd"))
        r = MONEY_WRONG_STATE;
    else if (paid + cents > raised)
        r = MONEY_TOO_MUCH;
    else if (!insert_money(db, "payout", initiative_id, cents, "", reference, actor, when))
        r = MONEY_BUSY;
    char amount[32];
    snprintf(amount, sizeof amount, "%lld", (long long)cents);
    if (r == MONEY_OK && !audit_add(db, now, actor, "payout", subject, "", amount, reference))
        r = MONEY_BUSY;
    if (r != MONEY_OK || !db_commit(db)) {
        db_rollback(db);
        return r == MONEY_OK ? MONEY_BUSY : r;
    }
    return MONEY_OK;
}
