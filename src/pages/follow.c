/* Following by e-mail: the request form (/volgen?initiatief=ID or ?gebied=SLUG), the
 * confirmation link (/volgen/bevestigen/TOKEN) and the unsubscribe link (/afmelden/TOKEN,
 * one click by RFC 8058). Rate-limited per address and per e-mail address; post/redirect/get;
 * the initiative and area pages only link here, so they stay one cached page for everyone. */
#include "app.h"
#include "domain/follow.h"
#include "domain/settings.h"
#include "domain/throttle.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/submit_form.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

static const char NOT_FOUND[] = "Dit initiatief of deze wijk bestaat niet, of is niet (meer) te "
                                "volgen. Volgen kan bij een initiatief dat geld inzamelt of zijn "
                                "streefbedrag haalde, en bij elke wijk en elk dorp.";

/* What the form is for: from the query (GET) or the hidden fields (POST). */
static bool target_of(struct request *req, const char *initiative, const char *area,
                      struct follow_target *t)
{
    int64_t id = initiative ? page_id_param(initiative) : 0;
    if (initiative && id <= 0)
        return false;
    return follow_target_find(req->db, id, id ? NULL : area, t);
}

static void render(struct request *req, const char *title, json_t *data, int status)
{
    /* These pages carry a CSRF token or a secret link: one visitor's only. */
    response_set_header(req, "Cache-Control", "no-store");
    response_set_header(req, "Referrer-Policy", "no-referrer");
    page_render(req, "follow", title, data);
    req->resp.status = status;
}

static json_t *target_view(const struct follow_target *t)
{
    return json_pack("{s:s, s:s, s:b, s:I, s:s}", "title", t->title, "path", t->path, "initiative",
                     t->initiative_id > 0, "id", (json_int_t)t->initiative_id, "slug",
                     t->initiative_id ? "" : t->path + strlen("/wijken/"));
}

/* The form, with the posted values and the field messages (errors consumed). */
static void render_form(struct request *req, const struct follow_target *t, json_t *errors,
                        int status)
{
    const char *freq = request_form(req, "frequentie");
    if (!freq)
        freq = "direct";
    json_t *values = json_pack("{s:s, s:b, s:b, s:b}", "email", request_form(req, "email") ?: "",
                               "direct", !strcmp(freq, "direct"), "dag", !strcmp(freq, "dag"),
                               "week", !strcmp(freq, "week"));
    json_t *data = json_pack("{s:b, s:s, s:o, s:o, s:b, s:o}", "form", true, "csrf",
                             csrf_token(req), "v", values, "e", errors, "has_errors",
                             json_object_size(errors) > 0, "t", target_view(t));
    render(req, arena_printf(&req->arena, "Volg %s per e-mail", t->title), data, status);
}

/* GET /volgen?initiatief=ID | ?gebied=SLUG */
void follow_page(struct request *req)
{
    struct follow_target t;
    if (!target_of(req, request_query(req, "initiatief"), request_query(req, "gebied"), &t)) {
        page_error(req, 404, NOT_FOUND);
        return;
    }
    render_form(req, &t, json_object(), 200);
}

/* POST /volgen */
void follow_post(struct request *req)
{
    struct follow_target t;
    if (!target_of(req, request_form(req, "initiatief"), request_form(req, "gebied"), &t)) {
        page_error(req, 404, NOT_FOUND);
        return;
    }
    json_t *errors = json_object();
    struct follow_form form;
    bool valid = follow_validate(submit_form_getter, req, &form, errors);
    /* A field the one text check refused says so, whatever else is wrong with it. */
    if (page_bad_fields(req, errors) || !valid) {
        render_form(req, &t, errors, 422);
        return;
    }
    json_decref(errors);
    int64_t ids[2];
    if (!takingpart_rate_take(req, "follow", "volgen_per_uur", "aanvragen om te volgen",
                              form.email, ids))
        return;
    enum follow_result r = follow_request(req->db, &t, &form, time(NULL));
    if (r != FOLLOW_OK) {
        throttle_forgive(req->db, ids[0]);
        throttle_forgive(req->db, ids[1]);
        if (r == FOLLOW_NOT_FOUND)
            page_error(req, 404, NOT_FOUND);
        else
            page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    response_set_header(req, "Location", "/volgen/aangevraagd");
    page_text(req, 303, "Aangevraagd.\n");
}

/* GET /volgen/aangevraagd: the same words whether or not the address followed it already. */
void follow_requested_page(struct request *req)
{
    render(req, "Kijk in uw mailbox", json_pack("{s:b}", "requested", true), 200);
}

static const char *link_token(struct request *req)
{
    const char *token = req->params[0];
    return token && strlen(token) == FOLLOW_TOKEN_CHARS ? token : NULL;
}

/* GET /volgen/bevestigen/TOKEN: a button, so that a mail program that opens links to check
 * them confirms nothing. */
void follow_confirm_page(struct request *req)
{
    struct follow_target t;
    const char *token = link_token(req);
    if (!token || !follow_pending(req->db, token, time(NULL), &t)) {
        page_error(req, 404,
                   "Deze bevestigingslink is niet (meer) geldig. Een link werkt één "
                   "keer en zeven dagen lang; vraag het volgen zo nodig opnieuw aan.");
        return;
    }
    render(req, "Bevestig het volgen",
           json_pack("{s:b, s:s, s:s, s:o}", "confirm", true, "csrf", csrf_token(req), "token",
                     token, "t", target_view(&t)),
           200);
}

/* POST /volgen/bevestigen/TOKEN */
void follow_confirm_post(struct request *req)
{
    struct follow_target t;
    const char *token = link_token(req);
    enum follow_result r =
        token ? follow_confirm(req->db, token, time(NULL), &t) : FOLLOW_NOT_FOUND;
    if (r == FOLLOW_NOT_FOUND) {
        page_error(req, 404,
                   "Deze bevestigingslink is niet (meer) geldig. Een link werkt één "
                   "keer en zeven dagen lang; vraag het volgen zo nodig opnieuw aan.");
        return;
    }
    if (r != FOLLOW_OK) {
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    response_set_header(req, "Location", "/volgen/bevestigd");
    page_text(req, 303, "Bevestigd.\n");
}

void follow_confirmed_page(struct request *req)
{
    render(req, "U volgt het nu", json_pack("{s:b}", "confirmed", true), 200);
}

static const char GONE[] = "Deze afmeldlink is niet (meer) geldig: u bent waarschijnlijk al "
                           "afgemeld. Dan bewaren wij niets meer van u.";

/* GET /afmelden/TOKEN: what the link would stop, and the button. */
void unsubscribe_page(struct request *req)
{
    struct follow_target t;
    const char *token = link_token(req);
    if (!token || !follow_by_link(req->db, token, &t)) {
        page_error(req, 404, GONE);
        return;
    }
    render(req, "Afmelden",
           json_pack("{s:b, s:s, s:s, s:o}", "unsubscribe", true, "csrf", csrf_token(req), "token",
                     token, "t", target_view(&t)),
           200);
}

/* POST /afmelden/TOKEN. The one POST without a CSRF token, by design (ROUTE_NO_CSRF): RFC 8058
 * has mail programs send "List-Unsubscribe=One-Click" here without cookies or a form from us.
 * The token in the path is the proof, and the worst a forged request can do is what the owner
 * of the link asked for. Unsubscribing twice is no error. */
void unsubscribe_post(struct request *req)
{
    struct follow_target t;
    const char *token = link_token(req);
    enum follow_result r =
        token ? follow_unsubscribe(req->db, token, time(NULL), &t) : FOLLOW_NOT_FOUND;
    if (r == FOLLOW_BUSY) {
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    json_t *data = json_pack("{s:b}", "unsubscribed", true);
    if (r == FOLLOW_OK)
        json_object_set_new(data, "t", target_view(&t));
    render(req, "U bent afgemeld", data, 200);
}
