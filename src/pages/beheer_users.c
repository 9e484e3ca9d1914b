/* /beheer/medewerkers: staff accounts, added with a password shown once, disabled, reset. */
#include "app.h"
#include "domain/staff_admin.h"
#include "domain/submission.h"
#include "domain/users.h"
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

static const struct beheer_field user_fields[] = {
    {"gebruikersnaam", "Gebruikersnaam", "text", 40,
     "2 tot 40 tekens: kleine letters a-z, cijfers, punt, liggend streepje of koppelteken.", NULL},
    {"email", "E-mailadres (voor meldingen)", "email", 254, NULL, NULL},
    {"rol", "Rol", "select", 0, NULL, NULL},
    {"gebied", "Gebieden (voor een wijkregisseur)", "choices", 0, NULL, NULL},
};
#define USER_FIELDS (sizeof user_fields / sizeof user_fields[0])

/* Every "gebied" field of the form, at most max. */
static size_t posted_areas(struct request *req, const char **areas, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < req->form_fields.count && n < max; i++)
        if (!strcmp(req->form_fields.items[i].name, "gebied"))
            areas[n++] = req->form_fields.items[i].value;
    return n;
}

/* Staff accounts: list, add with a generated password (shown once), disable and enable,
 * reset a password. `form`: a refused addition, shown as typed. */
static void render_users(struct request *req, const struct user *user, struct beheer_form *form,
                         int status)
{
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "users", users_list(req->db));
    json_t *areas = staff_area_choices(req->db);
    const char *chosen[32];
    size_t nchosen = form ? posted_areas(req, chosen, 32) : 0;
    size_t i;
    json_t *area;
    json_array_foreach(areas, i, area)
    {
        bool checked = false;
        for (size_t k = 0; k < nchosen; k++)
            checked = checked || !strcmp(chosen[k], json_string_value(json_object_get(area, "slug")));
        json_object_set_new(area, "checked", json_boolean(checked));
    }
    json_object_set_new(data, "areas", areas ? areas : json_array());
    struct beheer_form fresh;
    if (!form) {
        beheer_form_init(&fresh, user_fields, USER_FIELDS, "u-");
        form = &fresh;
    }
    const char *role = json_string_value(json_object_get(form->values, "rol"));
    json_object_set_new(data, "role_admin", json_boolean(role && role_is_admin(role)));
    beheer_form_show(form, data, "u");
    page_render(req, "admin_users", "Medewerkers", data);
    req->resp.status = status;
}

void admin_users_page(struct request *req)
{
    render_users(req, staff_user(req), NULL, 200);
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
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "name", json_string(name));
    json_object_set_new(data, "password", json_string(password));
    page_render(req, "admin_password", "Wachtwoord", data);
}

void admin_users_post(struct request *req)
{
    const struct user *user = staff_user(req);
    struct beheer_form f;
    beheer_form_init(&f, user_fields, USER_FIELDS, "u-");
    const char *name = beheer_form_take(&f, req, "gebruikersnaam");
    const char *role = beheer_form_take(&f, req, "rol");
    const char *email = beheer_form_take(&f, req, "email");
    const char *areas[32];
    size_t nareas = posted_areas(req, areas, 32);
    bool admin = role_is_admin(role); /* an admin sees every area: none to assign */
    struct staff_add_check check;
    if (!staff_user_add_check(req->db, name, role, admin ? NULL : areas, admin ? 0 : nareas, email,
                              &check)) {
        if (check.bad_name)
            beheer_form_refuse(&f, "gebruikersnaam",
                               !*name ? "Vul een gebruikersnaam in."
                                      : "Een gebruikersnaam heeft 2 tot 40 tekens: kleine letters "
                                        "a-z, cijfers, punt, liggend streepje of koppelteken, en "
                                        "begint met een letter of cijfer.");
        if (check.name_taken)
            beheer_form_refuse(&f, "gebruikersnaam",
                               "Deze gebruikersnaam is al in gebruik. Kies een andere.");
        if (check.bad_email)
            beheer_form_refuse(&f, "email", "Dit is geen geldig e-mailadres. Laat het veld leeg "
                                            "of vul een adres in zoals naam@almelo.nl.");
        if (check.bad_role)
            beheer_form_refuse(&f, "rol", "Kies een rol: wijkregisseur of beheerder.");
        if (check.unknown_area)
            beheer_form_refuse(&f, "gebied", "Een van de gekozen gebieden bestaat niet (meer).");
        render_users(req, user, &f, 400);
        return;
    }
    if (beheer_form_refused(&f)) { /* text the one check refused, at its field */
        render_users(req, user, &f, 400);
        return;
    }
    char password[21], err[200];
    password_generate(password, name);
    enum staff_result r =
        staff_user_add(req->db, user->username, name, role, password, admin ? NULL : areas,
                       admin ? 0 : nareas, email, time(NULL), err, sizeof err);
    if (r != STAFF_OK) {
        beheer_form_refuse(&f, "formulier",
                           r == STAFF_BUSY ? "Dat lukte nu niet; er is niemand toegevoegd. "
                                             "Probeer het zo opnieuw."
                                           : user_message(r));
        render_users(req, user, &f, r == STAFF_BUSY ? 503 : 409);
        return;
    }
    json_decref(f.values);
    json_decref(f.errors);
    password_shown(req, user, name, password);
}

/* A refused action on an account: the list again, the reason at the top. */
static void refuse_action(struct request *req, const struct user *user, int status,
                          const char *message)
{
    struct beheer_form f;
    beheer_form_init(&f, user_fields, USER_FIELDS, "u-");
    beheer_form_refuse(&f, "actie", message);
    render_users(req, user, &f, status);
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
    if (!strcmp(action ? action : "", "uitschakelen") || !strcmp(action ? action : "", "inschakelen")) {
        bool disable = !strcmp(action, "uitschakelen");
        enum staff_result r =
            staff_user_set_disabled(req->db, user->username, target.username, disable, time(NULL));
        if (r != STAFF_OK) {
            refuse_action(req, user, user_status(r), user_message(r));
            return;
        }
        beheer_go(req, "/beheer/medewerkers?gedaan=1");
    } else if (action && !strcmp(action, "wachtwoord")) {
        char password[21];
        password_generate(password, name);
        enum staff_result r =
            staff_user_reset_password(req->db, user->username, target.username, password, time(NULL));
        if (r != STAFF_OK) {
            refuse_action(req, user, user_status(r), user_message(r));
            return;
        }
        password_shown(req, user, target.username, password);
    } else {
        refuse_action(req, user, 400, "Kies een actie: uitschakelen, inschakelen of een nieuw "
                                      "wachtwoord.");
    }
}
