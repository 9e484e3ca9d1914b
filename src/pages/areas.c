/* Areas: the overview of wijken and dorpen, one area's page, and the city-wide page. */
#include "domain/areas.h"
#include "domain/initiatives.h"
#include "domain/news.h"
#include "domain/partner_money.h"
#include "domain/stats.h"
#include "pages/page.h"
#include "pages/pages.h"

#include <stdio.h>
#include <string.h>

void areas_list_page(struct request *req)
{
    json_t *areas = areas_list(req->db);
    json_t *wijken = json_array(), *dorpen = json_array();
    size_t i;
    json_t *area;
    json_array_foreach(areas, i, area)
    {
        const char *kind = json_string_value(json_object_get(area, "kind"));
        json_int_t open = json_integer_value(json_object_get(area, "open_count"));
        char label[64];
        if (open == 0)
            snprintf(label, sizeof label, "Nu geen open initiatieven");
        else
            snprintf(label, sizeof label, "%lld open initiatie%s", (long long)open,
                     open == 1 ? "f" : "ven");
        json_object_set_new(area, "open_label", json_string(label));
        json_array_append(kind && strcmp(kind, "dorp") == 0 ? dorpen : wijken, area);
    }
    json_decref(areas);
    page_render(req, "areas", "Wijken en dorpen",
                json_pack("{s:o, s:o}", "wijken", wijken, "dorpen", dorpen));
}

static void add_news(struct request *req, json_t *data, int64_t area_id)
{
    json_t *news = news_list(req->db, area_id, 5, 0, NULL);
    if (!news)
        return;
    size_t i;
    json_t *item;
    json_array_foreach(news, i, item) page_decorate_news(item);
    json_object_set_new(data, "news", news);
}

/* How many initiatives an area's page shows (closest to their target first); the rest are on
 * the area's list (/initiatieven?wijk=…), which pages, so that the page does not grow with
 * the years. */
#define AREA_CARDS 12

void area_page(struct request *req)
{
    const char *slug = req->params[0];
    json_t *data = json_object();
    struct initiative_filter f = {.area_slug = slug, .sort = SORT_CLOSEST, .limit = AREA_CARDS};
    int64_t area_id = 0;
    const char *title;
    if (strcmp(slug, "gemeentebreed") == 0) {
        json_object_set_new(data, "citywide", json_true());
        title = "Gemeentebrede initiatieven";
    } else {
        json_t *area = area_by_slug(req->db, slug);
        if (!area) {
            json_decref(data);
            page_error(req, 404, "Deze wijk of dit dorp kennen we niet.");
            return;
        }
        area_id = json_integer_value(json_object_get(area, "id"));
        const char *kind = json_string_value(json_object_get(area, "kind"));
        json_object_set_new(area, "kind_label",
                            json_string(strcmp(kind, "dorp") == 0    ? "Dorp"
                                        : strcmp(kind, "wijk") == 0 ? "Wijk"
                                                                     : "Buurt"));
        const char *phone = json_string_value(json_object_get(area, "director_phone"));
        if (phone) {
            char href[64];
            size_t n = 0;
            for (const char *c = phone; *c && n < sizeof href - 1; c++)
                if ((*c >= '0' && *c <= '9') || *c == '+')
                    href[n++] = *c;
            href[n] = '\0';
            json_object_set_new(area, "director_phone_href", json_string(href));
        }
        /* A wijk or dorp has its own feed; a buurt's news is in its wijk's. */
        json_t *parent = json_object_get(area, "parent");
        json_t *owner = parent ? parent : area;
        json_object_set_new(
            data, "feed",
            json_pack("{s:s, s:s}", "href",
                      arena_printf(&req->arena, "/feeds/%s.atom",
                                   json_string_value(json_object_get(owner, "slug"))),
                      "title",
                      arena_printf(&req->arena, "Berichten uit %s",
                                   json_string_value(json_object_get(owner, "name")))));
        json_object_set_new(data, "area", area);
        title = json_string_value(json_object_get(area, "name"));
    }
    int64_t total;
    json_t *items = initiatives_search(req->db, &f, &total);
    if (items) {
        partner_money_add(req->db, items);
        page_decorate_initiatives(items, time(NULL));
        if ((int64_t)json_array_size(items) < total)
            json_object_set_new(
                data, "more",
                json_pack("{s:I, s:s}", "total", (json_int_t)total, "href",
                          arena_printf(&req->arena, "/initiatieven?wijk=%s&sort=bijna", slug)));
        json_object_set_new(data, "items", items);
    }
    if (area_id) {
        json_t *stats = stats_totals(req->db, area_id);
        page_set_money(stats, "raised", json_integer_value(json_object_get(stats, "raised_cents")));
        page_set_money_split(stats, partner_money_total(req->db, area_id));
        json_object_set_new(data, "stats", stats);
        page_add_round(req, data, area_id);
    }
    add_news(req, data, area_id ? area_id : -1);
    char page_title[200];
    snprintf(page_title, sizeof page_title, "%s", title);
    page_render(req, "area", page_title, data);
}
