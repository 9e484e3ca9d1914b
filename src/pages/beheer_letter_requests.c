/* Admin screen for residents' requests for a new letter (/brief-kwijt): the open requests,
 * oldest first, each with the replacement the admin already makes for a lost letter (a new
 * letter by post, never a code on screen) or closing it with a reason. */
#include "domain/letter_requests.h"
#include "domain/households.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <string.h>

enum { QUEUE_LIMIT = 200, REASON_MAX = 500 };

static void render_queue(struct request *req, json_t *errors, int64_t failed_id, int status)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    json_t *rows = letter_requests_open(req->db, time(NULL), QUEUE_LIMIT);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        char number[24];
        house_number_format(json_integer_value(json_object_get(r, "house_number")),
                            json_string_value(json_object_get(r, "addition")), number);
        json_object_set_new(r, "number", json_string(number));
        page_set_date(r, "requested", "created_at");
        const char *voucher = json_string_value(json_object_get(r, "voucher"));
        bool used = voucher && strcmp(voucher, "gebruikt") == 0;
        json_object_set_new(r, "voucher_label",
                            json_string(used ? "al gebruikt"
                                        : strcmp(voucher, "ongebruikt") == 0
                                            ? "nog niet gebruikt"
                                            : "geen in deze ronde"));
        json_object_set_new(r, "can_replace",
                            json_boolean(!used && !json_is_null(json_object_get(r, "round_id"))));
        if (json_integer_value(json_object_get(r, "id")) == failed_id && errors)
            json_object_set(r, "error", json_object_get(errors, "reden"));
    }
    json_object_set_new(data, "requests", rows ? rows : json_array());
    json_object_set_new(data, "open_count", json_integer(letter_requests_open_count(req->db)));
    json_decref(errors);
    page_render(req, "admin_letter_requests", "Aanvragen voor een nieuwe brief", data);
    req->resp.status = status;
}

void admin_letter_requests_page(struct request *req)
{
    render_queue(req, NULL, 0, 200);
}

void admin_letter_request_close_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    json_t *errors = json_object();
    const char *reason = request_form(req, "reden");
    if (!page_bad_fields(req, errors) &&
        (!reason || !*reason || utf8_length(reason, strlen(reason)) > REASON_MAX))
        json_object_set_new(errors, "reden",
                            json_string("Schrijf kort waarom er geen nieuwe brief komt (hoogstens "
                                        "500 tekens)."));
    if (json_object_size(errors)) {
        render_queue(req, errors, id, 422);
        return;
    }
    json_decref(errors);
    switch (letter_request_close(req->db, id, user->username, reason, time(NULL))) {
    case LETTER_CLOSED:
        beheer_go(req, "/beheer/briefaanvragen?gedaan=gesloten");
        return;
    case LETTER_CLOSE_NOT_OPEN:
        page_error(req, 404, "Deze aanvraag bestaat niet of is al afgehandeld.");
        return;
    case LETTER_CLOSE_DB:
        break;
    }
    page_error(req, 503, "Afsluiten lukte even niet; probeer het opnieuw.");
}
