/* /beheer/instellingen: the municipality's settings, from the typed table. */
#include "app.h"
#include "domain/settings.h"
#include "domain/staff_admin.h"
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
    json_t *data = beheer_base(req, user);
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
    beheer_go(req, "/beheer/instellingen?gedaan=1");
}
