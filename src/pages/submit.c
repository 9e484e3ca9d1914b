/* Submitting an initiative, and the initiator's own page behind the private management link:
 * edit and resubmit, withdraw, post updates, report completion. Also the photos. */
#include "app.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/areas.h"
#include "domain/audit.h"
#include "domain/initiatives.h"
#include "domain/photo.h"
#include "domain/settings.h"
#include "domain/submission.h"
#include "domain/workflow.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DEFAULT_ROWS = 5, MORE_ROWS = 3 };

static const char *form_getter(void *ctx, const char *name)
{
    return request_form(ctx, name);
}

static int int_field(struct request *req, const char *name, int fallback, int min, int max)
{
    int64_t v;
    const char *s = request_form(req, name);
    if (!s || !parse_int64(s, min, max, &v))
        return fallback;
    return (int)v;
}

/* Everything the form template needs: rules, areas, rows with their values and errors. */
static json_t *form_data(struct request *req, json_t *values, json_t *errors, int rows,
                         int co_rows)
{
    json_t *data = json_object();
    json_t *settings = settings_all(req->db);
    int64_t min = 5000, max = 500000, needed = 2;
    parse_int64(json_string_value(json_object_get(settings, "streef_min_cents")) ?: "5000", 0,
                INT64_MAX, &min);
    parse_int64(json_string_value(json_object_get(settings, "streef_max_cents")) ?: "500000", 0,
                INT64_MAX, &max);
    parse_int64(json_string_value(json_object_get(settings, "mede_organisatoren")) ?: "2", 0, 100,
                &needed);
    const char *rules = json_string_value(json_object_get(settings, "regels"));
    if (rules && *rules) {
        struct buf html = {0};
        format_paragraphs(&html, rules);
        json_object_set_new(data, "rules_html", json_string(html.data ? html.data : ""));
        buf_free(&html);
    }
    json_decref(settings);
    page_set_money(data, "min", min);
    page_set_money(data, "max", max);
    json_object_set_new(data, "needed", json_integer(needed));
    json_object_set_new(data, "csrf", json_string(csrf_token(req)));

    const char *area = json_string_value(json_object_get(values, "gebied"));
    json_t *options = json_array();
    json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", "gemeentebreed", "label",
                                              "Gemeentebreed (voor de hele gemeente)", "selected",
                                              area && !strcmp(area, "gemeentebreed")));
    json_t *areas = areas_list(req->db);
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a)
    {
        const char *slug = json_string_value(json_object_get(a, "slug"));
        json_array_append_new(options, json_pack("{s:s, s:O, s:b}", "value", slug, "label",
                                                 json_object_get(a, "name"), "selected",
                                                 area && !strcmp(area, slug)));
        size_t k;
        json_t *b;
        json_array_foreach(json_object_get(a, "buurten"), k, b)
        {
            const char *bs = json_string_value(json_object_get(b, "slug"));
            char label[200];
            snprintf(label, sizeof label, "%s, buurt in %s",
                     json_string_value(json_object_get(b, "name")),
                     json_string_value(json_object_get(a, "name")));
            json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", bs, "label",
                                                     label, "selected", area && !strcmp(area, bs)));
        }
    }
    json_decref(areas);
    json_object_set_new(data, "area_options", options);

    json_t *lines = json_array();
    for (int n = 1; n <= rows; n++) {
        char fi[32], fa[32];
        snprintf(fi, sizeof fi, "post_%d_omschrijving", n);
        snprintf(fa, sizeof fa, "post_%d_bedrag", n);
        json_t *line = json_pack("{s:i, s:s, s:s}", "n", n, "item",
                                 json_string_value(json_object_get(values, fi)) ?: "", "amount",
                                 json_string_value(json_object_get(values, fa)) ?: "");
        if (json_object_get(errors, fi))
            json_object_set(line, "item_error", json_object_get(errors, fi));
        if (json_object_get(errors, fa))
            json_object_set(line, "amount_error", json_object_get(errors, fa));
        json_array_append_new(lines, line);
    }
    json_object_set_new(data, "lines", lines);
    json_t *co = json_array();
    for (int n = 1; n <= co_rows; n++) {
        char fn[32], fp[32], fh[32];
        snprintf(fn, sizeof fn, "mede_%d_naam", n);
        snprintf(fp, sizeof fp, "mede_%d_postcode", n);
        snprintf(fh, sizeof fh, "mede_%d_huisnummer", n);
        json_t *row = json_pack("{s:i, s:s, s:s, s:s}", "n", n, "name",
                                json_string_value(json_object_get(values, fn)) ?: "", "postcode",
                                json_string_value(json_object_get(values, fp)) ?: "", "number",
                                json_string_value(json_object_get(values, fh)) ?: "");
        const char *err = json_string_value(json_object_get(errors, fn));
        if (!err)
            err = json_string_value(json_object_get(errors, fp));
        if (!err)
            err = json_string_value(json_object_get(errors, fh));
        if (err)
            json_object_set_new(row, "error", json_string(err));
        json_array_append_new(co, row);
    }
    json_object_set_new(data, "co", co);
    json_object_set_new(data, "rows", json_integer(rows));
    json_object_set_new(data, "co_rows", json_integer(co_rows));
    json_object_set_new(data, "can_add_rows", json_boolean(rows + MORE_ROWS <= MAX_BUDGET_LINES));
    json_object_set_new(data, "v", values);
    json_object_set_new(data, "e", errors);
    json_object_set_new(data, "has_errors", json_boolean(json_object_size(errors) > 0));
    json_object_set_new(data, "error_count", json_integer((json_int_t)json_object_size(errors)));
    return data;
}

/* The submitted values as an object, for showing them back. */
static json_t *posted_values(struct request *req)
{
    json_t *v = json_object();
    for (size_t i = 0; i < req->form_fields.count; i++) {
        const struct field *f = &req->form_fields.items[i];
        if (f->filename || !strcmp(f->name, CSRF_FIELD) || strlen(f->value) > 20000)
            continue;
        json_object_set_new(v, f->name, json_string(f->value));
    }
    return v;
}

static int co_rows_default(struct request *req)
{
    json_t *settings = settings_all(req->db);
    int64_t needed = 2;
    parse_int64(json_string_value(json_object_get(settings, "mede_organisatoren")) ?: "2", 0, 100,
                &needed);
    json_decref(settings);
    int rows = (int)needed + 1;
    return rows < 3 ? 3 : rows > MAX_CO_ORGANISERS ? MAX_CO_ORGANISERS : rows;
}

void submit_page(struct request *req)
{
    response_set_header(req, "Cache-Control", "no-store");
    json_t *data = form_data(req, json_object(), json_object(), DEFAULT_ROWS, co_rows_default(req));
    json_object_set_new(data, "action", json_string("/initiatief-indienen"));
    json_object_set_new(data, "is_new", json_true());
    page_render(req, "submit", "Initiatief indienen", data);
}

/* The optional photo field: 0 when none, -1 after answering with an error. */
static int64_t take_photo(struct request *req, const char *field, json_t *errors)
{
    const struct field *f = fields_get(&req->form_fields, field);
    if (!f || !f->filename || f->value_len == 0)
        return 0;
    struct photo photo;
    enum photo_error err =
        photo_process((const unsigned char *)f->value, f->value_len, 1600, &photo);
    if (err != PHOTO_OK) {
        json_object_set_new(errors, field, json_string(photo_error_message(err)));
        return -1;
    }
    int64_t id = photo_store(req->db, photo.jpeg, photo.len, photo.width, photo.height);
    photo_free(&photo);
    return id ? id : -1;
}

void submit_post(struct request *req)
{
    response_set_header(req, "Cache-Control", "no-store");
    int rows = int_field(req, "regels", DEFAULT_ROWS, 1, MAX_BUDGET_LINES);
    int co_rows = int_field(req, "mede_regels", co_rows_default(req), 1, MAX_CO_ORGANISERS);
    if (request_form(req, "meer_regels")) {
        /* Without JavaScript, more budget rows come from a round trip. */
        rows = rows + MORE_ROWS > MAX_BUDGET_LINES ? MAX_BUDGET_LINES : rows + MORE_ROWS;
        json_t *data = form_data(req, posted_values(req), json_object(), rows, co_rows);
        json_object_set_new(data, "action", json_string("/initiatief-indienen"));
        json_object_set_new(data, "is_new", json_true());
        json_object_set_new(data, "focus_lines", json_true());
        page_render(req, "submit", "Initiatief indienen", data);
        return;
    }
    time_t now = time(NULL);
    json_t *errors = json_object();
    struct submission s;
    bool ok = submission_validate(req->db, form_getter, req, rows, co_rows, now, &s, errors);
    int64_t photo_id = ok ? take_photo(req, "foto", errors) : 0;
    if (!ok || photo_id < 0) {
        submission_free(&s);
        json_t *data = form_data(req, posted_values(req), errors, rows, co_rows);
        json_object_set_new(data, "action", json_string("/initiatief-indienen"));
        json_object_set_new(data, "is_new", json_true());
        page_render(req, "submit", "Initiatief indienen: controleer het formulier", data);
        req->resp.status = 400;
        return;
    }
    json_t *settings = settings_all(req->db);
    const char *base = json_string_value(json_object_get(settings, "basis_url"));
    int64_t id;
    char token[MANAGE_TOKEN_CHARS + 1];
    ok = submission_create(req->db, req->app->secret, &s, photo_id,
                           base ? base : req->app->config.basis_url, now, &id, token);
    submission_free(&s);
    if (!ok) {
        json_decref(settings);
        page_error(req, 503, "Het indienen lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    char url[600];
    snprintf(url, sizeof url, "%s/mijn-initiatief/%s", base ? base : req->app->config.basis_url,
             token);
    json_decref(settings);
    page_render(req, "submit_done", "Initiatief ingediend",
                json_pack("{s:s, s:s}", "link", url, "path",
                          arena_printf(&req->arena, "/mijn-initiatief/%s", token)));
}

/* The initiative behind a management link, or 0 after answering 404. */
static int64_t manage_id(struct request *req)
{
    response_set_header(req, "Cache-Control", "no-store");
    response_set_header(req, "Referrer-Policy", "no-referrer");
    int64_t id = submission_by_token(req->db, req->app->secret, req->params[0]);
    if (!id)
        page_error(req, 404, "Deze beheerlink klopt niet. Gebruik de link uit de e-mail die u "
                             "kreeg toen u het initiatief indiende.");
    return id;
}

static json_t *load_initiative(struct request *req, int64_t id)
{
    sqlite3_stmt *s = db_prepare(
        req->db, "SELECT i.id, i.title, i.summary, i.description, i.state, i.target_cents, "
                 "i.raised_cents, i.voucher_count, i.planned_date, i.deadline, i.initiator_name, "
                 "i.initiator_email, i.initiator_phone, i.published_at, i.photo_id, "
                 "coalesce(a.slug, 'gemeentebreed') AS area_slug, a.name AS area_name "
                 "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id WHERE i.id = ?");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    return db_first_row(s);
}

/* Values for the edit form from the stored initiative. */
static json_t *stored_values(struct request *req, json_t *item, int64_t id, int *rows,
                             int *co_rows)
{
    json_t *v = json_object();
    json_object_set(v, "titel", json_object_get(item, "title"));
    json_object_set(v, "samenvatting", json_object_get(item, "summary"));
    json_object_set(v, "beschrijving", json_object_get(item, "description"));
    json_object_set(v, "gebied", json_object_get(item, "area_slug"));
    json_object_set_new(v, "streefbedrag",
                        json_sprintf("%lld", (long long)json_integer_value(
                                                 json_object_get(item, "target_cents")) / 100));
    json_object_set(v, "datum", json_object_get(item, "planned_date"));
    json_object_set(v, "naam", json_object_get(item, "initiator_name"));
    json_object_set(v, "email", json_object_get(item, "initiator_email"));
    json_object_set(v, "telefoon", json_object_get(item, "initiator_phone"));
    json_object_set_new(v, "akkoord", json_string("ja"));
    sqlite3_stmt *s = db_prepare(req->db, "SELECT item, amount_cents FROM budget_lines "
                                          "WHERE initiative_id = ? ORDER BY position");
    int n = 0;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        while (sqlite3_step(s) == SQLITE_ROW && n < MAX_BUDGET_LINES) {
            n++;
            int64_t c = sqlite3_column_int64(s, 1);
            json_object_set_new(v, arena_printf(&req->arena, "post_%d_omschrijving", n),
                                json_string((const char *)sqlite3_column_text(s, 0)));
            json_object_set_new(v, arena_printf(&req->arena, "post_%d_bedrag", n),
                                c % 100 ? json_sprintf("%lld,%02lld", (long long)(c / 100),
                                                       (long long)(c % 100))
                                        : json_sprintf("%lld", (long long)(c / 100)));
        }
        sqlite3_reset(s);
    }
    *rows = n < DEFAULT_ROWS ? DEFAULT_ROWS : n;
    s = db_prepare(req->db, "SELECT name, postcode, house_number FROM co_organisers "
                            "WHERE initiative_id = ? ORDER BY id");
    n = 0;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        while (sqlite3_step(s) == SQLITE_ROW && n < MAX_CO_ORGANISERS) {
            n++;
            json_object_set_new(v, arena_printf(&req->arena, "mede_%d_naam", n),
                                json_string((const char *)sqlite3_column_text(s, 0)));
            json_object_set_new(v, arena_printf(&req->arena, "mede_%d_postcode", n),
                                json_string((const char *)sqlite3_column_text(s, 1)));
            json_object_set_new(v, arena_printf(&req->arena, "mede_%d_huisnummer", n),
                                json_string((const char *)sqlite3_column_text(s, 2)));
        }
        sqlite3_reset(s);
    }
    int dflt = co_rows_default(req);
    *co_rows = n < dflt ? dflt : n;
    return v;
}

static void render_manage(struct request *req, int64_t id, json_t *values, json_t *errors,
                          int rows, int co_rows, const char *notice, int status)
{
    json_t *item = load_initiative(req, id);
    if (!item) {
        page_error(req, 404, "Dit initiatief bestaat niet meer.");
        return;
    }
    page_decorate_initiative(item, time(NULL));
    const char *state = json_string_value(json_object_get(item, "state"));
    bool editable = !strcmp(state, "ingediend") || !strcmp(state, "wijziging_gevraagd");
    if (!values && editable)
        values = stored_values(req, item, id, &rows, &co_rows);
    json_t *data = editable ? form_data(req, values, errors ? errors : json_object(), rows, co_rows)
                            : json_object();
    if (!editable) {
        json_decref(values);
        json_decref(errors);
        json_object_set_new(data, "csrf", json_string(csrf_token(req)));
    }
    const char *token = req->params[0];
    json_object_set_new(data, "base", json_string(arena_printf(&req->arena, "/mijn-initiatief/%s",
                                                               token)));
    json_object_set_new(data, "action",
                        json_string(arena_printf(&req->arena, "/mijn-initiatief/%s/bewerken", token)));
    json_object_set_new(data, "editable", json_boolean(editable));
    json_object_set_new(data, "changes_requested", json_boolean(!strcmp(state, "wijziging_gevraagd")));
    json_object_set_new(data, "can_withdraw",
                        json_boolean(editable || !strcmp(state, "open")));
    json_object_set_new(data, "can_update",
                        json_boolean(!strcmp(state, "open") || !strcmp(state, "gefinancierd")));
    json_object_set_new(data, "can_complete", json_boolean(!strcmp(state, "gefinancierd")));
    sqlite3_stmt *s = db_prepare(req->db, "SELECT author_role, author_name, body, created_at "
                                          "FROM initiative_messages WHERE initiative_id = ? "
                                          "ORDER BY id");
    json_t *messages = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        messages = db_rows_array(s);
    }
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m) page_set_date(m, "date", "created_at");
    json_object_set_new(data, "messages", messages ? messages : json_array());
    if (notice)
        json_object_set_new(data, "notice", json_string(notice));
    json_object_set_new(data, "i", item);
    page_render(req, "manage", "Mijn initiatief", data);
    req->resp.status = status;
}

void manage_page(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *done = request_query(req, "gedaan");
    static const char *const notices[][2] = {
        {"bewerkt", "Uw wijzigingen zijn opgeslagen."},
        {"ingediend", "Uw initiatief is opnieuw ingediend. De wijkregisseur bekijkt het."},
        {"ingetrokken", "Uw initiatief is ingetrokken."},
        {"update", "Uw update staat op de pagina van het initiatief."},
        {"uitgevoerd", "Gefeliciteerd! Uw initiatief staat nu als uitgevoerd op de site."},
        {"nieuw", "Uw initiatief is ingediend. Bewaar deze pagina: het adres is uw beheerlink."},
    };
    const char *notice = NULL;
    for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
        if (!strcmp(done, notices[i][0]))
            notice = notices[i][1];
    render_manage(req, id, NULL, NULL, DEFAULT_ROWS, co_rows_default(req), notice, 200);
}

static void back_to_manage(struct request *req, const char *done)
{
    response_set_header(req, "Location", arena_printf(&req->arena, "/mijn-initiatief/%s?gedaan=%s",
                                                      req->params[0], done));
    page_text(req, 303, "Gedaan.\n");
}

void manage_edit_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    int rows = int_field(req, "regels", DEFAULT_ROWS, 1, MAX_BUDGET_LINES);
    int co_rows = int_field(req, "mede_regels", co_rows_default(req), 1, MAX_CO_ORGANISERS);
    if (request_form(req, "meer_regels")) {
        rows = rows + MORE_ROWS > MAX_BUDGET_LINES ? MAX_BUDGET_LINES : rows + MORE_ROWS;
        render_manage(req, id, posted_values(req), json_object(), rows, co_rows, NULL, 200);
        return;
    }
    time_t now = time(NULL);
    json_t *errors = json_object();
    struct submission s;
    bool ok = submission_validate(req->db, form_getter, req, rows, co_rows, now, &s, errors);
    int64_t photo_id = ok ? take_photo(req, "foto", errors) : 0;
    if (!ok || photo_id < 0) {
        submission_free(&s);
        render_manage(req, id, posted_values(req), errors, rows, co_rows, NULL, 400);
        return;
    }
    ok = submission_update(req->db, id, &s, photo_id, now);
    submission_free(&s);
    if (!ok) {
        json_decref(errors);
        page_error(req, 409, "Dit initiatief kan niet meer worden aangepast: het is al beoordeeld.");
        return;
    }
    json_decref(errors);
    back_to_manage(req, "bewerkt");
}

void manage_resubmit_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *answer = request_form(req, "antwoord");
    if (answer && utf8_length(answer, strlen(answer)) > 5000) {
        page_error(req, 400, "Uw antwoord is te lang (hoogstens 5000 tekens).");
        return;
    }
    enum workflow_result r = workflow_transition(req->db, id, "ingediend", ACTOR_INITIATOR,
                                                 "initiatiefnemer", answer ? answer : "", time(NULL));
    if (r != WF_OK) {
        page_error(req, 409, "Opnieuw indienen kan alleen als de wijkregisseur om een aanpassing vroeg.");
        return;
    }
    /* The answer is kept only with a resubmission that happened. */
    json_t *item = load_initiative(req, id);
    const char *name = item ? json_string_value(json_object_get(item, "initiator_name")) : "";
    if (answer && *answer && db_begin(req->db)) {
        sqlite3_stmt *m = db_prepare(req->db, "INSERT INTO initiative_messages(initiative_id, "
                                              "author_role, author_name, body) "
                                              "VALUES (?, 'initiatiefnemer', ?, ?)");
        bool ok = m != NULL;
        if (ok) {
            sqlite3_bind_int64(m, 1, id);
            sqlite3_bind_text(m, 2, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(m, 3, answer, -1, SQLITE_STATIC);
            ok = sqlite3_step(m) == SQLITE_DONE;
            sqlite3_reset(m);
        }
        if (!ok || !db_commit(req->db))
            db_rollback(req->db);
    }
    json_decref(item);
    back_to_manage(req, "ingediend");
}

void manage_withdraw_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *sure = request_form(req, "zeker");
    if (!sure || strcmp(sure, "ja") != 0) {
        page_error(req, 400, "Vink aan dat u het initiatief echt wilt intrekken.");
        return;
    }
    enum workflow_result r = workflow_transition(req->db, id, "ingetrokken", ACTOR_INITIATOR,
                                                 "initiatiefnemer", "ingetrokken door de "
                                                                    "initiatiefnemer",
                                                 time(NULL));
    if (r != WF_OK) {
        page_error(req, 409, "Dit initiatief kan niet meer worden ingetrokken.");
        return;
    }
    back_to_manage(req, "ingetrokken");
}

/* An update (and, for completion, the report) with an optional photo. */
static void manage_post_update(struct request *req, bool completion)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *body = request_form(req, completion ? "verslag" : "tekst");
    while (body && (*body == ' ' || *body == '\n' || *body == '\r'))
        body++;
    if (!body || !*body || utf8_length(body, strlen(body)) > 5000) {
        page_error(req, 400, "Schrijf een tekst van hoogstens 5000 tekens.");
        return;
    }
    json_t *errors = json_object();
    int64_t photo_id = take_photo(req, "foto", errors);
    if (photo_id < 0) {
        page_error(req, 400, json_string_value(json_object_get(errors, "foto")) ?: "De foto kon niet worden gelezen.");
        json_decref(errors);
        return;
    }
    json_decref(errors);
    json_t *item = load_initiative(req, id);
    const char *state = item ? json_string_value(json_object_get(item, "state")) : "";
    bool allowed = completion ? !strcmp(state, "gefinancierd")
                              : (!strcmp(state, "open") || !strcmp(state, "gefinancierd"));
    char name[128];
    snprintf(name, sizeof name, "%s", item ? json_string_value(json_object_get(item, "initiator_name")) : "");
    json_decref(item);
    if (!allowed) {
        page_error(req, 409, completion ? "Uitvoering melden kan als het initiatief gefinancierd is."
                                        : "Updates kunnen alleen bij een initiatief dat online staat.");
        return;
    }
    if (completion) {
        enum workflow_result r = workflow_transition(req->db, id, "uitgevoerd", ACTOR_INITIATOR,
                                                     "initiatiefnemer", body, time(NULL));
        if (r != WF_OK) {
            page_error(req, 409, "Uitvoering melden lukte niet.");
            return;
        }
    }
    char when[20];
    utc_text(time(NULL), when);
    bool ok = db_begin(req->db);
    sqlite3_stmt *s = ok ? db_prepare(req->db, "INSERT INTO initiative_updates(initiative_id, "
                                               "author_role, author_name, body, created_at, "
                                               "photo_id) VALUES (?, 'initiatiefnemer', ?, ?, ?, ?)")
                         : NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, when, -1, SQLITE_STATIC);
        if (photo_id)
            sqlite3_bind_int64(s, 5, photo_id);
        else
            sqlite3_bind_null(s, 5);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    if (!ok || !s || !db_commit(req->db)) {
        db_rollback(req->db);
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    back_to_manage(req, completion ? "uitgevoerd" : "update");
}

void manage_update_post(struct request *req)
{
    manage_post_update(req, false);
}

void manage_complete_post(struct request *req)
{
    manage_post_update(req, true);
}

/* Photos of public initiatives and updates; a staff member also sees those under review. */
void photo_page(struct request *req)
{
    /* "12.jpg": digits, then the extension. */
    const char *p = req->params[0] ? req->params[0] : "";
    int64_t id = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 15; p++, digits++)
        id = id * 10 + (*p - '0');
    if (id <= 0 || strcmp(p, ".jpg") != 0) {
        page_error(req, 404, "Deze foto bestaat niet.");
        return;
    }
    sqlite3_stmt *s = db_prepare(
        req->db, "SELECT p.jpeg, EXISTS (SELECT 1 FROM initiatives i WHERE i.photo_id = p.id "
                 "AND i.published_at IS NOT NULL) OR EXISTS (SELECT 1 FROM initiative_updates u "
                 "WHERE u.photo_id = p.id) FROM photos p WHERE p.id = ?");
    if (!s) {
        page_error(req, 500, "De foto kon niet worden geladen.");
        return;
    }
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    bool public_photo = found && sqlite3_column_int(s, 1);
    struct user user;
    if (found && !public_photo)
        public_photo = session_user(req->db, request_cookie(req, SESSION_COOKIE), time(NULL), &user);
    if (!found || !public_photo) {
        sqlite3_reset(s);
        page_error(req, 404, "Deze foto bestaat niet.");
        return;
    }
    buf_reset(&req->resp.body);
    buf_append(&req->resp.body, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    sqlite3_reset(s);
    response_set_header(req, "Content-Type", "image/jpeg");
    response_set_header(req, "Cache-Control", "public, max-age=86400");
}
