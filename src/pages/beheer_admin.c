/* Admin screens: money in and out (contributions, payouts), settings, staff accounts, the
 * audit log and the e-mail outbox. Only for the role admin. */
#include "app.h"
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
#include "util/alloc.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <stdlib.h>
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

/* Why a setting's value is refused, in Dutch, naming its limits. */
static json_t *setting_message(const struct setting *s, enum setting_error e)
{
    if (e == SETTING_BELOW_MINIMUM)
        return json_string("Het grootste streefbedrag moet groter zijn dan het kleinste.");
    switch (s->type) {
    case SETTING_INT:
    case SETTING_CENTS:
        return json_sprintf("Vul een geheel getal in van %lld tot en met %lld.",
                            (long long)s->min, (long long)s->max);
    case SETTING_EMAIL:
        return json_string("Vul een geldig e-mailadres in.");
    case SETTING_URL:
        return json_string(
            "Vul een adres in zoals https://buurtsamen.almelo.nl, zonder / aan het eind.");
    case SETTING_PARAGRAPHS:
        return json_sprintf("Hoogstens %lld tekens.", (long long)s->max);
    case SETTING_TIMEZONE:
        return json_string("Vul een tijdzone in zoals Europe/Amsterdam.");
    case SETTING_TEXT:
        break;
    }
    return json_sprintf("Vul een tekst van %lld tot %lld tekens in, op één regel.",
                        (long long)s->min, (long long)s->max);
}

/* The settings page: every setting of the table that is edited here, as the form shows it. */
static void render_settings(struct request *req, const struct user *user, json_t *errors,
                            json_t *values, int status)
{
    json_t *data = admin_data(req, user);
    json_t *current = values ? values : settings_all(req->db);
    json_t *fields = json_array();
    for (size_t i = 0; i < settings_count; i++) {
        const struct setting *f = &settings_table[i];
        if (!f->in_form)
            continue;
        const char *v = values ? json_string_value(json_object_get(current, f->name))
                               : settings_value(current, f->name, &req->app->config);
        json_t *field = json_pack("{s:s, s:s, s:s, s:s}", "key", f->name, "label", f->label,
                                  "hint", f->description, "value", v ? v : "");
        if (json_object_get(errors, f->name))
            json_object_set(field, "error", json_object_get(errors, f->name));
        if (f->type == SETTING_PARAGRAPHS)
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
    /* The form's values; a setting not on the form keeps its stored value. */
    json_t *stored = settings_all(req->db), *values = json_object();
    const char **all = xcalloc(settings_count, sizeof *all);
    const char **keys = xcalloc(settings_count, sizeof *keys);
    const char **new_values = xcalloc(settings_count, sizeof *new_values);
    enum setting_error *check = xcalloc(settings_count, sizeof *check);
    size_t n = 0;
    for (size_t i = 0; i < settings_count; i++) {
        const struct setting *f = &settings_table[i];
        if (f->in_form) {
            const char *v = request_form(req, f->name);
            all[i] = v ? v : "";
            keys[n] = f->name;
            new_values[n++] = all[i];
            json_object_set_new(values, f->name, json_string(all[i]));
        } else {
            all[i] = settings_value(stored, f->name, &req->app->config);
        }
    }
    json_t *errors = json_object();
    if (!settings_check(all, check))
        for (size_t i = 0; i < settings_count; i++)
            if (check[i] != SETTING_VALID)
                json_object_set_new(errors, settings_table[i].name,
                                    setting_message(&settings_table[i], check[i]));
    enum staff_result r = STAFF_OK;
    if (!json_object_size(errors))
        r = staff_settings_save(req->db, user->username, keys, new_values, n, time(NULL));
    free(all);
    free(keys);
    free(new_values);
    free(check);
    json_decref(stored);
    if (json_object_size(errors)) {
        render_settings(req, user, errors, values, 400);
        return;
    }
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
