/* The two forms on a public initiative page: "Ik help mee" (/initiatieven/ID/helpen) and a
 * question to the initiator (/initiatieven/ID/vraag). Rate-limited per address and per e-mail
 * address; post/redirect/get with a thank-you notice; bad input comes back with its fields. */
#include "app.h"
#include "domain/initiatives.h"
#include "domain/settings.h"
#include "domain/takingpart.h"
#include "domain/throttle.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/submit_form.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

static struct throttle_rule rate_rule(struct request *req, const char *name, const char *setting)
{
    json_t *settings = settings_all(req->db);
    int64_t v = 1;
    parse_int64(settings_value(settings, setting, &req->app->config), 1, 100000, &v);
    json_decref(settings);
    return (struct throttle_rule){name, (int)v, 60, 3600, 3600};
}

bool takingpart_rate_take(struct request *req, const char *name, const char *setting,
                          const char *what, const char *email, int64_t ids[2])
{
    char hashed[33], email_name[40];
    throttle_key_hash(email, hashed);
    snprintf(email_name, sizeof email_name, "%s-email", name);
    struct throttle_rule by_address = rate_rule(req, name, setting);
    struct throttle_rule by_email = rate_rule(req, email_name, setting);
    const struct throttle_rule *rules[2] = {&by_address, &by_email};
    const char *clients[2] = {req->client_addr, hashed};
    int64_t wait = throttle_take(req->db, rules, clients, 2, time(NULL), ids);
    if (wait == 0)
        return true;
    int64_t minutes = (wait + 59) / 60;
    page_error(req, 429,
               arena_printf(&req->arena,
                            "Er zijn kort na elkaar veel %s verstuurd vanaf uw internetadres of "
                            "met uw e-mailadres; dit bericht is niet verstuurd. Probeer het over "
                            "%lld minu%s opnieuw.",
                            what, (long long)minutes,
                            minutes == 1 ? "ut" : "ten"));
    response_set_header(req, "Retry-After", arena_printf(&req->arena, "%lld", (long long)wait));
    return false;
}

/* The form again, with the posted values and the field messages (errors consumed). */
/* One action against the address and the e-mail address; 429 with a Dutch message past it. */
static bool rate_take(struct request *req, bool help, const char *email, int64_t ids[2])
{
    return help ? takingpart_rate_take(req, "help", "hulp_per_uur", "aanmeldingen", email, ids)
                : takingpart_rate_take(req, "question", "vragen_per_uur", "vragen", email, ids);
}

static void render_form(struct request *req, int64_t id, bool help, json_t *errors, int status)
{
    json_t *item = initiative_get_public(req->db, id);
    json_t *values = json_object();
    const char *const names[] = {"voornaam", "email", "bericht", "naam", "vraag"};
    for (size_t i = 0; i < 5; i++)
        json_object_set_new(values, names[i], json_string(request_form(req, names[i]) ?: ""));
    json_t *data = json_pack("{s:s, s:b, s:o, s:o, s:b, s:I}", "csrf", csrf_token(req), "help",
                             help, "v", values, "e", errors, "has_errors",
                             json_object_size(errors) > 0, "id", (json_int_t)id);
    if (item) {
        page_decorate_initiative(item, time(NULL));
        json_object_set_new(data, "i", item);
    }
    page_render(req, "takingpart_form", help ? "Ik help mee" : "Vraag aan de initiatiefnemer",
                data);
    req->resp.status = status;
}

static void answer(struct request *req, int64_t id, enum takingpart_result r, const char *done)
{
    switch (r) {
    case TAKINGPART_OK:
        response_set_header(
            req, "Location",
            arena_printf(&req->arena, "/initiatieven/%lld?gedaan=%s#meedoen", (long long)id, done));
        page_text(req, 303, "Verstuurd.\n");
        return;
    case TAKINGPART_NOT_FOUND:
        page_error(req, 404, "Dit initiatief bestaat niet of is (nog) niet openbaar.");
        return;
    case TAKINGPART_CLOSED:
        page_error(req, 409, !strcmp(done, "hulp")
                                 ? "Dit initiatief zoekt op dit moment geen hulp."
                                 : "De initiatiefnemer neemt op dit moment geen vragen aan.");
        return;
    case TAKINGPART_INVALID:
    case TAKINGPART_BUSY:
        break;
    }
    page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
}

/* GET /initiatieven/ID/helpen and /vraag: the empty form on a page of its own. */
static void form_page(struct request *req, bool help)
{
    int64_t id = page_id_param(req->params[0]);
    struct takingpart_public p;
    if (id <= 0 || !takingpart_public_get(req->db, id, &p)) {
        page_error(req, 404, "Dit initiatief bestaat niet of is (nog) niet openbaar.");
        return;
    }
    if (help ? !p.accepts_help : !p.accepts_questions) {
        page_error(req, 409, help ? "Dit initiatief zoekt op dit moment geen hulp."
                                  : "De initiatiefnemer neemt op dit moment geen vragen aan.");
        return;
    }
    render_form(req, id, help, json_object(), 200);
}

void takingpart_help_page(struct request *req)
{
    form_page(req, true);
}

void takingpart_question_page(struct request *req)
{
    form_page(req, false);
}

void takingpart_help_post(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    json_t *errors = json_object();
    struct volunteer_offer offer;
    bool bad = page_bad_fields(req, errors); /* told at the field, never stored */
    if (!takingpart_volunteer_validate(submit_form_getter, req, &offer, errors) || bad) {
        render_form(req, id, true, errors, 400);
        return;
    }
    json_decref(errors);
    int64_t ids[2];
    if (!rate_take(req, true, offer.email, ids))
        return;
    enum takingpart_result r = takingpart_volunteer_add(req->db, id, &offer, time(NULL));
    if (r != TAKINGPART_OK) {
        throttle_forgive(req->db, ids[0]);
        throttle_forgive(req->db, ids[1]);
    }
    answer(req, id, r, "hulp");
}

void takingpart_question_post(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    json_t *errors = json_object();
    struct question q;
    bool bad = page_bad_fields(req, errors); /* told at the field, never stored */
    if (!takingpart_question_validate(submit_form_getter, req, &q, errors) || bad) {
        render_form(req, id, false, errors, 400);
        return;
    }
    json_decref(errors);
    int64_t ids[2];
    if (!rate_take(req, false, q.email, ids))
        return;
    enum takingpart_result r = takingpart_question_send(req->db, id, &q, time(NULL));
    if (r != TAKINGPART_OK) {
        throttle_forgive(req->db, ids[0]);
        throttle_forgive(req->db, ids[1]);
    }
    answer(req, id, r, "vraag");
}

/* The public page's part: counts, "Hulp gezocht", which forms show, the thank-you notice. */
void takingpart_add_view(struct request *req, int64_t id, json_t *data)
{
    struct takingpart_public p;
    if (!takingpart_public_get(req->db, id, &p))
        return;
    /* Links to the forms, not the forms: the initiative page carries no CSRF token, so one
     * rendering serves every visitor from the response cache. */
    json_t *t = json_pack("{s:b, s:b, s:b, s:s}", "accepts_help", p.accepts_help,
                          "accepts_questions", p.accepts_questions, "help_wanted", p.help_wanted,
                          "help_text", p.help_text);
    json_object_set_new(t, "id", json_integer(id));
    if (p.volunteers > 0)
        json_object_set_new(t, "volunteers_label",
                            json_string(p.volunteers == 1
                                            ? "1 buurtgenoot helpt mee"
                                            : arena_printf(&req->arena, "%lld buurtgenoten helpen mee",
                                                           (long long)p.volunteers)));
    const char *done = request_query(req, "gedaan");
    if (done && !strcmp(done, "hulp"))
        json_object_set_new(t, "notice",
                            json_string("Bedankt! De initiatiefnemer heeft uw aanmelding per "
                                        "e-mail gekregen en neemt contact met u op."));
    else if (done && !strcmp(done, "lenen"))
        json_object_set_new(t, "notice",
                            json_string("Bedankt! De initiatiefnemer heeft uw aanbod per e-mail "
                                        "gekregen en laat u weten of het van pas komt."));
    else if (done && !strcmp(done, "vraag"))
        json_object_set_new(t, "notice",
                            json_string("Bedankt! Uw vraag is naar de initiatiefnemer gestuurd. "
                                        "Het antwoord komt in uw eigen mailbox."));
    json_object_set_new(data, "tp", t);
}
