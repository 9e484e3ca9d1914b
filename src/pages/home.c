/* Home page: what the platform is, totals, initiatives close to their target, latest news. */
#include "domain/initiatives.h"
#include "domain/news.h"
#include "domain/partner_money.h"
#include "domain/stats.h"
#include "pages/page.h"
#include "pages/pages.h"

void home_page(struct request *req)
{
    time_t now = time(NULL);
    json_t *data = json_object();
    json_t *stats = stats_totals(req->db, 0);
    page_set_money(stats, "raised", json_integer_value(json_object_get(stats, "raised_cents")));
    page_set_money_split(stats, partner_money_total(req->db, 0));
    json_object_set_new(data, "stats", stats);
    page_add_round(req, data, 0);

    struct initiative_filter f = {.state = "open", .sort = SORT_CLOSEST, .limit = 3};
    int64_t total;
    json_t *close = initiatives_search(req->db, &f, &total);
    if (close) {
        partner_money_add(req->db, close);
        page_decorate_initiatives(close, now);
        json_object_set_new(data, "close", close);
    }
    json_t *news = news_list(req->db, 0, 3, 0, NULL);
    if (news) {
        size_t i;
        json_t *item;
        json_array_foreach(news, i, item) page_decorate_news(item);
        json_object_set_new(data, "news", news);
    }
    page_render(req, "home", "Samen maken we de buurt", data);
}
