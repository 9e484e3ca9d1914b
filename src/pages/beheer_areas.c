/* Admin screens for the areas: the list, one area's form, adding and editing. */
#include "domain/areas.h"
#include "domain/submission.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>

static const struct beheer_field area_fields[] = {
    {"name", "Naam", "text", 80, NULL, NULL},
    {"kind", "Soort", "select", 0, NULL, NULL},
    {"parent", "Hoort bij (alleen voor een buurt)", "select", 0, NULL, NULL},
    {"slug", "Webadres (leeg: uit de naam)", "text", 60, NULL, NULL},
    {"description", "Beschrijving", "textarea", 2000, NULL, NULL},
    {"venue_name", "Wijkaccommodatie", "text", 200, NULL, NULL},
    {"venue_address", "Adres wijkaccommodatie", "text", 200, NULL, NULL},
    {"director_name", "Wijkregisseur", "text", 200, NULL, NULL},
    {"director_email", "E-mail wijkregisseur", "email", 200, NULL, NULL},
    {"director_phone", "Telefoon wijkregisseur", "tel", 200, NULL, NULL},
};
#define AREA_FIELDS (sizeof area_fields / sizeof area_fields[0])

/* The free-text fields of an area, as struct area_fields has them. */
static const char *const text_fields[] = {"description",   "venue_name",     "venue_address",
                                          "director_name", "director_email", "director_phone"};

/* The list with the form to add one; `form` a refused addition, as typed. */
static void render_areas(struct request *req, struct beheer_form *form, int status)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "areas", areas_admin_list(req->db));
    json_t *parents = areas_top_level(req->db);
    struct beheer_form fresh;
    if (!form) {
        beheer_form_init(&fresh, area_fields, AREA_FIELDS, "g-");
        form = &fresh;
    }
    /* The kind and the wijk or dorp as chosen stay chosen. */
    const char *kind = json_string_value(json_object_get(form->values, "kind"));
    const char *parent = json_string_value(json_object_get(form->values, "parent"));
    size_t i;
    json_t *p;
    json_array_foreach(parents, i, p)
    {
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(p, "id")));
        json_object_set_new(p, "selected", json_boolean(parent && !strcmp(parent, id)));
    }
    json_object_set_new(data, "parents", parents ? parents : json_array());
    json_object_set_new(data, "kind_dorp", json_boolean(kind && !strcmp(kind, "dorp")));
    json_object_set_new(data, "kind_buurt", json_boolean(kind && !strcmp(kind, "buurt")));
    beheer_form_show(form, data, "f");
    page_render(req, "setup_areas", "Wijken, dorpen en buurten", data);
    req->resp.status = status;
}

void setup_areas_page(struct request *req)
{
    render_areas(req, NULL, 200);
}

/* One area's form: as stored, or as typed when `form` was refused. */
static void render_area(struct request *req, json_t *area, struct beheer_form *form, int status)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    struct beheer_form stored;
    if (!form) {
        beheer_form_init(&stored, area_fields, AREA_FIELDS, "g-");
        beheer_form_keep(&stored, "name", json_string_value(json_object_get(area, "name")));
        for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++)
            beheer_form_keep(&stored, text_fields[i],
                             json_string_value(json_object_get(area, text_fields[i])));
        form = &stored;
    }
    beheer_form_show(form, data, "f");
    const char *name = json_string_value(json_object_get(area, "name"));
    json_object_set_new(data, "a", area);
    page_render(req, "setup_area", name ? name : "Gebied", data);
    req->resp.status = status;
}

void setup_area_page(struct request *req)
{
    json_t *area = area_get(req->db, page_id_param(req->params[0]));
    if (!area) {
        page_error(req, 404, "Dit gebied bestaat niet.");
        return;
    }
    render_area(req, area, NULL, 200);
}

/* The domain's refusal at the field it concerns; its HTTP status. */
static int area_refusal(struct beheer_form *f, enum area_result r, bool given_slug)
{
    switch (r) {
    case AREA_OK:
        return 200;
    case AREA_NOT_FOUND:
        return 404;
    case AREA_BAD_KIND:
        beheer_form_refuse(f, "kind", "Kies wijk, dorp of buurt.");
        return 400;
    case AREA_BAD_PARENT:
        beheer_form_refuse(f, "parent", "Een buurt hoort bij een wijk of dorp dat bestaat, niet "
                                        "bij een andere buurt.");
        return 400;
    case AREA_BAD_SLUG:
        beheer_form_refuse(f, given_slug ? "slug" : "name",
                           "Van deze naam kan geen webadres worden gemaakt. Vul een webadres in "
                           "met letters en cijfers.");
        return 400;
    case AREA_DUPLICATE:
        beheer_form_refuse(f, given_slug ? "slug" : "name",
                           given_slug ? "Dit webadres is al van een ander gebied. Kies een ander."
                                      : "Er is al een gebied met dit webadres (gemaakt uit de "
                                        "naam). Kies een andere naam of vul een ander webadres "
                                        "in.");
        return 409;
    case AREA_DB:
        break;
    }
    beheer_form_refuse(f, "formulier", "Opslaan lukte nu niet; er is niets veranderd. Probeer "
                                       "het opnieuw.");
    return 503;
}

/* Adds (no id) or edits an area; the slug is made from the name when a new one has none. */
static void area_save_post(struct request *req, int64_t id, json_t *area)
{
    const struct user *user = staff_user(req);
    struct beheer_form f;
    beheer_form_init(&f, area_fields, AREA_FIELDS, "g-");
    const char *name = beheer_form_take(&f, req, "name");
    if (!*name)
        beheer_form_refuse(&f, "name", "Vul een naam in.");
    else if (!beheer_form_text(req, "name", 80, true))
        beheer_form_refuse(&f, "name", "Een naam heeft hoogstens 80 tekens, op één regel.");
    const char *vals[6];
    for (size_t i = 0; i < 6; i++) {
        vals[i] = beheer_form_take(&f, req, text_fields[i]);
        if (i == 0) { /* the description may have paragraphs */
            if (utf8_length(vals[0], strlen(vals[0])) > 2000)
                beheer_form_refuse(&f, "description", "Hoogstens 2000 tekens.");
        } else if (!beheer_form_text(req, text_fields[i], 200, false)) {
            beheer_form_refuse(&f, text_fields[i], "Hoogstens 200 tekens, op één regel.");
        }
    }
    if (*vals[4] && !email_valid(vals[4]))
        beheer_form_refuse(&f, "director_email",
                           "Dit is geen geldig e-mailadres. Laat het leeg of vul een adres in "
                           "zoals naam@almelo.nl.");
    const char *kind = beheer_form_take(&f, req, "kind");
    const char *parent_s = beheer_form_take(&f, req, "parent");
    const char *given = beheer_form_take(&f, req, "slug");
    int64_t parent = 0;
    if (!id) {
        if (strcmp(kind, "wijk") && strcmp(kind, "dorp") && strcmp(kind, "buurt"))
            beheer_form_refuse(&f, "kind", "Kies wijk, dorp of buurt.");
        else if (!strcmp(kind, "buurt") && !parse_int64(parent_s, 1, INT64_MAX, &parent))
            beheer_form_refuse(&f, "parent",
                               "Kies de wijk of het dorp waar deze buurt bij hoort.");
    }
    if (beheer_form_refused(&f)) {
        if (id)
            render_area(req, area, &f, 400);
        else
            render_areas(req, &f, 400);
        return;
    }
    char slug[80] = "";
    if (!id)
        format_slug(slug, sizeof slug, *given ? given : name);
    struct area_fields fields = {.name = name,
                                 .description = vals[0],
                                 .venue_name = vals[1],
                                 .venue_address = vals[2],
                                 .director_name = vals[3],
                                 .director_email = vals[4],
                                 .director_phone = vals[5],
                                 .kind = id ? NULL : kind,
                                 .parent_id = parent,
                                 .slug = slug};
    enum area_result r = area_save(req->db, &fields, user->username, time(NULL), &id);
    if (r == AREA_NOT_FOUND) {
        json_decref(f.values);
        json_decref(f.errors);
        json_decref(area);
        page_error(req, 404, "Dit gebied bestaat niet.");
        return;
    }
    if (r != AREA_OK) {
        int status = area_refusal(&f, r, *given != '\0');
        if (area)
            render_area(req, area, &f, status);
        else
            render_areas(req, &f, status);
        return;
    }
    json_decref(f.values);
    json_decref(f.errors);
    json_decref(area);
    beheer_go(req, "/beheer/gebieden?gedaan=1");
}

void setup_area_add_post(struct request *req)
{
    area_save_post(req, 0, NULL);
}

void setup_area_edit_post(struct request *req)
{
    int64_t id = page_id_param(req->params[0]);
    json_t *area = id > 0 ? area_get(req->db, id) : NULL;
    if (!area) {
        page_error(req, 404, "Dit gebied bestaat niet.");
        return;
    }
    area_save_post(req, id, area);
}
