/* Admin screens for the areas of a staff member: /beheer/medewerkers/NAME and its form. */
#include "domain/staff_areas.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

void setup_user_page(struct request *req)
{
    const struct user *user = staff_user(req);
    struct user target;
    if (!user_get(req->db, req->params[0], &target)) {
        page_error(req, 404, "Deze medewerker bestaat niet.");
        return;
    }
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "areas", staff_areas_list(req->db, target.id));
    json_object_set_new(data, "name", json_string(target.username));
    json_object_set_new(data, "role", json_string(target.role));
    page_render(req, "setup_user", target.username, data);
}

void setup_user_areas_post(struct request *req)
{
    const struct user *user = staff_user(req);
    struct user target;
    if (!user_get(req->db, req->params[0], &target)) {
        page_error(req, 404, "Deze medewerker bestaat niet.");
        return;
    }
    /* Every "gebied" field, in the order given. */
    const char **slugs = xmalloc((req->form_fields.count + 1) * sizeof *slugs);
    size_t n = 0;
    for (size_t i = 0; i < req->form_fields.count; i++)
        if (!strcmp(req->form_fields.items[i].name, "gebied"))
            slugs[n++] = req->form_fields.items[i].value;
    enum staff_areas_result r =
        staff_areas_set(req->db, target.id, target.username, slugs, n, user->username, time(NULL));
    free(slugs);
    switch (r) {
    case STAFF_AREAS_OK:
        beheer_go(req, "/beheer/medewerkers?gedaan=1");
        break;
    case STAFF_AREAS_UNKNOWN_AREA:
        page_error(req, 400, "Een van de gekozen gebieden bestaat niet; er is niets veranderd.");
        break;
    case STAFF_AREAS_DB:
        page_error(req, 503, "Opslaan lukte nu niet.");
        break;
    }
}
