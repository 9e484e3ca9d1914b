/* News: the list of posts and one post. */
#include "domain/news.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"

#include <stdio.h>

enum { NEWS_PER_PAGE = 10 };

void news_list_page(struct request *req)
{
    const char *pagina = request_query(req, "pagina");
    int64_t page = 1;
    if (pagina && *pagina && !parse_int64(pagina, 1, 1000, &page)) {
        page_error(req, 400, "Dit paginanummer bestaat niet.");
        return;
    }
    int64_t total;
    json_t *news = news_list(req->db, 0, NEWS_PER_PAGE, (int)(page - 1) * NEWS_PER_PAGE, &total);
    if (!news) {
        page_error(req, 500, "De berichten konden niet worden geladen.");
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(news, i, item) page_decorate_news(item);
    json_t *data = json_pack("{s:o}", "news", news);
    int64_t pages = (total + NEWS_PER_PAGE - 1) / NEWS_PER_PAGE;
    if (page > 1) {
        char url[48];
        snprintf(url, sizeof url, "/berichten?pagina=%lld", (long long)page - 1);
        json_object_set_new(data, "prev", json_pack("{s:s}", "url", url));
    }
    if (page < pages) {
        char url[48];
        snprintf(url, sizeof url, "/berichten?pagina=%lld", (long long)page + 1);
        json_object_set_new(data, "next", json_pack("{s:s}", "url", url));
    }
    page_render(req, "news_list", "Berichten", data);
}

void news_page(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    json_t *item = id > 0 ? news_get_public(req->db, id) : NULL;
    if (!item) {
        page_error(req, 404, "Dit bericht bestaat niet of is niet (meer) gepubliceerd.");
        return;
    }
    page_decorate_news(item);
    char title[200];
    snprintf(title, sizeof title, "%s", json_string_value(json_object_get(item, "title")));
    json_t *data = json_pack("{s:o}", "n", item);
    const char *teaser = json_string_value(json_object_get(item, "teaser"));
    if (teaser && *teaser)
        json_object_set_new(data, "meta_description", json_string(teaser));
    json_object_set_new(data, "og_type", json_string("article"));
    page_render(req, "news", title, data);
}
