/* The open-data API under /api/v1: public initiatives, areas, rounds and totals as JSON. */

// Wiring (the route table and pages.h are kept by hand):
//
// src/pages/routes.c, in routes[], after the public pages; the catch-all after the other
// /api/v1 lines, so that it only takes what they leave:
//
//     {M_GET, "/api/v1/initiatieven", api_initiatives, 0},
//     {M_GET, "/api/v1/initiatieven/*", api_initiative, 0},
//     {M_GET, "/api/v1/wijken", api_areas, 0},
//     {M_GET, "/api/v1/wijken/*", api_area, 0},
//     {M_GET, "/api/v1/rondes", api_rounds, 0},
//     {M_GET, "/api/v1/totalen", api_totals, 0},
//     {M_GET, "/api/v1/**", api_not_found, 0},
//
// src/pages/routes.c, site_handle(): refusals made by the dispatcher itself (405 for POST,
// 400 for broken percent-encoding, 414 …) answer in JSON under /api/ too:
//
//     http_dispatch(req, routes, sizeof routes / sizeof routes[0],
//                   strncmp(req->target, "/api/", 5) == 0 ? api_error : page_error);
//
// src/pages/pages.h:
//
//     void api_initiatives(struct request *req);
//     void api_initiative(struct request *req);
//     void api_areas(struct request *req);
//     void api_area(struct request *req);
//     void api_rounds(struct request *req);
//     void api_totals(struct request *req);
//     void api_not_found(struct request *req);
//     void api_error(struct request *req, int status, const char *message);

#include "app.h"
#include "domain/areas.h"
#include "domain/initiatives.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "domain/stats.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_QUERY_CHARS = 100, /* as on the HTML list */
    MAX_PAGE = 1000,
    DEFAULT_PER_PAGE = 50,
    MAX_PER_PAGE = 100,
};

/* Every answer, success or refusal, goes out here: JSON in UTF-8 that any site may read.
 * Only successes are cacheable; a refusal may be about something that is published a
 * moment later. Consumes body. */
static void api_send(struct request *req, int status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    buf_reset(&req->resp.body);
    if (text) {
        req->resp.status = status;
        buf_puts(&req->resp.body, text);
        free(text);
    } else {
        req->resp.status = 500;
        buf_puts(&req->resp.body, "{\"error\":\"Er ging iets mis.\"}");
    }
    buf_putc(&req->resp.body, '\n');
    response_set_header(req, "Content-Type", "application/json; charset=utf-8");
    response_set_header(req, "Access-Control-Allow-Origin", "*");
    response_set_header(req, "Cache-Control",
                        req->resp.status == 200 ? "public, max-age=60" : "no-cache");
}

void api_error(struct request *req, int status, const char *message)
{
    api_send(req, status, json_pack("{s:s}", "error", message));
}

void api_not_found(struct request *req)
{
    api_error(req, 404,
              "Dit adres bestaat niet in de open-data-API. Zie /api/v1/initiatieven, "
              "/api/v1/wijken, /api/v1/rondes en /api/v1/totalen.");
}

/* A query parameter, with "" counted as absent, as on the HTML list. */
static const char *param(struct request *req, const char *name)
{
    const char *v = request_query(req, name);
    return v && *v ? v : NULL;
}

/* The public base URL without a trailing slash, from the settings (the config's when unset). */
static const char *base_url(struct request *req)
{
    json_t *settings = settings_all(req->db);
    const char *base = json_string_value(json_object_get(settings, "basis_url"));
    if (!base)
        base = req->app->config.basis_url;
    size_t len = strlen(base);
    while (len > 0 && base[len - 1] == '/')
        len--;
    const char *copy = arena_strndup(&req->arena, base, len);
    json_decref(settings);
    return copy;
}

/* A database timestamp ('YYYY-MM-DD HH:MM:SS', UTC) as ISO 8601 with Z; null when absent. */
static json_t *iso_time(const json_t *value)
{
    time_t t = parse_utc(json_string_value(value));
    if (t == (time_t)-1)
        return json_null();
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[32];
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(out);
}

/* A calendar date ('YYYY-MM-DD', no time of day) as it is; null when absent or not a date. */
static json_t *calendar_date(const json_t *value)
{
    const char *s = json_string_value(value);
    return s && local_midnight(s) != (time_t)-1 ? json_string(s) : json_null();
}

/* A text column, with "" (not filled in) as null. */
static json_t *text_or_null(const json_t *value)
{
    const char *s = json_string_value(value);
    return s && *s ? json_string(s) : json_null();
}

/* An integer column; 0 when absent, so that every number in an answer is an integer. */
static json_t *integer(const json_t *value)
{
    return json_integer(json_integer_value(value));
}

/* A text column; "" when absent, so that a text field is always a string. */
static json_t *text(const json_t *value)
{
    const char *s = json_string_value(value);
    return json_string(s ? s : "");
}

/* The card of an initiative, built field by field from a row of initiatives_search or
 * initiative_get_public: a column added to those queries later never reaches the API by
 * accident. */
static json_t *initiative_card(struct request *req, const json_t *row, const char *base)
{
    json_int_t id = json_integer_value(json_object_get(row, "id"));
    const char *title = json_string_value(json_object_get(row, "title"));
    char slug[80];
    format_slug(slug, sizeof slug, title ? title : "");

    const char *area_slug = json_string_value(json_object_get(row, "area_slug"));
    json_t *area = area_slug ? json_pack("{s:s, s:o}", "slug", area_slug, "name",
                                         text(json_object_get(row, "area_name")))
                             : json_null();
    json_t *card = json_object();
    json_object_set_new(card, "id", json_integer(id));
    json_object_set_new(card, "title", text(json_object_get(row, "title")));
    json_object_set_new(card, "summary", text(json_object_get(row, "summary")));
    json_object_set_new(card, "state", text(json_object_get(row, "state")));
    json_object_set_new(card, "area", area);
    json_object_set_new(card, "target_cents", integer(json_object_get(row, "target_cents")));
    json_object_set_new(card, "raised_cents", integer(json_object_get(row, "raised_cents")));
    json_object_set_new(card, "vouchers", integer(json_object_get(row, "voucher_count")));
    json_object_set_new(card, "deadline", iso_time(json_object_get(row, "deadline")));
    json_object_set_new(card, "planned_date", calendar_date(json_object_get(row, "planned_date")));
    json_object_set_new(card, "published_at", iso_time(json_object_get(row, "published_at")));
    json_object_set_new(card, "url",
                        json_string(arena_printf(&req->arena, "%s/initiatieven/%lld%s%s", base,
                                                 (long long)id, *slug ? "-" : "", slug)));
    return card;
}

void api_initiatives(struct request *req)
{
    const char *wijk = param(req, "wijk"), *status = param(req, "status"), *q = param(req, "q"),
               *sort = param(req, "sort"), *pagina = param(req, "pagina"),
               *per_pagina = param(req, "per_pagina");
    struct initiative_filter f = {.sort = SORT_NEW};

    if (wijk) {
        if (strcmp(wijk, "gemeentebreed") != 0) {
            json_t *area = area_by_slug(req->db, wijk);
            if (!area) {
                api_error(req, 400,
                          "Deze wijk, buurt of dit dorp kennen we niet. Zie "
                          "/api/v1/wijken voor de namen, of gebruik gemeentebreed.");
                return;
            }
            json_decref(area);
        }
        f.area_slug = wijk;
    }
    if (status) {
        if (!initiative_state_public(status)) {
            api_error(req, 400,
                      "Deze status kennen we niet. Kies open, gefinancierd, "
                      "uitgevoerd, niet_gehaald of ingetrokken.");
            return;
        }
        f.state = status;
    }
    if (q) {
        if (utf8_length(q, strlen(q)) > MAX_QUERY_CHARS) {
            api_error(req, 400, "De zoektekst is te lang (hoogstens 100 tekens).");
            return;
        }
        f.query = q;
    }
    if (sort) {
        if (strcmp(sort, "nieuw") == 0)
            f.sort = SORT_NEW;
        else if (strcmp(sort, "bijna") == 0)
            f.sort = SORT_CLOSEST;
        else if (strcmp(sort, "populair") == 0)
            f.sort = SORT_POPULAR;
        else {
            api_error(req, 400, "Deze sortering kennen we niet. Kies nieuw, bijna of populair.");
            return;
        }
    }
    int64_t page = 1, per_page = DEFAULT_PER_PAGE;
    if (pagina && !parse_int64(pagina, 1, MAX_PAGE, &page)) {
        api_error(req, 400, "Dit paginanummer bestaat niet (1 tot en met 1000).");
        return;
    }
    if (per_pagina && !parse_int64(per_pagina, 1, MAX_PER_PAGE, &per_page)) {
        api_error(req, 400, "per_pagina moet een getal van 1 tot en met 100 zijn.");
        return;
    }
    f.limit = (int)per_page;
    f.offset = (int)((page - 1) * per_page);

    int64_t total = 0;
    json_t *rows = initiatives_search(req->db, &f, &total);
    if (!rows) {
        api_error(req, 500, "De initiatieven konden niet worden geladen.");
        return;
    }
    const char *base = base_url(req);
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) json_array_append_new(items, initiative_card(req, row, base));
    json_decref(rows);
    api_send(req, 200,
             json_pack("{s:I, s:I, s:I, s:o}", "total", (json_int_t)total, "page", (json_int_t)page,
                       "per_page", (json_int_t)per_page, "items", items));
}

void api_initiative(struct request *req)
{
    /* "12" and, as on the site, "12-buurtbarbecue". */
    int64_t id = page_id_param(req->params[0]);
    json_t *row = id > 0 ? initiative_get_public(req->db, id) : NULL;
    if (!row) {
        api_error(req, 404, "Dit initiatief bestaat niet of is (nog) niet openbaar.");
        return;
    }
    json_t *item = initiative_card(req, row, base_url(req));
    json_object_set_new(item, "description", text(json_object_get(row, "description")));
    json_object_set_new(item, "initiator_name", text(json_object_get(row, "initiator_name")));
    /* The completion report is public once the initiative was carried out; before that the
     * same column may hold a reason meant for the initiator. */
    const char *state = json_string_value(json_object_get(row, "state"));
    json_object_set_new(item, "report",
                        state && strcmp(state, "uitgevoerd") == 0
                            ? text_or_null(json_object_get(row, "state_reason"))
                            : json_null());

    json_t *lines = json_array();
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(row, "budget_lines"), i, line)
    {
        json_t *out = json_object();
        json_object_set_new(out, "item", text(json_object_get(line, "item")));
        json_object_set_new(out, "amount_cents", integer(json_object_get(line, "amount_cents")));
        json_array_append_new(lines, out);
    }
    json_object_set_new(item, "budget_lines", lines);

    json_t *updates = json_array();
    json_t *update;
    json_array_foreach(json_object_get(row, "updates"), i, update)
    {
        json_t *out = json_object();
        json_object_set_new(out, "author_role", text(json_object_get(update, "author_role")));
        json_object_set_new(out, "author_name", text(json_object_get(update, "author_name")));
        json_object_set_new(out, "body", text(json_object_get(update, "body")));
        json_object_set_new(out, "created_at", iso_time(json_object_get(update, "created_at")));
        json_array_append_new(updates, out);
    }
    json_object_set_new(item, "updates", updates);
    json_decref(row);
    api_send(req, 200, item);
}

/* Slug and name of each buurt in a row's "buurten". */
static json_t *buurten_of(const json_t *area)
{
    json_t *out = json_array();
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(area, "buurten"), i, b)
    {
        json_t *buurt = json_object();
        json_object_set_new(buurt, "slug", text(json_object_get(b, "slug")));
        json_object_set_new(buurt, "name", text(json_object_get(b, "name")));
        json_array_append_new(out, buurt);
    }
    return out;
}

/* An area for the API, field by field from a row of areas_list or area_by_slug: the public
 * description, its wijkaccommodatie and the wijkregisseur's contact as the area page shows it. */
static json_t *area_object(struct request *req, const json_t *row, const char *base,
                           json_int_t open_count)
{
    const char *slug = json_string_value(json_object_get(row, "slug"));
    json_t *area = json_object();
    json_object_set_new(area, "slug", text(json_object_get(row, "slug")));
    json_object_set_new(area, "name", text(json_object_get(row, "name")));
    json_object_set_new(area, "kind", text(json_object_get(row, "kind")));
    json_object_set_new(area, "description", text(json_object_get(row, "description")));
    json_object_set_new(
        area, "url",
        json_string(arena_printf(&req->arena, "%s/wijken/%s", base, slug ? slug : "")));
    json_t *venue_name = text_or_null(json_object_get(row, "venue_name"));
    json_object_set_new(area, "wijkaccommodatie",
                        json_is_null(venue_name)
                            ? venue_name
                            : json_pack("{s:o, s:o}", "name", venue_name, "address",
                                        text_or_null(json_object_get(row, "venue_address"))));
    json_t *director = text_or_null(json_object_get(row, "director_name"));
    json_object_set_new(area, "wijkregisseur",
                        json_is_null(director)
                            ? director
                            : json_pack("{s:o, s:o, s:o}", "name", director, "email",
                                        text_or_null(json_object_get(row, "director_email")),
                                        "phone",
                                        text_or_null(json_object_get(row, "director_phone"))));
    json_object_set_new(area, "buurten", buurten_of(row));
    json_object_set_new(area, "open_initiatives", json_integer(open_count));
    return area;
}

void api_areas(struct request *req)
{
    json_t *rows = areas_list(req->db);
    const char *base = base_url(req);
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_int_t open_count = json_integer_value(json_object_get(row, "open_count"));
        json_array_append_new(items, area_object(req, row, base, open_count));
    }
    json_decref(rows);
    api_send(req, 200, json_pack("{s:o}", "items", items));
}

void api_area(struct request *req)
{
    const char *slug = req->params[0];
    json_t *row = area_by_slug(req->db, slug);
    if (!row) {
        api_error(req, 404, "Deze wijk, buurt of dit dorp kennen we niet. Zie /api/v1/wijken.");
        return;
    }
    /* Counted the way the list counts: the area and its buurten. */
    struct initiative_filter f = {.area_slug = slug, .state = "open", .limit = 1};
    int64_t open_count = 0;
    json_t *none = initiatives_search(req->db, &f, &open_count);
    if (!none) {
        json_decref(row);
        api_error(req, 500, "De wijk kon niet worden geladen.");
        return;
    }
    json_decref(none);
    json_t *area = area_object(req, row, base_url(req), (json_int_t)open_count);
    json_t *parent = json_object_get(row, "parent");
    json_object_set_new(area, "parent",
                        parent
                            ? json_pack("{s:o, s:o}", "slug", text(json_object_get(parent, "slug")),
                                        "name", text(json_object_get(parent, "name")))
                            : json_null());
    json_decref(row);
    api_send(req, 200, area);
}

/* A round's name and period, the fields the rounds and totals share. */
static json_t *round_object(const json_t *row)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "id", integer(json_object_get(row, "id")), "name",
                     text(json_object_get(row, "name")), "opens_at",
                     iso_time(json_object_get(row, "opens_at")), "closes_at",
                     iso_time(json_object_get(row, "closes_at")));
}

void api_rounds(struct request *req)
{
    json_t *rows = rounds_list(req->db);
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *round = round_object(row);
        json_object_set_new(round, "voucher_cents", integer(json_object_get(row, "voucher_cents")));
        json_object_set_new(round, "issued", integer(json_object_get(row, "issued")));
        json_object_set_new(round, "donated", integer(json_object_get(row, "donated")));
        json_array_append_new(items, round);
    }
    json_decref(rows);
    api_send(req, 200, json_pack("{s:o}", "items", items));
}

void api_totals(struct request *req)
{
    json_t *rows = rounds_list(req->db);
    json_t *rounds = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *round = round_object(row);
        json_t *stats = stats_round(req->db, json_integer_value(json_object_get(row, "id")), 0);
        static const char *const keys[] = {"issued", "vouchers_used", "donated_cents",
                                           "funded_count", "participation_permille"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            json_object_set_new(round, keys[k], integer(json_object_get(stats, keys[k])));
        json_decref(stats);
        json_array_append_new(rounds, round);
    }
    json_decref(rows);

    json_t *stats = stats_totals(req->db, 0);
    json_t *all_time = json_object();
    static const char *const keys[] = {"raised_cents", "vouchers_used", "funded_count",
                                       "open_count"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        json_object_set_new(all_time, keys[k], integer(json_object_get(stats, keys[k])));
    json_decref(stats);
    api_send(req, 200, json_pack("{s:o, s:o}", "rounds", rounds, "all_time", all_time));
}
