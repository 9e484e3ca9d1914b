/* Donating a voucher: code → choice of initiative → confirmation → receipt; and several codes
 * at once for an initiator who collected letters door to door. */
#include "app.h"
#include "domain/areas.h"
#include "domain/eligibility.h"
#include "domain/initiatives.h"
#include "domain/ledger.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "domain/throttle.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"
#include "view/format.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

struct voucher_info;
static void donate_confirm_render(struct request *req, const char *code,
                                  const struct voucher_info *info, int64_t initiative);

enum { MAX_CODE_INPUT = 64, MAX_MULTI_CODES = 50, MAX_MULTI_INPUT = 4000 };

/* Throttling limits come from the settings, with safe defaults: after the free failures of an
 * address the delay starts at 30 s and doubles up to the window. */
static struct throttle_rule voucher_rule(struct request *req)
{
    struct throttle_rule rule = {"voucher", 10, 30, 600, 600};
    json_t *settings = settings_all(req->db);
    int64_t v;
    const char *s = json_string_value(json_object_get(settings, "voucher_pogingen"));
    if (s && parse_int64(s, 1, 10000, &v))
        rule.free_failures = (int)v;
    s = json_string_value(json_object_get(settings, "voucher_venster_minuten"));
    if (s && parse_int64(s, 1, 1440, &v))
        rule.window_seconds = rule.max_delay = (int)v * 60;
    json_decref(settings);
    return rule;
}

/* Every page of the donation flow may show a voucher code or what a household supported:
 * never kept by any cache, nor by the browser's history (a shared computer). */
static void donate_private(struct request *req)
{
    response_set_header(req, "Cache-Control", "no-store");
}

static json_t *base_data(struct request *req)
{
    donate_private(req);
    json_t *data = json_object();
    json_object_set_new(data, "csrf", json_string(csrf_token(req)));
    json_t *round = round_current(req->db, time(NULL));
    if (round) {
        time_t closes = parse_utc(json_string_value(json_object_get(round, "closes_at")));
        char until[64];
        format_date(until, sizeof until, closes - 1);
        json_object_set_new(round, "until", json_string(until));
        page_set_money(round, "value", json_integer_value(json_object_get(round, "voucher_cents")));
        json_object_set_new(data, "round", round);
    }
    return data;
}

/* The code as the resident typed it, bounded; NULL when absent or unreasonable. */
static const char *code_field(const char *value)
{
    if (!value || strlen(value) > MAX_CODE_INPUT)
        return NULL;
    return value;
}

static int64_t initiative_field(const char *value)
{
    int64_t id = 0;
    if (value && *value && !parse_int64(value, 1, INT64_MAX, &id))
        return -1;
    return id;
}

static void render_code_form(struct request *req, int status, const char *code, int64_t initiative,
                             const char *error)
{
    json_t *data = base_data(req);
    json_object_set_new(data, "code", json_string(code ? code : ""));
    if (initiative > 0) {
        json_t *in = initiative_get_public(req->db, initiative);
        if (in) {
            /* Said at once: a funded or closed initiative takes no vouchers any more. */
            const char *state = initiative_state_at(
                json_string_value(json_object_get(in, "state")),
                json_string_value(json_object_get(in, "deadline")), time(NULL));
            bool takes = strcmp(state, "open") == 0 &&
                         json_integer_value(json_object_get(in, "raised_cents")) <
                             json_integer_value(json_object_get(in, "target_cents"));
            page_decorate_initiative(in, time(NULL));
            json_object_set_new(data, takes ? "initiative" : "closed_initiative",
                                json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(in, "id"),
                                          "title", json_object_get(in, "title"), "url",
                                          json_object_get(in, "url"), "state_label",
                                          json_object_get(in, "state_label")));
            json_decref(in);
        }
    }
    if (error)
        json_object_set_new(data, "error", json_string(error));
    page_render(req, "donate", "Voucher doneren", data);
    req->resp.status = status;
}

/* A code field with characters the text check refused: the form again, the message at the
 * field, the code shown without them; true when answered. */
static bool code_field_bad(struct request *req, const char *code)
{
    if (!request_form_bad(req, "code"))
        return false;
    render_code_form(req, 422, code, 0, PAGE_BAD_TEXT_MESSAGE);
    return true;
}

static const char *typo_message(const char *input)
{
    char code[CODE_CHARS + 1];
    switch (code_normalize(input, code)) {
    case CODE_EMPTY:
        return "Vul de vouchercode in die in uw brief staat.";
    case CODE_BAD_CHAR:
        return "Deze code bevat een teken dat in vouchercodes niet voorkomt. Codes hebben geen "
               "O, I, L, 0 of 1. Controleer de code in uw brief.";
    case CODE_BAD_LENGTH:
        return "Een vouchercode heeft 16 tekens, in vier groepjes van vier. Controleer of u de "
               "hele code hebt ingevuld.";
    default:
        return "Deze code klopt niet: waarschijnlijk is er een teken verkeerd overgenomen of zijn "
               "twee tekens omgewisseld. Controleer de code in uw brief. Dit telt niet als "
               "mislukte poging.";
    }
}

/* The Dutch message and HTTP status for a voucher that cannot be used. */
static const char *voucher_message(struct request *req, enum voucher_status st,
                                   const struct voucher_info *info, const char *input, int *status)
{
    char date[64];
    switch (st) {
    case VOUCHER_OK:
        *status = 200;
        return NULL;
    case VOUCHER_TYPO:
        *status = 400;
        return typo_message(input);
    case VOUCHER_UNKNOWN:
        *status = 404;
        return "Deze code kennen we niet. Controleer de code in uw brief; let op dat u de code "
               "van de huidige ronde gebruikt.";
    case VOUCHER_VOIDED:
        *status = 410;
        return "Deze code is vervangen door een nieuwe brief en geldt niet meer. Gebruik de code "
               "uit de nieuwste brief.";
    case VOUCHER_NOT_YET:
        *status = 409;
        format_date(date, sizeof date, parse_utc(info->opens_at));
        return arena_printf(&req->arena, "De voucherronde %s is nog niet begonnen. U kunt deze "
                                         "code gebruiken vanaf %s.",
                            info->round_name, date);
    case VOUCHER_CLOSED:
        *status = 410;
        format_date(date, sizeof date, parse_utc(info->closes_at) - 1);
        return arena_printf(&req->arena, "De voucherronde %s is afgelopen op %s. Deze code is "
                                         "niet meer te gebruiken.",
                            info->round_name, date);
    case VOUCHER_USED:
        *status = 409;
        /* Only that it was used: where it went would tell whoever holds the letter what that
         * household supported. */
        return "Deze code is al gebruikt. Elke code kan \xc3\xa9\xc3\xa9n keer worden gebruikt.";
    }
    *status = 400;
    return "Deze code kan niet worden gebruikt.";
}

/* "N seconden" under two minutes, else whole minutes: the delay grows from 30 s. */
static void wait_text(char *out, size_t size, int64_t wait)
{
    if (wait < 120)
        snprintf(out, size, "%lld seconde%s", (long long)wait, wait == 1 ? "" : "n");
    else
        snprintf(out, size, "%lld minuten", (long long)(wait + 59) / 60);
}

static void render_throttled(struct request *req, int64_t wait, const char *code)
{
    char msg[300], when[40];
    wait_text(when, sizeof when, wait);
    snprintf(msg, sizeof msg,
             "Er zijn vanaf uw internetadres te veel onbekende codes geprobeerd. Probeer het over "
             "%s opnieuw. Codes die u eerder goed invulde, blijven gewoon geldig.",
             when);
    char retry[24];
    snprintf(retry, sizeof retry, "%lld", (long long)wait);
    render_code_form(req, 429, code, 0, msg);
    response_set_header(req, "Retry-After", retry);
}

/* The proof that a code passed its check (carried by the choice and confirmation forms): a
 * keyed signature of its voucher id, so that a household behind an address throttled since
 * is never refused for it, while a guess at those steps still proves nothing. */
static void voucher_proof(struct request *req, const struct voucher_info *info, char out[21])
{
    secret_sign_id(req->app->secret, "voucher-checked", (long long)info->voucher_id, out);
}

/* True when the form's proof belongs to the voucher behind code (looked up only then). */
static bool voucher_proven(struct request *req, const char *code, time_t now)
{
    const char *proof = request_form(req, "bewijs");
    if (!proof || strlen(proof) != 20)
        return false;
    struct voucher_info info;
    char normalized[CODE_CHARS + 1], expected[21];
    enum voucher_status st = voucher_lookup(req->db, req->app->secret, code, now, &info, normalized);
    if (st == VOUCHER_UNKNOWN || st == VOUCHER_TYPO)
        return false;
    voucher_proof(req, &info, expected);
    return sodium_memcmp(expected, proof, 20) == 0;
}

/* The choice of initiatives for a valid voucher. */
static void render_choice(struct request *req, const char *code, const struct voucher_info *info,
                          int64_t selected, const char *notice, int status)
{
    json_t *data = base_data(req);
    json_t *items = initiatives_open_for_area(req->db, info->home_area_id, time(NULL));
    if (!items)
        items = json_array();
    page_decorate_initiatives(items, time(NULL));
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (json_integer_value(json_object_get(item, "id")) == selected)
            json_object_set_new(item, "selected", json_true());
    }
    json_object_set_new(data, "items", items);
    json_object_set_new(data, "code", json_string(code));
    char proof[21];
    voucher_proof(req, info, proof);
    json_object_set_new(data, "proof", json_string(proof));
    page_set_money(data, "value", info->value_cents);
    json_t *home = area_get(req->db, info->home_area_id);
    if (home) {
        const char *kind = json_string_value(json_object_get(home, "kind"));
        json_object_set_new(data, "home",
                            json_pack("{s:O, s:O, s:s}", "name", json_object_get(home, "name"),
                                      "slug", json_object_get(home, "slug"), "kind_label",
                                      kind && strcmp(kind, "dorp") == 0 ? "dorp" : "wijk"));
        json_decref(home);
    }
    if (notice)
        json_object_set_new(data, "notice", json_string(notice));
    page_render(req, "donate_choose", "Kies een initiatief", data);
    req->resp.status = status;
}

/* 200 when the initiative can take this voucher now; else 404, 409 (not open, funded, past
 * its deadline: the deadline itself counts, not whether housekeeping ran) or 403 (outside the
 * household's wijk or dorp). */
static int initiative_accepts(struct request *req, const struct voucher_info *info,
                              int64_t initiative)
{
    switch (initiative_takes_voucher(req->db, initiative, info->home_area_id, time(NULL))) {
    case TAKE_OK:
        return 200;
    case TAKE_NO_INITIATIVE:
        return 404;
    case TAKE_OTHER_AREA:
        return 403;
    case TAKE_CLOSED:
        return 409;
    case TAKE_BUSY:
        break;
    }
    return 503;
}

void donate_page(struct request *req)
{
    const char *code = code_field(request_query(req, "code"));
    int64_t initiative = initiative_field(request_query(req, "initiatief"));
    render_code_form(req, 200, code, initiative > 0 ? initiative : 0, NULL);
}

/* Checks the code of a POST; renders the refusal and returns false when it is not usable. */
static bool check_code(struct request *req, const char *code, int64_t initiative,
                       struct voucher_info *info)
{
    time_t now = time(NULL);
    struct throttle_rule rule = voucher_rule(req);
    int64_t wait = throttle_wait(req->db, &rule, req->client_addr, now);
    if (wait > 0 && !voucher_proven(req, code, now)) {
        render_throttled(req, wait, code);
        return false;
    }
    char normalized[CODE_CHARS + 1];
    enum voucher_status st = voucher_lookup(req->db, req->app->secret, code, now, info, normalized);
    if (st == VOUCHER_OK)
        return true;
    if (st == VOUCHER_UNKNOWN)
        throttle_fail_audited(req->db, &rule, req->client_addr, now);
    int status;
    const char *msg = voucher_message(req, st, info, code, &status);
    render_code_form(req, status, code, initiative, msg);
    return false;
}

void donate_code_post(struct request *req)
{
    const char *code = code_field(request_form(req, "code"));
    int64_t initiative = initiative_field(request_form(req, "initiatief"));
    if (code_field_bad(req, code))
        return;
    if (!code || initiative < 0) {
        /* A code longer than any code is told as such, and shown as typed. */
        const char *typed = request_form(req, "code");
        bool too_long = typed && strlen(typed) > MAX_CODE_INPUT;
        render_code_form(req, 400, too_long ? typed : NULL, initiative > 0 ? initiative : 0,
                         too_long ? "Een vouchercode heeft 16 tekens, in vier groepjes van vier. "
                                    "Controleer de code in uw brief."
                                  : "Vul de vouchercode in die in uw brief staat.");
        return;
    }
    struct voucher_info info;
    if (!check_code(req, code, initiative, &info))
        return;
    if (initiative > 0) {
        /* Straight to confirmation when the preselected initiative can take this voucher. */
        int status = initiative_accepts(req, &info, initiative);
        if (status == 200) {
            donate_confirm_render(req, code, &info, initiative);
            return;
        }
        render_choice(req, code, &info, 0,
                      status == 403
                          ? "Het initiatief dat u had gekozen ligt buiten uw wijk of dorp. Kies "
                            "hieronder een ander initiatief."
                          : "Het initiatief dat u had gekozen neemt geen vouchers meer aan. Kies "
                            "hieronder een ander initiatief.",
                      200);
        return;
    }
    render_choice(req, code, &info, 0, NULL, 200);
}

static void donate_confirm_render(struct request *req, const char *code, const struct voucher_info *info,
                           int64_t initiative)
{
    json_t *in = initiative_get_public(req->db, initiative);
    if (!in) {
        render_choice(req, code, info, 0, "Kies een initiatief uit de lijst.", 400);
        return;
    }
    page_decorate_initiative(in, time(NULL));
    json_t *data = base_data(req);
    json_object_set_new(data, "i", in);
    json_object_set_new(data, "code", json_string(code));
    char proof[21];
    voucher_proof(req, info, proof);
    json_object_set_new(data, "proof", json_string(proof));
    page_set_money(data, "value", info->value_cents);
    page_render(req, "donate_confirm", "Bevestig uw donatie", data);
}

void donate_choose_post(struct request *req)
{
    const char *code = code_field(request_form(req, "code"));
    int64_t initiative = initiative_field(request_form(req, "initiatief"));
    if (code_field_bad(req, code))
        return;
    if (!code || initiative < 0) {
        render_code_form(req, 400, NULL, 0, "Vul de vouchercode in die in uw brief staat.");
        return;
    }
    struct voucher_info info;
    if (!check_code(req, code, 0, &info))
        return;
    if (initiative == 0) {
        render_choice(req, code, &info, 0, "Kies een initiatief om uw voucher aan te geven.", 400);
        return;
    }
    int status = initiative_accepts(req, &info, initiative);
    if (status == 404)
        render_choice(req, code, &info, 0, "Dit initiatief bestaat niet. Kies er een uit de lijst.",
                      404);
    else if (status == 409)
        render_choice(req, code, &info, 0,
                      "Dit initiatief neemt geen vouchers meer aan: het streefbedrag is gehaald of "
                      "de termijn is voorbij. Kies een ander initiatief.",
                      409);
    else if (status == 403)
        render_choice(req, code, &info, 0,
                      "Dit initiatief ligt buiten uw wijk of dorp. Kies een initiatief uit de lijst.",
                      403);
    else if (status == 503)
        render_choice(req, code, &info, 0,
                      "Het is even erg druk. Uw voucher is niet gebruikt; probeer het over een "
                      "ogenblik opnieuw.",
                      503);
    else
        donate_confirm_render(req, code, &info, initiative);
}

void donate_confirm_post(struct request *req)
{
    donate_private(req);
    const char *code = code_field(request_form(req, "code"));
    int64_t initiative = initiative_field(request_form(req, "initiatief"));
    if (code_field_bad(req, code))
        return;
    if (!code || initiative <= 0) {
        render_code_form(req, 400, code, 0, "Vul de vouchercode in en kies een initiatief.");
        return;
    }
    time_t now = time(NULL);
    struct throttle_rule rule = voucher_rule(req);
    int64_t wait = throttle_wait(req->db, &rule, req->client_addr, now);
    if (wait > 0 && !voucher_proven(req, code, now)) {
        render_throttled(req, wait, code);
        return;
    }
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    enum donate_status st =
        ledger_donate(req->db, req->app->secret, code, initiative, now, "inwoner", &vs, &info, &r);
    switch (st) {
    case DONATE_OK:
    case DONATE_REPEAT: {
        char sig[21];
        secret_sign_id(req->app->secret, "receipt", (long long)r.ledger_id, sig);
        char *url = arena_printf(&req->arena, "/doneren/ontvangst/%lld-%s", (long long)r.ledger_id,
                                 sig);
        req->resp.status = 303;
        response_set_header(req, "Location", url);
        page_text(req, 303, "Bedankt voor uw donatie.\n");
        return;
    }
    case DONATE_VOUCHER: {
        if (vs == VOUCHER_UNKNOWN)
            throttle_fail_audited(req->db, &rule, req->client_addr, now);
        int status;
        const char *msg = voucher_message(req, vs, &info, code, &status);
        render_code_form(req, status, code, initiative, msg);
        return;
    }
    case DONATE_NO_INITIATIVE:
        render_choice(req, code, &info, 0, "Dit initiatief bestaat niet. Kies er een uit de lijst.",
                      404);
        return;
    case DONATE_INITIATIVE_CLOSED:
        render_choice(req, code, &info, 0,
                      "Dit initiatief neemt geen vouchers meer aan: het streefbedrag is net gehaald "
                      "of de termijn is voorbij. Uw voucher is niet gebruikt; kies een ander "
                      "initiatief.",
                      409);
        return;
    case DONATE_NOT_ELIGIBLE:
        render_choice(req, code, &info, 0,
                      "Dit initiatief ligt buiten uw wijk of dorp. Uw voucher is niet gebruikt; "
                      "kies een initiatief uit de lijst.",
                      403);
        return;
    case DONATE_UNAVAILABLE:
        render_code_form(req, 503, code, initiative,
                         "Door een storing kunnen we tijdelijk geen donaties verwerken. Uw voucher "
                         "is niet gebruikt en blijft geldig; probeer het later opnieuw.");
        return;
    case DONATE_BUSY:
        break;
    }
    render_code_form(req, 503, code, initiative,
                     "Het is even erg druk. Uw voucher is niet gebruikt; probeer het over een "
                     "ogenblik opnieuw.");
}

void donate_receipt_page(struct request *req)
{
    donate_private(req);
    const char *param = req->params[0];
    const char *dash = param ? strchr(param, '-') : NULL;
    int64_t id = page_id_param(param);
    struct receipt r;
    char sig[21];
    if (id > 0 && dash)
        secret_sign_id(req->app->secret, "receipt", (long long)id, sig);
    if (id <= 0 || !dash || strcmp(dash + 1, sig) != 0 || !ledger_receipt(req->db, id, &r)) {
        page_error(req, 404, "Dit ontvangstbewijs bestaat niet.");
        return;
    }
    json_t *in = initiative_get_public(req->db, r.initiative_id);
    if (!in) {
        page_error(req, 404, "Dit ontvangstbewijs bestaat niet.");
        return;
    }
    page_decorate_initiative(in, time(NULL));
    json_t *data = json_object();
    json_object_set_new(data, "i", in);
    page_set_money(data, "amount", r.amount_cents);
    json_object_set_new(data, "funded", json_boolean(r.funded));
    char when[64];
    format_datetime(when, sizeof when, parse_utc(r.at));
    json_object_set_new(data, "when", json_string(when));
    page_render(req, "donate_receipt", "Bedankt!", data);
}

/* The form for several codes: selected preselects an initiative; codes (NULL: none) as typed;
 * errors (consumed, may be NULL): field → message, at the field and in the summary. */
static void render_multi(struct request *req, int64_t selected, const char *codes, json_t *errors,
                         int status)
{
    json_t *data = base_data(req);
    struct initiative_filter f = {.state = "open", .sort = SORT_NEW, .limit = 500};
    int64_t total;
    json_t *items = initiatives_search(req->db, &f, &total);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        if (json_integer_value(json_object_get(item, "id")) == selected)
            json_object_set_new(item, "selected", json_true());
        if (json_is_null(json_object_get(item, "area_name")))
            json_object_set_new(item, "area_name", json_string("Gemeentebreed"));
    }
    json_object_set_new(data, "items", items ? items : json_array());
    json_object_set_new(data, "codes", json_string(codes ? codes : ""));
    json_object_set_new(data, "has_errors", json_boolean(errors && json_object_size(errors)));
    json_object_set_new(data, "e", errors ? errors : json_object());
    page_render(req, "donate_multi", "Meerdere codes invoeren", data);
    req->resp.status = status;
}

/* Several codes for one initiative: each code gets its own result line. */
void donate_multi_page(struct request *req)
{
    render_multi(req, initiative_field(request_query(req, "initiatief")), NULL, NULL, 200);
}

void donate_multi_post(struct request *req)
{
    donate_private(req);
    int64_t initiative = initiative_field(request_form(req, "initiatief"));
    const char *codes = request_form(req, "codes");
    /* Each refusal at its field, the choice and the codes as typed. */
    json_t *errors = json_object();
    bool bad = page_bad_fields(req, errors);
    const char *typed = codes ? codes + strspn(codes, " \t\r\n") : "";
    if (!*typed)
        json_object_set_new(errors, "codes",
                            json_string("Vul de codes in, één per regel (hoogstens 50)."));
    else if (strlen(codes) > MAX_MULTI_INPUT)
        json_object_set_new(errors, "codes",
                            json_string("Dat is te lang: hoogstens 4000 tekens. Voer de codes "
                                        "in twee keer in."));
    if (initiative <= 0)
        json_object_set_new(errors, "initiatief", json_string("Kies een initiatief."));
    if (json_object_size(errors)) {
        render_multi(req, initiative > 0 ? initiative : 0, codes, errors, bad ? 422 : 400);
        return;
    }
    json_decref(errors);
    json_t *in = initiative_get_public(req->db, initiative);
    if (!in) {
        page_error(req, 404, "Dit initiatief bestaat niet.");
        return;
    }
    page_decorate_initiative(in, time(NULL));
    struct throttle_rule rule = voucher_rule(req);
    json_t *results = json_array();
    json_t *seen_codes = json_array();
    int count = 0, ok = 0;
    char line[MAX_CODE_INPUT + 1];
    const char *p = codes;
    while (*p) {
        size_t len = strcspn(p, "\r\n");
        if (len > 0 && len <= MAX_CODE_INPUT) {
            memcpy(line, p, len);
            line[len] = '\0';
        } else {
            line[0] = '\0';
        }
        const char *next = p + len;
        while (*next == '\r' || *next == '\n')
            next++;
        if (len == 0) {
            p = next;
            continue;
        }
        /* Only the first and last four characters: the list may be shown on a shared screen,
         * and a mistyped code is still nearly a real one. Shown as codes are printed: upper
         * case, without spaces or dashes. */
        char compact[MAX_CODE_INPUT + 1], shown[32];
        size_t k = 0;
        for (const char *c = line; *c && k < sizeof compact - 1; c++)
            if (*c != ' ' && *c != '-' && *c != '\t')
                compact[k++] = (*c >= 'a' && *c <= 'z') ? (char)(*c - 'a' + 'A') : *c;
        compact[k] = '\0';
        if (k > 8)
            snprintf(shown, sizeof shown, "%.4s-\xe2\x80\xa6-%s", compact, compact + k - 4);
        else
            snprintf(shown, sizeof shown, "%s", k ? "(te kort)" : "(leeg)");
        /* The same code twice in one list is one donation, not two. */
        char normalized[CODE_CHARS + 1];
        bool duplicate = false;
        if (code_normalize(line, normalized) == CODE_OK) {
            size_t j;
            json_t *seen;
            json_array_foreach(seen_codes, j, seen)
                if (strcmp(json_string_value(seen), normalized) == 0)
                    duplicate = true;
            if (!duplicate)
                json_array_append_new(seen_codes, json_string(normalized));
        }
        const char *msg;
        bool success = false;
        time_t now = time(NULL);
        if (++count > MAX_MULTI_CODES) {
            msg = "Niet verwerkt: hoogstens 50 codes tegelijk.";
        } else if (duplicate) {
            msg = "Niet opnieuw verwerkt: deze code staat al eerder in de lijst.";
        } else if (throttle_wait(req->db, &rule, req->client_addr, now) > 0) {
            msg = "Niet verwerkt: te veel onbekende codes geprobeerd. Probeer het later opnieuw.";
        } else {
            enum voucher_status vs;
            struct voucher_info info;
            struct receipt r;
            enum donate_status st = ledger_donate(req->db, req->app->secret, line, initiative, now,
                                                  "initiatiefnemer", &vs, &info, &r);
            int status;
            switch (st) {
            case DONATE_OK:
                msg = "Gedoneerd.";
                success = true;
                break;
            case DONATE_REPEAT:
                /* Counted once, when it happened; and never where a code went. */
                msg = "Deze code is al gebruikt.";
                break;
            case DONATE_VOUCHER:
                if (vs == VOUCHER_UNKNOWN)
                    throttle_fail_audited(req->db, &rule, req->client_addr, now);
                msg = voucher_message(req, vs, &info, line, &status);
                break;
            case DONATE_INITIATIVE_CLOSED:
                msg = "Niet gebruikt: het initiatief neemt geen vouchers meer aan.";
                break;
            case DONATE_NOT_ELIGIBLE:
                msg = "Niet gebruikt: deze voucher hoort bij een andere wijk of ander dorp.";
                break;
            case DONATE_UNAVAILABLE:
                msg = "Niet gebruikt: door een storing kunnen we tijdelijk geen donaties "
                      "verwerken. Probeer het later opnieuw.";
                break;
            default:
                msg = "Niet gebruikt: probeer deze code later opnieuw.";
            }
        }
        ok += success;
        json_array_append_new(results, json_pack("{s:s, s:s, s:b}", "code", shown, "message", msg,
                                                 "ok", success));
        p = next;
    }
    json_decref(seen_codes);
    json_t *fresh = initiative_get_public(req->db, initiative);
    if (fresh) {
        page_decorate_initiative(fresh, time(NULL));
        json_decref(in);
        in = fresh;
    }
    json_t *data = json_pack("{s:o, s:o, s:i, s:i}", "i", in, "results", results, "ok", ok,
                             "count", count);
    page_render(req, "donate_multi_result", "Resultaat", data);
}
