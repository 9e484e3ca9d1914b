/* The rules page /spelregels: rules, what is and is not funded, how vouchers work, what
 * happens to money that is not spent, and the questions residents ask, from the settings. */
#include "app.h"
#include "domain/settings.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"

#include <string.h>

/* The questions: blocks separated by an empty line, each a question on its first line and
 * its answer on the lines below (shown with {{paras}}). */
static json_t *questions_of(const char *text)
{
    json_t *list = json_array();
    const char *p = text;
    while (*p) {
        while (*p == '\n' || *p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p)
            break;
        const char *end = p;
        /* The block ends at a line that holds nothing but white space. */
        for (;;) {
            const char *nl = strchr(end, '\n');
            if (!nl) {
                end += strlen(end);
                break;
            }
            const char *q = nl + 1;
            while (*q == ' ' || *q == '\t' || *q == '\r')
                q++;
            if (*q == '\n' || !*q) {
                end = nl;
                break;
            }
            end = nl + 1;
        }
        size_t first = strcspn(p, "\n");
        if (first > (size_t)(end - p))
            first = (size_t)(end - p);
        size_t qlen = first;
        while (qlen && (p[qlen - 1] == ' ' || p[qlen - 1] == '\r'))
            qlen--;
        const char *answer = p + first;
        size_t alen = (size_t)(end - answer);
        json_t *item = json_object();
        json_object_set_new(item, "question", json_stringn(p, qlen));
        json_object_set_new(item, "answer", json_stringn(answer, alen));
        json_array_append_new(list, item);
        p = end;
    }
    return list;
}

void rules_page(struct request *req)
{
    json_t *settings = settings_all(req->db);
    const struct config *config = &req->app->config;
    json_t *data = json_object();
    int64_t min = 0, max = 0, needed = 0, value = 0;
    parse_int64(settings_value(settings, "streef_min_cents", config), 0, INT64_MAX, &min);
    parse_int64(settings_value(settings, "streef_max_cents", config), 0, INT64_MAX, &max);
    parse_int64(settings_value(settings, "mede_organisatoren", config), 0, 100, &needed);
    parse_int64(settings_value(settings, "voucher_cents", config), 0, INT64_MAX, &value);
    page_set_money(data, "min", min);
    page_set_money(data, "max", max);
    page_set_money(data, "value", value);
    json_object_set_new(data, "needed", json_integer(needed));
    const char *rules = json_string_value(json_object_get(settings, "regels"));
    if (rules && *rules)
        json_object_set_new(data, "rules", json_string(rules));
    static const char *const texts[][2] = {{"funded", "spelregels_betaald"},
                                           {"vouchers", "spelregels_vouchers"},
                                           {"unspent", "spelregels_restgeld"}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        json_object_set_new(data, texts[i][0],
                            json_string(settings_value(settings, texts[i][1], config)));
    json_object_set_new(data, "questions",
                        questions_of(settings_value(settings, "spelregels_vragen", config)));
    json_decref(settings);
    page_render(req, "spelregels", "Spelregels en vragen", data);
}
