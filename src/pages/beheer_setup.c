/* Admin screens for setting up a round: areas, rounds, the household import with a preview,
 * voucher issuance with the printer's file and printable letters, a lost letter replaced, and
 * the areas of a staff member. */
#include "app.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"
#include "domain/households.h"
#include "domain/printfiles.h"
#include "domain/issuance.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "domain/submission.h"
#include "domain/users.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/csv_write.h"
#include "util/text.h"
#include "view/format.h"
#include "view/qr.h"
#include "view/tmpl.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static json_t *base(struct request *req, const struct user *user)
{
    json_t *data = json_pack("{s:s}", "csrf", csrf_token(req));
    staff_view(data, user);
    const char *done = request_query(req, "gedaan");
    if (done && *done)
        json_object_set_new(data, "notice", json_string("De wijziging is opgeslagen."));
    return data;
}

static void go(struct request *req, const char *to)
{
    response_set_header(req, "Location", to);
    page_text(req, 303, "Gedaan.\n");
}

static const char *form_text(struct request *req, const char *name, size_t max, bool required)
{
    const char *v = request_form(req, name);
    if (!v)
        v = "";
    if ((required && !*v) || utf8_length(v, strlen(v)) > max || strchr(v, '\n'))
        return NULL;
    return v;
}

/* ---- Areas ---- */

void setup_areas_page(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    json_t *data = base(req, &user);
    sqlite3_stmt *s = db_prepare(req->db, "SELECT a.id, a.kind, a.slug, a.name, a.venue_name, "
                                          "a.director_name, p.name AS parent_name FROM areas a "
                                          "LEFT JOIN areas p ON p.id = a.parent_id "
                                          "ORDER BY coalesce(p.name, a.name), a.parent_id IS NOT NULL, a.name");
    json_t *rows = s ? db_rows_array(s) : NULL;
    json_object_set_new(data, "areas", rows ? rows : json_array());
    s = db_prepare(req->db, "SELECT id, name FROM areas WHERE parent_id IS NULL ORDER BY name");
    rows = s ? db_rows_array(s) : NULL;
    json_object_set_new(data, "parents", rows ? rows : json_array());
    page_render(req, "setup_areas", "Wijken, dorpen en buurten", data);
}

static const char *const area_fields[] = {"description", "venue_name", "venue_address",
                                          "director_name", "director_email", "director_phone"};

void setup_area_page(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    int64_t id = page_id_param(req->params[0]);
    sqlite3_stmt *s = db_prepare(req->db, "SELECT * FROM areas WHERE id = ?");
    json_t *area = NULL;
    if (s && id > 0) {
        sqlite3_bind_int64(s, 1, id);
        area = db_first_row(s);
    }
    if (!area) {
        page_error(req, 404, "Dit gebied bestaat niet.");
        return;
    }
    json_t *data = base(req, &user);
    json_object_set_new(data, "a", area);
    page_render(req, "setup_area", json_string_value(json_object_get(area, "name")), data);
}

/* Adds (no id) or edits an area; the slug is made from the name when a new one has none. */
static void area_save(struct request *req, int64_t id)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    const char *name = form_text(req, "name", 80, true);
    const char *vals[6];
    bool ok = name != NULL;
    for (int i = 0; i < 6; i++) {
        vals[i] = form_text(req, area_fields[i], i == 0 ? 2000 : 200, false);
        if (i == 0 && !vals[0]) { /* the description may have paragraphs */
            const char *d = request_form(req, "description");
            vals[0] = d && utf8_length(d, strlen(d)) <= 2000 ? d : NULL;
        }
        ok = ok && vals[i];
    }
    if (ok && *vals[4] && !email_valid(vals[4]))
        ok = false;
    const char *kind = request_form(req, "kind"), *parent_s = request_form(req, "parent");
    int64_t parent = 0;
    if (!id) {
        ok = ok && kind && (!strcmp(kind, "wijk") || !strcmp(kind, "dorp") || !strcmp(kind, "buurt"));
        if (ok && !strcmp(kind, "buurt"))
            ok = parent_s && parse_int64(parent_s, 1, INT64_MAX, &parent);
    }
    if (!ok) {
        page_error(req, 400, "Controleer de velden: een naam (hoogstens 80 tekens), een soort, bij "
                             "een buurt de wijk of het dorp, en een geldig e-mailadres of niets.");
        return;
    }
    bool saved = db_begin(req->db);
    sqlite3_stmt *s;
    if (id) {
        s = saved ? db_prepare(req->db, "UPDATE areas SET name = ?2, description = ?3, venue_name = ?4, "
                                        "venue_address = ?5, director_name = ?6, director_email = ?7, "
                                        "director_phone = ?8 WHERE id = ?1")
                  : NULL;
    } else {
        s = saved ? db_prepare(req->db, "INSERT INTO areas(id, name, description, venue_name, "
                                        "venue_address, director_name, director_email, "
                                        "director_phone, kind, parent_id, slug) "
                                        "VALUES (NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
                  : NULL;
    }
    if (s) {
        if (id)
            sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
        for (int i = 0; i < 6; i++)
            sqlite3_bind_text(s, 3 + i, vals[i], -1, SQLITE_STATIC);
        char slug[80];
        if (!id) {
            const char *given = request_form(req, "slug");
            format_slug(slug, sizeof slug, given && *given ? given : name);
            sqlite3_bind_text(s, 9, kind, -1, SQLITE_STATIC);
            if (parent)
                sqlite3_bind_int64(s, 10, parent);
            else
                sqlite3_bind_null(s, 10);
            sqlite3_bind_text(s, 11, slug, -1, SQLITE_TRANSIENT);
        }
        saved = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(req->db)) == 1 &&
                (id || strcmp(slug, "gemeentebreed") != 0);
        sqlite3_reset(s);
        if (!id)
            id = sqlite3_last_insert_rowid(db_handle(req->db));
    } else {
        saved = false;
    }
    saved = saved && audit_add(req->db, time(NULL), user.username, "area-save",
                               arena_printf(&req->arena, "area:%lld", (long long)id), "", name, "");
    if (!saved || !db_commit(req->db)) {
        db_rollback(req->db);
        page_error(req, 409, "Het gebied kon niet worden opgeslagen: bestaat de naam (of het "
                             "webadres) al, of hoort een buurt bij een andere buurt?");
        return;
    }
    go(req, "/beheer/gebieden?gedaan=1");
}

void setup_area_add_post(struct request *req)
{
    area_save(req, 0);
}

void setup_area_edit_post(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    if (id <= 0) {
        page_error(req, 404, "Dit gebied bestaat niet.");
        return;
    }
    area_save(req, id);
}

/* ---- Rounds, issuance, replacement ---- */

void setup_rounds_page(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    json_t *data = base(req, &user);
    json_t *rounds = rounds_list(req->db);
    char now[20];
    utc_text(time(NULL), now);
    size_t i;
    json_t *r;
    json_array_foreach(rounds, i, r)
    {
        page_set_date(r, "opens", "opens_at");
        time_t closes = parse_utc(json_string_value(json_object_get(r, "closes_at")));
        char until[64];
        format_date(until, sizeof until, closes - 1);
        json_object_set_new(r, "until", json_string(until));
        page_set_money(r, "value", json_integer_value(json_object_get(r, "voucher_cents")));
        /* The edit form shows the round as it is: local dates and the value in euros. */
        time_t opens = parse_utc(json_string_value(json_object_get(r, "opens_at")));
        struct tm tm;
        char day[16];
        localtime_r(&opens, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        json_object_set_new(r, "opens_input", json_string(day));
        time_t last = closes - 1;
        localtime_r(&last, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        json_object_set_new(r, "closes_input", json_string(day));
        json_int_t cents = json_integer_value(json_object_get(r, "voucher_cents"));
        json_object_set_new(r, "value_input", json_sprintf("%lld,%02lld", (long long)(cents / 100),
                                                           (long long)(cents % 100)));
        json_object_set_new(r, "not_started",
                            json_boolean(strcmp(json_string_value(json_object_get(r, "opens_at")), now) > 0));
    }
    json_object_set_new(data, "rounds", rounds);
    json_object_set_new(data, "files", printfiles_list(req->db));
    const char *err = request_query(req, "fout");
    if (err)
        json_object_set_new(data, "error",
                            json_string(!strcmp(err, "overlap") ? round_error_message(ROUND_OVERLAP)
                                                                : "Controleer de velden."));
    page_render(req, "setup_rounds", "Voucherrondes", data);
}

static bool round_dates(struct request *req, time_t *opens, time_t *closes)
{
    *opens = local_midnight(request_form(req, "opent"));
    time_t c = local_midnight(request_form(req, "sluit"));
    if (*opens == (time_t)-1 || c == (time_t)-1)
        return false;
    struct tm tm;
    localtime_r(&c, &tm);
    tm.tm_mday += 1;
    tm.tm_isdst = -1;
    *closes = mktime(&tm);
    return *closes > *opens;
}

void setup_round_add_post(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    const char *name = form_text(req, "naam", 80, true);
    time_t opens, closes;
    int64_t cents;
    if (!name || !round_dates(req, &opens, &closes) ||
        !parse_cents(request_form(req, "waarde"), 100000, &cents) || cents <= 0) {
        page_error(req, 400, "Geef een naam, een begin- en einddatum (jjjj-mm-dd, het einde na het "
                             "begin) en een waarde zoals 7,50.");
        return;
    }
    int64_t id;
    enum round_error err = round_add(req->db, name, opens, closes, cents, &id);
    if (err == ROUND_OVERLAP) {
        page_error(req, 409, "Rondes mogen elkaar niet overlappen: een andere ronde valt (deels) "
                             "in deze periode.");
        return;
    }
    if (err != ROUND_OK) {
        page_error(req, 409, "De ronde kon niet worden toegevoegd (bestaat de naam al?).");
        return;
    }
    audit_add(req->db, time(NULL), user.username, "round-add",
              arena_printf(&req->arena, "round:%lld", (long long)id), "", name, "");
    go(req, "/beheer/rondes?gedaan=1");
}

void setup_round_edit_post(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    int64_t id = page_id_param(req->params[0]);
    const char *name = form_text(req, "naam", 80, true);
    time_t opens, closes;
    int64_t cents;
    if (id <= 0 || !name || !round_dates(req, &opens, &closes) ||
        !parse_cents(request_form(req, "waarde"), 100000, &cents) || cents <= 0) {
        page_error(req, 400, "Controleer de naam, de data en de waarde.");
        return;
    }
    char o[20], c[20], now[20];
    utc_text(opens, o);
    utc_text(closes, c);
    utc_text(time(NULL), now);
    bool ok = db_begin(req->db);
    /* Only a round that has not started and has no vouchers yet may change. */
    sqlite3_stmt *s = ok ? db_prepare(req->db, "UPDATE rounds SET name = ?2, opens_at = ?3, "
                                               "closes_at = ?4, voucher_cents = ?5 WHERE id = ?1 "
                                               "AND opens_at > ?6 AND NOT EXISTS (SELECT 1 FROM "
                                               "vouchers WHERE round_id = ?1)")
                         : NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, o, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, c, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 5, cents);
        sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(req->db)) == 1;
        sqlite3_reset(s);
    } else {
        ok = false;
    }
    ok = ok && audit_add(req->db, time(NULL), user.username, "round-edit",
                         arena_printf(&req->arena, "round:%lld", (long long)id), "", name, "");
    if (!ok || !db_commit(req->db)) {
        db_rollback(req->db);
        page_error(req, 409, "Deze ronde kan niet meer worden gewijzigd (ze is begonnen, er zijn al "
                             "vouchers, of ze zou een andere ronde overlappen).");
        return;
    }
    go(req, "/beheer/rondes?gedaan=1");
}

struct web_issue {
    struct request *req;
    int64_t round_id;
    const char *actor, *base_url, *title;
    struct buf csv;
    json_t *letters;
};

static bool web_letter(void *ctx, const struct letter *l)
{
    struct web_issue *w = ctx;
    char link[400];
    snprintf(link, sizeof link, "%s/doneren?code=%s", w->base_url, l->code);
    const char *fields[] = {l->postcode, l->house_number, l->street, l->city, l->area, l->code, link};
    csv_write_row(&w->csv, fields, 7, ';');
    struct buf svg = {0};
    qr_svg(&svg, link, 32);
    json_array_append_new(w->letters,
                          json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "postcode", l->postcode,
                                    "house_number", l->house_number, "street", l->street, "city",
                                    l->city, "area", l->area, "code", l->code, "qr",
                                    svg.data ? svg.data : ""));
    buf_free(&svg);
    return true;
}

/* Inside the issuing transaction: both files are stored before the vouchers commit, so codes
 * are never issued without their letters. */
static bool web_finish(void *ctx)
{
    struct web_issue *w = ctx;
    json_t *settings = settings_all(w->req->db);
    json_t *round = round_get(w->req->db, w->round_id);
    char value[32] = "", until[64] = "", donate[300];
    if (round) {
        format_money(value, sizeof value, json_integer_value(json_object_get(round, "voucher_cents")));
        format_date(until, sizeof until,
                    parse_utc(json_string_value(json_object_get(round, "closes_at"))) - 1);
    }
    snprintf(donate, sizeof donate, "%s/doneren", w->base_url);
    json_t *data = json_pack(
        "{s:O, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "letters", w->letters, "round_name",
        round ? json_string_value(json_object_get(round, "name")) : "", "value", value,
        "valid_until", until, "site_name", json_string_value(json_object_get(settings, "site_naam")) ?: "",
        "gemeente", json_string_value(json_object_get(settings, "gemeente_naam")) ?: "",
        "contact_email", json_string_value(json_object_get(settings, "contact_email")) ?: "",
        "donate_url", donate);
    struct buf html = {0};
    bool ok = tmpl_render(w->req->app->templates, "letters", NULL, data, &html);
    char title[200];
    snprintf(title, sizeof title, "%s, %zu brief/brieven", w->title, json_array_size(w->letters));
    const unsigned char *secret = w->req->app->secret;
    ok = ok &&
         printfile_store(w->req->db, secret, w->round_id, "csv", title,
                         w->csv.data ? w->csv.data : "", w->csv.len, w->actor) &&
         printfile_store(w->req->db, secret, w->round_id, "html", title,
                         html.data ? html.data : "", html.len, w->actor);
    sodium_memzero(html.data ? html.data : (char[1]){0}, html.len);
    buf_free(&html);
    json_decref(data);
    json_decref(round);
    json_decref(settings);
    return ok;
}

static void issue(struct request *req, bool replacement)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    int64_t round_id = page_id_param(req->params[0]);
    json_t *round = round_id > 0 ? round_get(req->db, round_id) : NULL;
    if (!round) {
        page_error(req, 404, "Deze ronde bestaat niet.");
        return;
    }
    char title[160];
    snprintf(title, sizeof title, "%s%s", json_string_value(json_object_get(round, "name")),
             replacement ? ", vervanging" : "");
    json_decref(round);
    json_t *settings = settings_all(req->db);
    struct web_issue w = {.req = req, .round_id = round_id, .actor = user.username,
                          .base_url = json_string_value(json_object_get(settings, "basis_url")) ?: "",
                          .title = title, .letters = json_array()};
    const char *header[] = {"postcode", "huisnummer", "straat", "woonplaats", "wijk", "code", "link"};
    buf_puts(&w.csv, "\xef\xbb\xbf");
    csv_write_row(&w.csv, header, 7, ';');
    struct issue_sink sink = {.ctx = &w, .letter = web_letter, .finish = web_finish};
    char err[300] = "";
    bool ok;
    if (replacement) {
        char pc[8], add[11];
        int64_t number;
        const char *t = request_form(req, "toevoeging");
        if (!postcode_normalize(request_form(req, "postcode") ?: "", pc) ||
            !house_number_normalize(request_form(req, "huisnummer") ?: "", t ? t : "", &number, add)) {
            page_error(req, 400, "Vul een geldige postcode en een huisnummer in.");
            ok = false;
            goto out;
        }
        ok = vouchers_replace(req->db, req->app->secret, round_id, pc, number, add, time(NULL),
                              &sink, err, sizeof err);
        if (!ok) {
            page_error(req, 409, strstr(err, "used") ? "De voucher van dit adres is al gebruikt; er "
                                                       "komt geen vervanging."
                                 : strstr(err, "no household") ? "Dit adres staat niet in het register."
                                                               : "Vervangen lukte niet.");
            goto out;
        }
    } else {
        long n = vouchers_issue(req->db, req->app->secret, round_id, time(NULL), &sink, err, sizeof err);
        ok = n >= 0;
        if (!ok) {
            page_error(req, 503, "Uitgeven lukte niet; er is niets uitgegeven.");
            goto out;
        }
    }
    audit_add(req->db, time(NULL), user.username, replacement ? "vouchers-replace" : "vouchers-issue",
              arena_printf(&req->arena, "round:%lld", (long long)round_id), "",
              arena_printf(&req->arena, "%zu", json_array_size(w.letters)), "");
    go(req, "/beheer/rondes?gedaan=uitgegeven");
out:
    sodium_memzero(w.csv.data ? w.csv.data : (char[1]){0}, w.csv.len);
    buf_free(&w.csv);
    json_decref(w.letters);
    json_decref(settings);
}

void setup_issue_post(struct request *req)
{
    issue(req, false);
}

void setup_replace_post(struct request *req)
{
    issue(req, true);
}

void setup_file_download(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    int64_t id = page_id_param(req->params[0]);
    bool csv = false;
    int status = printfile_read(req->db, req->app->secret, id, &csv, &req->resp.body);
    if (status == 404) {
        page_error(req, 404, "Dit bestand bestaat niet (meer).");
        return;
    }
    if (status) {
        page_error(req, 500, "Dit bestand kan niet worden gelezen: is het sleutelbestand vervangen?");
        return;
    }
    audit_add(req->db, time(NULL), user.username, "file-download",
              arena_printf(&req->arena, "file:%lld", (long long)id), "", "", "");
    response_set_header(req, "Content-Type", csv ? "text/csv; charset=utf-8" : "text/html; charset=utf-8");
    response_set_header(req, "Content-Disposition",
                        arena_printf(&req->arena, "attachment; filename=\"vouchers-%lld.%s\"",
                                     (long long)id, csv ? "csv" : "html"));
}

void setup_file_delete_post(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    int64_t id = page_id_param(req->params[0]);
    if (id <= 0 || !printfile_delete(req->db, id)) {
        page_error(req, 404, "Dit bestand bestaat niet (meer).");
        return;
    }
    audit_add(req->db, time(NULL), user.username, "file-delete",
              arena_printf(&req->arena, "file:%lld", (long long)id), "", "", "");
    go(req, "/beheer/rondes?gedaan=verwijderd");
}

/* ---- Households: upload, preview, import ---- */

void setup_households_page(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    json_t *data = base(req, &user);
    int64_t n = 0;
    db_get_int(req->db, "SELECT count(*) FROM households", &n);
    json_object_set_new(data, "count", json_integer(n));
    page_render(req, "setup_households", "Huishoudens", data);
}

static void render_report(struct request *req, const struct user *user,
                          const struct import_report *r, int64_t pending, bool imported, int status)
{
    json_t *data = base(req, user);
    json_t *errors = json_array();
    for (size_t i = 0; i < r->nerrors; i++)
        json_array_append_new(errors, json_pack("{s:I, s:s}", "line", (json_int_t)r->errors[i].line,
                                                "message", r->errors[i].message));
    json_object_set_new(data, "errors", errors);
    json_object_set_new(data, "more_errors",
                        json_integer(r->total_errors - (long)r->nerrors > 0 ? r->total_errors - (long)r->nerrors : 0));
    json_object_set_new(data, "rows", json_integer(r->rows));
    json_object_set_new(data, "added", json_integer(r->added));
    json_object_set_new(data, "updated", json_integer(r->updated));
    json_object_set_new(data, "unchanged", json_integer(r->unchanged));
    json_object_set_new(data, "pending", json_integer(pending));
    json_object_set_new(data, "imported", json_boolean(imported));
    page_render(req, "setup_households_report", imported ? "Huishoudens ingelezen" : "Voorbeeld van de import", data);
    req->resp.status = status;
}

void setup_households_upload_post(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    const struct field *f = fields_get(&req->form_fields, "bestand");
    if (!f || !f->filename || f->value_len == 0) {
        page_error(req, 400, "Kies een CSV-bestand met adressen.");
        return;
    }
    struct import_report r;
    bool ok = households_preview(req->db, f->value, f->value_len, &r);
    int64_t pending = ok ? upload_store(req->db, f->value, f->value_len, user.username) : 0;
    render_report(req, &user, &r, pending, false, ok ? 200 : 400);
    import_report_free(&r);
}

void setup_households_import_post(struct request *req)
{
    struct user user;
    if (!admin_required(req, &user))
        return;
    int64_t id = page_id_param(req->params[0]);
    size_t len = 0;
    char *data = upload_take(req->db, id, &len);
    if (!data) {
        page_error(req, 404, "Deze upload bestaat niet (meer). Upload het bestand opnieuw.");
        return;
    }
    struct import_report r;
    bool ok = households_import(req->db, data, len, &r);
    free(data);
    if (ok) {
        upload_delete(req->db, id);
        audit_add(req->db, time(NULL), user.username, "households-import", "", "",
                  arena_printf(&req->arena, "%ld nieuw, %ld gewijzigd", r.added, r.updated), "");
    }
    render_report(req, &user, &r, 0, ok, ok ? 200 : 409);
    import_report_free(&r);
}

/* ---- The areas of a staff member ---- */

void setup_user_page(struct request *req)
{
    struct user user, target;
    if (!admin_required(req, &user))
        return;
    if (!user_get(req->db, req->params[0], &target)) {
        page_error(req, 404, "Deze medewerker bestaat niet.");
        return;
    }
    sqlite3_stmt *s = db_prepare(req->db, "SELECT a.slug, a.name, EXISTS (SELECT 1 FROM user_areas "
                                          "ua WHERE ua.user_id = ?1 AND ua.area_id = a.id) AS mine "
                                          "FROM areas a WHERE a.parent_id IS NULL ORDER BY a.name");
    json_t *areas = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, target.id);
        areas = db_rows_array(s);
    }
    json_t *data = base(req, &user);
    json_object_set_new(data, "areas", areas ? areas : json_array());
    json_object_set_new(data, "name", json_string(target.username));
    json_object_set_new(data, "role", json_string(target.role));
    page_render(req, "setup_user", target.username, data);
}

void setup_user_areas_post(struct request *req)
{
    struct user user, target;
    if (!admin_required(req, &user))
        return;
    if (!user_get(req->db, req->params[0], &target)) {
        page_error(req, 404, "Deze medewerker bestaat niet.");
        return;
    }
    /* Every area named must exist (a wijk or dorp), or nothing changes. */
    for (size_t i = 0; i < req->form_fields.count; i++) {
        if (strcmp(req->form_fields.items[i].name, "gebied"))
            continue;
        sqlite3_stmt *q = db_prepare(req->db, "SELECT 1 FROM areas WHERE slug = ? AND parent_id IS NULL");
        bool known = false;
        if (q) {
            sqlite3_bind_text(q, 1, req->form_fields.items[i].value, -1, SQLITE_STATIC);
            known = sqlite3_step(q) == SQLITE_ROW;
            sqlite3_reset(q);
        }
        if (!known) {
            page_error(req, 400, "Een van de gekozen gebieden bestaat niet; er is niets veranderd.");
            return;
        }
    }
    bool ok = db_begin(req->db);
    sqlite3_stmt *d = ok ? db_prepare(req->db, "DELETE FROM user_areas WHERE user_id = ?") : NULL;
    if (d) {
        sqlite3_bind_int64(d, 1, target.id);
        ok = sqlite3_step(d) == SQLITE_DONE;
        sqlite3_reset(d);
    }
    struct buf list = {0};
    for (size_t i = 0; ok && i < req->form_fields.count; i++) {
        if (strcmp(req->form_fields.items[i].name, "gebied"))
            continue;
        sqlite3_stmt *a = db_prepare(req->db, "INSERT OR IGNORE INTO user_areas(user_id, area_id) "
                                              "SELECT ?, id FROM areas WHERE slug = ? AND parent_id IS NULL");
        sqlite3_bind_int64(a, 1, target.id);
        sqlite3_bind_text(a, 2, req->form_fields.items[i].value, -1, SQLITE_STATIC);
        ok = sqlite3_step(a) == SQLITE_DONE;
        sqlite3_reset(a);
        buf_printf(&list, "%s%s", list.len ? "," : "", req->form_fields.items[i].value);
    }
    ok = ok && d && audit_add(req->db, time(NULL), user.username, "user-areas", target.username, "",
                              list.data ? list.data : "", "");
    buf_free(&list);
    if (!ok || !db_commit(req->db)) {
        db_rollback(req->db);
        page_error(req, 503, "Opslaan lukte nu niet.");
        return;
    }
    go(req, "/beheer/medewerkers?gedaan=1");
}
