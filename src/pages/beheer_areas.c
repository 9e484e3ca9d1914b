/* Admin screens for the areas: the list, one area's form, adding and editing. */
#include "domain/areas.h"
#include "domain/submission.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <string.h>

void setup_areas_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "areas", areas_admin_list(req->db));
    json_object_set_new(data, "parents", areas_top_level(req->db));
    page_render(req, "setup_areas", "Wijken, dorpen en buurten", data);
}

void setup_area_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *area = area_get(req->db, page_id_param(req->params[0]));
    if (!area) {
        page_error(req, 404, "Dit gebied bestaat niet.");
        return;
    }
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "a", area);
    page_render(req, "setup_area", json_string_value(json_object_get(area, "name")), data);
}

static const char *const area_fields[] = {"description",   "venue_name",     "venue_address",
                                          "director_name", "director_email", "director_phone"};

static const char *area_message(enum area_result r)
{
    switch (r) {
    case AREA_OK:
        return "";
    case AREA_NOT_FOUND:
        return "Dit gebied bestaat niet.";
    case AREA_BAD_KIND:
    case AREA_BAD_PARENT:
    case AREA_BAD_SLUG:
    case AREA_DUPLICATE:
        break;
    case AREA_DB:
        return "Opslaan lukte nu niet; probeer het opnieuw.";
    }
    return "Het gebied kon niet worden opgeslagen: bestaat de naam (of het webadres) al, of "
           "hoort een buurt bij een andere buurt?";
}

/* Adds (no id) or edits an area; the slug is made from the name when a new one has none. */
static void area_save_post(struct request *req, int64_t id)
{
    const struct user *user = staff_user(req);
    const char *name = beheer_form_text(req, "name", 80, true);
    const char *vals[6];
    bool ok = name != NULL;
    for (int i = 0; i < 6; i++) {
        vals[i] = beheer_form_text(req, area_fields[i], i == 0 ? 2000 : 200, false);
        if (i == 0 && !vals[0]) { /* the description may have paragraphs */
            const char *d = request_form(req, "description");
            vals[0] = d && utf8_length(d, strlen(d)) <= 2000 ? d : NULL;
        }
        ok = ok && vals[i];
    }
    if (ok && *vals[4] && !email_valid(vals[4]))
        ok = false;
    const char *kind = request_form(req, "kind"), *parent_s = request_form(req, "parent");
    int64_t parent = 0;
    if (!id) {
        ok = ok && kind &&
             (!strcmp(kind, "wijk") || !strcmp(kind, "dorp") || !strcmp(kind, "buurt"));
        if (ok && !strcmp(kind, "buurt"))
            ok = parent_s && parse_int64(parent_s, 1, INT64_MAX, &parent);
    }
    if (!ok) {
        page_error(req, 400,
                   "Controleer de velden: een naam (hoogstens 80 tekens), een soort, bij "
                   "een buurt de wijk of het dorp, en een geldig e-mailadres of niets.");
        return;
    }
    char slug[80] = "";
    if (!id) {
        const char *given = request_form(req, "slug");
        format_slug(slug, sizeof slug, given && *given ? given : name);
    }
    struct area_fields f = {.name = name,
                            .description = vals[0],
                            .venue_name = vals[1],
                            .venue_address = vals[2],
                            .director_name = vals[3],
                            .director_email = vals[4],
                            .director_phone = vals[5],
                            .kind = id ? NULL : kind,
                            .parent_id = parent,
                            .slug = slug};
    enum area_result r = area_save(req->db, &f, user->username, time(NULL), &id);
    if (r != AREA_OK) {
        page_error(req, r == AREA_NOT_FOUND ? 404 : r == AREA_DB ? 503 : 409, area_message(r));
        return;
    }
    beheer_go(req, "/beheer/gebieden?gedaan=1");
}

void setup_area_add_post(struct request *req)
{
    area_save_post(req, 0);
}

void setup_area_edit_post(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    if (id <= 0) {
        page_error(req, 404, "Dit gebied bestaat niet.");
        return;
    }
    area_save_post(req, id);
}
