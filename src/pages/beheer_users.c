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

/* Staff accounts: list, add with a generated password (shown once), disable and enable,
 * reset a password. */
void admin_users_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
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
    json_t *data = beheer_base(req, user);
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
        beheer_go(req, "/beheer/medewerkers?gedaan=1");
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
