/* "Ik kan iets lenen": the form on its own page (/initiatieven/ID/lenen), rate-limited per
 * address and per e-mail address, post/redirect/get; the covered lines and the link on the
 * public page. (The initiator's Accept and Decline are on the management page, manage.c.) */
#include "app.h"
#include "domain/initiatives.h"
#include "domain/offers.h"
#include "domain/throttle.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/submit_form.h"

#include <stdio.h>
#include <string.h>

static const char NOT_PUBLIC[] = "Dit initiatief bestaat niet of is (nog) niet openbaar.";
static const char NOT_OPEN[] = "Dit initiatief neemt op dit moment geen aanbod aan: alleen "
                               "zolang het vouchers inzamelt.";

/* The form with the posted values and the field messages (errors consumed). */
static void render_form(struct request *req, int64_t id, json_t *errors, int status)
{
    json_t *item = initiative_get_public(req->db, id);
    json_t *values = json_object();
    const char *const names[] = {"voornaam", "email", "bericht"};
    for (size_t i = 0; i < 3; i++)
        json_object_set_new(values, names[i], json_string(request_form(req, names[i]) ?: ""));
    const char *chosen = request_form(req, "onderdeel") ?: "";
    const char *kind = request_form(req, "soort") ?: "";
    /* The lines still to cover are the choices; the covered ones are shown as such. */
    json_t *lines = offers_lines(req->db, id), *line;
    size_t i;
    json_array_foreach(lines, i, line)
    {
        char line_id[24];
        snprintf(line_id, sizeof line_id, "%lld",
                 (long long)json_integer_value(json_object_get(line, "id")));
        json_object_set_new(line, "checked", json_boolean(!strcmp(line_id, chosen)));
        page_set_money(line, "amount", json_integer_value(json_object_get(line, "amount_cents")));
    }
    json_t *data =
        json_pack("{s:s, s:o, s:o, s:b, s:I, s:o, s:b, s:b}", "csrf", csrf_token(req), "v", values,
                  "e", errors, "has_errors", json_object_size(errors) > 0, "id", (json_int_t)id,
                  "lines", lines, "lend", !strcmp(kind, "lenen"), "give", !strcmp(kind, "geven"));
    if (item) {
        page_decorate_initiative(item, time(NULL));
        json_object_set_new(data, "i", item);
    }
    page_render(req, "offers_form", "Ik kan iets lenen", data);
    req->resp.status = status;
}

/* The initiative of the path, public and open; otherwise answered (404 or 409) and 0. */
static int64_t open_initiative(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    json_t *item = id > 0 ? initiative_get_public(req->db, id) : NULL;
    if (!item) {
        page_error(req, 404, NOT_PUBLIC);
        return 0;
    }
    json_decref(item);
    if (!offers_open(req->db, id, time(NULL))) {
        page_error(req, 409, NOT_OPEN);
        return 0;
    }
    return id;
}

void offers_form_page(struct request *req)
{
    int64_t id = open_initiative(req);
    if (id)
        render_form(req, id, json_object(), 200);
}

void offers_form_post(struct request *req)
{
    int64_t id = open_initiative(req);
    if (!id)
        return;
    json_t *errors = json_object();
    page_bad_fields(req, errors);
    struct offer o;
    if (!offers_validate(submit_form_getter, req, &o, errors)) {
        render_form(req, id, errors, 400);
        return;
    }
    int64_t ids[2];
    if (!takingpart_rate_take(req, "offer", "aanbod_per_uur", "aanbiedingen", o.email, ids)) {
        json_decref(errors);
        return;
    }
    enum offers_result r = offers_add(req->db, id, &o, time(NULL), NULL);
    if (r != OFFERS_OK) {
        throttle_forgive(req->db, ids[0]);
        throttle_forgive(req->db, ids[1]);
    }
    switch (r) {
    case OFFERS_OK:
        json_decref(errors);
        response_set_header(
            req, "Location",
            arena_printf(&req->arena, "/initiatieven/%lld?gedaan=lenen#meedoen", (long long)id));
        page_text(req, 303, "Verstuurd.\n");
        return;
    case OFFERS_NOT_FOUND: /* the initiative is there: the line is not one of its lines */
        json_object_set_new(errors, "onderdeel",
                            json_string("Kies een onderdeel uit de begroting van dit initiatief."));
        render_form(req, id, errors, 400);
        return;
    case OFFERS_COVERED:
        json_object_set_new(errors, "onderdeel",
                            json_string("Dit onderdeel is al gedekt door een buurtgenoot. Kies "
                                        "een ander onderdeel."));
        render_form(req, id, errors, 409);
        return;
    case OFFERS_CLOSED:
    case OFFERS_DECIDED:
        json_decref(errors);
        page_error(req, 409, NOT_OPEN);
        return;
    case OFFERS_INVALID:
    case OFFERS_BUSY:
        break;
    }
    json_decref(errors);
    page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
}

void offers_add_view(struct request *req, int64_t id, json_t *item, json_t *data)
{
    /* Both lists are the initiative's lines by position. Every row says covered or not, so
     * that a row never falls back to the initiative's own "covered" amount. */
    json_t *lines = offers_lines(req->db, id), *shown = json_object_get(item, "budget_lines");
    size_t i;
    json_t *row;
    json_array_foreach(shown, i, row) json_object_set_new(
        row, "covered",
        json_boolean(json_is_true(json_object_get(json_array_get(lines, i), "covered"))));
    json_decref(lines);
    json_t *tp = json_object_get(data, "tp");
    if (tp)
        json_object_set_new(tp, "accepts_offers",
                            json_boolean(offers_open(req->db, id, time(NULL))));
}
