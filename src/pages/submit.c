/* Submitting an initiative: the public form /initiatief-indienen, and the form's parts that the
 * initiator's edit page (manage.c) shares. */
#include "app.h"
#include "domain/areas.h"
#include "domain/photo.h"
#include "domain/settings.h"
#include "domain/submission.h"
#include "domain/themes.h"
#include "domain/throttle.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/submit_form.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *submit_form_getter(void *ctx, const char *name)
{
    return request_form(ctx, name);
}

int submit_int_field(struct request *req, const char *name, int fallback, int min, int max)
{
    int64_t v;
    const char *s = request_form(req, name);
    if (!s || !parse_int64(s, min, max, &v))
        return fallback;
    return (int)v;
}

/* Everything the form template needs: rules, areas, rows with their values and errors. */
json_t *submit_form_data(struct request *req, json_t *values, json_t *errors, int rows, int co_rows)
{
    json_t *data = json_object();
    json_t *settings = settings_all(req->db);
    int64_t min = 0, max = 0, needed = 0;
    parse_int64(settings_value(settings, "streef_min_cents", NULL), 0, INT64_MAX, &min);
    parse_int64(settings_value(settings, "streef_max_cents", NULL), 0, INT64_MAX, &max);
    parse_int64(settings_value(settings, "mede_organisatoren", NULL), 0, 100, &needed);
    const char *rules = json_string_value(json_object_get(settings, "regels"));
    if (rules && *rules)
        json_object_set_new(data, "rules", json_string(rules));
    json_decref(settings);
    page_set_money(data, "min", min);
    page_set_money(data, "max", max);
    json_object_set_new(data, "needed", json_integer(needed));
    json_object_set_new(data, "csrf", json_string(csrf_token(req)));

    const char *area = json_string_value(json_object_get(values, "gebied"));
    json_t *options = json_array();
    json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", "gemeentebreed", "label",
                                             LABEL_CITY_WIDE " (voor de hele gemeente)", "selected",
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
            json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", bs, "label", label,
                                                     "selected", area && !strcmp(area, bs)));
        }
    }
    json_decref(areas);
    json_object_set_new(data, "area_options", options);

    /* The themes of the setting; a theme taken off the list since gives way to the default. */
    json_t *themes = themes_list(req->db);
    const char *theme = json_string_value(json_object_get(values, "thema"));
    if (!theme || !theme_listed(themes, theme))
        theme = theme_default(themes);
    json_t *theme_options = json_array();
    size_t t;
    json_t *name;
    json_array_foreach(themes, t, name)
    {
        json_array_append_new(theme_options,
                              json_pack("{s:O, s:b}", "value", name, "selected",
                                        !strcmp(json_string_value(name), theme)));
    }
    json_decref(themes);
    json_object_set_new(data, "theme_options", theme_options);

    /* Errors of budget and co-organiser rows, for the summary at the top, each linking to
     * its own field. */
    json_t *summary = json_array();
    json_t *lines = json_array();
    for (int n = 1; n <= rows; n++) {
        char fi[32], fa[32];
        snprintf(fi, sizeof fi, "post_%d_omschrijving", n);
        snprintf(fa, sizeof fa, "post_%d_bedrag", n);
        json_t *line = json_pack("{s:i, s:s, s:s}", "n", n, "item",
                                 json_string_value(json_object_get(values, fi)) ?: "", "amount",
                                 json_string_value(json_object_get(values, fa)) ?: "");
        if (json_object_get(errors, fi)) {
            json_object_set(line, "item_error", json_object_get(errors, fi));
            json_array_append_new(summary, json_pack("{s:s, s:s, s:O}", "field", fi, "label",
                                                     arena_printf(&req->arena,
                                                                  "Begrotingspost %d, omschrijving",
                                                                  n),
                                                     "message", json_object_get(errors, fi)));
        }
        if (json_object_get(errors, fa)) {
            json_object_set(line, "amount_error", json_object_get(errors, fa));
            json_array_append_new(summary, json_pack("{s:s, s:s, s:O}", "field", fa, "label",
                                                     arena_printf(&req->arena,
                                                                  "Begrotingspost %d, bedrag", n),
                                                     "message", json_object_get(errors, fa)));
        }
        json_array_append_new(lines, line);
    }
    json_object_set_new(data, "lines", lines);
    json_object_set_new(data, "line_errors", summary);
    summary = json_array();
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
        const char *at = fn;
        if (!err && (err = json_string_value(json_object_get(errors, fp))))
            at = fp;
        if (!err && (err = json_string_value(json_object_get(errors, fh))))
            at = fh;
        if (err) {
            json_object_set_new(row, "error", json_string(err));
            json_array_append_new(summary,
                                  json_pack("{s:s, s:s, s:s}", "field", at, "label",
                                            arena_printf(&req->arena, "Mede-organisator %d", n),
                                            "message", err));
        }
        json_array_append_new(co, row);
    }
    json_object_set_new(data, "co", co);
    json_object_set_new(data, "co_errors", summary);
    json_object_set_new(data, "rows", json_integer(rows));
    json_object_set_new(data, "co_rows", json_integer(co_rows));
    json_object_set_new(data, "can_add_rows",
                        json_boolean(rows + SUBMIT_MORE_ROWS <= MAX_BUDGET_LINES));
    json_object_set_new(data, "v", values);
    json_object_set_new(data, "e", errors);
    json_object_set_new(data, "has_errors", json_boolean(json_object_size(errors) > 0));
    json_object_set_new(data, "error_count", json_integer((json_int_t)json_object_size(errors)));
    return data;
}

json_t *submit_posted_values(struct request *req)
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

int submit_co_rows_default(struct request *req)
{
    json_t *settings = settings_all(req->db);
    int64_t needed = 0;
    parse_int64(settings_value(settings, "mede_organisatoren", NULL), 0, 100, &needed);
    json_decref(settings);
    int rows = (int)needed + 1;
    return rows < 3 ? 3 : rows > MAX_CO_ORGANISERS ? MAX_CO_ORGANISERS : rows;
}

int submit_photo_field(struct request *req, const char *field, struct photo *out, json_t *errors)
{
    memset(out, 0, sizeof *out);
    const struct field *f = fields_get(&req->form_fields, field);
    if (!f || !f->filename || f->value_len == 0)
        return 0;
    enum photo_error err = photo_process((const unsigned char *)f->value, f->value_len, 1600, out);
    if (err != PHOTO_OK) {
        json_object_set_new(errors, field, json_string(photo_error_message(err)));
        return err == PHOTO_BUSY ? SUBMIT_PHOTO_BUSY : -1;
    }
    return 1;
}

void submit_photo_busy(struct request *req)
{
    char retry[16];
    snprintf(retry, sizeof retry, "%d", PHOTO_RETRY_SECONDS);
    req->resp.status = 503;
    response_set_header(req, "Retry-After", retry);
}

/* Per hour: new initiatives per address and per e-mail address (setting indienen_per_uur),
 * changes per address and per initiative (wijzigingen_per_uur); past
 * them a minute's wait that doubles per try. Honest residents never reach these; a script that
 * floods the staff queue or someone's mailbox does. */
static struct throttle_rule rate_rule(struct request *req, const char *name, const char *setting)
{
    json_t *settings = settings_all(req->db);
    int64_t v = 1; /* the settings table holds the default; a broken value limits hardest */
    parse_int64(settings_value(settings, setting, &req->app->config), 1, 100000, &v);
    json_decref(settings);
    return (struct throttle_rule){name, (int)v, 60, 3600, 3600};
}

bool submit_rate_take(struct request *req, enum submit_rate kind, const char *key, int64_t ids[2])
{
    char hashed[33];
    struct throttle_rule by_address, by_key;
    const char *clients[2] = {req->client_addr, key};
    if (kind == SUBMIT_RATE_NEW) {
        throttle_key_hash(key, hashed);
        clients[1] = hashed;
        by_address = rate_rule(req, "submit", "indienen_per_uur");
        by_key = rate_rule(req, "submit-email", "indienen_per_uur");
    } else {
        by_address = rate_rule(req, "change", "wijzigingen_per_uur");
        by_key = rate_rule(req, "change-initiative", "wijzigingen_per_uur");
    }
    const struct throttle_rule *rules[2] = {&by_address, &by_key};
    int64_t wait = throttle_take(req->db, rules, clients, 2, time(NULL), ids);
    if (wait == 0)
        return true;
    char msg[300], retry[24];
    int64_t minutes = (wait + 59) / 60;
    snprintf(msg, sizeof msg,
             "%s Probeer het over %lld minu%s opnieuw.",
             kind == SUBMIT_RATE_NEW
                 ? "Er zijn kort na elkaar veel initiatieven ingediend vanaf uw internetadres of "
                   "met uw e-mailadres; uw initiatief is niet opgeslagen."
                 : "Er zijn kort na elkaar veel wijzigingen gedaan; deze is niet opgeslagen.",
             (long long)minutes, minutes == 1 ? "ut" : "ten");
    page_error(req, 429, msg);
    snprintf(retry, sizeof retry, "%lld", (long long)wait);
    response_set_header(req, "Retry-After", retry);
    return false;
}

void submit_rate_forgive(struct request *req, const int64_t ids[2])
{
    throttle_forgive(req->db, ids[0]);
    throttle_forgive(req->db, ids[1]);
}

int64_t submit_photo_stored(struct request *req, const char *field, json_t *errors)
{
    struct photo photo;
    int taken = submit_photo_field(req, field, &photo, errors);
    if (taken <= 0)
        return taken;
    int64_t id = photo_store(req->db, &photo);
    photo_free(&photo);
    return id ? id : -1;
}

/* The browser's CSRF token as the form sent it (the front line checked it): what binds a
 * form's token and a held photo to this browser. */
static const char *form_binding(struct request *req)
{
    return request_form(req, CSRF_FIELD) ?: "";
}

/* Held photos per address and browser per hour (setting fotos_per_uur): a form sent back
 * again and again with a new photo each time stops being kept, not refused. */
static bool photo_hold_allowed(struct request *req)
{
    char hashed[33];
    throttle_key_hash(form_binding(req), hashed);
    struct throttle_rule by_address = rate_rule(req, "photo-hold", "fotos_per_uur");
    struct throttle_rule by_browser = rate_rule(req, "photo-hold-browser", "fotos_per_uur");
    const struct throttle_rule *rules[2] = {&by_address, &by_browser};
    const char *clients[2] = {req->client_addr, hashed};
    int64_t ids[2];
    return throttle_take(req->db, rules, clients, 2, time(NULL), ids) == 0;
}

void submit_form_photo(struct request *req, bool comes_back, struct submit_photo *out,
                       json_t *errors)
{
    memset(out, 0, sizeof *out);
    const unsigned char *secret = req->app->secret;
    const char *binding = form_binding(req);
    time_t now = time(NULL);
    const char *ref = request_form(req, "foto_ref");
    int64_t held = photo_held(req->db, secret, binding, ref, now);
    const char *removed = request_form(req, "foto_weg");
    out->removed = removed && !strcmp(removed, "ja");
    if (held && !out->removed) {
        out->id = held;
        snprintf(out->ref, sizeof out->ref, "%s", ref);
    } else if (held) {
        photo_release(req->db, held);
    }
    struct photo photo;
    int taken = submit_photo_field(req, "foto", &photo, errors);
    if (taken < 0) {
        out->status = taken;
        return;
    }
    if (taken == 0)
        return;
    /* A new photo takes the place of the one held before. */
    char new_ref[PHOTO_REF_CHARS + 1] = "";
    int64_t id = 0;
    if (!comes_back)
        id = photo_store(req->db, &photo);
    else if (photo_hold_allowed(req))
        id = photo_hold(req->db, secret, binding, &photo, now, new_ref);
    else
        json_object_set_new(errors, "foto",
                            json_string("Er zijn kort na elkaar veel foto's geüpload; deze is "
                                        "niet bewaard. Kies hem over een uur opnieuw."));
    photo_free(&photo);
    if (!id) {
        if (!json_object_get(errors, "foto"))
            json_object_set_new(errors, "foto",
                                json_string("De foto kon niet worden bewaard; kies hem opnieuw."));
        out->status = -1;
        return;
    }
    if (out->id)
        photo_release(req->db, out->id);
    out->id = id;
    out->removed = false;
    snprintf(out->ref, sizeof out->ref, "%s", new_ref);
}

void submit_show_photo(struct request *req, json_t *data, const struct submit_photo *photo)
{
    if (!photo->id || !*photo->ref)
        return;
    json_object_set_new(data, "photo",
                        json_pack("{s:s, s:s}", "src",
                                  arena_printf(&req->arena, "/fotos/voorlopig/%s.jpg", photo->ref),
                                  "ref", photo->ref));
}

/* The token of the form: the one it came with when well-formed, else a new one (an old page,
 * or a client that sends no token: it simply has no protection against sending twice). */
static const char *form_token(struct request *req)
{
    const char *t = request_form(req, "formulier");
    if (submission_form_token_valid(t))
        return t;
    char *fresh = arena_alloc(&req->arena, MANAGE_TOKEN_CHARS + 1);
    submission_form_token(fresh);
    return fresh;
}

/* Post/redirect/get: the result page is the management link's page with ?gedaan=nieuw. */
static void to_result(struct request *req, const char *manage_token)
{
    response_set_header(req, "Referrer-Policy", "no-referrer");
    response_set_header(
        req, "Location",
        arena_printf(&req->arena, "/mijn-initiatief/%s?gedaan=nieuw", manage_token));
    page_text(req, 303, "Ingediend.\n");
}

static void render_form(struct request *req, json_t *values, json_t *errors, int rows,
                        int co_rows, const char *token, const struct submit_photo *photo,
                        const char *title)
{
    json_t *data = submit_form_data(req, values, errors, rows, co_rows);
    json_object_set_new(data, "action", json_string("/initiatief-indienen"));
    json_object_set_new(data, "is_new", json_true());
    json_object_set_new(data, "form_token", json_string(token));
    if (photo)
        submit_show_photo(req, data, photo);
    page_render(req, "submit", title, data);
}

void submit_page(struct request *req)
{
    response_set_header(req, "Cache-Control", "no-store");
    char token[MANAGE_TOKEN_CHARS + 1];
    submission_form_token(token);
    render_form(req, json_object(), json_object(), SUBMIT_DEFAULT_ROWS,
                submit_co_rows_default(req), token, NULL, "Initiatief indienen");
}

void submit_post(struct request *req)
{
    response_set_header(req, "Cache-Control", "no-store");
    const char *token = form_token(req);
    char manage[MANAGE_TOKEN_CHARS + 1];
    /* The same form again (a double click, a refresh): the same result page. */
    if (submission_by_form(req->db, req->app->secret, form_binding(req), token, manage)) {
        to_result(req, manage);
        return;
    }
    int rows = submit_int_field(req, "regels", SUBMIT_DEFAULT_ROWS, 1, MAX_BUDGET_LINES);
    int co_rows =
        submit_int_field(req, "mede_regels", submit_co_rows_default(req), 1, MAX_CO_ORGANISERS);
    struct submit_photo photo;
    if (request_form(req, "meer_regels")) {
        /* Without JavaScript, more budget rows come from a round trip. */
        rows =
            rows + SUBMIT_MORE_ROWS > MAX_BUDGET_LINES ? MAX_BUDGET_LINES : rows + SUBMIT_MORE_ROWS;
        json_t *errors = json_object();
        bool bad = page_bad_fields(req, errors);
        submit_form_photo(req, true, &photo, errors);
        json_t *data = submit_form_data(req, submit_posted_values(req), errors, rows, co_rows);
        json_object_set_new(data, "action", json_string("/initiatief-indienen"));
        json_object_set_new(data, "is_new", json_true());
        json_object_set_new(data, "form_token", json_string(token));
        json_object_set_new(data, "focus_lines", json_true());
        submit_show_photo(req, data, &photo);
        page_render(req, "submit", "Initiatief indienen", data);
        if (photo.status < 0 || bad)
            req->resp.status = 400;
        if (photo.status == SUBMIT_PHOTO_BUSY)
            submit_photo_busy(req);
        return;
    }
    time_t now = time(NULL);
    json_t *errors = json_object();
    /* Text the one check refused is told at its field first, and never stored. */
    bool bad = page_bad_fields(req, errors);
    struct submission s;
    bool ok = submission_validate(req->db, submit_form_getter, req, rows, co_rows, now, &s, errors);
    ok = ok && !bad;
    int64_t rate[2] = {0, 0};
    if (ok && !submit_rate_take(req, SUBMIT_RATE_NEW, s.email, rate)) {
        submission_free(&s);
        json_decref(errors);
        return;
    }
    submit_form_photo(req, !ok, &photo, errors);
    if (!ok || photo.status < 0) {
        submit_rate_forgive(req, rate);
        submission_free(&s);
        render_form(req, submit_posted_values(req), errors, rows, co_rows, token, &photo,
                    "Initiatief indienen: controleer het formulier");
        req->resp.status = 400;
        if (photo.status == SUBMIT_PHOTO_BUSY)
            submit_photo_busy(req);
        return;
    }
    json_decref(errors);
    char base[256];
    settings_base_url(req->db, &req->app->config, base, sizeof base);
    int64_t id;
    ok = submission_create_from_form(req->db, req->app->secret, &s, photo.id, base,
                                     form_binding(req), token, now, &id, manage);
    submission_free(&s);
    if (!ok) {
        submit_rate_forgive(req, rate);
        /* The same form sent at the same moment: the other request made it. */
        if (submission_by_form(req->db, req->app->secret, form_binding(req), token, manage)) {
            to_result(req, manage);
            return;
        }
        page_error(req, 503, "Het indienen lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    to_result(req, manage);
}
