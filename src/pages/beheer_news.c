/* Staff pages for news: write, edit, publish and unpublish posts for one's own areas. */
#include "domain/byline.h"
#include "domain/news.h"
#include "http/csrf.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

/* The areas this user may post for, as select options; admins also get city-wide. The first
 * option asks for a choice and is none (selected < 0: nothing chosen yet). */
static json_t *area_options(struct request *req, const struct user *user, int64_t selected)
{
    bool admin = user_is_admin(user);
    json_t *rows = news_areas_for_staff(req->db, user->id, admin);
    json_t *options = json_array();
    json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", "", "label",
                                             "Kies een gebied", "selected", selected < 0));
    if (admin)
        json_array_append_new(options, json_pack("{s:i, s:s, s:b}", "value", 0, "label",
                                                 LABEL_CITY_WIDE, "selected", selected == 0));
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_int_t id = json_integer_value(json_object_get(r, "id"));
        json_array_append_new(options, json_pack("{s:I, s:O, s:b}", "value", id, "label",
                                                 json_object_get(r, "name"), "selected",
                                                 id == selected));
    }
    json_decref(rows);
    return options;
}

static bool may_post(struct request *req, const struct user *user, int64_t area_id)
{
    return user_may_act(req->db, user, area_id);
}

/* Posts a page of the staff list shows. */
#define STAFF_NEWS_PAGE 25

void staff_news_page(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *pagina = request_query(req, "pagina");
    int64_t page = 1, total = 0;
    if (pagina && !parse_int64(pagina, 1, 1000000, &page)) {
        page_error(req, 400, "Deze pagina bestaat niet.");
        return;
    }
    /* A page at a time, so that the screen does not grow with the years. */
    json_t *posts = news_for_staff_page(req->db, user->id, user_is_admin(user), STAFF_NEWS_PAGE,
                                        (page - 1) * STAFF_NEWS_PAGE, &total);
    size_t i;
    json_t *p;
    json_array_foreach(posts, i, p) page_set_date(p, "date", "published_at");
    json_t *data = json_pack("{s:o, s:s}", "posts", posts, "csrf", csrf_token(req));
    int64_t pages = (total + STAFF_NEWS_PAGE - 1) / STAFF_NEWS_PAGE;
    if (pages > 1) {
        json_object_set_new(data, "pages", json_integer(pages));
        json_object_set_new(data, "page", json_integer(page));
        if (page > 1)
            json_object_set_new(data, "prev", json_pack("{s:s}", "url", arena_printf(&req->arena,
                                "/beheer/berichten?pagina=%lld", (long long)(page - 1))));
        if (page < pages)
            json_object_set_new(data, "next", json_pack("{s:s}", "url", arena_printf(&req->arena,
                                "/beheer/berichten?pagina=%lld", (long long)(page + 1))));
    }
    const char *done = request_query(req, "gedaan");
    if (done && !strcmp(done, "opgeslagen"))
        json_object_set_new(data, "notice", json_string("Het bericht is opgeslagen."));
    staff_view(data, user);
    page_render(req, "beheer_news", "Berichten beheren", data);
}

/* The summary at the top of a refused form: each message linked to its field. */
static json_t *news_summary(json_t *errors)
{
    static const char *const labels[][2] = {
        {"gebied", "Gebied"}, {"titel", "Titel"}, {"tekst", "Tekst"}};
    json_t *summary = json_array();
    const char *key;
    json_t *m;
    json_object_foreach(errors, key, m)
    {
        const char *id = "", *label = "Formulier";
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
            if (!strcmp(labels[i][0], key)) {
                id = labels[i][0];
                label = labels[i][1];
            }
        json_array_append_new(summary,
                              json_pack("{s:s, s:s, s:O}", "id", id, "label", label, "message", m));
    }
    return summary;
}

static void render_form(struct request *req, const struct user *user, int64_t id, int64_t area_id,
                        const char *title, const char *body, bool published, json_t *errors,
                        int status)
{
    json_t *data = json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:b}", "csrf", csrf_token(req),
                             "title", title ? title : "", "body", body ? body : "", "published",
                             published, "area_options", area_options(req, user, area_id), "e",
                             errors ? errors : json_object(), "is_new", id == 0);
    json_object_set_new(data, "action",
                        json_string(id ? arena_printf(&req->arena, "/beheer/berichten/%lld",
                                                      (long long)id)
                                       : "/beheer/berichten/nieuw"));
    json_object_set_new(data, "id", json_integer(id));
    if (errors && json_object_size(errors)) {
        json_object_set_new(data, "form_errors", news_summary(errors));
        json_object_set_new(data, "refused", json_true());
    }
    staff_view(data, user);
    page_render(req, "beheer_news_form", id ? "Bericht bewerken" : "Nieuw bericht", data);
    req->resp.status = status;
}

void staff_news_new_page(struct request *req)
{
    const struct user *user = staff_user(req);
    render_form(req, user, 0, -1, NULL, NULL, false, NULL, 200);
}

static int64_t post_id(struct request *req)
{
    return page_id_param(req->params[0]);
}

void staff_news_edit_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *post = news_get_any(req->db, post_id(req));
    if (!post) {
        page_error(req, 404, "Dit bericht bestaat niet.");
        return;
    }
    int64_t area = json_integer_value(json_object_get(post, "area_id"));
    if (!may_post(req, user, area)) {
        json_decref(post);
        page_error(req, 403, "Dit bericht hoort bij een gebied waarvoor u niet werkt.");
        return;
    }
    render_form(req, user, post_id(req), area, json_string_value(json_object_get(post, "title")),
                json_string_value(json_object_get(post, "body")),
                json_integer_value(json_object_get(post, "published")) != 0, NULL, 200);
    json_decref(post);
}

/* Shared by new and edit. */
static void save(struct request *req, int64_t id)
{
    const struct user *user = staff_user(req);
    if (id) {
        json_t *post = news_get_any(req->db, id);
        bool ok = post && may_post(req, user, json_integer_value(json_object_get(post, "area_id")));
        bool exists = post != NULL;
        json_decref(post);
        if (!ok) {
            page_error(req, exists ? 403 : 404,
                       exists ? "Dit bericht hoort bij een gebied waarvoor u niet werkt."
                              : "Dit bericht bestaat niet.");
            return;
        }
    }
    const char *title = request_form(req, "titel"), *body = request_form(req, "tekst");
    const char *area_s = request_form(req, "gebied"), *publish = request_form(req, "publiceren");
    int64_t area = -1;
    json_t *errors = json_object();
    /* Text the one check refused first: its message at the field, nothing stored. */
    page_bad_fields(req, errors);
    if (!json_object_get(errors, "titel") &&
        (!title || !*title || utf8_length(title, strlen(title)) > NEWS_TITLE_MAX ||
         strchr(title, '\n')))
        json_object_set_new(errors, "titel", json_string("Geef een titel van hoogstens 150 tekens."));
    if (!json_object_get(errors, "tekst") &&
        (!body || !*body || utf8_length(body, strlen(body)) > NEWS_BODY_MAX))
        json_object_set_new(errors, "tekst",
                            json_string("Schrijf een bericht van hoogstens 20.000 tekens."));
    if (json_object_get(errors, "gebied"))
        area = -1; /* refused above: no area is taken from a changed value */
    else if (!area_s || !*area_s)
        json_object_set_new(errors, "gebied", json_string("Kies een gebied voor dit bericht."));
    else if (!parse_int64(area_s, 0, INT64_MAX, &area) || !may_post(req, user, area))
        json_object_set_new(errors, "gebied",
                            json_string("Kies een gebied waarvoor u berichten mag plaatsen."));
    bool published = publish && !strcmp(publish, "ja");
    if (json_object_size(errors)) {
        render_form(req, user, id, area, title, body, published, errors, 400);
        return;
    }
    json_decref(errors);
    char author[320];
    if (!staff_byline(req->db, user, author, sizeof author)) {
        page_error(req, 503, "Het is even erg druk. Probeer het over een ogenblik opnieuw.");
        return;
    }
    if (!news_save(req->db, id, area, title, body, author, user->username, published, time(NULL))) {
        page_error(req, 503, "Opslaan lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    response_set_header(req, "Location", "/beheer/berichten?gedaan=opgeslagen");
    page_text(req, 303, "Opgeslagen.\n");
}

void staff_news_new_post(struct request *req)
{
    save(req, 0);
}

void staff_news_edit_post(struct request *req)
{
    int64_t id = post_id(req);
    if (id <= 0) {
        page_error(req, 404, "Dit bericht bestaat niet.");
        return;
    }
    save(req, id);
}

static void set_published(struct request *req, bool publish)
{
    const struct user *user = staff_user(req);
    int64_t id = post_id(req);
    json_t *post = id > 0 ? news_get_any(req->db, id) : NULL;
    if (!post) {
        page_error(req, 404, "Dit bericht bestaat niet.");
        return;
    }
    bool ok = may_post(req, user, json_integer_value(json_object_get(post, "area_id")));
    /* Taking a post offline asks first; only the confirmed post acts. */
    struct beheer_confirm c = {
        .title = "Bericht offline halen?",
        .question = arena_printf(&req->arena,
                                 "\xe2\x80\x9c%s\xe2\x80\x9d verdwijnt van de site en uit de "
                                 "feeds. U kunt het later opnieuw publiceren.",
                                 json_string_value(json_object_get(post, "title"))),
        .button = "Ja, offline halen",
        .back = "/beheer/berichten",
        .danger = true,
    };
    json_decref(post);
    if (!ok) {
        page_error(req, 403, "Dit bericht hoort bij een gebied waarvoor u niet werkt.");
        return;
    }
    if (!publish && !beheer_confirmed(req, user, &c, NULL))
        return;
    if (!news_set_published(req->db, id, publish, user->username, time(NULL))) {
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    response_set_header(req, "Location", "/beheer/berichten?gedaan=opgeslagen");
    page_text(req, 303, "Gedaan.\n");
}

void staff_news_publish_post(struct request *req)
{
    set_published(req, true);
}

void staff_news_unpublish_post(struct request *req)
{
    set_published(req, false);
}
