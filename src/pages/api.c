/* The open-data API under /api/v1: public initiatives, areas, rounds and totals as JSON, by
 * the Dutch API Design Rules: Dutch paths, parameters and fields, an OpenAPI document at
 * /api/v1/openapi.json, errors as problem details (RFC 9457), an API-Version header, paging
 * links, ETag/Last-Modified with 304, and the data licence (CC0) on every answer. */
#include "app.h"
#include "domain/areas.h"
#include "domain/initiatives.h"
#include "domain/themes.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "domain/stats.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"
#include "view/escape.h"
#include "view/format.h"
#include "http/conditional.h"
#include "util/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_QUERY_CHARS = 100, /* as on the HTML list */
    MAX_PAGE = 1000,
    DEFAULT_PER_PAGE = 50,
    MAX_PER_PAGE = 100,
    ROUNDS_PER_PAGE = 20,
};

enum { API_VERSION_MAJOR = 1 };
static const char api_version[] = "1.0.0";
static const char licence_link[] =
    "<https://creativecommons.org/publicdomain/zero/1.0/>; rel=\"license\"";

/* Headers every answer carries, success or refusal. */
static void api_headers(struct request *req, const char *content_type)
{
    response_set_header(req, "Content-Type", content_type);
    response_set_header(req, "API-Version", api_version);
    response_set_header(req, "Access-Control-Allow-Origin", "*");
    response_set_header(req, "Access-Control-Expose-Headers",
                        "API-Version, Link, ETag, Last-Modified");
}

/* json_dump_callback's writer: appends to the answer's body. */
static int api_write(const char *text, size_t len, void *out)
{
    buf_append(out, text, len);
    return 0;
}

/* Every answer goes out here: JSON in UTF-8 that any site may read. Successes are cacheable
 * and revalidate by ETag (set for every GET by the dispatcher) and Last-Modified; a refusal
 * may be about something published a moment later. Consumes body. */
static void api_send(struct request *req, int status, json_t *body)
{
    /* Straight into the body: a string from json_dumps would live in the request arena. */
    buf_reset(&req->resp.body);
    bool written = body && json_dump_callback(body, api_write, &req->resp.body, JSON_COMPACT) == 0;
    json_decref(body);
    if (written) {
        req->resp.status = status;
    } else {
        buf_reset(&req->resp.body);
        req->resp.status = 500;
        buf_puts(&req->resp.body, "{\"type\":\"about:blank\",\"title\":\"Interne fout\","
                                  "\"status\":500,\"detail\":\"Er ging iets mis.\"}");
    }
    buf_putc(&req->resp.body, '\n');
    bool ok = req->resp.status == 200;
    api_headers(req, ok ? "application/json; charset=utf-8" : "application/problem+json");
    response_set_header(req, "Cache-Control", ok ? "public, max-age=60" : "no-cache");
    if (!ok)
        return;
    response_header(req, "Link", licence_link);
    time_t changed = stats_last_change(req->db);
    if (changed > 0) {
        char date[40];
        http_date_format(date, sizeof date, changed);
        response_set_header(req, "Last-Modified", date);
    }
}

/* The short Dutch title of a problem, by its status. */
static const char *problem_title(int status)
{
    switch (status) {
    case 400:
        return "Ongeldig verzoek";
    case 404:
        return "Niet gevonden";
    case 405:
        return "Methode niet toegestaan";
    case 413:
        return "Verzoek te groot";
    case 414:
        return "Adres te lang";
    case 429:
        return "Te veel verzoeken";
    case 503:
        return "Tijdelijk niet beschikbaar";
    default:
        return status >= 500 ? "Interne fout" : "Verzoek geweigerd";
    }
}

void api_error(struct request *req, int status, const char *message)
{
    /* The path without the query: a query may hold what the client typed. */
    api_send(req, status,
             json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title",
                       problem_title(status), "status", status, "detail", message, "instance",
                       req->path ? req->path : "/"));
}

void api_not_found(struct request *req)
{
    api_error(req, 404,
              "Dit adres bestaat niet in de open-data-API. Zie /api/v1/openapi.json voor "
              "de beschrijving: /api/v1/initiatieven, /api/v1/wijken, /api/v1/rondes en "
              "/api/v1/totalen.");
}

/* The OpenAPI document: written by hand in one file, held against the live answers by the
 * tests. */
void api_openapi(struct request *req)
{
    const struct asset *a = asset_find("static/openapi.json");
    if (!a) {
        api_error(req, 500, "De beschrijving van de API ontbreekt.");
        return;
    }
    req->resp.status = 200;
    req->resp.static_body = (const char *)a->data;
    req->resp.static_len = a->len;
    api_headers(req, "application/json; charset=utf-8");
    response_set_header(req, "Cache-Control", "public, max-age=3600");
    response_header(req, "Link", licence_link);
}

/* A query parameter, with "" counted as absent, as on the HTML list. */
static const char *param(struct request *req, const char *name)
{
    const char *v = request_query(req, name);
    return v && *v ? v : NULL;
}

/* The public base URL without a trailing slash (settings_base_url: the one policy). */
static const char *base_url(struct request *req)
{
    char base[256];
    settings_base_url(req->db, &req->app->config, base, sizeof base);
    return arena_strndup(&req->arena, base, strlen(base));
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
    json_t *area = area_slug ? json_pack("{s:s, s:o}", "slug", area_slug, "naam",
                                         text(json_object_get(row, "area_name")))
                             : json_null();
    json_t *card = json_object();
    json_object_set_new(card, "id", json_integer(id));
    json_object_set_new(card, "titel", text(json_object_get(row, "title")));
    json_object_set_new(card, "samenvatting", text(json_object_get(row, "summary")));
    json_object_set_new(card, "status", text(json_object_get(row, "state")));
    json_object_set_new(card, "thema", text(json_object_get(row, "theme")));
    json_object_set_new(card, "gebied", area);
    json_object_set_new(card, "streefbedrag_centen", integer(json_object_get(row, "target_cents")));
    json_object_set_new(card, "opgehaald_centen", integer(json_object_get(row, "raised_cents")));
    json_object_set_new(card, "aantal_vouchers", integer(json_object_get(row, "voucher_count")));
    json_object_set_new(card, "einddatum", iso_time(json_object_get(row, "deadline")));
    json_object_set_new(card, "geplande_datum", calendar_date(json_object_get(row, "planned_date")));
    json_object_set_new(card, "gepubliceerd_op", iso_time(json_object_get(row, "published_at")));
    json_object_set_new(card, "url",
                        json_string(arena_printf(&req->arena, "%s/initiatieven/%lld%s%s", base,
                                                 (long long)id, *slug ? "-" : "", slug)));
    return card;
}

/* Appends name=value to a query under construction, percent-encoded. */
static void query_add(struct buf *b, const char *name, const char *value)
{
    buf_printf(b, "%c%s=", b->len ? '&' : '?', name);
    escape_url(b, value, strlen(value));
}

/* The address of one page of the list with the same filters, for the paging links. */
/* ?pagina and ?per_pagina of a list (at most MAX_PAGE and MAX_PER_PAGE; default_per_page when
 * not given); false after answering 400. */
static bool list_paging(struct request *req, int64_t default_per_page, int64_t *page,
                        int64_t *per_page)
{
    const char *pagina = param(req, "pagina"), *per_pagina = param(req, "per_pagina");
    *page = 1;
    *per_page = default_per_page;
    if (pagina && !parse_int64(pagina, 1, MAX_PAGE, page)) {
        api_error(req, 400, "Dit paginanummer bestaat niet (1 tot en met 1000).");
        return false;
    }
    if (per_pagina && !parse_int64(per_pagina, 1, MAX_PER_PAGE, per_page)) {
        api_error(req, 400, "per_pagina moet een getal van 1 tot en met 100 zijn.");
        return false;
    }
    return true;
}

/* The address of one page of a list; ctx is the list's own (its path, or its filters). */
typedef const char *(*page_href_fn)(struct request *req, const void *ctx, int64_t page,
                                    int64_t per_page);

/* The _links of a page of a list (self, first, prev, next, last), and the same in `header`
 * for the Link header. */
static json_t *paging_links(struct request *req, page_href_fn href_of, const void *ctx,
                            int64_t page, int64_t total, int64_t per_page, struct buf *header)
{
    int64_t pages = total > 0 ? (total + per_page - 1) / per_page : 1;
    json_t *links = json_object();
    static const struct {
        const char *rel;
        int delta;
    } rels[] = {{"self", 0}, {"first", 0}, {"prev", -1}, {"next", 1}, {"last", 0}};
    for (size_t k = 0; k < sizeof rels / sizeof rels[0]; k++) {
        int64_t target = !strcmp(rels[k].rel, "first")  ? 1
                         : !strcmp(rels[k].rel, "last") ? pages
                                                        : page + rels[k].delta;
        if (!strcmp(rels[k].rel, "self"))
            target = page; /* even past the last page: where the client is */
        else if (target < 1 || target > pages)
            continue;
        const char *href = href_of(req, ctx, target, per_page);
        json_object_set_new(links, rels[k].rel, json_pack("{s:s}", "href", href));
        buf_printf(header, "%s<%s>; rel=\"%s\"", header->len ? ", " : "", href, rels[k].rel);
    }
    return links;
}

/* Sends body with its Link header of the pages. */
static void send_paged(struct request *req, json_t *body, struct buf *header)
{
    api_send(req, 200, body);
    if (req->resp.status == 200 && header->data)
        response_header(req, "Link", header->data);
    buf_free(header);
}

/* page_href_fn of a list without filters: ctx is its path. */
static const char *plain_href(struct request *req, const void *ctx, int64_t page,
                              int64_t per_page)
{
    return arena_printf(&req->arena, "%s%s?pagina=%lld&per_pagina=%lld", base_url(req),
                        (const char *)ctx, (long long)page, (long long)per_page);
}

/* What the initiatives' list keeps in its page links: its filters as asked. */
struct list_query {
    const struct initiative_filter *f;
    const char *q, *sort;
};

static const char *list_href(struct request *req, const void *ctx, int64_t page,
                             int64_t per_page)
{
    const struct list_query *lq = ctx;
    const struct initiative_filter *f = lq->f;
    const char *q = lq->q, *sort = lq->sort;
    struct buf query = {0};
    if (f->area_slug)
        query_add(&query, "wijk", f->area_slug);
    if (f->state)
        query_add(&query, "status", f->state);
    if (q)
        query_add(&query, "q", q);
    if (sort)
        query_add(&query, "sort", sort);
    if (f->theme)
        query_add(&query, "thema", f->theme);
    char number[24];
    snprintf(number, sizeof number, "%lld", (long long)page);
    query_add(&query, "pagina", number);
    snprintf(number, sizeof number, "%lld", (long long)per_page);
    query_add(&query, "per_pagina", number);
    const char *href =
        arena_printf(&req->arena, "%s/api/v1/initiatieven%s", base_url(req),
                     query.data ? query.data : "");
    buf_free(&query);
    return href;
}

void api_initiatives(struct request *req)
{
    const char *wijk = param(req, "wijk"), *status = param(req, "status"), *q = param(req, "q"),
               *sort = param(req, "sort"), *thema = param(req, "thema");
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
    if (thema) {
        json_t *themes = themes_list(req->db);
        bool known = theme_listed(themes, thema) || initiatives_theme_used(req->db, thema);
        json_decref(themes);
        if (!known) {
            api_error(req, 400,
                      "Dit thema kennen we niet. Gebruik een thema van een initiatief, zoals "
                      "groen, spelen of overig.");
            return;
        }
        f.theme = thema;
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
    int64_t page, per_page;
    if (!list_paging(req, DEFAULT_PER_PAGE, &page, &per_page))
        return;
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
    struct list_query lq = {&f, q, sort};
    struct buf header = {0};
    json_t *links = paging_links(req, list_href, &lq, page, total, per_page, &header);
    send_paged(req,
               json_pack("{s:I, s:I, s:I, s:o, s:o}", "totaal", (json_int_t)total, "pagina",
                         (json_int_t)page, "per_pagina", (json_int_t)per_page, "resultaten",
                         items, "_links", links),
               &header);
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
    json_object_set_new(item, "beschrijving", text(json_object_get(row, "description")));
    json_object_set_new(item, "initiatiefnemer", text(json_object_get(row, "initiator_name")));
    /* The completion report is public once the initiative was carried out; before that the
     * same column may hold a reason meant for the initiator. */
    const char *state = json_string_value(json_object_get(row, "state"));
    json_object_set_new(item, "verslag",
                        state && strcmp(state, "uitgevoerd") == 0
                            ? text_or_null(json_object_get(row, "state_reason"))
                            : json_null());

    json_t *lines = json_array();
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(row, "budget_lines"), i, line)
    {
        json_t *out = json_object();
        json_object_set_new(out, "omschrijving", text(json_object_get(line, "item")));
        json_object_set_new(out, "bedrag_centen", integer(json_object_get(line, "amount_cents")));
        json_array_append_new(lines, out);
    }
    json_object_set_new(item, "begrotingsposten", lines);

    json_t *updates = json_array();
    json_t *update;
    json_array_foreach(json_object_get(row, "updates"), i, update)
    {
        json_t *out = json_object();
        json_object_set_new(out, "auteur_rol", text(json_object_get(update, "author_role")));
        json_object_set_new(out, "auteur", text(json_object_get(update, "author_name")));
        json_object_set_new(out, "tekst", text(json_object_get(update, "body")));
        json_object_set_new(out, "geplaatst_op", iso_time(json_object_get(update, "created_at")));
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
        json_object_set_new(buurt, "naam", text(json_object_get(b, "name")));
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
    json_object_set_new(area, "naam", text(json_object_get(row, "name")));
    json_object_set_new(area, "soort", text(json_object_get(row, "kind")));
    json_object_set_new(area, "beschrijving", text(json_object_get(row, "description")));
    json_object_set_new(
        area, "url",
        json_string(arena_printf(&req->arena, "%s/wijken/%s", base, slug ? slug : "")));
    json_t *venue_name = text_or_null(json_object_get(row, "venue_name"));
    json_object_set_new(area, "wijkaccommodatie",
                        json_is_null(venue_name)
                            ? venue_name
                            : json_pack("{s:o, s:o}", "naam", venue_name, "adres",
                                        text_or_null(json_object_get(row, "venue_address"))));
    json_t *director = text_or_null(json_object_get(row, "director_name"));
    json_object_set_new(area, "wijkregisseur",
                        json_is_null(director)
                            ? director
                            : json_pack("{s:o, s:o, s:o}", "naam", director, "email",
                                        text_or_null(json_object_get(row, "director_email")),
                                        "telefoon",
                                        text_or_null(json_object_get(row, "director_phone"))));
    json_object_set_new(area, "buurten", buurten_of(row));
    json_object_set_new(area, "open_initiatieven", json_integer(open_count));
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
    api_send(req, 200, json_pack("{s:o}", "resultaten", items));
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
    json_object_set_new(area, "valt_onder",
                        parent
                            ? json_pack("{s:o, s:o}", "slug", text(json_object_get(parent, "slug")),
                                        "naam", text(json_object_get(parent, "name")))
                            : json_null());
    json_decref(row);
    api_send(req, 200, area);
}

/* A round's name and period, the fields the rounds and totals share. */
static json_t *round_object(const json_t *row)
{
    return json_pack("{s:o, s:o, s:o, s:o}", "id", integer(json_object_get(row, "id")), "naam",
                     text(json_object_get(row, "name")), "opent_op",
                     iso_time(json_object_get(row, "opens_at")), "sluit_op",
                     iso_time(json_object_get(row, "closes_at")));
}

void api_rounds(struct request *req)
{
    int64_t page, per_page, total = 0;
    if (!list_paging(req, ROUNDS_PER_PAGE, &page, &per_page))
        return;
    json_t *rows = rounds_page(req->db, (int)per_page, (int)((page - 1) * per_page), &total);
    if (!rows) {
        api_error(req, 500, "De rondes konden niet worden geladen.");
        return;
    }
    json_t *items = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *round = round_object(row);
        json_object_set_new(round, "voucherwaarde_centen", integer(json_object_get(row, "voucher_cents")));
        json_object_set_new(round, "vouchers_uitgegeven", integer(json_object_get(row, "issued")));
        json_object_set_new(round, "vouchers_gedoneerd", integer(json_object_get(row, "donated")));
        json_array_append_new(items, round);
    }
    json_decref(rows);
    struct buf header = {0};
    json_t *links = paging_links(req, plain_href, "/api/v1/rondes", page, total, per_page, &header);
    send_paged(req,
               json_pack("{s:I, s:I, s:I, s:o, s:o}", "totaal", (json_int_t)total, "pagina",
                         (json_int_t)page, "per_pagina", (json_int_t)per_page, "resultaten", items,
                         "_links", links),
               &header);
}

void api_totals(struct request *req)
{
    int64_t page, per_page, total = 0;
    if (!list_paging(req, ROUNDS_PER_PAGE, &page, &per_page))
        return;
    json_t *rows = stats_rounds_page(req->db, (int)per_page, (int)((page - 1) * per_page), &total);
    if (!rows) {
        api_error(req, 500, "De cijfers konden niet worden geladen.");
        return;
    }
    json_t *rounds = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_t *round = round_object(row);
        json_t *stats = json_incref(row);
        static const char *const keys[][2] = {{"issued", "vouchers_uitgegeven"},
                                              {"vouchers_used", "vouchers_gebruikt"},
                                              {"donated_cents", "gedoneerd_centen"},
                                              {"funded_count", "aantal_gefinancierd"},
                                              {"participation_permille", "deelname_promille"}};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            json_object_set_new(round, keys[k][1], integer(json_object_get(stats, keys[k][0])));
        json_decref(stats);
        json_array_append_new(rounds, round);
    }
    json_decref(rows);

    json_t *stats = stats_totals(req->db, 0);
    json_t *all_time = json_object();
    static const char *const keys[][2] = {{"raised_cents", "opgehaald_centen"},
                                          {"vouchers_used", "vouchers_gebruikt"},
                                          {"funded_count", "aantal_gefinancierd"},
                                          {"open_count", "aantal_open"}};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        json_object_set_new(all_time, keys[k][1], integer(json_object_get(stats, keys[k][0])));
    json_decref(stats);
    struct buf header = {0};
    json_t *links = paging_links(req, plain_href, "/api/v1/totalen", page, total, per_page, &header);
    send_paged(req,
               json_pack("{s:o, s:o, s:I, s:I, s:I, s:o}", "rondes", rounds, "totaal", all_time,
                         "aantal_rondes", (json_int_t)total, "pagina", (json_int_t)page,
                         "per_pagina", (json_int_t)per_page, "_links", links),
               &header);
}
