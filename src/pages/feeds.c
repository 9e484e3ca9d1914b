/* Atom feeds of the news: one per wijk or dorp (its posts and the city-wide ones) and one for
 * the whole municipality. */
#include "domain/areas.h"
#include "domain/initiatives.h"
#include "domain/news.h"
#include "domain/settings.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"
#include "app.h"
#include "view/format.h"
#include "view/tmpl.h"

#include <stdio.h>
#include <string.h>

/* RFC 3339, as Atom wants it. */
static json_t *rfc3339(const char *utc)
{
    time_t t = parse_utc(utc);
    if (t == (time_t)-1)
        t = 0;
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[32];
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(out);
}

void feed_page(struct request *req)
{
    const char *param = req->params[0];
    size_t len = strlen(param);
    if (len <= 5 || strcmp(param + len - 5, ".atom") != 0) {
        page_error(req, 404, "Deze feed bestaat niet.");
        return;
    }
    char slug[64];
    snprintf(slug, sizeof slug, "%.*s", (int)(len - 5), param);
    int64_t area_id = 0;
    json_t *data = json_object();
    json_t *settings = settings_all(req->db);
    const char *site = settings_value(settings, "site_naam", &req->app->config);
    char base[256];
    settings_base_url(req->db, &req->app->config, base, sizeof base);
    char title[300], alternate[400];
    if (!strcmp(slug, "gemeente")) {
        snprintf(title, sizeof title, "Berichten van %s", site);
        snprintf(alternate, sizeof alternate, "%s/berichten", base);
    } else {
        json_t *area = area_by_slug(req->db, slug);
        if (!area || json_is_integer(json_object_get(area, "parent_id"))) {
            json_decref(area);
            json_decref(settings);
            json_decref(data);
            page_error(req, 404, "Deze feed bestaat niet. Er is een feed per wijk en dorp, en "
                                 "/feeds/gemeente.atom voor de hele gemeente.");
            return;
        }
        area_id = json_integer_value(json_object_get(area, "id"));
        snprintf(title, sizeof title, "Berichten uit %s, %s",
                 json_string_value(json_object_get(area, "name")), site);
        snprintf(alternate, sizeof alternate, "%s/wijken/%s", base, slug);
        json_decref(area);
    }
    json_t *news = news_list(req->db, area_id, 30, 0, NULL);
    size_t i;
    json_t *item;
    json_array_foreach(news, i, item)
    {
        page_decorate_news(item);
        /* Atom carries the HTML as escaped text, so the feed needs it as a string. */
        struct buf html = {0};
        format_paragraphs(&html, json_string_value(json_object_get(item, "body")));
        json_object_set_new(item, "body_html", json_string(html.data ? html.data : ""));
        buf_free(&html);
        json_object_set_new(item, "updated",
                            rfc3339(json_string_value(json_object_get(item, "published_at"))));
    }
    json_t *first = json_array_get(news, 0);
    json_object_set_new(data, "updated",
                        first ? json_incref(json_object_get(first, "updated"))
                              : json_string("2000-01-01T00:00:00Z"));
    json_object_set_new(data, "news", news ? news : json_array());
    json_object_set_new(data, "title", json_string(title));
    json_object_set_new(data, "self", json_string(arena_printf(&req->arena, "%s/feeds/%s", base,
                                                               param)));
    json_object_set_new(data, "alternate", json_string(alternate));
    json_object_set_new(data, "base", json_string(base));
    json_object_set_new(data, "site", json_string(site));
    json_decref(settings);
    buf_reset(&req->resp.body);
    if (!tmpl_render(req->app->templates, "feed", NULL, data, &req->resp.body)) {
        json_decref(data);
        page_error(req, 500, "De feed kon niet worden gemaakt.");
        return;
    }
    json_decref(data);
    response_set_header(req, "Content-Type", "application/atom+xml; charset=utf-8");
    response_set_header(req, "Cache-Control", "public, max-age=300");
}

/* /feeds/initiatieven/ID.atom: the updates of one public initiative, for those who follow it. */
void initiative_feed_page(struct request *req)
{
    const char *param = req->params[0];
    size_t len = strlen(param);
    int64_t id = 0;
    if (len > 5 && len < 32 && strcmp(param + len - 5, ".atom") == 0) {
        char number[32];
        snprintf(number, sizeof number, "%.*s", (int)(len - 5), param);
        id = page_id_param(number);
    }
    json_t *item = id > 0 ? initiative_get_public(req->db, id) : NULL;
    if (!item) {
        page_error(req, 404, "Deze feed bestaat niet: het initiatief bestaat niet of is (nog) "
                             "niet openbaar.");
        return;
    }
    json_t *settings = settings_all(req->db);
    const char *site = settings_value(settings, "site_naam", &req->app->config);
    char base[256];
    settings_base_url(req->db, &req->app->config, base, sizeof base);
    const char *title = json_string_value(json_object_get(item, "title")) ?: "";
    json_t *entries = json_array();
    size_t i;
    json_t *update;
    json_array_foreach(json_object_get(item, "updates"), i, update)
    {
        const char *body = json_string_value(json_object_get(update, "body")) ?: "";
        struct buf html = {0};
        format_paragraphs(&html, body);
        size_t cut = strcspn(body, "\n");
        json_array_append_new(
            entries,
            json_pack("{s:s, s:s, s:o, s:O, s:s%, s:s}", "title",
                      arena_printf(&req->arena, "Update: %s", title), "url",
                      arena_printf(&req->arena, "/initiatieven/%lld#update-%lld", (long long)id,
                                   (long long)json_integer_value(json_object_get(update, "id"))),
                      "updated",
                      rfc3339(json_string_value(json_object_get(update, "created_at"))),
                      "author_name", json_object_get(update, "author_name"), "teaser", body,
                      cut > 220 ? (size_t)220 : cut, "body_html", html.data ? html.data : ""));
        buf_free(&html);
    }
    json_t *first = json_array_get(entries, 0);
    json_t *data = json_pack(
        "{s:o, s:o, s:s, s:s, s:s, s:s, s:s}", "news", entries, "updated",
        first ? json_incref(json_object_get(first, "updated"))
              : rfc3339(json_string_value(json_object_get(item, "published_at"))),
        "title", arena_printf(&req->arena, "%s: updates, %s", title, site), "self",
        arena_printf(&req->arena, "%s/feeds/initiatieven/%s", base, param), "alternate",
        arena_printf(&req->arena, "%s/initiatieven/%lld", base, (long long)id), "base", base,
        "site", site);
    json_decref(item);
    json_decref(settings);
    buf_reset(&req->resp.body);
    bool ok = tmpl_render(req->app->templates, "feed", NULL, data, &req->resp.body);
    json_decref(data);
    if (!ok) {
        page_error(req, 500, "De feed kon niet worden gemaakt.");
        return;
    }
    response_set_header(req, "Content-Type", "application/atom+xml; charset=utf-8");
    response_set_header(req, "Cache-Control", "public, max-age=300");
}
