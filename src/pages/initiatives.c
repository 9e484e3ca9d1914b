/* The initiative list with filters and search, and one initiative's page. */
#include "domain/areas.h"
#include "domain/initiatives.h"
#include "domain/partner_money.h"
#include "domain/themes.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"
#include "view/escape.h"

#include <stdio.h>
#include <string.h>

enum { PER_PAGE = 12, MAX_QUERY_CHARS = 100, MAX_PAGE = 1000 };

/* A query parameter, with "" counted as absent (an empty select option). */
static const char *param(struct request *req, const char *name)
{
    const char *v = request_query(req, name);
    return v && *v ? v : NULL;
}

static json_t *option_list(const char *const (*options)[2], size_t n, const char *selected)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:s, s:s, s:b}", "value", options[i][0], "label",
                                             options[i][1], "selected",
                                             selected && strcmp(selected, options[i][0]) == 0));
    return arr;
}

/* A link to another page of the same filtered list. */
static json_t *page_link(const char *wijk, const char *status, const char *q, const char *sort,
                         const char *thema, int page)
{
    struct buf url = {0};
    buf_puts(&url, "/initiatieven?");
    const char *names[] = {"wijk", "status", "q", "sort", "thema"};
    const char *values[] = {wijk, status, q, sort, thema};
    for (int i = 0; i < 5; i++) {
        if (!values[i])
            continue;
        buf_printf(&url, "%s=", names[i]);
        escape_url(&url, values[i], strlen(values[i]));
        buf_putc(&url, '&');
    }
    buf_printf(&url, "pagina=%d", page);
    json_t *link = json_pack("{s:s, s:i}", "url", url.data, "page", page);
    buf_free(&url);
    return link;
}

void initiatives_list_page(struct request *req)
{
    const char *wijk = param(req, "wijk"), *status = param(req, "status"),
               *q = param(req, "q"), *sort = param(req, "sort"), *pagina = param(req, "pagina"),
               *thema = param(req, "thema");
    struct initiative_filter f = {.limit = PER_PAGE};
    json_t *areas = areas_list(req->db);

    if (wijk) {
        json_t *area = strcmp(wijk, "gemeentebreed") == 0 ? NULL : area_by_slug(req->db, wijk);
        if (!area && strcmp(wijk, "gemeentebreed") != 0) {
            json_decref(areas);
            page_error(req, 400, "Deze wijk of dit dorp kennen we niet. Kies er een uit de lijst.");
            return;
        }
        json_decref(area);
        f.area_slug = wijk;
    }
    if (status) {
        if (!initiative_state_public(status)) {
            json_decref(areas);
            page_error(req, 400, "Deze status kennen we niet. Kies er een uit de lijst.");
            return;
        }
        f.state = status;
    }
    /* A theme of the list; one taken off it since still finds the initiatives that have it. */
    if (thema) {
        json_t *themes = themes_list(req->db);
        bool known = theme_listed(themes, thema) || initiatives_theme_used(req->db, thema);
        json_decref(themes);
        if (!known) {
            json_decref(areas);
            page_error(req, 400, "Dit thema kennen we niet. Kies er een uit de lijst.");
            return;
        }
        f.theme = thema;
    }
    /* A search text too long is told at its field, shown as typed; the list is not searched. */
    const char *typed_q = q, *q_error = NULL;
    if (q) {
        if (utf8_length(q, strlen(q)) > MAX_QUERY_CHARS) {
            q_error = "De zoektekst is te lang: hoogstens 100 tekens.";
            q = NULL;
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
            json_decref(areas);
            page_error(req, 400, "Deze sortering kennen we niet. Kies nieuw, bijna of populair.");
            return;
        }
    }
    int64_t page = 1;
    if (pagina && !parse_int64(pagina, 1, MAX_PAGE, &page)) {
        json_decref(areas);
        page_error(req, 400, "Dit paginanummer bestaat niet.");
        return;
    }
    f.offset = (int)(page - 1) * PER_PAGE;

    int64_t total = 0;
    json_t *items = initiatives_search(req->db, &f, &total);
    if (!items) {
        json_decref(areas);
        page_error(req, 500, "De initiatieven konden niet worden geladen.");
        return;
    }
    partner_money_add(req->db, items);
    page_decorate_initiatives(items, time(NULL));

    json_t *data = json_object();
    json_object_set_new(data, "items", items);
    json_object_set_new(data, "total", json_integer(total));
    json_object_set_new(data, "total_one", json_boolean(total == 1));
    json_object_set_new(data, "q", json_string(typed_q ? typed_q : ""));
    if (q_error)
        json_object_set_new(data, "q_error", json_string(q_error));
    json_object_set_new(data, "filtered", json_boolean(wijk || status || q || thema));

    json_t *area_options = json_array();
    json_array_append_new(area_options,
                          json_pack("{s:s, s:s, s:b}", "value", "gemeentebreed", "label",
                                    LABEL_CITY_WIDE, "selected",
                                    wijk && strcmp(wijk, "gemeentebreed") == 0));
    size_t i;
    json_t *area;
    json_array_foreach(areas, i, area)
    {
        const char *slug = json_string_value(json_object_get(area, "slug"));
        json_array_append_new(area_options,
                              json_pack("{s:s, s:O, s:b}", "value", slug, "label",
                                        json_object_get(area, "name"), "selected",
                                        wijk && strcmp(wijk, slug) == 0));
        size_t k;
        json_t *b;
        json_array_foreach(json_object_get(area, "buurten"), k, b)
        {
            const char *bslug = json_string_value(json_object_get(b, "slug"));
            char label[200];
            snprintf(label, sizeof label, "\xe2\x80\x94 %s",
                     json_string_value(json_object_get(b, "name")));
            json_array_append_new(area_options,
                                  json_pack("{s:s, s:s, s:b}", "value", bslug, "label", label,
                                            "selected", wijk && strcmp(wijk, bslug) == 0));
        }
    }
    json_decref(areas);
    json_object_set_new(data, "area_options", area_options);

    static const char *const state_options[][2] = {
        {"open", "Open voor vouchers"},
        {"gefinancierd", "Gefinancierd"},
        {"uitgevoerd", "Uitgevoerd"},
        {"niet_gehaald", "Streefbedrag niet gehaald"},
        {"ingetrokken", "Ingetrokken"},
    };
    json_object_set_new(data, "state_options", option_list(state_options, 5, status));
    json_t *themes = themes_list(req->db);
    json_t *theme_options = json_array();
    size_t t;
    json_t *theme;
    json_array_foreach(themes, t, theme)
    {
        json_array_append_new(theme_options,
                              json_pack("{s:O, s:b}", "value", theme, "selected",
                                        thema && !strcmp(thema, json_string_value(theme))));
    }
    json_decref(themes);
    json_object_set_new(data, "theme_options", theme_options);
    static const char *const sort_options[][2] = {
        {"nieuw", "Nieuwste eerst"},
        {"bijna", "Bijna gehaald"},
        {"populair", "Meeste vouchers"},
    };
    json_object_set_new(data, "sort_options", option_list(sort_options, 3, sort ? sort : "nieuw"));

    int64_t pages = (total + PER_PAGE - 1) / PER_PAGE;
    if (pages > 1) {
        json_object_set_new(data, "page", json_integer(page));
        json_object_set_new(data, "pages", json_integer(pages));
        if (page > 1)
            json_object_set_new(data, "prev", page_link(wijk, status, q, sort, thema, (int)page - 1));
        if (page < pages)
            json_object_set_new(data, "next", page_link(wijk, status, q, sort, thema, (int)page + 1));
    }
    page_render(req, "initiatives", "Initiatieven", data);
    if (q_error)
        req->resp.status = 400;
}

void initiative_page(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    json_t *item = id > 0 ? initiative_get_public(req->db, id) : NULL;
    if (!item) {
        page_error(req, 404, "Dit initiatief bestaat niet of is (nog) niet openbaar.");
        return;
    }
    partner_money_add(req->db, item);
    page_decorate_initiative(item, time(NULL));
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(item, "budget_lines"), i, line)
        page_set_money(line, "amount", json_integer_value(json_object_get(line, "amount_cents")));
    json_t *update;
    json_array_foreach(json_object_get(item, "updates"), i, update)
        page_set_date(update, "date", "created_at");
    char title[200];
    snprintf(title, sizeof title, "%s", json_string_value(json_object_get(item, "title")));
    json_t *feed = json_pack(
        "{s:s, s:s}", "href", arena_printf(&req->arena, "/feeds/initiatieven/%lld.atom", (long long)id),
        "title", arena_printf(&req->arena, "Updates van %s", title));
    json_t *data = json_pack("{s:O, s:o, s:O, s:s}", "i", item, "feed", feed, "canonical_path",
                             json_object_get(item, "url"), "share_title", title);
    const char *summary = json_string_value(json_object_get(item, "summary"));
    if (summary && *summary)
        json_object_set_new(data, "meta_description", json_string(summary));
    json_t *photo = json_object_get(item, "photo_id");
    if (json_is_integer(photo))
        json_object_set_new(data, "meta_image_path",
                            json_string(arena_printf(&req->arena, "/fotos/%lld.jpg",
                                                     (long long)json_integer_value(photo))));
    json_object_set_new(data, "og_type", json_string("article"));
    takingpart_add_view(req, id, data);
    offers_add_view(req, id, item, data);
    json_decref(item);
    page_render(req, "initiative", title, data);
}
