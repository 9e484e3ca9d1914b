/* Admin screens for the areas of a staff member: /beheer/medewerkers/NAME and its form. */
#include "domain/staff_areas.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

static const struct beheer_field areas_fields[] = {
    {"gebied", "Gebieden", "choices", 0, NULL, NULL},
};

/* A staff member's areas; with `chosen` (n slugs) and the refusal of a post, as it was sent. */
static void render_user(struct request *req, const struct user *target, const char *const *chosen,
                        size_t n, const char *error, int status)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    json_t *areas = staff_areas_list(req->db, target->id);
    if (error) {
        size_t i;
        json_t *area;
        json_array_foreach(areas, i, area)
        {
            bool mine = false;
            for (size_t k = 0; k < n; k++)
                mine = mine || !strcmp(chosen[k], json_string_value(json_object_get(area, "slug")));
            json_object_set_new(area, "mine", json_boolean(mine));
        }
    }
    json_object_set_new(data, "areas", areas ? areas : json_array());
    struct beheer_form f;
    beheer_form_init(&f, areas_fields, 1, "a-");
    if (error)
        beheer_form_refuse(&f, "gebied", error);
    beheer_form_show(&f, data, "f");
    json_object_set_new(data, "name", json_string(target->username));
    json_object_set_new(data, "role", json_string(target->role));
    page_render(req, "setup_user", target->username, data);
    req->resp.status = status;
}

void setup_user_page(struct request *req)
{
    struct user target;
    if (!user_get(req->db, req->params[0], &target)) {
        page_error(req, 404, "Deze medewerker bestaat niet.");
        return;
    }
    render_user(req, &target, NULL, 0, NULL, 200);
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
    switch (r) {
    case STAFF_AREAS_OK:
        beheer_go(req, "/beheer/medewerkers?gedaan=1");
        break;
    case STAFF_AREAS_UNKNOWN_AREA:
        render_user(req, &target, slugs, n,
                    "Een van de gekozen gebieden bestaat niet (meer); er is niets veranderd. "
                    "Kies opnieuw.",
                    400);
        break;
    case STAFF_AREAS_DB:
        render_user(req, &target, slugs, n,
                    "Opslaan lukte nu niet; er is niets veranderd. Probeer het opnieuw.", 503);
        break;
    }
    free(slugs);
}
