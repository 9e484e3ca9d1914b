/* Lent or sponsored materials: offers validated, stored, relayed, accepted or declined. */
#include "domain/offers.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/mail_queue.h"
#include "domain/settings.h"
#include "domain/takingpart.h"
#include "util/buf.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

bool offers_validate(field_getter get, void *ctx, struct offer *out, json_t *errors)
{
    memset(out, 0, sizeof *out);
    /* Name, e-mail and the line of text are a volunteer's fields: the same validator. */
    struct volunteer_offer who;
    takingpart_volunteer_validate(get, ctx, &who, errors);
    snprintf(out->first_name, sizeof out->first_name, "%s", who.first_name);
    snprintf(out->email, sizeof out->email, "%s", who.email);
    snprintf(out->message, sizeof out->message, "%s", who.message);
    const char *line = get(ctx, "onderdeel");
    if (!line || !parse_int64(line, 1, INT64_MAX, &out->line_id)) {
        out->line_id = 0;
        if (!json_object_get(errors, "onderdeel"))
            json_object_set_new(errors, "onderdeel",
                                json_string("Kies het onderdeel van de begroting dat u kunt "
                                            "lenen of geven."));
    }
    const char *kind = get(ctx, "soort");
    if (kind && !strcmp(kind, "geven"))
        out->give = true;
    else if ((!kind || strcmp(kind, "lenen")) && !json_object_get(errors, "soort"))
        json_object_set_new(errors, "soort", json_string("Kies of u het uitleent of geeft."));
    return json_object_size(errors) == 0;
}

/* What a decision and the message to the initiator need. */
struct facts {
    char state[24], title[512], name[416], email[256];
    bool past_deadline;
};

/* The initiative `id` as of `now`; false when it is not there or not public. */
static bool facts_load(struct db *db, int64_t id, time_t now, struct facts *f)
{
    memset(f, 0, sizeof *f);
    char when[20];
    utc_text(now, when);
    sqlite3_stmt *s =
        db_prepare(db, "SELECT state, title, initiator_name, initiator_email, "
                       "deadline IS NOT NULL AND deadline <= ?2 FROM initiatives WHERE id = ?1 "
                       "AND published_at IS NOT NULL "
                       "AND state NOT IN ('ingediend', 'wijziging_gevraagd', 'afgewezen')");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, when, -1, SQLITE_STATIC);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        snprintf(f->state, sizeof f->state, "%s", (const char *)sqlite3_column_text(s, 0));
        snprintf(f->title, sizeof f->title, "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(f->name, sizeof f->name, "%s", (const char *)sqlite3_column_text(s, 2));
        snprintf(f->email, sizeof f->email, "%s", (const char *)sqlite3_column_text(s, 3));
        f->past_deadline = sqlite3_column_int(s, 4) != 0;
    }
    sqlite3_reset(s);
    return found;
}

static bool takes_offers(const struct facts *f)
{
    return !strcmp(f->state, "open") && !f->past_deadline;
}

bool offers_open(struct db *db, int64_t id, time_t now)
{
    struct facts f;
    return facts_load(db, id, now, &f) && takes_offers(&f);
}

/* A budget line of initiative `id`: its item and amount, and whether it is covered. */
struct line {
    char item[801];
    int64_t amount;
    bool covered;
};
static bool line_load(struct db *db, int64_t id, int64_t line_id, struct line *l)
{
    memset(l, 0, sizeof *l);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT item, amount_cents, EXISTS (SELECT 1 FROM offers o WHERE o.budget_line_id = "
            "b.id AND o.state = 'accepted') FROM budget_lines b WHERE b.id = ?1 "
            "AND b.initiative_id = ?2");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, line_id);
    sqlite3_bind_int64(s, 2, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        snprintf(l->item, sizeof l->item, "%s", (const char *)sqlite3_column_text(s, 0));
        l->amount = sqlite3_column_int64(s, 1);
        l->covered = sqlite3_column_int(s, 2) != 0;
    }
    sqlite3_reset(s);
    return found;
}

static enum offers_result finish(struct db *db, enum offers_result r)
{
    if (r != OFFERS_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? OFFERS_OK : OFFERS_BUSY;
}

static void subject_of(int64_t id, char subject[40])
{
    snprintf(subject, 40, "initiative:%lld", (long long)id);
}

static bool tell_initiator(struct db *db, const struct facts *f, const struct offer *o,
                           const struct line *l, time_t now)
{
    if (!f->email[0])
        return true;
    char amount[40];
    snprintf(amount, sizeof amount, "%lld,%02lld euro", (long long)(l->amount / 100),
             (long long)(l->amount % 100));
    struct buf b = {0};
    buf_printf(&b,
               "Beste %s,\n\n%s wil voor uw initiatief \"%s\" het onderdeel \"%s\" (%s) %s.\n\n",
               f->name, o->first_name, f->title, l->item, amount, o->give ? "geven" : "uitlenen");
    if (o->message[0])
        buf_printf(&b, "%s schrijft:\n%s\n\n", o->first_name, o->message);
    buf_printf(&b,
               "U kunt %s bereiken door op deze e-mail te antwoorden (%s). Op uw beheerpagina "
               "neemt u het aanbod aan of slaat u het af; gebruik daarvoor de persoonlijke link "
               "uit de e-mail die u kreeg toen u het initiatief indiende. Neemt u het aan, dan "
               "staat dit onderdeel als gedekt op de pagina en hoeft u er geen vouchers meer voor "
               "op te halen.\n",
               o->first_name, o->email);
    json_t *all = settings_all(db);
    buf_printf(&b, "\nMet vriendelijke groet,\n%s\n", settings_value(all, "site_naam", NULL));
    json_decref(all);
    bool ok = mail_queue_reply(db, now, f->email, o->first_name, o->email,
                               "Iemand biedt iets aan voor uw initiatief", b.data);
    buf_free(&b);
    return ok;
}

enum offers_result offers_add(struct db *db, int64_t id, const struct offer *o, time_t now,
                              int64_t *new_id)
{
    if (!db_begin(db))
        return OFFERS_BUSY;
    struct facts f;
    struct line l;
    if (!facts_load(db, id, now, &f))
        return finish(db, OFFERS_NOT_FOUND);
    if (!takes_offers(&f))
        return finish(db, OFFERS_CLOSED);
    if (!line_load(db, id, o->line_id, &l))
        return finish(db, OFFERS_NOT_FOUND);
    if (l.covered)
        return finish(db, OFFERS_COVERED);
    char at[20], subject[40];
    utc_text(now, at);
    subject_of(id, subject);
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO offers(initiative_id, budget_line_id, "
                                     "created_at, first_name, email, kind, message) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!s)
        return finish(db, OFFERS_BUSY);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, o->line_id);
    sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, o->first_name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, o->email, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, o->give ? "geven" : "lenen", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, o->message, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    int64_t offer_id = sqlite3_last_insert_rowid(db_handle(db));
    char offer_ref[32];
    snprintf(offer_ref, sizeof offer_ref, "aanbod %lld", (long long)offer_id);
    /* The audit entry says that something was offered, not by whom. */
    ok = ok && audit_add(db, now, "bewoner", "offer-add", subject, "", o->give ? "geven" : "lenen",
                         offer_ref);
    ok = ok && tell_initiator(db, &f, o, &l, now);
    enum offers_result r = finish(db, ok ? OFFERS_OK : OFFERS_BUSY);
    if (new_id)
        *new_id = r == OFFERS_OK ? offer_id : 0;
    return r;
}

/* The offer on initiative id, still undecided: its line. */
static enum offers_result offer_open(struct db *db, int64_t id, int64_t offer_id, time_t now,
                                     int64_t *line_id)
{
    struct facts f;
    if (!facts_load(db, id, now, &f))
        return OFFERS_NOT_FOUND;
    sqlite3_stmt *s = db_prepare(
        db, "SELECT budget_line_id, state FROM offers WHERE id = ?1 AND initiative_id = ?2");
    if (!s)
        return OFFERS_BUSY;
    sqlite3_bind_int64(s, 1, offer_id);
    sqlite3_bind_int64(s, 2, id);
    enum offers_result r = OFFERS_NOT_FOUND;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *line_id = sqlite3_column_int64(s, 0);
        r = strcmp((const char *)sqlite3_column_text(s, 1), "offered") ? OFFERS_DECIDED
            : takes_offers(&f)                                         ? OFFERS_OK
                                                                       : OFFERS_CLOSED;
    }
    sqlite3_reset(s);
    return r;
}

static bool decide(struct db *db, int64_t offer_id, const char *state, time_t now)
{
    char at[20];
    utc_text(now, at);
    sqlite3_stmt *s = db_prepare(
        db, "UPDATE offers SET state = ?2, decided_at = ?3, ledger_seq = CASE WHEN ?2 = "
            "'accepted' THEN (SELECT coalesce(max(id), 0) FROM ledger) END WHERE id = ?1 "
            "AND state = 'offered'");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, offer_id);
    sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
    sqlite3_reset(s);
    return ok;
}

enum offers_result offers_accept(struct db *db, int64_t id, int64_t offer_id, time_t now)
{
    if (!db_begin(db))
        return OFFERS_BUSY;
    int64_t line_id = 0;
    enum offers_result r = offer_open(db, id, offer_id, now, &line_id);
    struct line l;
    if (r == OFFERS_OK && !line_load(db, id, line_id, &l))
        r = OFFERS_BUSY;
    if (r == OFFERS_OK && l.covered)
        r = OFFERS_COVERED;
    if (r != OFFERS_OK)
        return finish(db, r);
    char subject[40], amount[32], offer_ref[32];
    subject_of(id, subject);
    snprintf(amount, sizeof amount, "%lld", (long long)l.amount);
    snprintf(offer_ref, sizeof offer_ref, "aanbod %lld", (long long)offer_id);
    /* The trigger on offers raises covered_cents by the line's amount. */
    bool ok = decide(db, offer_id, "accepted", now) &&
              audit_add(db, now, "initiatiefnemer", "offer-accept", subject, "", amount, offer_ref);
    sqlite3_stmt *s = ok ? db_prepare(db, "SELECT raised_cents >= target_cents - covered_cents "
                                          "FROM initiatives WHERE id = ?")
                         : NULL;
    bool reached = false;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        ok = sqlite3_step(s) == SQLITE_ROW;
        reached = ok && sqlite3_column_int(s, 0) != 0;
        sqlite3_reset(s);
    } else {
        ok = false;
    }
    if (ok && reached)
        ok = ledger_fund(db, id, now, "initiatiefnemer",
                         "streefbedrag bereikt met een gedekte begrotingsregel");
    return finish(db, ok ? OFFERS_OK : OFFERS_BUSY);
}

enum offers_result offers_decline(struct db *db, int64_t id, int64_t offer_id, time_t now)
{
    if (!db_begin(db))
        return OFFERS_BUSY;
    int64_t line_id = 0;
    enum offers_result r = offer_open(db, id, offer_id, now, &line_id);
    /* Declining what is no longer needed stays possible after the initiative closed. */
    if (r == OFFERS_CLOSED)
        r = OFFERS_OK;
    if (r != OFFERS_OK)
        return finish(db, r);
    char subject[40], offer_ref[32];
    subject_of(id, subject);
    snprintf(offer_ref, sizeof offer_ref, "aanbod %lld", (long long)offer_id);
    bool ok = decide(db, offer_id, "declined", now) &&
              audit_add(db, now, "initiatiefnemer", "offer-decline", subject, "", "", offer_ref);
    return finish(db, ok ? OFFERS_OK : OFFERS_BUSY);
}

static json_t *rows(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return json_array();
    sqlite3_bind_int64(s, 1, id);
    json_t *out = db_rows_array(s);
    return out ? out : json_array();
}

json_t *offers_lines(struct db *db, int64_t id)
{
    json_t *out = rows(db,
                       "SELECT b.id, b.item, b.amount_cents, EXISTS (SELECT 1 FROM offers o "
                       "WHERE o.budget_line_id = b.id AND o.state = 'accepted') AS covered "
                       "FROM budget_lines b WHERE b.initiative_id = ? ORDER BY b.position",
                       id);
    size_t i;
    json_t *row;
    json_array_foreach(out, i, row) json_object_set_new(
        row, "covered", json_boolean(json_integer_value(json_object_get(row, "covered"))));
    return out;
}

json_t *offers_list(struct db *db, int64_t id)
{
    return rows(db,
                "SELECT o.id, o.first_name, o.email, o.kind, o.message, o.state, b.item, "
                "b.amount_cents, o.created_at FROM offers o JOIN budget_lines b "
                "ON b.id = o.budget_line_id WHERE o.initiative_id = ? AND o.email <> '' "
                "ORDER BY o.id",
                id);
}

bool offers_count(struct db *db, int64_t id, struct offers_counts *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = db_prepare(db, "SELECT count(*) FILTER (WHERE state = 'offered'), "
                                     "count(*) FILTER (WHERE state = 'accepted'), "
                                     "count(*) FILTER (WHERE state = 'declined') "
                                     "FROM offers WHERE initiative_id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    if (ok) {
        out->offered = sqlite3_column_int64(s, 0);
        out->accepted = sqlite3_column_int64(s, 1);
        out->declined = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    return ok;
}

bool offers_erase(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, "UPDATE offers SET first_name = '', email = '', message = '' "
                                     "WHERE initiative_id = ? AND (email <> '' OR "
                                     "first_name <> '' OR message <> '')");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}
