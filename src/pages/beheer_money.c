/* /beheer/geld: money in and out, partner contributions and payouts. */
#include "app.h"
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/money.h"
#include "http/csrf.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/alloc.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How many initiatives still to be paid one page lists (?pagina=N for the next ones). */
#define MONEY_PAGE 50

/* Money: funded initiatives not yet (fully) paid, payouts, and partner contributions. */
void admin_money_page(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *p = request_query(req, "pagina");
    int64_t page = 1, total = 0;
    if (p && !parse_int64(p, 1, 1000000, &page)) {
        page_error(req, 400, "Deze pagina bestaat niet.");
        return;
    }
    json_t *data = beheer_base(req, user);
    json_t *unpaid = money_unpaid_page(req->db, MONEY_PAGE, (page - 1) * MONEY_PAGE, &total);
    int64_t pages = (total + MONEY_PAGE - 1) / MONEY_PAGE;
    if (pages > 1) {
        json_object_set_new(data, "pages", json_integer(pages));
        json_object_set_new(data, "page", json_integer(page));
        if (page > 1)
            json_object_set_new(data, "prev", json_pack("{s:s}", "url", arena_printf(&req->arena,
                                "/beheer/geld?pagina=%lld", (long long)(page - 1))));
        if (page < pages)
            json_object_set_new(data, "next", json_pack("{s:s}", "url", arena_printf(&req->arena,
                                "/beheer/geld?pagina=%lld", (long long)(page + 1))));
    }
    size_t i;
    json_t *row;
    json_array_foreach(unpaid, i, row)
    {
        json_int_t raised = json_integer_value(json_object_get(row, "raised_cents"));
        json_int_t paid = json_integer_value(json_object_get(row, "paid_cents"));
        page_set_money(row, "raised", raised);
        page_set_money(row, "paid", paid);
        page_set_money(row, "remaining", raised - paid);
        json_object_set_new(row, "remaining_value",
                            json_sprintf("%lld,%02lld", (long long)((raised - paid) / 100),
                                         (long long)((raised - paid) % 100)));
    }
    json_object_set_new(data, "unpaid", unpaid ? unpaid : json_array());
    json_t *open = money_initiatives_to_choose(req->db);
    json_object_set_new(data, "open", open ? open : json_array());
    json_t *recent = money_recent(req->db, 50);
    json_array_foreach(recent, i, row)
        page_set_money(row, "amount", json_integer_value(json_object_get(row, "amount_cents")));
    json_object_set_new(data, "recent", recent ? recent : json_array());
    const char *err = request_query(req, "fout");
    if (err && !strcmp(err, "te-veel"))
        json_object_set_new(data, "error", json_string("Dat is meer dan het initiatief nog tegoed heeft."));
    page_render(req, "admin_money", "Bijdragen en uitbetalingen", data);
}

static const char *money_message(enum money_result r)
{
    switch (r) {
    case MONEY_OK:
        return NULL;
    case MONEY_NO_INITIATIVE:
        return "Dit initiatief bestaat niet.";
    case MONEY_WRONG_STATE:
        return "Dat kan niet in de huidige status van het initiatief.";
    case MONEY_TOO_MUCH:
        return "Dat is meer dan het initiatief heeft opgehaald minus wat al is uitbetaald.";
    case MONEY_BAD:
        return "Vul een bedrag groter dan nul in, en de naam van de partner of het "
               "betalingskenmerk.";
    case MONEY_BUSY:
        break;
    }
    return "Dat lukte nu niet. Probeer het zo opnieuw.";
}

void admin_payout_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id, cents;
    const char *reference = request_form(req, "kenmerk");
    if (!parse_int64(request_form(req, "initiatief"), 1, INT64_MAX, &id) ||
        !parse_cents(request_form(req, "bedrag"), 100000000, &cents) || !reference ||
        strlen(reference) > 100 || strchr(reference, '\n')) {
        page_error(req, 400, money_message(MONEY_BAD));
        return;
    }
    enum money_result r = ledger_payout(req->db, id, cents, reference, user->username, time(NULL));
    if (r != MONEY_OK) {
        page_error(req, r == MONEY_BUSY ? 503 : r == MONEY_NO_INITIATIVE ? 404 : r == MONEY_BAD ? 400 : 409,
                   money_message(r));
        return;
    }
    beheer_go(req, "/beheer/geld?gedaan=uitbetaald");
}

void admin_contribution_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id, cents;
    const char *partner = request_form(req, "partner");
    if (!parse_int64(request_form(req, "initiatief"), 1, INT64_MAX, &id) ||
        !parse_cents(request_form(req, "bedrag"), 100000000, &cents) || !partner ||
        utf8_length(partner, strlen(partner)) > 100 || strchr(partner, '\n')) {
        page_error(req, 400, money_message(MONEY_BAD));
        return;
    }
    enum money_result r =
        ledger_contribution(req->db, id, cents, partner, user->username, time(NULL));
    if (r != MONEY_OK) {
        page_error(req, r == MONEY_BUSY ? 503 : r == MONEY_NO_INITIATIVE ? 404 : r == MONEY_BAD ? 400 : 409,
                   money_message(r));
        return;
    }
    beheer_go(req, "/beheer/geld?gedaan=bijdrage");
}
