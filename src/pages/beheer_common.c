/* Helpers of the admin screens: the page's base data and notices, forms that show their
 * refusals at the fields, amounts in euros, and the confirmation step. */
#include "pages/beheer_common.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>

/* What ?gedaan=WHAT says: each change its own sentence; anything else the plain one. */
static const struct {
    const char *done, *notice;
} notices[] = {
    {"vervangen", "Er is een nieuwe brief gemaakt voor dit adres. De code in de oude brief werkt "
                  "niet meer. De nieuwe brief staat klaar bij Bestanden voor de drukker."},
    {"verwijderd", "Het bestand is verwijderd."},
    {"bijdrage", "De bijdrage is vastgelegd. Ze telt mee voor het streefbedrag."},
    {"uitbetaald", "De uitbetaling is vastgelegd."},
};

json_t *beheer_base(struct request *req, const struct user *user)
{
    json_t *data = json_pack("{s:s}", "csrf", csrf_token(req));
    staff_view(data, user);
    const char *done = request_query(req, "gedaan");
    if (done && *done && strlen(done) < 40) {
        const char *notice = "De wijziging is opgeslagen.";
        for (size_t i = 0; i < sizeof notices / sizeof notices[0]; i++)
            if (!strcmp(done, notices[i].done))
                notice = notices[i].notice;
        json_object_set_new(data, "notice", json_string(notice));
    }
    return data;
}

void beheer_go(struct request *req, const char *to)
{
    response_set_header(req, "Location", to);
    page_text(req, 303, "Gedaan.\n");
}

const char *beheer_form_text(struct request *req, const char *name, size_t max, bool required)
{
    const char *v = request_form(req, name);
    if (!v)
        v = "";
    if ((required && !*v) || utf8_length(v, strlen(v)) > max || strchr(v, '\n'))
        return NULL;
    return v;
}

/* ---- Forms ---- */

void beheer_form_init(struct beheer_form *f, const struct beheer_field *fields, size_t count,
                      const char *prefix)
{
    *f = (struct beheer_form){.fields = fields,
                              .count = count,
                              .prefix = prefix,
                              .values = json_object(),
                              .errors = json_object()};
}

const char *beheer_form_take(struct beheer_form *f, struct request *req, const char *name)
{
    const char *v = request_form(req, name);
    if (!v)
        v = "";
    beheer_form_keep(f, name, v);
    /* Text the one check refused had characters taken out: never acted on. Every such field
     * of the post is refused here, at its field when the form declares it (a hidden id among
     * them, so that a value changed by the taking out is never used), else in the summary. */
    for (size_t i = 0; i < req->form_fields.count; i++)
        if (req->form_fields.items[i].bad_text)
            beheer_form_refuse(f, req->form_fields.items[i].name, PAGE_BAD_TEXT_MESSAGE);
    return v;
}

void beheer_form_keep(struct beheer_form *f, const char *name, const char *value)
{
    json_t *s = json_string(value ? value : "");
    json_object_set_new(f->values, name, s ? s : json_string(""));
}

void beheer_form_refuse(struct beheer_form *f, const char *name, const char *message)
{
    if (!json_object_get(f->errors, name))
        json_object_set_new(f->errors, name, json_string(message));
}

bool beheer_form_refused(const struct beheer_form *f)
{
    return json_object_size(f->errors) > 0;
}

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

void beheer_form_show(struct beheer_form *f, json_t *data, const char *key)
{
    json_t *view = json_object(), *summary = json_array();
    for (size_t i = 0; i < f->count; i++) {
        const struct beheer_field *d = &f->fields[i];
        char id[96], describedby[220] = "";
        snprintf(id, sizeof id, "%s%s", f->prefix, d->name);
        const char *error = json_string_value(json_object_get(f->errors, d->name));
        const char *value = json_string_value(json_object_get(f->values, d->name));
        if (d->hint)
            snprintf(describedby, sizeof describedby, "%s-hint", id);
        if (error) {
            size_t n = strlen(describedby);
            snprintf(describedby + n, sizeof describedby - n, "%s%s-error", n ? " " : "", id);
            json_array_append_new(summary, json_pack("{s:s, s:s, s:s}", "id", id, "label",
                                                     d->label, "message", error));
        }
        /* Every key set, null when empty: a field never shows a value of the page around it. */
        const char *type = d->type ? d->type : "text";
        /* Set key by key: a form per row of a list (the rounds, the payouts) makes this a
         * per-row cost, and json_pack parses its format for every field. */
        json_t *field = json_object();
        json_object_set_new_nocheck(field, "id", json_string(id));
        json_object_set_new_nocheck(field, "name", json_string(d->name));
        json_object_set_new_nocheck(field, "label", json_string(d->label));
        json_object_set_new_nocheck(field, "type", json_string(type));
        json_object_set_new_nocheck(field, "value", json_string(value ? value : ""));
        json_object_set_new_nocheck(field, "error", text_or_null(error));
        json_object_set_new_nocheck(field, "hint", text_or_null(d->hint));
        json_object_set_new_nocheck(field, "inputmode", text_or_null(d->inputmode));
        json_object_set_new_nocheck(field, "describedby", text_or_null(describedby));
        json_object_set_new_nocheck(field, "multiline", json_boolean(!strcmp(type, "textarea")));
        json_object_set_new_nocheck(field, "invalid", json_boolean(error != NULL));
        json_object_set_new_nocheck(field, "has_maxlength", json_boolean(d->maxlength > 0));
        json_object_set_new_nocheck(field, "maxlength", json_integer(d->maxlength));
        json_object_set_new(view, d->name, field);
    }
    /* A refusal of a field the form does not declare still reaches the summary. */
    const char *name;
    json_t *message;
    json_object_foreach(f->errors, name, message)
    {
        bool declared = false;
        for (size_t i = 0; i < f->count; i++)
            declared = declared || !strcmp(f->fields[i].name, name);
        if (!declared)
            json_array_append_new(summary,
                                  json_pack("{s:s, s:s, s:O}", "id", "", "label", "Formulier",
                                            "message", message));
    }
    json_object_set_new(data, key, view);
    if (json_array_size(summary)) {
        json_object_set_new(data, "form_errors", summary);
        json_object_set_new(data, "refused", json_true());
    } else {
        json_decref(summary);
    }
    json_decref(f->values);
    json_decref(f->errors);
    f->values = f->errors = NULL;
}

json_t *beheer_form_copy(const json_t *model, const struct beheer_field *fields, size_t count,
                         const char *prefix)
{
    json_t *form = json_object();
    for (size_t i = 0; i < count; i++) {
        const struct beheer_field *d = &fields[i];
        json_t *field = json_copy(json_object_get(model, d->name));
        char id[96], hint[104];
        snprintf(id, sizeof id, "%s%s", prefix, d->name);
        json_object_set_new_nocheck(field, "id", json_string(id));
        if (d->hint) {
            snprintf(hint, sizeof hint, "%s-hint", id);
            json_object_set_new_nocheck(field, "describedby", json_string(hint));
        }
        json_object_set_new_nocheck(form, d->name, field);
    }
    return form;
}

/* ---- Amounts ---- */

void beheer_euros_input(char *out, size_t size, int64_t cents)
{
    char shown[48];
    format_money(shown, sizeof shown, cents);
    /* format_money writes "€", then one space (maybe a no-break one), then the amount. */
    const char *p = strstr(shown, "\xe2\x82\xac");
    if (!p || cents < 0) {
        snprintf(out, size, "%s", shown);
        return;
    }
    p += 3;
    if (*p == ' ')
        p++;
    else if (p[0] == '\xc2' && p[1] == '\xa0')
        p += 2;
    else if (p[0] == '\xe2' && p[1] == '\x80' && p[2] == '\xaf')
        p += 3;
    snprintf(out, size, "%s", p);
}

const char *beheer_euros_message(struct request *req, enum euros_result r, int64_t min_cents,
                                 int64_t max_cents)
{
    char limit[48];
    switch (r) {
    case EUROS_OK:
        return NULL;
    case EUROS_EMPTY:
        return "Vul een bedrag in, zoals 7,50.";
    case EUROS_NOT_AMOUNT:
        return "Dit is geen bedrag. Vul een bedrag in euro's in, zoals 7,50 of 1.250.";
    case EUROS_NEGATIVE:
        return "Een bedrag kan niet negatief zijn.";
    case EUROS_TOO_PRECISE:
        return "Hoogstens twee cijfers na de komma, zoals 7,50.";
    case EUROS_TOO_LOW:
        if (min_cents <= 1)
            return "Vul een bedrag groter dan nul in.";
        format_money(limit, sizeof limit, min_cents);
        return arena_printf(&req->arena, "Dat is te laag: minstens %s.", limit);
    case EUROS_TOO_HIGH:
        format_money(limit, sizeof limit, max_cents);
        return arena_printf(&req->arena, "Dat is te hoog: hoogstens %s.", limit);
    }
    return "Vul een bedrag in, zoals 7,50.";
}

/* ---- Confirmation ---- */

bool beheer_confirmed(struct request *req, const struct user *user,
                      const struct beheer_confirm *c, struct beheer_form *edit)
{
    const char *confirmed = request_form(req, "bevestigd");
    bool refused = edit && beheer_form_refused(edit);
    if (confirmed && !strcmp(confirmed, "1") && !refused) {
        if (edit) {
            json_decref(edit->values);
            json_decref(edit->errors);
            edit->values = edit->errors = NULL;
        }
        return true;
    }
    json_t *data = beheer_base(req, user);
    json_t *carried = json_array(), *fields = json_array();
    for (size_t i = 0; i < req->form_fields.count; i++) {
        const char *name = req->form_fields.items[i].name;
        bool editable = false;
        for (size_t k = 0; edit && k < edit->count; k++)
            editable = editable || !strcmp(edit->fields[k].name, name);
        if (editable || !strcmp(name, "_csrf") || !strcmp(name, "bevestigd"))
            continue;
        json_t *value = json_string(req->form_fields.items[i].value);
        if (value)
            json_array_append_new(carried, json_pack("{s:s, s:o}", "name", name, "value", value));
    }
    if (edit) {
        beheer_form_show(edit, data, "edit");
        json_t *view = json_object_get(data, "edit");
        for (size_t k = 0; k < edit->count; k++)
            json_array_append(fields, json_object_get(view, edit->fields[k].name));
    }
    json_object_set_new(data, "carried", carried);
    json_object_set_new(data, "fields", fields);
    json_object_set_new(data, "action", json_string(req->path));
    json_object_set_new(data, "question", json_string(c->question));
    json_object_set_new(data, "button", json_string(c->button));
    json_object_set_new(data, "back", json_string(c->back));
    json_object_set_new(data, "danger", json_boolean(c->danger));
    json_object_set_new(data, "heading", json_string(c->title));
    page_render(req, "admin_confirm", c->title, data);
    req->resp.status = refused ? 400 : 200;
    response_set_header(req, "Cache-Control", "no-store");
    return false;
}
