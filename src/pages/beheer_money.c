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
/* How many initiatives the contribution form offers at a time (?zoek=… narrows them). */
#define MONEY_CHOICES 20
/* How many of the contributions and payouts recorded last the page shows (the audit log and the
 * ledger export have them all). */
#define MONEY_RECENT 20

enum { MONEY_MAX_CENTS = 100000000 }; /* € 1.000.000: the most one contribution or payout */

static const struct beheer_field contribution_fields[] = {
    {"initiatief", "Initiatief", "select", 0, NULL, NULL},
    {"partner", "Partner", "text", 100, NULL, NULL},
    {"bedrag", "Bedrag (€)", "text", 16, NULL, "decimal"},
};
static const struct beheer_field payout_fields[] = {
    {"bedrag", "Bedrag (€)", "text", 16, NULL, "decimal"},
    {"kenmerk", "Betalingskenmerk", "text", 100, NULL, NULL},
};
#define FIELDS(a) a, sizeof a / sizeof a[0]

/* The payout form of initiative id, offering `amount`. Such forms differ from row to row only
 * in their inputs' ids and the amount, and the page shows one per row: the first is built by
 * beheer_form_show (*model keeps it), the others are copies with their own ids
 * (beheer_form_copy) and amount. */
static json_t *fresh_payout_form(json_t **model, int64_t id, const char *amount)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "p%lld-", (long long)id);
    if (!*model) {
        struct beheer_form f;
        json_t *view = json_object();
        beheer_form_init(&f, FIELDS(payout_fields), prefix);
        beheer_form_keep(&f, "bedrag", amount);
        beheer_form_show(&f, view, "pay");
        *model = json_incref(json_object_get(view, "pay"));
        json_decref(view);
        return json_incref(*model);
    }
    json_t *form = beheer_form_copy(*model, FIELDS(payout_fields), prefix);
    json_object_set_new_nocheck(json_object_get(form, "bedrag"), "value", json_string(amount));
    return form;
}

/* A ledger row's kind as the list of recent money names it; money_recent returns only these
 * two kinds. */
static const char *kind_text(const char *kind)
{
    if (kind && !strcmp(kind, "contribution"))
        return "Bijdrage";
    if (kind && !strcmp(kind, "payout"))
        return "Uitbetaling";
    return "Boeking";
}

/* The money page: funded initiatives not yet (fully) paid, payouts and partner contributions;
 * `contribution`, or `payout` for initiative payout_id, when a post was refused. */
static void render_money(struct request *req, const struct user *user,
                         struct beheer_form *contribution, int64_t payout_id,
                         struct beheer_form *payout, int status)
{
    const char *p = request_query(req, "pagina");
    int64_t page = 1, total = 0;
    if (p && !parse_int64(p, 1, 1000000, &page)) {
        page_error(req, 400, "Deze pagina bestaat niet.");
        return;
    }
    const char *search = request_query(req, "zoek");
    if (search && utf8_length(search, strlen(search)) > 100) {
        page_error(req, 400, "De zoektekst is te lang (hoogstens 100 tekens).");
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
    json_t *row, *payout_model = NULL;
    json_array_foreach(unpaid, i, row)
    {
        json_int_t id = json_integer_value(json_object_get(row, "id"));
        json_int_t raised = json_integer_value(json_object_get(row, "raised_cents"));
        json_int_t paid = json_integer_value(json_object_get(row, "paid_cents"));
        page_set_money(row, "raised", raised);
        page_set_money(row, "paid", paid);
        page_set_money(row, "remaining", raised - paid);
        if (payout && id == payout_id) {
            json_t *view = json_object();
            beheer_form_show(payout, view, "pay");
            json_object_set(data, "form_errors", json_object_get(view, "form_errors"));
            json_object_set(data, "refused", json_object_get(view, "refused"));
            json_object_set(row, "pay", json_object_get(view, "pay"));
            json_decref(view);
        } else {
            char value[32];
            beheer_euros_input(value, sizeof value, raised - paid);
            json_object_set_new(row, "pay", fresh_payout_form(&payout_model, id, value));
        }
    }
    json_decref(payout_model);
    /* A refused payout of an initiative that is not listed still says why. */
    if (payout && payout->values) {
        json_t *view = json_object();
        beheer_form_show(payout, view, "pay");
        json_object_set(data, "form_errors", json_object_get(view, "form_errors"));
        json_object_set(data, "refused", json_object_get(view, "refused"));
        json_decref(view);
    }
    json_object_set_new(data, "unpaid", unpaid ? unpaid : json_array());
    struct beheer_form fresh;
    if (!contribution) {
        beheer_form_init(&fresh, FIELDS(contribution_fields), "c-");
        contribution = &fresh;
    }
    /* The initiative as chosen stays chosen, and on offer. */
    const char *chosen = json_string_value(json_object_get(contribution->values, "initiatief"));
    int64_t chosen_id = 0;
    if (chosen && !parse_int64(chosen, 1, INT64_MAX, &chosen_id))
        chosen_id = 0;
    bool more = false;
    json_t *open = money_initiatives_to_choose(req->db, search, chosen_id, MONEY_CHOICES, &more);
    if (search && *search)
        json_object_set_new(data, "zoek", json_string(search));
    if (more)
        json_object_set_new(data, "more_choices", json_integer(MONEY_CHOICES));
    json_array_foreach(open, i, row)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(row, "id")));
        json_object_set_new(row, "selected", json_boolean(chosen && !strcmp(chosen, id)));
    }
    json_object_set_new(data, "open", open ? open : json_array());
    beheer_form_show(contribution, data, "c");
    json_t *recent = money_recent(req->db, MONEY_RECENT);
    json_array_foreach(recent, i, row)
    {
        page_set_money(row, "amount", json_integer_value(json_object_get(row, "amount_cents")));
        const char *kind = json_string_value(json_object_get(row, "kind"));
        json_object_set_new(row, "kind_text", json_string(kind_text(kind)));
    }
    json_object_set_new(data, "recent", recent ? recent : json_array());
    page_render(req, "admin_money", "Bijdragen en uitbetalingen", data);
    req->resp.status = status;
}

void admin_money_page(struct request *req)
{
    render_money(req, staff_user(req), NULL, 0, NULL, 200);
}

/* The domain's refusal at the field it concerns; its HTTP status. */
static int money_refusal(struct request *req, struct beheer_form *f, enum money_result r, bool payout,
                         int64_t remaining)
{
    char most[48];
    switch (r) {
    case MONEY_OK:
        return 200;
    case MONEY_NO_INITIATIVE:
        beheer_form_refuse(f, "initiatief",
                           "Dit initiatief bestaat niet (meer).");
        return 404;
    case MONEY_WRONG_STATE:
        beheer_form_refuse(f, "initiatief",
                           payout ? "Uitbetalen kan alleen aan een gefinancierd of uitgevoerd "
                                    "initiatief."
                                  : "Een bijdrage kan alleen bij een initiatief dat open of "
                                    "gefinancierd is.");
        return 409;
    case MONEY_TOO_MUCH:
        format_money(most, sizeof most, remaining);
        beheer_form_refuse(f, "bedrag",
                           remaining > 0
                               ? arena_printf(&req->arena,
                                              "Dat is meer dan het initiatief heeft opgehaald "
                                              "minus wat al is uitbetaald: hoogstens %s.",
                                              most)
                               : "Dat is meer dan het initiatief heeft opgehaald minus wat al "
                                 "is uitbetaald: er staat niets meer open.");
        return 409;
    case MONEY_BAD:
        beheer_form_refuse(f, "bedrag", "Vul een bedrag groter dan nul in.");
        return 400;
    case MONEY_BUSY:
        break;
    }
    beheer_form_refuse(f, "formulier", "Dat lukte nu niet; er is niets vastgelegd. Probeer het "
                                       "zo opnieuw.");
    return 503;
}

/* A one-line text field of at most max characters, refused when empty or longer. */
static const char *line_field(struct beheer_form *f, struct request *req, const char *name,
                              size_t max, const char *empty)
{
    const char *v = beheer_form_take(f, req, name);
    if (!*v) {
        beheer_form_refuse(f, name, empty);
        return NULL;
    }
    if (utf8_length(v, strlen(v)) > max || strchr(v, '\n')) {
        beheer_form_refuse(f, name, max == 100 ? "Hoogstens 100 tekens, op één regel."
                                               : "Dit is te lang.");
        return NULL;
    }
    return v;
}

static int64_t amount_field(struct beheer_form *f, struct request *req)
{
    int64_t cents = 0;
    enum euros_result r = parse_euros(beheer_form_take(f, req, "bedrag"), 1, MONEY_MAX_CENTS,
                                      &cents);
    if (r != EUROS_OK) {
        beheer_form_refuse(f, "bedrag", beheer_euros_message(req, r, 1, MONEY_MAX_CENTS));
        return 0;
    }
    return cents;
}

void admin_payout_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = 0;
    if (!parse_int64(request_form(req, "initiatief"), 1, INT64_MAX, &id)) {
        page_error(req, 404, "Dit initiatief bestaat niet.");
        return;
    }
    struct beheer_form f;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "p%lld-", (long long)id);
    beheer_form_init(&f, FIELDS(payout_fields), prefix);
    int64_t cents = amount_field(&f, req);
    const char *reference =
        line_field(&f, req, "kenmerk", 100, "Vul het betalingskenmerk van de overboeking in.");
    if (beheer_form_refused(&f)) {
        render_money(req, user, NULL, id, &f, 400);
        return;
    }
    /* What would happen, asked before it happens: a payout cannot be undone. */
    char title[300] = "", amount[48];
    int64_t remaining = 0;
    enum money_result r =
        money_payout_check(req->db, id, cents, title, sizeof title, &remaining);
    if (r == MONEY_OK) {
        format_money(amount, sizeof amount, cents);
        struct beheer_confirm c = {
            .title = "Uitbetaling vastleggen?",
            .question = arena_printf(&req->arena,
                                     "U legt vast dat %s is uitbetaald aan "
                                     "\xe2\x80\x9c%s\xe2\x80\x9d, met betalingskenmerk %s. "
                                     "Een uitbetaling komt in het grootboek en kan niet "
                                     "ongedaan worden gemaakt.",
                                     amount, title, reference),
            .button = "Ja, uitbetaling vastleggen",
            .back = "/beheer/geld",
        };
        if (!beheer_confirmed(req, user, &c, NULL)) {
            json_decref(f.values);
            json_decref(f.errors);
            return;
        }
        r = ledger_payout(req->db, id, cents, reference, user->username, time(NULL));
        if (r == MONEY_TOO_MUCH) /* paid in between: say what is left now */
            money_payout_check(req->db, id, cents, title, sizeof title, &remaining);
    }
    if (r != MONEY_OK) {
        int status = money_refusal(req, &f, r, true, remaining);
        render_money(req, user, NULL, id, &f, status);
        return;
    }
    json_decref(f.values);
    json_decref(f.errors);
    beheer_go(req, "/beheer/geld?gedaan=uitbetaald");
}

void admin_contribution_post(struct request *req)
{
    const struct user *user = staff_user(req);
    struct beheer_form f;
    beheer_form_init(&f, FIELDS(contribution_fields), "c-");
    int64_t id = 0;
    if (!parse_int64(beheer_form_take(&f, req, "initiatief"), 1, INT64_MAX, &id))
        beheer_form_refuse(&f, "initiatief", "Kies een initiatief.");
    const char *partner = line_field(&f, req, "partner", 100,
                                     "Vul de naam van de partner in, zoals de woningcorporatie.");
    int64_t cents = amount_field(&f, req);
    if (beheer_form_refused(&f)) {
        render_money(req, user, &f, 0, NULL, 400);
        return;
    }
    enum money_result r =
        ledger_contribution(req->db, id, cents, partner, user->username, time(NULL));
    if (r != MONEY_OK) {
        int status = money_refusal(req, &f, r, false, 0);
        render_money(req, user, &f, 0, NULL, status);
        return;
    }
    json_decref(f.values);
    json_decref(f.errors);
    beheer_go(req, "/beheer/geld?gedaan=bijdrage");
}
