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
static const char *setting_message(struct request *req, const struct setting *s,
                                   enum setting_error e)
{
    if (e == SETTING_BELOW_MINIMUM)
        return "Het grootste streefbedrag moet groter zijn dan het kleinste.";
    switch (s->type) {
    case SETTING_INT:
        return arena_printf(&req->arena, "Vul een geheel getal in van %lld tot en met %lld.",
                            (long long)s->min, (long long)s->max);
    case SETTING_CENTS: {
        char lo[48], hi[48];
        format_money(lo, sizeof lo, s->min);
        format_money(hi, sizeof hi, s->max);
        return arena_printf(&req->arena, "Vul een bedrag in van %s tot en met %s.", lo, hi);
    }
    case SETTING_EMAIL:
        return "Vul een geldig e-mailadres in.";
    case SETTING_URL:
        return "Vul een adres in zoals https://buurtsamen.almelo.nl, zonder / aan het eind.";
    case SETTING_PARAGRAPHS:
        return arena_printf(&req->arena, "Hoogstens %lld tekens.", (long long)s->max);
    case SETTING_TIMEZONE:
        return "Vul een tijdzone in zoals Europe/Amsterdam.";
    case SETTING_TEXT:
        break;
    }
    return arena_printf(&req->arena, "Vul een tekst van %lld tot %lld tekens in, op één regel.",
                        (long long)s->min, (long long)s->max);
}

/* The settings edited here, declared as form fields (amounts typed in euros). */
static struct beheer_field *settings_fields(size_t *count)
{
    struct beheer_field *fields = xcalloc(settings_count, sizeof *fields);
    size_t n = 0;
    for (size_t i = 0; i < settings_count; i++) {
        const struct setting *f = &settings_table[i];
        if (!f->in_form)
            continue;
        fields[n++] = (struct beheer_field){
            .name = f->name,
            .label = f->label,
            .type = f->type == SETTING_PARAGRAPHS ? "textarea" : "text",
            .hint = f->description && *f->description ? f->description : NULL,
            .inputmode = f->type == SETTING_CENTS ? "decimal" : NULL,
        };
    }
    *count = n;
    return fields;
}

/* The settings page: every setting of the table that is edited here, as stored, or as typed
 * with the refusals of a post (form, consumed). */
static void render_settings(struct request *req, const struct user *user,
                            struct beheer_form *form, int status)
{
    json_t *data = beheer_base(req, user);
    size_t count;
    struct beheer_field *fields = settings_fields(&count);
    struct beheer_form stored;
    if (!form) {
        json_t *current = settings_all(req->db);
        beheer_form_init(&stored, fields, count, "s-");
        for (size_t i = 0; i < count; i++) {
            const struct setting *f = setting_find(fields[i].name);
            const char *v = settings_value(current, f->name, &req->app->config);
            int64_t cents;
            char euros[48];
            if (f->type == SETTING_CENTS && v && parse_int64(v, 0, INT64_MAX, &cents)) {
                beheer_euros_input(euros, sizeof euros, cents);
                v = euros;
            }
            beheer_form_keep(&stored, f->name, v);
        }
        json_decref(current);
        form = &stored;
    }
    form->fields = fields; /* the same declaration, rebuilt for this render */
    form->count = count;
    beheer_form_show(form, data, "f");
    /* In the table's order, for the template to draw one after the other. */
    json_t *list = json_array(), *view = json_object_get(data, "f");
    for (size_t i = 0; i < count; i++)
        json_array_append(list, json_object_get(view, fields[i].name));
    json_object_set_new(data, "fields", list);
    free(fields);
    page_render(req, "admin_settings", "Instellingen", data);
    req->resp.status = status;
}

void admin_settings_page(struct request *req)
{
    render_settings(req, staff_user(req), NULL, 200);
}

void admin_settings_post(struct request *req)
{
    const struct user *user = staff_user(req);
    size_t count;
    struct beheer_field *fields = settings_fields(&count);
    struct beheer_form form;
    beheer_form_init(&form, fields, count, "s-");
    /* The form's values; a setting not on the form keeps its stored value. Amounts come in
     * euros and are stored in cents. */
    json_t *stored = settings_all(req->db);
    const char **all = xcalloc(settings_count, sizeof *all);
    const char **keys = xcalloc(settings_count, sizeof *keys);
    const char **new_values = xcalloc(settings_count, sizeof *new_values);
    enum setting_error *check = xcalloc(settings_count, sizeof *check);
    size_t n = 0;
    for (size_t i = 0; i < settings_count; i++) {
        const struct setting *f = &settings_table[i];
        if (!f->in_form) {
            all[i] = settings_value(stored, f->name, &req->app->config);
            continue;
        }
        all[i] = beheer_form_take(&form, req, f->name);
        if (f->type == SETTING_CENTS) {
            int64_t cents;
            enum euros_result r = parse_euros(all[i], f->min, f->max, &cents);
            if (r == EUROS_OK)
                all[i] = arena_printf(&req->arena, "%lld", (long long)cents);
            else
                beheer_form_refuse(&form, f->name, beheer_euros_message(req, r, f->min, f->max));
        }
        keys[n] = f->name;
        new_values[n++] = all[i];
    }
    if (!settings_check(all, check))
        for (size_t i = 0; i < settings_count; i++)
            if (check[i] != SETTING_VALID && settings_table[i].in_form)
                beheer_form_refuse(&form, settings_table[i].name,
                                   setting_message(req, &settings_table[i], check[i]));
    enum staff_result r = STAFF_OK;
    bool refused = beheer_form_refused(&form);
    if (!refused)
        r = staff_settings_save(req->db, user->username, keys, new_values, n, time(NULL));
    free(all);
    free(keys);
    free(new_values);
    free(check);
    free(fields);
    json_decref(stored);
    if (refused) {
        render_settings(req, user, &form, 400);
        return;
    }
    json_decref(form.values);
    json_decref(form.errors);
    if (r != STAFF_OK) {
        page_error(req, 503, "Opslaan lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    beheer_go(req, "/beheer/instellingen?gedaan=1");
}
