/* Admin screens for the voucher rounds: the list with the printer's files, adding a round and
 * editing one that has not started. */
#include "domain/printfiles.h"
#include "domain/rounds.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>

void setup_rounds_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    json_t *rounds = rounds_list(req->db);
    char now[20];
    utc_text(time(NULL), now);
    size_t i;
    json_t *r;
    json_array_foreach(rounds, i, r)
    {
        page_set_date(r, "opens", "opens_at");
        time_t closes = parse_utc(json_string_value(json_object_get(r, "closes_at")));
        char until[64];
        format_date(until, sizeof until, closes - 1);
        json_object_set_new(r, "until", json_string(until));
        page_set_money(r, "value", json_integer_value(json_object_get(r, "voucher_cents")));
        /* The edit form shows the round as it is: local dates and the value in euros. */
        time_t opens = parse_utc(json_string_value(json_object_get(r, "opens_at")));
        struct tm tm;
        char day[16];
        localtime_r(&opens, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        json_object_set_new(r, "opens_input", json_string(day));
        time_t last = closes - 1;
        localtime_r(&last, &tm);
        strftime(day, sizeof day, "%Y-%m-%d", &tm);
        json_object_set_new(r, "closes_input", json_string(day));
        json_int_t cents = json_integer_value(json_object_get(r, "voucher_cents"));
        json_object_set_new(
            r, "value_input",
            json_sprintf("%lld,%02lld", (long long)(cents / 100), (long long)(cents % 100)));
        json_object_set_new(
            r, "not_started",
            json_boolean(strcmp(json_string_value(json_object_get(r, "opens_at")), now) > 0));
    }
    json_object_set_new(data, "rounds", rounds);
    json_object_set_new(data, "files", printfiles_list(req->db));
    const char *err = request_query(req, "fout");
    if (err)
        json_object_set_new(data, "error",
                            json_string(!strcmp(err, "overlap") ? round_error_message(ROUND_OVERLAP)
                                                                : "Controleer de velden."));
    page_render(req, "setup_rounds", "Voucherrondes", data);
}

static bool round_dates(struct request *req, time_t *opens, time_t *closes)
{
    *opens = local_midnight(request_form(req, "opent"));
    time_t c = local_midnight(request_form(req, "sluit"));
    if (*opens == (time_t)-1 || c == (time_t)-1)
        return false;
    struct tm tm;
    localtime_r(&c, &tm);
    tm.tm_mday += 1;
    tm.tm_isdst = -1;
    *closes = mktime(&tm);
    return *closes > *opens;
}

static int round_status(enum round_error err)
{
    switch (err) {
    case ROUND_OK:
        return 200;
    case ROUND_BAD_NAME:
    case ROUND_BAD_DATES:
    case ROUND_BAD_VALUE:
        return 400;
    case ROUND_NOT_FOUND:
        return 404;
    case ROUND_OVERLAP:
    case ROUND_DUPLICATE:
    case ROUND_STARTED:
        return 409;
    case ROUND_DB:
        break;
    }
    return 503;
}

static const char *round_message(enum round_error err, bool edit)
{
    switch (err) {
    case ROUND_OK:
        return "";
    case ROUND_BAD_NAME:
    case ROUND_BAD_DATES:
    case ROUND_BAD_VALUE:
        return "Controleer de naam, de data en de waarde.";
    case ROUND_OVERLAP:
        return "Rondes mogen elkaar niet overlappen: een andere ronde valt (deels) in deze "
               "periode.";
    case ROUND_DUPLICATE:
        return "Er bestaat al een ronde met deze naam.";
    case ROUND_NOT_FOUND:
        return "Deze ronde bestaat niet.";
    case ROUND_STARTED:
        return "Deze ronde kan niet meer worden gewijzigd: ze is begonnen of er zijn al vouchers.";
    case ROUND_DB:
        break;
    }
    return edit ? "De ronde kon nu niet worden gewijzigd; probeer het opnieuw."
                : "De ronde kon nu niet worden toegevoegd; probeer het opnieuw.";
}

void setup_round_add_post(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *name = beheer_form_text(req, "naam", 80, true);
    time_t opens, closes;
    int64_t cents;
    if (!name || !round_dates(req, &opens, &closes) ||
        !parse_cents(request_form(req, "waarde"), 100000, &cents) || cents <= 0) {
        page_error(req, 400,
                   "Geef een naam, een begin- en einddatum (jjjj-mm-dd, het einde na het "
                   "begin) en een waarde zoals 7,50.");
        return;
    }
    enum round_error err =
        round_create(req->db, name, opens, closes, cents, user->username, time(NULL), NULL);
    if (err != ROUND_OK) {
        page_error(req, round_status(err), round_message(err, false));
        return;
    }
    beheer_go(req, "/beheer/rondes?gedaan=1");
}

void setup_round_edit_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    const char *name = beheer_form_text(req, "naam", 80, true);
    time_t opens, closes;
    int64_t cents;
    if (id <= 0 || !name || !round_dates(req, &opens, &closes) ||
        !parse_cents(request_form(req, "waarde"), 100000, &cents) || cents <= 0) {
        page_error(req, 400, "Controleer de naam, de data en de waarde.");
        return;
    }
    enum round_error err =
        round_edit(req->db, id, name, opens, closes, cents, user->username, time(NULL));
    if (err != ROUND_OK) {
        page_error(req, round_status(err), round_message(err, true));
        return;
    }
    beheer_go(req, "/beheer/rondes?gedaan=1");
}
