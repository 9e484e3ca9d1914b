/* Taking part beyond the voucher: volunteers and questions, validated, stored, relayed. */
#include "domain/takingpart.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/mail_queue.h"
#include "domain/settings.h"
#include "util/buf.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

static void error(json_t *errors, const char *field, const char *message)
{
    if (!json_object_get(errors, field))
        json_object_set_new(errors, field, json_string(message));
}

/* A field trimmed of surrounding blanks into buf; false when it does not fit (which the length
 * check then refuses) or does not pass the one text validator. */
static bool field(field_getter get, void *ctx, const char *name, char *buf, size_t size,
                  bool multiline)
{
    const char *v = get(ctx, name);
    if (!v)
        v = "";
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n'))
        n--;
    buf[0] = '\0';
    if (n >= size)
        return false;
    memcpy(buf, v, n);
    buf[n] = '\0';
    return text_check(buf, n, multiline) == TEXT_OK && (multiline || !strchr(buf, '\t'));
}

static bool length_in(const char *s, size_t min, size_t max)
{
    size_t n = utf8_length(s, strlen(s));
    return n >= min && n <= max;
}

static void email_field(field_getter get, void *ctx, char *buf, size_t size, json_t *errors)
{
    if (!field(get, ctx, "email", buf, size, false) || !email_valid(buf))
        error(errors, "email", "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.");
}

bool takingpart_volunteer_validate(field_getter get, void *ctx, struct volunteer_offer *out,
                                   json_t *errors)
{
    memset(out, 0, sizeof *out);
    if (!field(get, ctx, "voornaam", out->first_name, sizeof out->first_name, false) ||
        !length_in(out->first_name, 1, TAKINGPART_FIRST_NAME_MAX) || strchr(out->first_name, '<') ||
        strchr(out->first_name, '>'))
        error(errors, "voornaam", "Vul uw voornaam in (hoogstens 60 tekens, op één regel).");
    email_field(get, ctx, out->email, sizeof out->email, errors);
    if (!field(get, ctx, "bericht", out->message, sizeof out->message, false) ||
        !length_in(out->message, 0, TAKINGPART_MESSAGE_MAX))
        error(errors, "bericht", "Schrijf hoogstens 300 tekens, op één regel, of laat het leeg.");
    return json_object_size(errors) == 0;
}

bool takingpart_question_validate(field_getter get, void *ctx, struct question *out,
                                  json_t *errors)
{
    memset(out, 0, sizeof *out);
    if (!field(get, ctx, "naam", out->name, sizeof out->name, false) ||
        !length_in(out->name, 2, TAKINGPART_NAME_MAX) || strchr(out->name, '<') ||
        strchr(out->name, '>'))
        error(errors, "naam", "Vul uw naam in (2 tot 100 tekens, op één regel).");
    email_field(get, ctx, out->email, sizeof out->email, errors);
    if (!field(get, ctx, "vraag", out->text, sizeof out->text, true) ||
        !length_in(out->text, TAKINGPART_QUESTION_MIN, TAKINGPART_QUESTION_MAX))
        error(errors, "vraag", "Schrijf uw vraag in 5 tot 2000 tekens.");
    return json_object_size(errors) == 0;
}

/* What the messages to the initiator need. */
struct initiative_facts {
    char state[24], title[512], name[416], email[256];
    bool help_wanted, questions_open;
};

static bool facts_load(struct db *db, int64_t id, struct initiative_facts *f)
{
    memset(f, 0, sizeof *f);
    sqlite3_stmt *s = db_prepare(db, "SELECT state, title, initiator_name, initiator_email, "
                                     "help_wanted, questions_open FROM initiatives WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        snprintf(f->state, sizeof f->state, "%s", (const char *)sqlite3_column_text(s, 0));
        snprintf(f->title, sizeof f->title, "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(f->name, sizeof f->name, "%s", (const char *)sqlite3_column_text(s, 2));
        snprintf(f->email, sizeof f->email, "%s", (const char *)sqlite3_column_text(s, 3));
        f->help_wanted = sqlite3_column_int(s, 4) != 0;
        f->questions_open = sqlite3_column_int(s, 5) != 0;
    }
    sqlite3_reset(s);
    return found;
}

static bool takes_help(const struct initiative_facts *f)
{
    return f->help_wanted && (!strcmp(f->state, "open") || !strcmp(f->state, "gefinancierd"));
}

static bool takes_questions(const struct initiative_facts *f)
{
    return f->questions_open && f->email[0] &&
           (!strcmp(f->state, "open") || !strcmp(f->state, "gefinancierd") ||
            !strcmp(f->state, "uitgevoerd"));
}

static void sign_off(struct db *db, struct buf *b)
{
    json_t *all = settings_all(db);
    buf_printf(b, "\nMet vriendelijke groet,\n%s\n", settings_value(all, "site_naam", NULL));
    json_decref(all);
}

static bool exec_bound(struct db *db, const char *sql, int64_t id, const char *a, const char *b,
                       const char *c, const char *d)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    const char *texts[] = {a, b, c, d};
    for (int i = 0; i < 4; i++)
        if (texts[i])
            sqlite3_bind_text(s, i + 2, texts[i], -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

static enum takingpart_result finish(struct db *db, bool ok)
{
    if (!ok) {
        db_rollback(db);
        return TAKINGPART_BUSY;
    }
    return db_commit(db) ? TAKINGPART_OK : TAKINGPART_BUSY;
}

/* Opens the write transaction on public initiative `id` that `accepts` what is offered: OK
 * with *f loaded and the transaction open; otherwise why not, the transaction closed. */
static enum takingpart_result begin_on(struct db *db, int64_t id, struct initiative_facts *f,
                                       bool (*accepts)(const struct initiative_facts *))
{
    if (!db_begin(db))
        return TAKINGPART_BUSY;
    enum takingpart_result r = TAKINGPART_OK;
    if (!facts_load(db, id, f) || !strcmp(f->state, "ingediend") ||
        !strcmp(f->state, "wijziging_gevraagd") || !strcmp(f->state, "afgewezen"))
        r = TAKINGPART_NOT_FOUND;
    else if (!accepts(f))
        r = TAKINGPART_CLOSED;
    if (r != TAKINGPART_OK)
        db_commit(db);
    return r;
}

enum takingpart_result takingpart_volunteer_add(struct db *db, int64_t id,
                                                const struct volunteer_offer *offer, time_t now)
{
    struct initiative_facts f;
    enum takingpart_result opened = begin_on(db, id, &f, takes_help);
    if (opened != TAKINGPART_OK)
        return opened;
    char at[20], subject[40];
    utc_text(now, at);
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)id);
    bool ok = exec_bound(db,
                         "INSERT INTO volunteers(initiative_id, created_at, first_name, email, "
                         "message) VALUES (?1, ?2, ?3, ?4, ?5)",
                         id, at, offer->first_name, offer->email, offer->message);
    /* The audit entry says that someone offered help, not who. */
    ok = ok && audit_add(db, now, "bewoner", "volunteer-add", subject, "", "", "");
    if (ok && f.email[0]) {
        struct buf b = {0};
        buf_printf(&b,
                   "Beste %s,\n\n%s wil graag helpen bij uw initiatief \"%s\".\n\n", f.name,
                   offer->first_name, f.title);
        if (offer->message[0])
            buf_printf(&b, "%s schrijft:\n%s\n\n", offer->first_name, offer->message);
        buf_printf(&b,
                   "U kunt %s bereiken door op deze e-mail te antwoorden (%s). Alle aanmeldingen "
                   "staan ook op uw beheerpagina: gebruik daarvoor de persoonlijke link uit de "
                   "e-mail die u kreeg toen u het initiatief indiende.\n",
                   offer->first_name, offer->email);
        sign_off(db, &b);
        ok = mail_queue_reply(db, now, f.email, offer->first_name, offer->email,
                              "Iemand wil helpen bij uw initiatief", b.data);
        buf_free(&b);
    }
    return finish(db, ok);
}

enum takingpart_result takingpart_question_send(struct db *db, int64_t id, const struct question *q,
                                                time_t now)
{
    struct initiative_facts f;
    enum takingpart_result opened = begin_on(db, id, &f, takes_questions);
    if (opened != TAKINGPART_OK)
        return opened;
    char at[20];
    utc_text(now, at);
    bool ok = exec_bound(db, "INSERT INTO questions(initiative_id, created_at) VALUES (?1, ?2)",
                         id, at, NULL, NULL, NULL);
    struct buf b = {0};
    buf_printf(&b,
               "Beste %s,\n\n%s heeft een vraag over uw initiatief \"%s\":\n\n%s\n\n"
               "Antwoord door op deze e-mail te antwoorden: uw antwoord gaat naar %s (%s). Uw "
               "eigen e-mailadres ziet %s pas als u antwoordt.\n",
               f.name, q->name, f.title, q->text, q->name, q->email, q->name);
    sign_off(db, &b);
    char subject[600];
    snprintf(subject, sizeof subject, "Vraag over uw initiatief");
    ok = ok && mail_queue_reply(db, now, f.email, q->name, q->email, subject, b.data);
    buf_free(&b);
    return finish(db, ok);
}

bool takingpart_public_get(struct db *db, int64_t id, struct takingpart_public *out)
{
    memset(out, 0, sizeof *out);
    struct initiative_facts f;
    if (!facts_load(db, id, &f))
        return false;
    sqlite3_stmt *s = db_prepare(
        db, "SELECT help_text, (SELECT count(*) FROM volunteers v WHERE v.initiative_id = i.id), "
            "(SELECT count(*) FROM questions q WHERE q.initiative_id = i.id) "
            "FROM initiatives i WHERE i.id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        snprintf(out->help_text, sizeof out->help_text, "%s",
                 (const char *)sqlite3_column_text(s, 0));
        out->volunteers = sqlite3_column_int64(s, 1);
        out->questions = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    out->help_wanted = f.help_wanted;
    out->questions_open = f.questions_open;
    out->accepts_help = takes_help(&f);
    out->accepts_questions = takes_questions(&f);
    return found;
}

bool takingpart_help_text_valid(const char *text)
{
    size_t n = strlen(text ? text : "");
    return text && text_check(text, n, false) == TEXT_OK && !strchr(text, '\t') &&
           utf8_length(text, n) <= TAKINGPART_HELP_TEXT_MAX;
}

static enum takingpart_result set_flag(struct db *db, int64_t id, const char *sql, int flag,
                                       const char *text, const char *action, const char *to,
                                       time_t now)
{
    if (!db_begin(db))
        return TAKINGPART_BUSY;
    struct initiative_facts f;
    if (!facts_load(db, id, &f)) {
        db_commit(db);
        return TAKINGPART_NOT_FOUND;
    }
    char subject[40];
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)id);
    sqlite3_stmt *s = db_prepare(db, sql);
    bool ok = s != NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int(s, 2, flag);
        if (text)
            sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    ok = ok && audit_add(db, now, "initiatiefnemer", action, subject, "", to, "");
    return finish(db, ok);
}

enum takingpart_result takingpart_set_help(struct db *db, int64_t id, bool wanted,
                                           const char *text, time_t now)
{
    if (!takingpart_help_text_valid(text))
        return TAKINGPART_INVALID;
    return set_flag(db, id,
                    "UPDATE initiatives SET help_wanted = ?2, help_text = ?3 WHERE id = ?1",
                    wanted, wanted ? text : "", "help-wanted", wanted ? "ja" : "nee", now);
}

enum takingpart_result takingpart_set_questions(struct db *db, int64_t id, bool open, time_t now)
{
    return set_flag(db, id, "UPDATE initiatives SET questions_open = ?2 WHERE id = ?1", open,
                    NULL, "questions", open ? "aan" : "uit", now);
}

json_t *takingpart_volunteers(struct db *db, int64_t id)
{
    json_t *out = json_array();
    sqlite3_stmt *s = db_prepare(db, "SELECT first_name, email, message, created_at FROM "
                                     "volunteers WHERE initiative_id = ? AND email <> '' "
                                     "ORDER BY id");
    if (!s)
        return out;
    sqlite3_bind_int64(s, 1, id);
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:s}", "first_name",
                                             (const char *)sqlite3_column_text(s, 0), "email",
                                             (const char *)sqlite3_column_text(s, 1), "message",
                                             (const char *)sqlite3_column_text(s, 2),
                                             "created_at",
                                             (const char *)sqlite3_column_text(s, 3)));
    sqlite3_reset(s);
    return out;
}

bool takingpart_erase(struct db *db, int64_t id)
{
    return exec_bound(db,
                      "UPDATE volunteers SET first_name = '', email = '', message = '' "
                      "WHERE initiative_id = ?1 AND (email <> '' OR first_name <> '' OR "
                      "message <> '')",
                      id, NULL, NULL, NULL, NULL);
}
