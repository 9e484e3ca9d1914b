/* Following by e-mail: requests with double opt-in, links kept only as hashes, messages per
 * event or in digests, unsubscribing that leaves nothing but a count. */
#include "domain/follow.h"
#include "db/db.h"
#include "domain/mail_format.h"
#include "domain/mail_queue.h"
#include "domain/settings.h"
#include "util/buf.h"
#include "util/text.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum { TOKEN_BYTES = 24, HASH_BYTES = 32, SUBJECT_BYTES = 180 };

static const char *const FREQUENCIES[] = {"direct", "dag", "week"};

bool follow_target_find(struct db *db, int64_t initiative_id, const char *area_slug,
                        struct follow_target *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    if (initiative_id > 0) {
        s = db_prepare(db, "SELECT id, title FROM initiatives WHERE id = ? AND state IN "
                           "('open', 'gefinancierd')");
        if (!s)
            return false;
        sqlite3_bind_int64(s, 1, initiative_id);
    } else {
        if (!area_slug || !*area_slug)
            return false;
        s = db_prepare(db, "SELECT id, name, slug FROM areas WHERE slug = ?");
        if (!s)
            return false;
        sqlite3_bind_text(s, 1, area_slug, -1, SQLITE_TRANSIENT);
    }
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        int64_t id = sqlite3_column_int64(s, 0);
        snprintf(out->title, sizeof out->title, "%s", (const char *)sqlite3_column_text(s, 1));
        if (initiative_id > 0) {
            out->initiative_id = id;
            snprintf(out->path, sizeof out->path, "/initiatieven/%lld", (long long)id);
        } else {
            out->area_id = id;
            snprintf(out->path, sizeof out->path, "/wijken/%s",
                     (const char *)sqlite3_column_text(s, 2));
        }
    }
    sqlite3_reset(s);
    return found;
}

bool follow_validate(field_getter get, void *ctx, struct follow_form *out, json_t *errors)
{
    memset(out, 0, sizeof *out);
    const char *v = get(ctx, "email");
    if (!v)
        v = "";
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    bool ok = n < sizeof out->email;
    if (ok) {
        for (size_t i = 0; i < n; i++)
            out->email[i] = (char)tolower((unsigned char)v[i]);
        out->email[n] = '\0';
        ok = email_valid(out->email) && mail_address_usable(out->email);
    }
    if (!ok) {
        out->email[0] = '\0';
        json_object_set_new(errors, "email",
                            json_string("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."));
    }
    const char *f = get(ctx, "frequentie");
    size_t i = 0;
    while (f && i < 3 && strcmp(f, FREQUENCIES[i]) != 0)
        i++;
    if (!f || i == 3)
        json_object_set_new(errors, "frequentie",
                            json_string("Kies hoe vaak u bericht wilt krijgen."));
    else
        out->frequency = (enum follow_frequency)i;
    return json_object_size(errors) == 0;
}

/* One integer from sql bound to id; -1 on an error or no row. */
static int64_t int_at(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_reset(s);
    return v;
}

/* ---- Links ---- */

static void token_new(char out[FOLLOW_TOKEN_CHARS + 1])
{
    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(out, FOLLOW_TOKEN_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* 24 random bytes are beyond guessing, so a plain hash is enough: what the database keeps
 * cannot be turned back into a working link. */
static bool token_hash(const char *token, unsigned char out[HASH_BYTES])
{
    if (!token || strlen(token) != FOLLOW_TOKEN_CHARS)
        return false;
    for (const char *p = token; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
            return false;
    crypto_generichash(out, HASH_BYTES, (const unsigned char *)token, FOLLOW_TOKEN_CHARS, NULL, 0);
    return true;
}

static bool step_done(sqlite3_stmt *s)
{
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

/* A new unsubscribe link of follow id, its token in out. */
static bool link_new(struct db *db, int64_t id, const char *at, char out[FOLLOW_TOKEN_CHARS + 1])
{
    unsigned char hash[HASH_BYTES];
    token_new(out);
    token_hash(out, hash);
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO follow_tokens(follow_id, hash, created_at) "
                                     "VALUES (?, ?, ?)");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_blob(s, 2, hash, sizeof hash, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, at, -1, SQLITE_TRANSIENT);
    return step_done(s);
}

/* The follow a query on a hash (?1) answers, what it is for in *what: its id, 0 when none,
 * -1 on an error. The query gives id, initiative_id, area_id. */
static int64_t follow_by_hash(struct db *db, const char *sql, const unsigned char *hash,
                              const char *extra, struct follow_target *what)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return -1;
    sqlite3_bind_blob(s, 1, hash, HASH_BYTES, SQLITE_TRANSIENT);
    if (extra)
        sqlite3_bind_text(s, 2, extra, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    int64_t id = 0, initiative = 0, area = 0;
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        initiative = sqlite3_column_int64(s, 1);
        area = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? 0 : -1;
    if (what) {
        memset(what, 0, sizeof *what);
        sqlite3_stmt *t = initiative ? db_prepare(db, "SELECT title FROM initiatives WHERE id = ?")
                                     : db_prepare(db, "SELECT name, slug FROM areas WHERE id = ?");
        if (t) {
            sqlite3_bind_int64(t, 1, initiative ? initiative : area);
            if (sqlite3_step(t) == SQLITE_ROW) {
                snprintf(what->title, sizeof what->title, "%s",
                         (const char *)sqlite3_column_text(t, 0));
                if (initiative)
                    snprintf(what->path, sizeof what->path, "/initiatieven/%lld",
                             (long long)initiative);
                else
                    snprintf(what->path, sizeof what->path, "/wijken/%s",
                             (const char *)sqlite3_column_text(t, 1));
            }
            sqlite3_reset(t);
        }
        what->initiative_id = initiative;
        what->area_id = area;
    }
    return id;
}

/* ---- Messages ---- */

struct site {
    char name[256], base[256];
};

static void site_load(struct db *db, struct site *site)
{
    json_t *all = settings_all(db);
    snprintf(site->name, sizeof site->name, "%s", settings_value(all, "site_naam", NULL));
    json_decref(all);
    settings_base_url(db, NULL, site->base, sizeof site->base);
}

/* The subject: the text cut at a character boundary to fit. */
static void subject_of(const char *text, char out[SUBJECT_BYTES + 1])
{
    size_t n = strlen(text);
    if (n > SUBJECT_BYTES) {
        n = SUBJECT_BYTES - 3;
        while (n && ((unsigned char)text[n] & 0xc0) == 0x80)
            n--;
        snprintf(out, SUBJECT_BYTES + 1, "%.*s...", (int)n, text);
    } else {
        snprintf(out, SUBJECT_BYTES + 1, "%s", text);
    }
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
}

/* The closing of every message to a follower: why it came and the link to stop it. */
static void put_closing(struct buf *b, const struct site *site, const char *title, const char *url)
{
    buf_printf(b,
               "\nU krijgt dit bericht omdat u \"%s\" volgt op %s. Wilt u dit niet meer? Meld u "
               "dan af met deze link (dan bewaren wij niets meer van u):\n%s\n"
               "\nMet vriendelijke groet,\n%s\n",
               title, site->name, url, site->name);
}

/* Queues one message to follow id with a new unsubscribe link: body_start, then the
 * closing. */
static bool send_to(struct db *db, int64_t id, const char *email, const char *title,
                    const char *subject, const char *body_start, const char *at, time_t now)
{
    struct site site;
    site_load(db, &site);
    char token[FOLLOW_TOKEN_CHARS + 1];
    if (!link_new(db, id, at, token))
        return false;
    char url[512];
    snprintf(url, sizeof url, "%s/afmelden/%s", site.base, token);
    struct buf b = {0};
    buf_puts(&b, body_start);
    put_closing(&b, &site, title, url);
    char cut[SUBJECT_BYTES + 1];
    subject_of(subject, cut);
    bool ok = mail_queue_follower(db, now, email, url, cut, b.data);
    buf_free(&b);
    return ok;
}

enum follow_result follow_request(struct db *db, const struct follow_target *target,
                                  const struct follow_form *form, time_t now)
{
    if (!db_begin(db))
        return FOLLOW_BUSY;
    /* Still there and followable, now that the write began. */
    int64_t present =
        target->initiative_id
            ? int_at(db,
                     "SELECT count(*) FROM initiatives WHERE id = ? AND state IN ('open', "
                     "'gefinancierd')",
                     target->initiative_id)
            : int_at(db, "SELECT count(*) FROM areas WHERE id = ?", target->area_id);
    if (present <= 0) {
        db_commit(db);
        return FOLLOW_NOT_FOUND;
    }
    struct follow_target t = *target;
    char at[20], token[FOLLOW_TOKEN_CHARS + 1];
    utc_text(now, at);
    unsigned char hash[HASH_BYTES];
    token_new(token);
    token_hash(token, hash);
    const char *frequency = FREQUENCIES[form->frequency];
    /* One row per address and target: asking again renews the pending link and frequency. */
    sqlite3_stmt *s = db_prepare(
        db, "INSERT INTO follows(email, initiative_id, area_id, frequency, created_at, "
            "confirm_hash, requested_at, requested_frequency) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, "
            "?4) ON CONFLICT (email, coalesce(initiative_id, 0), coalesce(area_id, 0)) DO UPDATE "
            "SET confirm_hash = excluded.confirm_hash, requested_at = excluded.requested_at, "
            "requested_frequency = excluded.requested_frequency");
    bool ok = s != NULL;
    if (s) {
        sqlite3_bind_text(s, 1, form->email, -1, SQLITE_TRANSIENT);
        if (t.initiative_id)
            sqlite3_bind_int64(s, 2, t.initiative_id);
        else
            sqlite3_bind_null(s, 2);
        if (t.area_id)
            sqlite3_bind_int64(s, 3, t.area_id);
        else
            sqlite3_bind_null(s, 3);
        sqlite3_bind_text(s, 4, frequency, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, at, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(s, 6, hash, sizeof hash, SQLITE_TRANSIENT);
        ok = step_done(s);
    }
    int64_t id = ok ? follow_by_hash(db, "SELECT id, 0, 0 FROM follows WHERE confirm_hash = ?1",
                                     hash, NULL, NULL)
                    : -1;
    ok = id > 0;
    if (ok) {
        struct site site;
        site_load(db, &site);
        static const char *const how[] = {"bij elk nieuwtje een e-mail",
                                          "één e-mail per dag met het nieuws",
                                          "één e-mail per week met het nieuws"};
        struct buf b = {0};
        buf_printf(&b,
                   "Beste buurtgenoot,\n\nIemand, hopelijk u, wil met dit e-mailadres \"%s\" "
                   "volgen op %s: %s.\n\nBevestig dat met deze link (hij werkt %d dagen):\n"
                   "%s/volgen/bevestigen/%s\n\nHebt u dit niet gevraagd? Dan hoeft u niets te "
                   "doen: zonder bevestiging krijgt u niets en vergeten wij uw adres.\n",
                   t.title, site.name, how[form->frequency], FOLLOW_PENDING_DAYS, site.base, token);
        char subject[600];
        snprintf(subject, sizeof subject, "Bevestig: volgen per e-mail van \"%s\"", t.title);
        ok = send_to(db, id, form->email, t.title, subject, b.data, at, now);
        buf_free(&b);
    }
    if (!ok) {
        db_rollback(db);
        return FOLLOW_BUSY;
    }
    return db_commit(db) ? FOLLOW_OK : FOLLOW_BUSY;
}

static const char PENDING_SQL[] = "SELECT id, coalesce(initiative_id, 0), coalesce(area_id, 0) "
                                  "FROM follows WHERE confirm_hash = ?1 AND requested_at >= ?2";

static void pending_limit(time_t now, char out[20])
{
    utc_text(now - (time_t)FOLLOW_PENDING_DAYS * 86400, out);
}

bool follow_pending(struct db *db, const char *token, time_t now, struct follow_target *what)
{
    unsigned char hash[HASH_BYTES];
    char limit[20];
    pending_limit(now, limit);
    return token_hash(token, hash) && follow_by_hash(db, PENDING_SQL, hash, limit, what) > 0;
}

/* One more confirmation or unsubscription today (the dashboard's counts, without people). */
enum day_count { COUNT_CONFIRMED, COUNT_UNSUBSCRIBED };

static bool count_today(struct db *db, time_t now, enum day_count which)
{
    /* One literal per column: the statement cache knows a statement by its text's address. */
    static const char *const sql[] = {
        [COUNT_CONFIRMED] = "INSERT INTO follow_stats(day, confirmed) VALUES (?, 1) "
                            "ON CONFLICT (day) DO UPDATE SET confirmed = confirmed + 1",
        [COUNT_UNSUBSCRIBED] = "INSERT INTO follow_stats(day, unsubscribed) VALUES (?, 1) "
                               "ON CONFLICT (day) DO UPDATE SET unsubscribed = unsubscribed + 1",
    };
    char at[20];
    utc_text(now, at);
    at[10] = '\0';
    sqlite3_stmt *s = db_prepare(db, sql[which]);
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, at, -1, SQLITE_TRANSIENT);
    return step_done(s);
}

enum follow_result follow_confirm(struct db *db, const char *token, time_t now,
                                  struct follow_target *what)
{
    unsigned char hash[HASH_BYTES];
    if (!token_hash(token, hash))
        return FOLLOW_NOT_FOUND;
    if (!db_begin(db))
        return FOLLOW_BUSY;
    char limit[20], at[20];
    pending_limit(now, limit);
    utc_text(now, at);
    int64_t id = follow_by_hash(db, PENDING_SQL, hash, limit, what);
    if (id <= 0) {
        db_commit(db);
        return id == 0 ? FOLLOW_NOT_FOUND : FOLLOW_BUSY;
    }
    int64_t was_confirmed =
        int_at(db, "SELECT confirmed_at IS NOT NULL FROM follows WHERE id = ?", id);
    bool ok = was_confirmed >= 0;
    sqlite3_stmt *s = db_prepare(
        db, "UPDATE follows SET frequency = requested_frequency, confirmed_at = "
            "coalesce(confirmed_at, ?2), last_digest_at = coalesce(last_digest_at, ?2), "
            "confirm_hash = NULL, requested_at = NULL, requested_frequency = NULL WHERE id = ?1");
    ok = ok && s;
    if (ok) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, at, -1, SQLITE_TRANSIENT);
        ok = step_done(s);
    }
    ok = ok && (was_confirmed || count_today(db, now, COUNT_CONFIRMED));
    if (!ok) {
        db_rollback(db);
        return FOLLOW_BUSY;
    }
    return db_commit(db) ? FOLLOW_OK : FOLLOW_BUSY;
}

static const char LINK_SQL[] =
    "SELECT f.id, coalesce(f.initiative_id, 0), coalesce(f.area_id, 0) FROM follow_tokens t "
    "JOIN follows f ON f.id = t.follow_id WHERE t.hash = ?1";

bool follow_by_link(struct db *db, const char *token, struct follow_target *what)
{
    unsigned char hash[HASH_BYTES];
    return token_hash(token, hash) && follow_by_hash(db, LINK_SQL, hash, NULL, what) > 0;
}

enum follow_result follow_unsubscribe(struct db *db, const char *token, time_t now,
                                      struct follow_target *what)
{
    unsigned char hash[HASH_BYTES];
    if (!token_hash(token, hash))
        return FOLLOW_NOT_FOUND;
    if (!db_begin(db))
        return FOLLOW_BUSY;
    int64_t id = follow_by_hash(db, LINK_SQL, hash, NULL, what);
    if (id <= 0) {
        db_commit(db);
        return id == 0 ? FOLLOW_NOT_FOUND : FOLLOW_BUSY;
    }
    int64_t was_confirmed =
        int_at(db, "SELECT confirmed_at IS NOT NULL FROM follows WHERE id = ?", id);
    bool ok = was_confirmed >= 0;
    /* Its links and digest lines go with it (ON DELETE CASCADE); said here as well, so that
     * nothing stays should the foreign keys be off. */
    static const char *const deletes[] = {"DELETE FROM follow_events WHERE follow_id = ?",
                                          "DELETE FROM follow_tokens WHERE follow_id = ?",
                                          "DELETE FROM follows WHERE id = ?"};
    for (size_t i = 0; ok && i < 3; i++) {
        sqlite3_stmt *s = db_prepare(db, deletes[i]);
        ok = s != NULL;
        if (s) {
            sqlite3_bind_int64(s, 1, id);
            ok = step_done(s);
        }
    }
    ok = ok && (!was_confirmed || count_today(db, now, COUNT_UNSUBSCRIBED));
    if (!ok) {
        db_rollback(db);
        return FOLLOW_BUSY;
    }
    return db_commit(db) ? FOLLOW_OK : FOLLOW_BUSY;
}

/* ---- Events ---- */

/* For every confirmed follow the query (bound to ?1 = key) gives (id, email, frequency):
 * a message now, or a line for the digest. */
static bool deliver(struct db *db, const char *sql, int64_t key, const char *title,
                    const char *headline, const char *path, time_t now)
{
    char at[20];
    utc_text(now, at);
    struct site site;
    site_load(db, &site);
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, key);
    /* The statement is read to the end first: queueing prepares statements of its own. */
    json_t *rows = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        json_array_append_new(rows, json_pack("{s:I, s:s, s:s}", "id",
                                              (json_int_t)sqlite3_column_int64(s, 0), "email",
                                              (const char *)sqlite3_column_text(s, 1), "freq",
                                              (const char *)sqlite3_column_text(s, 2)));
    sqlite3_reset(s);
    bool ok = rc == SQLITE_DONE;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (!ok)
            break;
        int64_t id = json_integer_value(json_object_get(row, "id"));
        const char *email = json_string_value(json_object_get(row, "email"));
        if (!strcmp(json_string_value(json_object_get(row, "freq")), "direct")) {
            struct buf b = {0};
            buf_printf(&b, "Beste buurtgenoot,\n\n%s\n\nLees meer:\n%s%s\n", headline, site.base,
                       path);
            ok = send_to(db, id, email, title, headline, b.data, at, now);
            buf_free(&b);
        } else {
            sqlite3_stmt *e = db_prepare(db, "INSERT INTO follow_events(follow_id, created_at, "
                                             "headline, path) VALUES (?, ?, ?, ?)");
            ok = e != NULL;
            if (e) {
                sqlite3_bind_int64(e, 1, id);
                sqlite3_bind_text(e, 2, at, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(e, 3, headline, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(e, 4, path, -1, SQLITE_TRANSIENT);
                ok = step_done(e);
            }
        }
    }
    json_decref(rows);
    return ok;
}

bool follow_event_initiative(struct db *db, int64_t initiative_id, const char *headline,
                             const char *path, time_t now)
{
    char title[512] = "";
    sqlite3_stmt *t = db_prepare(db, "SELECT title FROM initiatives WHERE id = ?");
    if (!t)
        return false;
    sqlite3_bind_int64(t, 1, initiative_id);
    if (sqlite3_step(t) == SQLITE_ROW)
        snprintf(title, sizeof title, "%s", (const char *)sqlite3_column_text(t, 0));
    sqlite3_reset(t);
    return deliver(db,
                   "SELECT id, email, frequency FROM follows WHERE initiative_id = ?1 AND "
                   "confirmed_at IS NOT NULL ORDER BY id",
                   initiative_id, title, headline, path, now);
}

bool follow_event_area(struct db *db, int64_t area_id, const char *headline, const char *path,
                       time_t now)
{
    /* The followers of a wijk hear of its buurten too; the closing names what they follow. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT f.id, f.email, f.frequency, a.name FROM follows f JOIN areas a ON a.id = "
            "f.area_id WHERE f.confirmed_at IS NOT NULL AND (f.area_id = ?1 OR f.area_id = "
            "(SELECT parent_id FROM areas WHERE id = ?1)) ORDER BY f.id");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, area_id);
    json_t *names = json_array();
    json_t *ids = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        json_array_append_new(ids, json_integer(sqlite3_column_int64(s, 0)));
        json_array_append_new(names, json_string((const char *)sqlite3_column_text(s, 3)));
    }
    sqlite3_reset(s);
    bool ok = rc == SQLITE_DONE;
    for (size_t i = 0; ok && i < json_array_size(ids); i++)
        ok = deliver(db, "SELECT id, email, frequency FROM follows WHERE id = ?1",
                     json_integer_value(json_array_get(ids, i)),
                     json_string_value(json_array_get(names, i)), headline, path, now);
    json_decref(names);
    json_decref(ids);
    return ok;
}

/* ---- Housekeeping ---- */

static bool exec_text(struct db *db, const char *sql, const char *text)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
    return step_done(s);
}

bool follow_expire(struct db *db, time_t now)
{
    char limit[20], old[20];
    pending_limit(now, limit);
    utc_text(now - (time_t)FOLLOW_TOKEN_KEEP_DAYS * 86400, old);
    return exec_text(db,
                     "DELETE FROM follow_events WHERE follow_id IN (SELECT id FROM follows "
                     "WHERE confirmed_at IS NULL AND requested_at < ?1)",
                     limit) &&
           exec_text(db,
                     "DELETE FROM follow_tokens WHERE follow_id IN (SELECT id FROM follows "
                     "WHERE confirmed_at IS NULL AND requested_at < ?1)",
                     limit) &&
           exec_text(db, "DELETE FROM follows WHERE confirmed_at IS NULL AND requested_at < ?1",
                     limit) &&
           exec_text(db,
                     "UPDATE follows SET confirm_hash = NULL, requested_at = NULL, "
                     "requested_frequency = NULL WHERE requested_at < ?1",
                     limit) &&
           exec_text(db,
                     "DELETE FROM follow_tokens WHERE created_at < ?1 AND id NOT IN (SELECT "
                     "max(id) FROM follow_tokens GROUP BY follow_id)",
                     old);
}

int follow_send_digests(struct db *db, time_t now)
{
    if (!db_begin(db))
        return -1;
    char day[20], week[20], at[20];
    utc_text(now - 86400, day);
    utc_text(now - 7 * 86400, week);
    utc_text(now, at);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT f.id, f.email, f.frequency, coalesce(i.title, a.name) FROM follows f "
            "LEFT JOIN initiatives i ON i.id = f.initiative_id LEFT JOIN areas a ON a.id = "
            "f.area_id WHERE f.confirmed_at IS NOT NULL AND ((f.frequency = 'dag' AND "
            "f.last_digest_at <= ?1) OR (f.frequency = 'week' AND f.last_digest_at <= ?2)) AND "
            "EXISTS (SELECT 1 FROM follow_events e WHERE e.follow_id = f.id) ORDER BY f.id "
            "LIMIT ?3");
    if (!s) {
        db_rollback(db);
        return -1;
    }
    sqlite3_bind_text(s, 1, day, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, week, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 3, FOLLOW_DIGESTS_PER_PASS);
    json_t *due = json_array();
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        json_array_append_new(due, json_pack("{s:I, s:s, s:s, s:s}", "id",
                                             (json_int_t)sqlite3_column_int64(s, 0), "email",
                                             (const char *)sqlite3_column_text(s, 1), "freq",
                                             (const char *)sqlite3_column_text(s, 2), "title",
                                             (const char *)sqlite3_column_text(s, 3)));
    sqlite3_reset(s);
    bool ok = rc == SQLITE_DONE;
    struct site site;
    site_load(db, &site);
    size_t i;
    json_t *f;
    json_array_foreach(due, i, f)
    {
        if (!ok)
            break;
        int64_t id = json_integer_value(json_object_get(f, "id"));
        const char *title = json_string_value(json_object_get(f, "title"));
        bool daily = !strcmp(json_string_value(json_object_get(f, "freq")), "dag");
        struct buf b = {0};
        buf_printf(&b, "Beste buurtgenoot,\n\nHet nieuws van de afgelopen %s over \"%s\":\n\n",
                   daily ? "dag" : "week", title);
        sqlite3_stmt *e = db_prepare(db, "SELECT headline, path FROM follow_events WHERE "
                                         "follow_id = ? ORDER BY id");
        ok = e != NULL;
        if (e) {
            sqlite3_bind_int64(e, 1, id);
            while ((rc = sqlite3_step(e)) == SQLITE_ROW)
                buf_printf(&b, "- %s\n  %s%s\n\n", (const char *)sqlite3_column_text(e, 0),
                           site.base, (const char *)sqlite3_column_text(e, 1));
            sqlite3_reset(e);
            ok = rc == SQLITE_DONE;
        }
        char subject[SUBJECT_BYTES + 1];
        snprintf(subject, sizeof subject, "%s: \"%s\"",
                 daily ? "Het nieuws van vandaag" : "Het nieuws van deze week", title);
        ok = ok && send_to(db, id, json_string_value(json_object_get(f, "email")), title, subject,
                           b.data, at, now);
        buf_free(&b);
        sqlite3_stmt *d =
            ok ? db_prepare(db, "DELETE FROM follow_events WHERE follow_id = ?") : NULL;
        sqlite3_stmt *u =
            ok ? db_prepare(db, "UPDATE follows SET last_digest_at = ? WHERE id = ?") : NULL;
        ok = d && u;
        if (ok) {
            sqlite3_bind_int64(d, 1, id);
            sqlite3_bind_text(u, 1, at, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(u, 2, id);
            ok = step_done(d) && step_done(u);
        }
    }
    int n = (int)json_array_size(due);
    json_decref(due);
    if (!ok) {
        db_rollback(db);
        return -1;
    }
    return db_commit(db) ? n : -1;
}

bool follow_counts(struct db *db, time_t now, int days, struct follow_counts *out)
{
    memset(out, 0, sizeof *out);
    char since[20];
    utc_text(now - (time_t)days * 86400, since);
    since[10] = '\0';
    sqlite3_stmt *s =
        db_prepare(db, "SELECT (SELECT count(*) FROM follows WHERE confirmed_at IS NOT NULL), "
                       "(SELECT count(*) FROM follows WHERE confirmed_at IS NULL), "
                       "(SELECT coalesce(sum(confirmed), 0) FROM follow_stats WHERE day > ?1), "
                       "(SELECT coalesce(sum(unsubscribed), 0) FROM follow_stats WHERE day > ?1)");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, since, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    if (ok) {
        out->following = sqlite3_column_int64(s, 0);
        out->pending = sqlite3_column_int64(s, 1);
        out->confirmed_days = sqlite3_column_int64(s, 2);
        out->unsubscribed_days = sqlite3_column_int64(s, 3);
    }
    sqlite3_reset(s);
    return ok;
}
