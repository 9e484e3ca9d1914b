/* Two public forms on a household's address: "Welke wijk hoort bij mijn adres?" (/adres) names
 * the wijk or dorp and nothing else, and "Brief kwijt?" (/brief-kwijt) asks the municipality
 * for a new letter by post; both throttled, neither tells more than it must. */
#include "app.h"
#include "domain/address_lookup.h"
#include "domain/households.h"
#include "domain/letter_requests.h"
#include "domain/settings.h"
#include "domain/throttle.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

enum { MAX_ADDRESS_FIELD = 20 };

/* The address as the form holds it: the typed values (shown back), the normalised ones and a
 * message per field that is not right. */
struct address_form {
    const char *postcode_in, *number_in, *addition_in;
    char postcode[8], addition[11];
    int64_t number;
    json_t *errors;
};

static const char *field_value(struct request *req, const char *name)
{
    const char *v = request_form(req, name);
    return v && strlen(v) <= MAX_ADDRESS_FIELD ? v : v ? "" : NULL;
}

/* Reads and checks the three fields; true when the address is well-formed. */
static bool address_read(struct request *req, struct address_form *f)
{
    memset(f, 0, sizeof *f);
    f->errors = json_object();
    f->postcode_in = field_value(req, "postcode");
    f->number_in = field_value(req, "huisnummer");
    f->addition_in = field_value(req, "toevoeging");
    page_bad_fields(req, f->errors);
    if (!json_object_get(f->errors, "postcode") &&
        !postcode_normalize(f->postcode_in ? f->postcode_in : "", f->postcode))
        json_object_set_new(f->errors, "postcode",
                            json_string(f->postcode_in && *f->postcode_in
                                            ? "Dit is geen postcode. Een postcode heeft vier "
                                              "cijfers en twee letters, zoals 7601 AB."
                                            : "Vul uw postcode in, zoals 7601 AB."));
    if (!json_object_get(f->errors, "huisnummer") && !json_object_get(f->errors, "toevoeging") &&
        !house_number_normalize(f->number_in ? f->number_in : "",
                                f->addition_in ? f->addition_in : "", &f->number, f->addition))
        json_object_set_new(
            f->errors, "huisnummer",
            json_string(f->number_in && *f->number_in
                            ? "Vul het huisnummer in als getal, zoals 12 of 12a; een toevoeging "
                              "mag ook in het veld Toevoeging."
                            : "Vul uw huisnummer in."));
    return json_object_size(f->errors) == 0;
}

/* Per hour from one internet address (setting `setting`), and for the letter also per
 * household address; past them a wait that doubles. */
static struct throttle_rule rate_rule(struct request *req, const char *name, const char *setting)
{
    json_t *settings = settings_all(req->db);
    int64_t v = 1;
    parse_int64(settings_value(settings, setting, &req->app->config), 1, 100000, &v);
    json_decref(settings);
    return (struct throttle_rule){name, (int)v, 60, 3600, 3600};
}

static void set_wait(struct request *req, json_t *data, int64_t wait, const char *what)
{
    int64_t minutes = (wait + 59) / 60;
    json_object_set_new(data, "error",
                        json_sprintf("%s Probeer het over %lld minu%s opnieuw.", what,
                                     (long long)minutes, minutes == 1 ? "ut" : "ten"));
    char retry[24];
    snprintf(retry, sizeof retry, "%lld", (long long)wait);
    response_set_header(req, "Retry-After", retry);
}

/* The form's data: token, values shown back, errors (consumed). */
static json_t *form_data(struct request *req, const struct address_form *f)
{
    /* An address and what it is for is personal data: kept by no cache. */
    response_set_header(req, "Cache-Control", "no-store");
    json_t *data = json_object();
    json_object_set_new(data, "csrf", json_string(csrf_token(req)));
    json_object_set_new(data, "postcode", json_string(f && f->postcode_in ? f->postcode_in : ""));
    json_object_set_new(data, "huisnummer", json_string(f && f->number_in ? f->number_in : ""));
    json_object_set_new(data, "toevoeging", json_string(f && f->addition_in ? f->addition_in : ""));
    json_object_set_new(data, "e", f && f->errors ? json_incref(f->errors) : json_object());
    json_object_set_new(data, "has_errors",
                        json_boolean(f && f->errors && json_object_size(f->errors)));
    return data;
}

void address_page(struct request *req)
{
    page_render(req, "adres", "Welke wijk hoort bij mijn adres?", form_data(req, NULL));
}

void address_post(struct request *req)
{
    struct address_form f;
    bool ok = address_read(req, &f);
    json_t *data = form_data(req, &f);
    int status = 200;
    if (!ok) {
        status = 422;
    } else {
        struct throttle_rule rule = rate_rule(req, "address", "adres_per_uur");
        const struct throttle_rule *rules[1] = {&rule};
        const char *clients[1] = {req->client_addr};
        int64_t ids[1];
        int64_t wait = throttle_take(req->db, rules, clients, 1, time(NULL), ids);
        struct address_area area;
        enum address_result r =
            wait ? ADDRESS_DB : address_area(req->db, f.postcode, f.number, f.addition, &area);
        char shown[24];
        house_number_format(f.number, f.addition, shown);
        json_object_set_new(data, "address", json_sprintf("%s %s", f.postcode, shown));
        if (wait) {
            status = 429;
            set_wait(req, data, wait, "Er zijn vanaf uw internetadres veel adressen opgezocht.");
        } else if (r == ADDRESS_FOUND) {
            json_object_set_new(data, "area",
                                json_pack("{s:s, s:s, s:s, s:s}", "name", area.name, "slug",
                                          area.slug, "kind_label",
                                          strcmp(area.kind, "dorp") == 0 ? "het dorp" : "de wijk",
                                          "buurt", area.buurt));
        } else if (r == ADDRESS_NEEDS_ADDITION) {
            status = 422;
            json_object_set_new(f.errors, "toevoeging",
                                json_string("Op dit huisnummer zijn meer adressen. Vul ook de "
                                            "toevoeging in, zoals a of II."));
            json_object_set(data, "e", f.errors);
            json_object_set_new(data, "has_errors", json_true());
        } else if (r == ADDRESS_UNKNOWN) {
            status = 404;
            json_object_set_new(data, "unknown", json_true());
        } else {
            status = 503;
            json_object_set_new(data, "error",
                                json_string("Het opzoeken lukte even niet. Probeer het over een "
                                            "ogenblik opnieuw."));
        }
    }
    json_decref(f.errors);
    page_render(req, "adres", "Welke wijk hoort bij mijn adres?", data);
    req->resp.status = status;
}

void lost_letter_page(struct request *req)
{
    page_render(req, "brief_kwijt", "Brief kwijt? Vraag een nieuwe aan", form_data(req, NULL));
}

void lost_letter_post(struct request *req)
{
    struct address_form f;
    bool ok = address_read(req, &f);
    json_t *data = form_data(req, &f);
    int status = 200;
    if (!ok) {
        status = 422;
    } else {
        /* Per internet address and per household address, whether or not the address is in
         * the register: the limits answer the same for both. */
        char key[64], hashed[33];
        snprintf(key, sizeof key, "%s %lld %s", f.postcode, (long long)f.number, f.addition);
        throttle_key_hash(key, hashed);
        struct throttle_rule by_client = rate_rule(req, "letter", "brief_per_uur");
        struct throttle_rule by_address = rate_rule(req, "letter-address", "brief_per_uur");
        const struct throttle_rule *rules[2] = {&by_client, &by_address};
        const char *clients[2] = {req->client_addr, hashed};
        int64_t ids[2];
        int64_t wait = throttle_take(req->db, rules, clients, 2, time(NULL), ids);
        if (wait) {
            status = 429;
            set_wait(req, data, wait,
                     "Er zijn kort na elkaar veel nieuwe brieven aangevraagd vanaf uw "
                     "internetadres of voor dit adres; deze aanvraag is niet opgeslagen.");
        } else if (letter_request_add(req->db, f.postcode, f.number, f.addition, time(NULL)) !=
                   LETTER_REQUEST_TAKEN) {
            status = 503;
            json_object_set_new(data, "error",
                                json_string("Het opslaan lukte even niet. Probeer het over een "
                                            "ogenblik opnieuw."));
        } else {
            char shown[24];
            house_number_format(f.number, f.addition, shown);
            json_object_set_new(data, "done", json_sprintf("%s %s", f.postcode, shown));
        }
    }
    json_decref(f.errors);
    page_render(req, "brief_kwijt", "Brief kwijt? Vraag een nieuwe aan", data);
    req->resp.status = status;
}
