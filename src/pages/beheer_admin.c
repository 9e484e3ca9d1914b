/* Admin screens: money in and out (contributions, payouts), settings, staff accounts, the
 * audit log and the e-mail outbox. Only for the role admin. */
#include "domain/audit.h"
#include "domain/ledger.h"
#include "domain/money.h"
#include "domain/outbox_list.h"
#include "domain/settings.h"
#include "domain/staff_admin.h"
#include "domain/submission.h"
#include "domain/users.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>

static json_t *admin_data(struct request *req, const struct user *user)
{
    json_t *data = json_pack("{s:s}", "csrf", csrf_token(req));
    staff_view(data, user);
    const char *done = request_query(req, "gedaan");
    if (done && *done && strlen(done) < 40)
        json_object_set_new(data, "notice", json_string("De wijziging is opgeslagen."));
    return data;
}

static void redirect(struct request *req, const char *to)
{
    response_set_header(req, "Location", to);
    page_text(req, 303, "Gedaan.\n");
}

/* Money: funded initiatives not yet (fully) paid, payouts, and partner contributions. */
void admin_money_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *data = admin_data(req, user);
    json_t *unpaid = money_unpaid(req->db);
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
    redirect(req, "/beheer/geld?gedaan=uitbetaald");
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
    redirect(req, "/beheer/geld?gedaan=bijdrage");
}

/* Settings the municipality edits; each with its own check. */
static const struct setting {
    const char *key, *label, *hint, *fallback;
    int kind; /* 0 text, 1 number, 2 e-mail, 3 url, 4 text with paragraphs */
    int64_t min, max;
} settings_form[] = {
    {"gemeente_naam", "Naam van de gemeente", "", "", 0, 1, 80},
    {"site_naam", "Naam van de website", "", "", 0, 1, 80},
    {"basis_url", "Adres van de website", "Voor links in e-mail en de QR-codes op brieven.", "", 3, 8, 200},
    {"contact_email", "Contactadres", "", "", 2, 5, 254},
    {"voucher_cents", "Waarde van een voucher in centen", "Voor nieuwe rondes; 750 is € 7,50.", "750", 1, 1, 100000},
    {"streef_min_cents", "Kleinste streefbedrag in centen", "", "5000", 1, 100, 100000000},
    {"streef_max_cents", "Grootste streefbedrag in centen", "", "500000", 1, 100, 100000000},
    {"mede_organisatoren", "Aantal mede-organisatoren", "Van andere adressen.", "2", 1, 0, 8},
    {"voucher_pogingen", "Onbekende codes per internetadres", "Binnen het venster hieronder.", "10", 1, 1, 10000},
    {"voucher_venster_minuten", "Venster voor onbekende codes (minuten)", "", "10", 1, 1, 1440},
    {"regels", "Regels voor initiatieven",
     "Staat boven het indienformulier. Een lege regel begint een nieuwe alinea. Leeg: de "
     "standaardregels.",
     "", 4, 0, 4000},
};

static void render_settings(struct request *req, const struct user *user, json_t *errors,
                            json_t *values, int status)
{
    json_t *data = admin_data(req, user);
    json_t *current = values ? values : settings_all(req->db);
    json_t *fields = json_array();
    for (size_t i = 0; i < sizeof settings_form / sizeof settings_form[0]; i++) {
        const struct setting *f = &settings_form[i];
        json_t *v = json_object_get(current, f->key);
        json_t *field = json_pack("{s:s, s:s, s:s, s:s}", "key", f->key, "label", f->label,
                                  "hint", f->hint, "value", json_string_value(v) ?: f->fallback);
        if (json_object_get(errors, f->key))
            json_object_set(field, "error", json_object_get(errors, f->key));
        if (f->kind == 4)
            json_object_set_new(field, "multiline", json_true());
        json_array_append_new(fields, field);
    }
    json_decref(current);
    json_decref(errors);
    json_object_set_new(data, "fields", fields);
    page_render(req, "admin_settings", "Instellingen", data);
    req->resp.status = status;
}

void admin_settings_page(struct request *req)
{
    const struct user *user = staff_user(req);
    render_settings(req, user, json_object(), NULL, 200);
}

void admin_settings_post(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *errors = json_object(), *values = json_object();
    for (size_t i = 0; i < sizeof settings_form / sizeof settings_form[0]; i++) {
        const struct setting *f = &settings_form[i];
        const char *v = request_form(req, f->key);
        v = v ? v : "";
        json_object_set_new(values, f->key, json_string(v));
        size_t len = utf8_length(v, strlen(v));
        int64_t n;
        bool ok = f->kind == 1 ? parse_int64(v, f->min, f->max, &n)
                               : len >= (size_t)f->min && len <= (size_t)f->max &&
                                     (f->kind == 4 || !strchr(v, '\n'));
        if (ok && f->kind == 2)
            ok = email_valid(v);
        if (ok && f->kind == 3)
            ok = (!strncmp(v, "https://", 8) || !strncmp(v, "http://", 7)) && !strchr(v, ' ') &&
                 v[strlen(v) - 1] != '/';
        if (!ok)
            json_object_set_new(errors, f->key,
                                json_string(f->kind == 1 ? "Vul een geheel getal in binnen de grenzen."
                                            : f->kind == 2 ? "Vul een geldig e-mailadres in."
                                            : f->kind == 3 ? "Vul een adres in zoals https://buurtsamen.almelo.nl, zonder / aan het eind."
                                            : f->kind == 4 ? "Hoogstens 4.000 tekens."
                                                           : "Vul een tekst van 1 tot 80 tekens in."));
    }
    int64_t lo = 0, hi = 0;
    parse_int64(json_string_value(json_object_get(values, "streef_min_cents")), 0, INT64_MAX, &lo);
    parse_int64(json_string_value(json_object_get(values, "streef_max_cents")), 0, INT64_MAX, &hi);
    if (!json_object_size(errors) && lo > hi)
        json_object_set_new(errors, "streef_max_cents",
                            json_string("Het grootste streefbedrag moet groter zijn dan het kleinste."));
    if (json_object_size(errors)) {
        render_settings(req, user, errors, values, 400);
        return;
    }
    enum { NSETTINGS = sizeof settings_form / sizeof settings_form[0] };
    const char *keys[NSETTINGS], *new_values[NSETTINGS];
    for (size_t i = 0; i < NSETTINGS; i++) {
        keys[i] = settings_form[i].key;
        new_values[i] = json_string_value(json_object_get(values, keys[i]));
    }
    enum staff_result r =
        staff_settings_save(req->db, user->username, keys, new_values, NSETTINGS, time(NULL));
    json_decref(values);
    json_decref(errors);
    if (r != STAFF_OK) {
        page_error(req, 503, "Opslaan lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    redirect(req, "/beheer/instellingen?gedaan=1");
}

/* Staff accounts: list, add with a generated password (shown once), disable and enable,
 * reset a password. */
void admin_users_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *data = admin_data(req, user);
    json_object_set_new(data, "users", users_list(req->db));
    json_t *areas = staff_area_choices(req->db);
    json_object_set_new(data, "areas", areas ? areas : json_array());
    page_render(req, "admin_users", "Medewerkers", data);
}

static const char *user_message(enum staff_result r)
{
    switch (r) {
    case STAFF_OK:
        return NULL;
    case STAFF_INVALID:
        return "De medewerker kon niet worden toegevoegd: controleer de gebruikersnaam (2-40 "
               "tekens a-z, 0-9, . _ -; nog niet in gebruik), de rol en de gebieden.";
    case STAFF_BAD_EMAIL:
        return "Vul een gebruikersnaam, een rol en eventueel een geldig e-mailadres in.";
    case STAFF_NO_USER:
        return "Deze medewerker bestaat niet.";
    case STAFF_SELF:
        return "U kunt uw eigen account niet uitschakelen.";
    case STAFF_BUSY:
        break;
    }
    return "Dat lukte nu niet. Probeer het zo opnieuw.";
}

static int user_status(enum staff_result r)
{
    return r == STAFF_BUSY ? 503 : r == STAFF_NO_USER ? 404 : r == STAFF_SELF ? 409 : 400;
}

static void password_shown(struct request *req, const struct user *user, const char *name,
                           const char *password)
{
    json_t *data = admin_data(req, user);
    json_object_set_new(data, "name", json_string(name));
    json_object_set_new(data, "password", json_string(password));
    page_render(req, "admin_password", "Wachtwoord", data);
}

void admin_users_post(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *name = request_form(req, "gebruikersnaam"), *role = request_form(req, "rol");
    const char *email = request_form(req, "email");
    const char *areas[32];
    size_t nareas = 0;
    for (size_t i = 0; i < req->form_fields.count && nareas < 32; i++)
        if (!strcmp(req->form_fields.items[i].name, "gebied"))
            areas[nareas++] = req->form_fields.items[i].value;
    char password[21], err[200];
    password_generate(password);
    if (!name || !role) {
        page_error(req, 400, user_message(STAFF_BAD_EMAIL));
        return;
    }
    bool admin = role_is_admin(role); /* an admin sees every area: none to assign */
    enum staff_result r =
        staff_user_add(req->db, user->username, name, role, password, admin ? NULL : areas,
                       admin ? 0 : nareas, email, time(NULL), err, sizeof err);
    if (r != STAFF_OK) {
        page_error(req, user_status(r), user_message(r));
        return;
    }
    password_shown(req, user, name, password);
}

void admin_user_action_post(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *name = req->params[0], *action = request_form(req, "actie");
    struct user target;
    if (!name || !user_get(req->db, name, &target)) {
        page_error(req, 404, "Deze medewerker bestaat niet.");
        return;
    }
    if (!action) {
        page_error(req, 400, "Kies een actie.");
        return;
    }
    if (!strcmp(action, "uitschakelen") || !strcmp(action, "inschakelen")) {
        bool disable = !strcmp(action, "uitschakelen");
        enum staff_result r =
            staff_user_set_disabled(req->db, user->username, target.username, disable, time(NULL));
        if (r != STAFF_OK) {
            page_error(req, user_status(r), user_message(r));
            return;
        }
        redirect(req, "/beheer/medewerkers?gedaan=1");
    } else if (!strcmp(action, "wachtwoord")) {
        char password[21];
        password_generate(password);
        enum staff_result r =
            staff_user_reset_password(req->db, user->username, target.username, password, time(NULL));
        if (r != STAFF_OK) {
            page_error(req, user_status(r), user_message(r));
            return;
        }
        password_shown(req, user, target.username, password);
    } else {
        page_error(req, 400, "Deze actie kennen we niet.");
    }
}

/* The audit log, filtered by who, what and a date range. */
void admin_audit_page(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *who = request_query(req, "wie"), *what = request_query(req, "wat");
    const char *from = request_query(req, "van"), *to = request_query(req, "tot");
    if ((who && strlen(who) > 40) || (what && strlen(what) > 40) ||
        (from && *from && parse_utc(from) == (time_t)-1) || (to && *to && parse_utc(to) == (time_t)-1)) {
        page_error(req, 400, "Controleer de filters: data als jjjj-mm-dd.");
        return;
    }
    struct audit_filter filter = {.actor = who, .action = what, .from = from, .to = to};
    json_t *rows = audit_search(req->db, &filter, 500);
    json_t *data = admin_data(req, user);
    json_object_set_new(data, "rows", rows ? rows : json_array());
    json_object_set_new(data, "wie", json_string(who ? who : ""));
    json_object_set_new(data, "wat", json_string(what ? what : ""));
    json_object_set_new(data, "van", json_string(from ? from : ""));
    json_object_set_new(data, "tot", json_string(to ? to : ""));
    page_render(req, "admin_audit", "Auditlog", data);
}

/* The e-mail outbox: what waits, what failed and why. */
void admin_outbox_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *rows = outbox_list(req->db, 200);
    json_t *data = admin_data(req, user);
    json_object_set_new(data, "rows", rows ? rows : json_array());
    int64_t waiting = outbox_waiting(req->db);
    json_object_set_new(data, "waiting", json_integer(waiting > 0 ? waiting : 0));
    page_render(req, "admin_outbox", "E-mail", data);
}
