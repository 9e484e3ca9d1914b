/* E-mail texts. */
#include "domain/notify.h"
#include "db/db.h"
#include "domain/follow.h"
#include "domain/mail_queue.h"
#include "domain/settings.h"
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

struct facts {
    char title[160], name[120], email[260], site[128], base[256], contact[128];
    int64_t area_id;
    int64_t raised, target;
    char deadline[20];
};

static bool load(struct db *db, int64_t id, struct facts *f)
{
    memset(f, 0, sizeof *f);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT title, initiator_name, initiator_email, coalesce(area_id, 0), raised_cents, "
            "target_cents, coalesce(deadline, '') FROM initiatives WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    if (ok) {
        snprintf(f->title, sizeof f->title, "%s", (const char *)sqlite3_column_text(s, 0));
        snprintf(f->name, sizeof f->name, "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(f->email, sizeof f->email, "%s", (const char *)sqlite3_column_text(s, 2));
        f->area_id = sqlite3_column_int64(s, 3);
        f->raised = sqlite3_column_int64(s, 4);
        f->target = sqlite3_column_int64(s, 5);
        snprintf(f->deadline, sizeof f->deadline, "%s", (const char *)sqlite3_column_text(s, 6));
        /* The site's name, address and contact as every other reader has them. */
        json_t *all = settings_all(db);
        snprintf(f->site, sizeof f->site, "%s", settings_value(all, "site_naam", NULL));
        snprintf(f->contact, sizeof f->contact, "%s", settings_value(all, "contact_email", NULL));
        json_decref(all);
        settings_base_url(db, NULL, f->base, sizeof f->base);
    }
    sqlite3_reset(s);
    return ok;
}

static void sign_off(struct buf *b, const struct facts *f)
{
    buf_printf(b, "\nMet vriendelijke groet,\n%s\n\nVragen? Mail naar %s.\n", f->site, f->contact);
}

/* The followers of initiative id hear of it, in the caller's transaction. */
static bool to_initiative_followers(struct db *db, int64_t id, const struct facts *f,
                                    const char *format, time_t now)
{
    char headline[400], path[40];
    snprintf(headline, sizeof headline, format, f->title);
    snprintf(path, sizeof path, "/initiatieven/%lld", (long long)id);
    return follow_event_initiative(db, id, headline, path, now);
}

static bool send(struct db *db, time_t now, const char *to, const char *subject, struct buf *b)
{
    bool ok = !*to || mail_queue(db, now, to, subject, b->data ? b->data : "");
    buf_free(b);
    return ok;
}

bool notify_submitted(struct db *db, int64_t id, const char *manage_url, time_t now)
{
    struct facts f;
    if (!load(db, id, &f))
        return false;
    struct buf b = {0};
    buf_printf(&b, "Beste %s,\n\nBedankt voor het indienen van uw initiatief \"%s\". De "
                   "wijkregisseur bekijkt het en laat u weten of het online kan, of dat er nog iets "
                   "moet veranderen.\n\nVia deze persoonlijke link ziet u de stand van zaken, kunt u "
                   "uw initiatief aanpassen zolang het nog niet is goedgekeurd, en later updates "
                   "plaatsen:\n\n%s\n\nBewaar deze link goed en deel hem niet: iedereen met de link "
                   "kan uw initiatief beheren.\n",
               f.name, f.title, manage_url);
    sign_off(&b, &f);
    return send(db, now, f.email, "Uw initiatief is ontvangen", &b);
}

bool notify_state(struct db *db, int64_t id, const char *state, const char *message, time_t now)
{
    struct facts f;
    if (!load(db, id, &f))
        return false;
    struct buf b = {0};
    const char *subject = NULL;
    buf_printf(&b, "Beste %s,\n\n", f.name);
    if (!strcmp(state, "wijziging_gevraagd")) {
        subject = "Uw initiatief: de wijkregisseur vraagt een aanpassing";
        buf_printf(&b, "De wijkregisseur heeft uw initiatief \"%s\" bekeken en vraagt u het aan "
                       "te passen:\n\n%s\n\nGa naar uw persoonlijke link (uit de eerste e-mail) "
                       "om uw initiatief aan te passen en opnieuw in te dienen.\n",
                   f.title, message);
    } else if (!strcmp(state, "open")) {
        subject = "Uw initiatief is goedgekeurd en staat online";
        buf_printf(&b, "Goed nieuws: uw initiatief \"%s\" is goedgekeurd en staat nu online. "
                       "Bewoners kunnen er vanaf nu hun voucher aan geven:\n\n%s/initiatieven/%lld"
                       "\n\nVertel het uw buren: hoe meer mensen het weten, hoe sneller het "
                       "streefbedrag is gehaald.\n",
                   f.title, f.base, (long long)id);
    } else if (!strcmp(state, "afgewezen")) {
        subject = "Uw initiatief is niet goedgekeurd";
        buf_printf(&b, "Helaas kan uw initiatief \"%s\" niet worden goedgekeurd. De reden:\n\n"
                       "%s\n\nHeeft u vragen, of wilt u een nieuw plan bespreken? Neem dan "
                       "contact op met de wijkregisseur.\n",
                   f.title, message);
    } else if (!strcmp(state, "niet_gehaald")) {
        subject = "Uw initiatief heeft het streefbedrag niet gehaald";
        buf_printf(&b, "De termijn van uw initiatief \"%s\" is voorbij en het streefbedrag is "
                       "niet gehaald. De gedoneerde vouchers zijn vrijgegeven. Wilt u het opnieuw "
                       "proberen, bijvoorbeeld met een kleinere begroting? Neem contact op met de "
                       "wijkregisseur.\n",
                   f.title);
    } else {
        buf_free(&b);
        /* The initiator hears of nothing else; the followers of a carried-out one do. */
        return strcmp(state, "uitgevoerd") != 0 ||
               to_initiative_followers(db, id, &f, "\"%s\" is uitgevoerd", now);
    }
    sign_off(&b, &f);
    if (!send(db, now, f.email, subject, &b))
        return false;
    /* A published initiative is news for the followers of its area (a city-wide one has
     * none). */
    if (!strcmp(state, "open") && f.area_id) {
        char headline[400], path[40], area[200] = "";
        sqlite3_stmt *a = db_prepare(db, "SELECT name FROM areas WHERE id = ?");
        if (!a)
            return false;
        sqlite3_bind_int64(a, 1, f.area_id);
        if (sqlite3_step(a) == SQLITE_ROW)
            snprintf(area, sizeof area, "%s", (const char *)sqlite3_column_text(a, 0));
        sqlite3_reset(a);
        snprintf(headline, sizeof headline, "Nieuw initiatief in %s: \"%s\"", area, f.title);
        snprintf(path, sizeof path, "/initiatieven/%lld", (long long)id);
        return follow_event_area(db, f.area_id, headline, path, now);
    }
    return true;
}

/* The wijkregisseurs of the initiative's area, or the admins for a city-wide one. */
static bool to_staff(struct db *db, const struct facts *f, time_t now, const char *subject,
                     const char *text)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT DISTINCT u.email FROM users u WHERE u.disabled = 0 AND u.email <> '' AND "
            "(?1 = 0 AND u.role = 'admin' OR EXISTS (SELECT 1 FROM user_areas ua JOIN areas a "
            "ON a.id = ?1 WHERE ua.user_id = u.id AND (ua.area_id = a.id OR ua.area_id = a.parent_id)))");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, f->area_id);
    char to[16][260];
    int n = 0;
    while (sqlite3_step(s) == SQLITE_ROW && n < 16)
        snprintf(to[n++], sizeof to[0], "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    for (int i = 0; i < n; i++)
        if (!mail_queue(db, now, to[i], subject, text))
            return false;
    return true;
}

bool notify_staff_submitted(struct db *db, int64_t id, time_t now)
{
    struct facts f;
    if (!load(db, id, &f))
        return false;
    char text[1024];
    snprintf(text, sizeof text,
             "Er staat een initiatief klaar om te beoordelen: \"%s\".\n\n%s/beheer/initiatieven/%lld\n",
             f.title, f.base, (long long)id);
    return to_staff(db, &f, now, "Nieuw initiatief om te beoordelen", text);
}

bool notify_funded(struct db *db, int64_t id, time_t now)
{
    struct facts f;
    if (!load(db, id, &f))
        return false;
    struct buf b = {0};
    buf_printf(&b, "Beste %s,\n\nGefeliciteerd! Uw initiatief \"%s\" heeft het streefbedrag "
                   "gehaald. De gemeente neemt contact met u op over de uitbetaling. Daarna kunt u "
                   "aan de slag. Vergeet niet via uw persoonlijke link een update te plaatsen en, "
                   "als het klaar is, te melden dat het is uitgevoerd.\n",
               f.name, f.title);
    sign_off(&b, &f);
    if (!send(db, now, f.email, "Uw initiatief heeft het streefbedrag gehaald", &b))
        return false;
    char text[1024];
    snprintf(text, sizeof text,
             "Het initiatief \"%s\" heeft het streefbedrag gehaald en kan worden uitbetaald.\n\n"
             "%s/beheer/initiatieven/%lld\n",
             f.title, f.base, (long long)id);
    return to_staff(db, &f, now, "Initiatief gefinancierd", text) &&
           to_initiative_followers(db, id, &f, "\"%s\" heeft het streefbedrag gehaald", now);
}

bool notify_update(struct db *db, int64_t id, time_t now)
{
    struct facts f;
    return load(db, id, &f) &&
           to_initiative_followers(db, id, &f, "Nieuwe update bij \"%s\"", now);
}

bool notify_news(struct db *db, int64_t news_id, const char *published_now, time_t now)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT coalesce(area_id, 0), title FROM news WHERE id = ? "
                                     "AND published = 1 AND published_at = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, news_id);
    sqlite3_bind_text(s, 2, published_now, -1, SQLITE_TRANSIENT);
    int64_t area = 0;
    char headline[400] = "";
    if (sqlite3_step(s) == SQLITE_ROW) {
        area = sqlite3_column_int64(s, 0);
        snprintf(headline, sizeof headline, "Nieuw bericht: \"%s\"",
                 (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_reset(s);
    if (!area)
        return true; /* not published just now, or city-wide */
    char path[40];
    snprintf(path, sizeof path, "/berichten/%lld", (long long)news_id);
    return follow_event_area(db, area, headline, path, now);
}

bool notify_reminder(struct db *db, int64_t id, time_t now)
{
    struct facts f;
    if (!load(db, id, &f))
        return false;
    struct buf b = {0};
    buf_printf(&b, "Beste %s,\n\nOver een week sluit de termijn van uw initiatief \"%s\". Er is "
                   "nu %lld,%02lld euro van de %lld,%02lld euro opgehaald. Vraag uw buren nog één "
                   "keer om hun voucher te doneren:\n\n%s/initiatieven/%lld\n",
               f.name, f.title, (long long)(f.raised / 100), (long long)(f.raised % 100),
               (long long)(f.target / 100), (long long)(f.target % 100), f.base, (long long)id);
    sign_off(&b, &f);
    return send(db, now, f.email, "Nog een week voor uw initiatief", &b);
}
