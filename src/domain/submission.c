/* Submitting and editing initiatives. */
#include "domain/submission.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/codes.h"
#include "domain/households.h"
#include "domain/initiative_detail.h"
#include "domain/notify.h"
#include "domain/photo.h"
#include "domain/themes.h"
#include "domain/settings.h"
#include "domain/takingpart.h"
#include "domain/workflow.h"
#include "db/rows.h"
#include "util/alloc.h"
#include "util/amount.h"
#include "util/text.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void error(json_t *errors, const char *field, const char *message)
{
    if (!json_object_get(errors, field))
        json_object_set_new(errors, field, json_string(message));
}

/* Trimmed text; "" when absent, and also when it does not fit the buffer (which is sized for
 * the longest valid value), so that the length check refuses it instead of a silent cut. */
static const char *text(field_getter get, void *ctx, const char *name, char *buf, size_t size)
{
    const char *v = get(ctx, name);
    if (!v)
        v = "";
    while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
        v++;
    if (strlen(v) >= size)
        v = "";
    snprintf(buf, size, "%s", v);
    size_t n = strlen(buf);
    while (n &&
           (buf[n - 1] == ' ' || buf[n - 1] == '\t' || buf[n - 1] == '\r' || buf[n - 1] == '\n'))
        buf[--n] = '\0';
    return buf;
}

/* 'YYYY-MM-DD' exactly, and a real day (no 30 February). */
static time_t strict_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return -1;
    time_t t = parse_utc(s);
    if (t == (time_t)-1)
        return -1;
    char back[20];
    utc_text(t, back);
    return strncmp(back, s, 10) == 0 ? t : (time_t)-1;
}

static bool length_ok(const char *s, size_t min, size_t max)
{
    size_t n = utf8_length(s, strlen(s));
    return n >= min && n <= max;
}

/* A plain single-line text: no control characters. */
static bool single_line(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

bool email_valid(const char *e)
{
    size_t n = strlen(e);
    const char *at = strchr(e, '@');
    if (n < 5 || n > 254 || !at || at == e || strchr(at + 1, '@'))
        return false;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || !dot[1] || !dot[2])
        return false;
    for (const char *p = e; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == ',' || *p == ';' ||
            *p == '"' || *p == '(' || *p == ')' || *p == '\\' || *p == ':' || *p == '[' ||
            *p == ']' || (unsigned char)*p >= 0x7f)
            return false;
    return true;
}

static bool phone_valid(const char *p)
{
    int digits = 0;
    for (const char *c = p; *c; c++) {
        if (isdigit((unsigned char)*c))
            digits++;
        else if (*c != ' ' && *c != '-' && *c != '+' && *c != '(' && *c != ')')
            return false;
    }
    return digits >= 10 && digits <= 15;
}

static int64_t setting_int(struct db *db, const char *key, int64_t fallback)
{
    /* settings_all: the copy read once for as long as the database does not change. */
    json_t *all = settings_all(db);
    const char *stored = json_string_value(json_object_get(all, key));
    int64_t v = fallback;
    if (!stored || !parse_int64(stored, 0, INT64_MAX / 4, &v))
        v = fallback;
    json_decref(all);
    return v;
}

static int64_t area_for(struct db *db, const char *slug)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id FROM areas WHERE slug = ?");
    int64_t id = 0;
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, slug, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return id;
}

bool submission_validate(struct db *db, field_getter get, void *ctx, int rows, int co_rows,
                         time_t now, struct submission *out, json_t *errors)
{
    memset(out, 0, sizeof *out);
    char buf[1024];
    text(get, ctx, "titel", out->title, sizeof out->title);
    if (!length_ok(out->title, 5, 120) || !single_line(out->title))
        error(errors, "titel", "Geef een titel van 5 tot 120 tekens.");
    text(get, ctx, "samenvatting", out->summary, sizeof out->summary);
    if (!length_ok(out->summary, 10, 300))
        error(errors, "samenvatting", "Vat uw idee samen in 10 tot 300 tekens.");
    {
        /* Up to 10 000 characters of up to four bytes each. */
        char *desc = xmalloc(40004);
        text(get, ctx, "beschrijving", desc, 40004);
        out->description = desc;
    }
    if (!length_ok(out->description, 30, 10000))
        error(errors, "beschrijving",
              "Beschrijf uw initiatief in 30 tot 10.000 tekens: wat, waar, voor wie en hoe.");

    text(get, ctx, "gebied", out->area_slug, sizeof out->area_slug);
    if (!strcmp(out->area_slug, "gemeentebreed"))
        out->area_id = 0;
    else if (!*out->area_slug || !(out->area_id = area_for(db, out->area_slug)))
        error(errors, "gebied", "Kies de wijk, het dorp of de buurt van uw initiatief.");

    /* A theme from the list; none chosen is the default theme. */
    {
        json_t *themes = themes_list(db);
        text(get, ctx, "thema", out->theme, sizeof out->theme);
        if (!*out->theme)
            snprintf(out->theme, sizeof out->theme, "%s", theme_default(themes));
        else if (!theme_listed(themes, out->theme))
            error(errors, "thema", "Kies een thema uit de lijst.");
        json_decref(themes);
    }

    /* Help wanted, and what: one line that takingpart_help_text_valid accepts. */
    {
        const char *wanted = get(ctx, "hulp_gezocht");
        const char *help = get(ctx, "hulp_tekst");
        out->help_wanted = wanted && !strcmp(wanted, "ja");
        if (help && (strlen(help) >= sizeof out->help_text || !takingpart_help_text_valid(help)))
            error(errors, "hulp_tekst",
                  "Beschrijf de hulp die u zoekt in hoogstens 200 tekens, op één regel.");
        else
            text(get, ctx, "hulp_tekst", out->help_text, sizeof out->help_text);
    }

    int64_t min = setting_int(db, "streef_min_cents", 5000);
    int64_t max = setting_int(db, "streef_max_cents", 500000);
    char tmp[64], lo[40], hi[40];
    amount_format(min, lo, sizeof lo);
    amount_format(max, hi, sizeof hi);
    text(get, ctx, "streefbedrag", tmp, sizeof tmp);
    int64_t target = 0;
    switch (amount_parse(tmp, true, INT64_MAX / 4, &target)) {
    case AMOUNT_OK:
        if (target < min || target > max || target <= 0) {
            snprintf(buf, sizeof buf, "Het streefbedrag ligt tussen %s en %s.", lo, hi);
            error(errors, "streefbedrag", buf);
        } else {
            out->target_cents = target;
        }
        break;
    case AMOUNT_HAS_CENTS:
        snprintf(buf, sizeof buf,
                 "Het streefbedrag is een bedrag in hele euro's, zonder centen, tussen %s en %s.",
                 lo, hi);
        error(errors, "streefbedrag", buf);
        break;
    case AMOUNT_TOO_LARGE:
        snprintf(buf, sizeof buf, "Het streefbedrag ligt tussen %s en %s.", lo, hi);
        error(errors, "streefbedrag", buf);
        break;
    case AMOUNT_EMPTY:
    case AMOUNT_INVALID:
        snprintf(buf, sizeof buf,
                 "Vul het streefbedrag in hele euro's in, zoals 1250 of 1.250, tussen %s en %s.",
                 lo, hi);
        error(errors, "streefbedrag", buf);
        break;
    }

    /* Budget lines: every filled row needs both parts; together they make the target. */
    int64_t sum = 0;
    for (int n = 1; n <= rows && n <= MAX_BUDGET_LINES; n++) {
        char item_name[32], amount_name[32], item[808], amount[64];
        snprintf(item_name, sizeof item_name, "post_%d_omschrijving", n);
        snprintf(amount_name, sizeof amount_name, "post_%d_bedrag", n);
        text(get, ctx, item_name, item, sizeof item);
        text(get, ctx, amount_name, amount, sizeof amount);
        if (!*item && !*amount)
            continue;
        int64_t cents;
        if (!*item || !length_ok(item, 1, 200) || !single_line(item)) {
            error(errors, item_name, "Omschrijf deze begrotingspost (hoogstens 200 tekens).");
            continue;
        }
        enum amount_result ar = amount_parse(amount, false, 100000000, &cents);
        if (ar == AMOUNT_TOO_LARGE) {
            error(errors, amount_name, "Dit bedrag is groter dan een initiatief kan vragen.");
            continue;
        }
        if (ar != AMOUNT_OK || cents <= 0) {
            error(errors, amount_name, "Vul een bedrag in euro's in, zoals 125, 1.250 of 49,95.");
            continue;
        }
        struct budget_line *l = &out->lines[out->nlines++];
        snprintf(l->item, sizeof l->item, "%s", item);
        l->amount_cents = cents;
        sum += cents;
    }
    if (out->nlines == 0)
        error(errors, "begroting", "Geef minstens één begrotingspost met een bedrag.");
    else if (out->target_cents && sum != out->target_cents) {
        char a[48], b[48];
        amount_format(sum, a, sizeof a);
        amount_format(out->target_cents, b, sizeof b);
        snprintf(buf, sizeof buf,
                 "De begrotingsposten tellen op tot %s, maar het streefbedrag is %s. Maak ze "
                 "gelijk.",
                 a, b);
        error(errors, "begroting", buf);
    }

    char date[64];
    text(get, ctx, "datum", date, sizeof date);
    snprintf(out->planned_date, sizeof out->planned_date, "%.10s", date);
    time_t planned = strict_date(date);
    if (planned == (time_t)-1)
        error(errors, "datum", "Vul de datum in als jjjj-mm-dd, bijvoorbeeld 2027-05-16.");
    else if (planned < now || planned > now + 2 * 366 * 86400)
        error(errors, "datum", "Kies een datum in de toekomst, binnen twee jaar.");

    text(get, ctx, "naam", out->name, sizeof out->name);
    if (!length_ok(out->name, 2, 100) || !single_line(out->name))
        error(errors, "naam", "Vul uw naam in (2 tot 100 tekens).");
    text(get, ctx, "email", out->email, sizeof out->email);
    if (!email_valid(out->email))
        error(errors, "email", "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.");
    text(get, ctx, "telefoon", out->phone, sizeof out->phone);
    if (*out->phone && !phone_valid(out->phone))
        error(errors, "telefoon", "Vul een telefoonnummer van 10 cijfers in, of laat het leeg.");
    char pc[64], hn[64], add[11];
    int64_t number;
    text(get, ctx, "postcode", pc, sizeof pc);
    if (!postcode_normalize(pc, out->postcode))
        error(errors, "postcode", "Vul uw postcode in, zoals 7607 AB.");
    text(get, ctx, "huisnummer", hn, sizeof hn);
    if (!house_number_normalize(hn, "", &number, add))
        error(errors, "huisnummer", "Vul uw huisnummer in, zoals 12 of 12a.");
    else
        house_number_format(number, add, out->house_number);

    /* Co-organisers from other addresses than the initiator's and each other's. */
    int64_t needed = setting_int(db, "mede_organisatoren", 2);
    for (int n = 1; n <= co_rows && n <= MAX_CO_ORGANISERS; n++) {
        char fn[32], fp[32], fh[32], name[404], cpc[64], chn[64];
        snprintf(fn, sizeof fn, "mede_%d_naam", n);
        snprintf(fp, sizeof fp, "mede_%d_postcode", n);
        snprintf(fh, sizeof fh, "mede_%d_huisnummer", n);
        text(get, ctx, fn, name, sizeof name);
        text(get, ctx, fp, cpc, sizeof cpc);
        text(get, ctx, fh, chn, sizeof chn);
        if (!*name && !*cpc && !*chn)
            continue;
        struct co_organiser *c = &out->co[out->nco];
        if (!length_ok(name, 2, 100) || !single_line(name)) {
            error(errors, fn, "Vul de naam van deze mede-organisator in.");
            continue;
        }
        if (!postcode_normalize(cpc, c->postcode)) {
            error(errors, fp, "Vul een postcode in, zoals 7607 AB.");
            continue;
        }
        if (!house_number_normalize(chn, "", &number, add)) {
            error(errors, fh, "Vul een huisnummer in, zoals 12 of 12a.");
            continue;
        }
        house_number_format(number, add, c->house_number);
        snprintf(c->name, sizeof c->name, "%s", name);
        bool same =
            !strcmp(c->postcode, out->postcode) && !strcmp(c->house_number, out->house_number);
        for (int k = 0; k < out->nco; k++)
            if (!strcmp(out->co[k].postcode, c->postcode) &&
                !strcmp(out->co[k].house_number, c->house_number))
                same = true;
        if (same) {
            error(errors, fh,
                  "Dit adres komt al voor: mede-organisatoren wonen elk op een ander "
                  "adres dan u en elkaar.");
            continue;
        }
        out->nco++;
    }
    if (out->nco < needed) {
        snprintf(buf, sizeof buf,
                 "Een initiatief heeft minstens %lld mede-organisatoren van andere adressen.",
                 (long long)needed);
        error(errors, "mede", buf);
    }
    const char *agreed = get(ctx, "akkoord");
    if (!agreed || strcmp(agreed, "ja") != 0)
        error(errors, "akkoord", "Bevestig dat u de regels hebt gelezen.");
    return json_object_size(errors) == 0;
}

void submission_free(struct submission *s)
{
    free(s->description);
    s->description = NULL;
}

static void token_hash(const unsigned char *secret, const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), secret, SECRET_BYTES);
}

static bool store_children(struct db *db, int64_t id, const struct submission *s)
{
    sqlite3_stmt *del = db_prepare(db, "DELETE FROM budget_lines WHERE initiative_id = ?");
    sqlite3_stmt *delc = db_prepare(db, "DELETE FROM co_organisers WHERE initiative_id = ?");
    if (!del || !delc)
        return false;
    sqlite3_bind_int64(del, 1, id);
    sqlite3_bind_int64(delc, 1, id);
    bool ok = sqlite3_step(del) == SQLITE_DONE && sqlite3_step(delc) == SQLITE_DONE;
    sqlite3_reset(del);
    sqlite3_reset(delc);
    sqlite3_stmt *l = db_prepare(db, "INSERT INTO budget_lines(initiative_id, position, item, "
                                     "amount_cents) VALUES (?, ?, ?, ?)");
    for (int i = 0; ok && l && i < s->nlines; i++) {
        sqlite3_bind_int64(l, 1, id);
        sqlite3_bind_int(l, 2, i + 1);
        sqlite3_bind_text(l, 3, s->lines[i].item, -1, SQLITE_STATIC);
        sqlite3_bind_int64(l, 4, s->lines[i].amount_cents);
        ok = sqlite3_step(l) == SQLITE_DONE;
        sqlite3_reset(l);
    }
    sqlite3_stmt *c = db_prepare(db, "INSERT INTO co_organisers(initiative_id, name, postcode, "
                                     "house_number) VALUES (?, ?, ?, ?)");
    for (int i = 0; ok && c && i < s->nco; i++) {
        sqlite3_bind_int64(c, 1, id);
        sqlite3_bind_text(c, 2, s->co[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(c, 3, s->co[i].postcode, -1, SQLITE_STATIC);
        sqlite3_bind_text(c, 4, s->co[i].house_number, -1, SQLITE_STATIC);
        ok = sqlite3_step(c) == SQLITE_DONE;
        sqlite3_reset(c);
    }
    return ok && l && c;
}

/* The form's key and its management token: keyed hashes of the form's token and the CSRF
 * token of the browser that sent it. */
static void form_derive(const unsigned char *secret, const char *binding, const char *form_token,
                        unsigned char key[32], char manage[MANAGE_TOKEN_CHARS + 1])
{
    static const char purposes[2][24] = {"submission form key", "submission manage link"};
    unsigned char raw[2][32];
    for (int i = 0; i < 2; i++) {
        crypto_generichash_state st;
        crypto_generichash_init(&st, secret, SECRET_BYTES, 32);
        crypto_generichash_update(&st, (const unsigned char *)purposes[i], sizeof purposes[i]);
        crypto_generichash_update(&st, (const unsigned char *)binding, strlen(binding) + 1);
        crypto_generichash_update(&st, (const unsigned char *)form_token, strlen(form_token));
        crypto_generichash_final(&st, raw[i], 32);
    }
    memcpy(key, raw[0], 32);
    sodium_bin2base64(manage, MANAGE_TOKEN_CHARS + 1, raw[1], 32,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void submission_form_token(char out[MANAGE_TOKEN_CHARS + 1])
{
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, MANAGE_TOKEN_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool submission_form_token_valid(const char *t)
{
    if (!t || strlen(t) != MANAGE_TOKEN_CHARS)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

int64_t submission_by_form(struct db *db, const unsigned char *secret, const char *binding,
                           const char *form_token, char token_out[MANAGE_TOKEN_CHARS + 1])
{
    if (!binding || !submission_form_token_valid(form_token))
        return 0;
    unsigned char key[32];
    form_derive(secret, binding, form_token, key, token_out);
    sqlite3_stmt *s = db_prepare(db, "SELECT id FROM initiatives WHERE form_key = ?");
    if (!s)
        return 0;
    sqlite3_bind_blob(s, 1, key, sizeof key, SQLITE_TRANSIENT);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return id;
}

/* The new initiative with the management token token (and form key, or NULL). */
static bool create(struct db *db, const unsigned char *secret, const struct submission *s,
                   int64_t photo_id, const char *base_url, const unsigned char *form_key,
                   const char *token, time_t now, int64_t *id_out)
{
    unsigned char hash[32];
    token_hash(secret, token, hash);
    char when[20];
    utc_text(now, when);
    if (!db_begin(db))
        return false;
    sqlite3_stmt *ins = db_prepare(
        db, "INSERT INTO initiatives(area_id, title, summary, description, target_cents, "
            "planned_date, initiator_name, initiator_email, initiator_phone, co_organisers, "
            "state, created_at, updated_at, manage_token_hash, photo_id, initiator_postcode, "
            "initiator_house_number, theme, form_key, help_wanted, help_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ingediend', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = ins != NULL;
    if (ok) {
        if (s->area_id)
            sqlite3_bind_int64(ins, 1, s->area_id);
        else
            sqlite3_bind_null(ins, 1);
        sqlite3_bind_text(ins, 2, s->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, s->summary, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, s->description, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 5, s->target_cents);
        sqlite3_bind_text(ins, 6, s->planned_date, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, s->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 8, s->email, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 9, s->phone, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 10, s->nco);
        sqlite3_bind_text(ins, 11, when, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 12, when, -1, SQLITE_STATIC);
        sqlite3_bind_blob(ins, 13, hash, sizeof hash, SQLITE_TRANSIENT);
        if (photo_id > 0)
            sqlite3_bind_int64(ins, 14, photo_id);
        else
            sqlite3_bind_null(ins, 14);
        sqlite3_bind_text(ins, 15, s->postcode, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 16, s->house_number, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 17, *s->theme ? s->theme : THEME_DEFAULT, -1, SQLITE_STATIC);
        if (form_key)
            sqlite3_bind_blob(ins, 18, form_key, 32, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(ins, 18);
        sqlite3_bind_int(ins, 19, s->help_wanted);
        sqlite3_bind_text(ins, 20, s->help_text, -1, SQLITE_STATIC);
        ok = sqlite3_step(ins) == SQLITE_DONE;
        sqlite3_reset(ins);
    }
    int64_t id = sqlite3_last_insert_rowid(db_handle(db));
    char url[512];
    snprintf(url, sizeof url, "%s/mijn-initiatief/%s", base_url, token);
    ok = ok && (photo_id <= 0 || photo_claim(db, photo_id)) && store_children(db, id, s) &&
         audit_state_change(db, now, "initiatiefnemer", id, "", "ingediend", "ingediend") &&
         notify_submitted(db, id, url, now) && notify_staff_submitted(db, id, now);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    *id_out = id;
    return true;
}

bool submission_create(struct db *db, const unsigned char *secret, const struct submission *s,
                       int64_t photo_id, const char *base_url, time_t now, int64_t *id_out,
                       char token_out[MANAGE_TOKEN_CHARS + 1])
{
    submission_form_token(token_out);
    return create(db, secret, s, photo_id, base_url, NULL, token_out, now, id_out);
}

bool submission_create_from_form(struct db *db, const unsigned char *secret,
                                 const struct submission *s, int64_t photo_id, const char *base_url,
                                 const char *binding, const char *form_token, time_t now,
                                 int64_t *id_out, char token_out[MANAGE_TOKEN_CHARS + 1])
{
    if (!binding || !submission_form_token_valid(form_token))
        return false;
    unsigned char key[32];
    form_derive(secret, binding, form_token, key, token_out);
    return create(db, secret, s, photo_id, base_url, key, token_out, now, id_out);
}

bool submission_update(struct db *db, int64_t id, const struct submission *s, int64_t photo_id,
                       time_t now)
{
    char when[20];
    utc_text(now, when);
    if (!db_begin(db))
        return false;
    sqlite3_stmt *up = db_prepare(
        db, "UPDATE initiatives SET area_id = ?2, title = ?3, summary = ?4, description = ?5, "
            "target_cents = ?6, planned_date = ?7, initiator_name = ?8, initiator_email = ?9, "
            "initiator_phone = ?10, co_organisers = ?11, updated_at = ?12, "
            "photo_id = CASE WHEN ?13 = -1 THEN NULL ELSE coalesce(?13, photo_id) END, "
            "initiator_postcode = ?14, initiator_house_number = ?15, theme = ?16 "
            "WHERE id = ?1 AND state IN ('ingediend', 'wijziging_gevraagd')");
    bool ok = up != NULL;
    if (ok) {
        sqlite3_bind_int64(up, 1, id);
        if (s->area_id)
            sqlite3_bind_int64(up, 2, s->area_id);
        else
            sqlite3_bind_null(up, 2);
        sqlite3_bind_text(up, 3, s->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 4, s->summary, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 5, s->description, -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 6, s->target_cents);
        sqlite3_bind_text(up, 7, s->planned_date, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 8, s->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 9, s->email, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 10, s->phone, -1, SQLITE_STATIC);
        sqlite3_bind_int(up, 11, s->nco);
        sqlite3_bind_text(up, 12, when, -1, SQLITE_STATIC);
        if (photo_id)
            sqlite3_bind_int64(up, 13, photo_id);
        else
            sqlite3_bind_null(up, 13);
        sqlite3_bind_text(up, 14, s->postcode, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 15, s->house_number, -1, SQLITE_STATIC);
        sqlite3_bind_text(up, 16, *s->theme ? s->theme : THEME_DEFAULT, -1, SQLITE_STATIC);
        ok = sqlite3_step(up) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
        sqlite3_reset(up);
    }
    ok = ok && (photo_id <= 0 || photo_claim(db, photo_id));
    char subject[40];
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)id);
    ok = ok && store_children(db, id, s) &&
         audit_add(db, now, "initiatiefnemer", "edit", subject, "", "", "");
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    return true;
}

int64_t submission_by_token(struct db *db, const unsigned char *secret, const char *token)
{
    if (!token || strlen(token) != MANAGE_TOKEN_CHARS)
        return 0;
    unsigned char hash[32];
    token_hash(secret, token, hash);
    sqlite3_stmt *s = db_prepare(db, "SELECT id FROM initiatives WHERE manage_token_hash = ?");
    if (!s)
        return 0;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return id;
}

/* ---- The initiator's management page ---- */

json_t *submission_load(struct db *db, int64_t id)
{
    json_t *item = initiative_get_full(db, id);
    if (!item)
        return NULL;
    /* The edit form names city-wide initiatives by their choice in the area list. */
    if (!json_is_string(json_object_get(item, "area_slug")))
        json_object_set_new(item, "area_slug", json_string("gemeentebreed"));
    /* Without the actor: staff user names are not the initiator's business. */
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(item, "history"), i, step) json_object_del(step, "actor");
    return item;
}

static void set_value(json_t *values, const char *name, int n, json_t *value)
{
    char key[40];
    snprintf(key, sizeof key, name, n);
    json_object_set_new(values, key, value ? value : json_string(""));
}

json_t *submission_form_values(const json_t *item, int *lines, int *co_organisers)
{
    json_t *v = json_object();
    json_object_set(v, "titel", json_object_get(item, "title"));
    json_object_set(v, "samenvatting", json_object_get(item, "summary"));
    json_object_set(v, "beschrijving", json_object_get(item, "description"));
    json_object_set(v, "gebied", json_object_get(item, "area_slug"));
    json_object_set_new(
        v, "streefbedrag",
        json_sprintf("%lld",
                     (long long)json_integer_value(json_object_get(item, "target_cents")) / 100));
    json_object_set(v, "datum", json_object_get(item, "planned_date"));
    json_object_set(v, "naam", json_object_get(item, "initiator_name"));
    json_object_set(v, "email", json_object_get(item, "initiator_email"));
    json_object_set(v, "telefoon", json_object_get(item, "initiator_phone"));
    json_object_set(v, "postcode", json_object_get(item, "initiator_postcode"));
    json_object_set(v, "huisnummer", json_object_get(item, "initiator_house_number"));
    json_object_set(v, "thema", json_object_get(item, "theme"));
    json_object_set_new(v, "akkoord", json_string("ja"));
    int n = 0;
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(item, "budget_lines"), i, row)
    {
        if (n == MAX_BUDGET_LINES)
            break;
        n++;
        long long c = (long long)json_integer_value(json_object_get(row, "amount_cents"));
        set_value(v, "post_%d_omschrijving", n, json_deep_copy(json_object_get(row, "item")));
        set_value(v, "post_%d_bedrag", n,
                  c % 100 ? json_sprintf("%lld,%02lld", c / 100, c % 100)
                          : json_sprintf("%lld", c / 100));
    }
    *lines = n;
    n = 0;
    json_array_foreach(json_object_get(item, "co_organisers"), i, row)
    {
        if (n == MAX_CO_ORGANISERS)
            break;
        n++;
        set_value(v, "mede_%d_naam", n, json_deep_copy(json_object_get(row, "name")));
        set_value(v, "mede_%d_postcode", n, json_deep_copy(json_object_get(row, "postcode")));
        set_value(v, "mede_%d_huisnummer", n, json_deep_copy(json_object_get(row, "house_number")));
    }
    *co_organisers = n;
    return v;
}

/* Leading blanks of a text field do not count (a textarea often starts with a line break). */
static const char *skip_blanks(const char *text)
{
    while (text && (*text == ' ' || *text == '\n' || *text == '\r'))
        text++;
    return text;
}

enum submission_result submission_check_text(const char *text, bool required)
{
    text = skip_blanks(text ? text : "");
    if (required && !*text)
        return SUBMISSION_TEXT_INVALID;
    return utf8_length(text, strlen(text)) <= SUBMISSION_TEXT_MAX ? SUBMISSION_OK
                                                                  : SUBMISSION_TEXT_INVALID;
}

static enum submission_result from_workflow(enum workflow_result r)
{
    switch (r) {
    case WF_OK:
        return SUBMISSION_OK;
    case WF_NOT_FOUND:
        return SUBMISSION_NOT_FOUND;
    case WF_NOT_ALLOWED:
    case WF_OUT_OF_AREA: /* staff only; an initiator acts on the own initiative */
        return SUBMISSION_NOT_ALLOWED;
    case WF_NO_TEXT:
        return SUBMISSION_TEXT_INVALID;
    case WF_BUSY:
        break;
    }
    return SUBMISSION_BUSY;
}

/* The initiative's state and initiator name: SUBMISSION_OK, _NOT_FOUND or _BUSY. */
static enum submission_result state_of(struct db *db, int64_t id, char state[24], char name[416])
{
    sqlite3_stmt *s = db_prepare(db, "SELECT state, initiator_name FROM initiatives WHERE id = ?");
    if (!s)
        return SUBMISSION_BUSY;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        snprintf(state, 24, "%s", (const char *)sqlite3_column_text(s, 0));
        snprintf(name, 416, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW    ? SUBMISSION_OK
           : rc == SQLITE_DONE ? SUBMISSION_NOT_FOUND
                               : SUBMISSION_BUSY;
}

/* Closes a transaction begun by the caller: commits on SUBMISSION_OK, else rolls back. */
static enum submission_result finish(struct db *db, enum submission_result r)
{
    if (r != SUBMISSION_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? SUBMISSION_OK : SUBMISSION_BUSY;
}

enum submission_result submission_resubmit(struct db *db, int64_t id, const char *answer,
                                           time_t now)
{
    if (submission_check_text(answer, false) != SUBMISSION_OK)
        return SUBMISSION_TEXT_INVALID;
    answer = skip_blanks(answer ? answer : "");
    if (!db_begin(db))
        return SUBMISSION_BUSY;
    enum submission_result r = from_workflow(
        workflow_transition(db, id, "ingediend", ACTOR_INITIATOR, "initiatiefnemer", answer, now));
    char state[24], name[416];
    if (r == SUBMISSION_OK)
        r = state_of(db, id, state, name);
    if (r == SUBMISSION_OK && *answer) {
        /* The answer is kept only with a resubmission that happened. */
        char when[20];
        utc_text(now, when);
        sqlite3_stmt *m = db_prepare(db, "INSERT INTO initiative_messages(initiative_id, "
                                         "author_role, author_name, body, created_at) "
                                         "VALUES (?, 'initiatiefnemer', ?, ?, ?)");
        if (!m)
            return finish(db, SUBMISSION_BUSY);
        sqlite3_bind_int64(m, 1, id);
        sqlite3_bind_text(m, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(m, 3, answer, -1, SQLITE_STATIC);
        sqlite3_bind_text(m, 4, when, -1, SQLITE_STATIC);
        if (sqlite3_step(m) != SQLITE_DONE)
            r = SUBMISSION_BUSY;
        sqlite3_reset(m);
    }
    return finish(db, r);
}

enum submission_result submission_withdraw(struct db *db, int64_t id, time_t now)
{
    return from_workflow(workflow_transition(db, id, "ingetrokken", ACTOR_INITIATOR,
                                             "initiatiefnemer",
                                             "ingetrokken door de initiatiefnemer", now));
}

/* The update row with its photo and audit entry, inside the caller's transaction. */
static enum submission_result add_update(struct db *db, int64_t id, const char *name,
                                         const char *body, const struct photo *photo, bool audited,
                                         time_t now)
{
    int64_t photo_id = 0;
    if (photo && !(photo_id = photo_store(db, photo)))
        return SUBMISSION_BUSY;
    char when[20];
    utc_text(now, when);
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO initiative_updates(initiative_id, "
                                     "author_role, author_name, body, created_at, photo_id) "
                                     "VALUES (?, 'initiatiefnemer', ?, ?, ?, ?)");
    if (!s)
        return SUBMISSION_BUSY;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, when, -1, SQLITE_STATIC);
    if (photo_id)
        sqlite3_bind_int64(s, 5, photo_id);
    else
        sqlite3_bind_null(s, 5);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    char subject[40];
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)id);
    ok = ok && (!audited || audit_add(db, now, "initiatiefnemer", "update", subject, "", "", ""));
    ok = ok && (!audited || notify_update(db, id, now)); /* the report comes with uitgevoerd */
    return ok ? SUBMISSION_OK : SUBMISSION_BUSY;
}

enum submission_result submission_post_update(struct db *db, int64_t id, const char *body,
                                              const struct photo *photo, time_t now)
{
    if (submission_check_text(body, true) != SUBMISSION_OK)
        return SUBMISSION_TEXT_INVALID;
    body = skip_blanks(body);
    if (!db_begin(db))
        return SUBMISSION_BUSY;
    char state[24], name[416];
    enum submission_result r = state_of(db, id, state, name);
    if (r == SUBMISSION_OK && strcmp(state, "open") != 0 && strcmp(state, "gefinancierd") != 0)
        r = SUBMISSION_NOT_ALLOWED;
    if (r == SUBMISSION_OK)
        r = add_update(db, id, name, body, photo, true, now);
    return finish(db, r);
}

enum submission_result submission_complete(struct db *db, int64_t id, const char *report,
                                           const struct photo *photo, time_t now)
{
    if (submission_check_text(report, true) != SUBMISSION_OK)
        return SUBMISSION_TEXT_INVALID;
    report = skip_blanks(report);
    if (!db_begin(db))
        return SUBMISSION_BUSY;
    char state[24], name[416];
    enum submission_result r = state_of(db, id, state, name);
    /* The transition checks the state again; this keeps a refusal free of any write. */
    if (r == SUBMISSION_OK && strcmp(state, "gefinancierd") != 0)
        r = SUBMISSION_NOT_ALLOWED;
    if (r == SUBMISSION_OK)
        r = from_workflow(workflow_transition(db, id, "uitgevoerd", ACTOR_INITIATOR,
                                              "initiatiefnemer", report, now));
    /* The transition's audit entry covers the report. */
    if (r == SUBMISSION_OK)
        r = add_update(db, id, name, report, photo, false, now);
    return finish(db, r);
}
