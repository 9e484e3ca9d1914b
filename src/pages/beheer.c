/* Staff pages: login and logout, the moderation queue, one initiative with its actions. */
#include "app.h"
#include "domain/initiative_detail.h"
#include "domain/initiatives.h"
#include "domain/sessions.h"
#include "domain/workflow.h"
#include "http/csrf.h"
#include "domain/offers.h"
#include "domain/takingpart.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "pages/submit_form.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>

/* The summary at the top of a refused form (the login form, the forms on the initiative's
 * page): each message linked to its field. */
static json_t *refusal_summary(json_t *errors)
{
    static const struct {
        const char *name, *label;
    } labels[] = {
        {"bericht", "Vraag om een aanpassing"},
        {"reden", "Reden van de afwijzing"},
        {"tekst", "Update"},
        {"gebruikersnaam", "Gebruikersnaam"},
        {"wachtwoord", "Wachtwoord"},
    };
    json_t *summary = json_array();
    const char *key;
    json_t *m;
    json_object_foreach(errors, key, m)
    {
        const char *id = "", *label = "Formulier";
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
            if (!strcmp(labels[i].name, key)) {
                id = labels[i].name;
                label = labels[i].label;
            }
        json_array_append_new(summary,
                              json_pack("{s:s, s:s, s:O}", "id", id, "label", label, "message", m));
    }
    return summary;
}

/* The login form; errors (consumed, may be NULL): field → message, besides any text the one
 * check refused. */
static void render_login(struct request *req, int status, const char *username, const char *error,
                         json_t *errors)
{
    json_t *data = json_pack("{s:s, s:s}", "csrf", csrf_token(req), "username",
                             username ? username : "");
    if (error)
        json_object_set_new(data, "error", json_string(error));
    if (!errors)
        errors = json_object();
    page_bad_fields(req, errors);
    if (json_object_size(errors)) {
        json_object_set_new(data, "form_errors", refusal_summary(errors));
        json_object_set_new(data, "refused", json_true());
    }
    json_object_set_new(data, "e", errors);
    page_render(req, "login", "Inloggen voor medewerkers", data);
    req->resp.status = status;
    response_set_header(req, "Cache-Control", "no-store");
}

void login_page(struct request *req)
{
    render_login(req, 200, NULL, NULL, NULL);
}

void login_post(struct request *req)
{
    const char *username = request_form(req, "gebruikersnaam");
    const char *password = request_form(req, "wachtwoord");
    time_t now = time(NULL);
    /* Text the one check refused is told at its field and never tried as a login. */
    if (page_bad_fields(req, NULL)) {
        render_login(req, 400, username && strlen(username) <= 40 ? username : NULL, NULL, NULL);
        return;
    }
    /* An empty or too long field is told at the field; the name as typed stays. */
    json_t *errors = json_object();
    if (!username || !*username)
        json_object_set_new(errors, "gebruikersnaam", json_string("Vul uw gebruikersnaam in."));
    else if (utf8_length(username, strlen(username)) > 40)
        json_object_set_new(errors, "gebruikersnaam",
                            json_string("Een gebruikersnaam heeft hoogstens 40 tekens."));
    if (!password || !*password)
        json_object_set_new(errors, "wachtwoord", json_string("Vul uw wachtwoord in."));
    else if (strlen(password) > PASSWORD_MAX)
        json_object_set_new(
            errors, "wachtwoord",
            json_string(arena_printf(&req->arena, "Een wachtwoord heeft hoogstens %d tekens.",
                                     PASSWORD_MAX)));
    if (json_object_size(errors)) {
        render_login(req, 400, username, NULL, errors);
        return;
    }
    json_decref(errors);
    struct user user;
    char token[SESSION_TOKEN_CHARS + 1];
    int64_t wait = 0;
    switch (session_login(req->db, username, password, req->client_addr,
                          request_cookie(req, SESSION_COOKIE), now, &user, token, &wait)) {
    case LOGIN_OK:
        break;
    case LOGIN_THROTTLED: {
        char msg[200], retry[24];
        /* The delay grows from 15 s: seconds while it is short, then minutes. */
        if (wait < 120)
            snprintf(msg, sizeof msg,
                     "Te veel mislukte pogingen vanaf dit adres. Probeer het over %lld seconde%s "
                     "opnieuw.",
                     (long long)wait, wait == 1 ? "" : "n");
        else
            snprintf(msg, sizeof msg,
                     "Te veel mislukte pogingen vanaf dit adres. Probeer het over %lld minuten "
                     "opnieuw.",
                     (long long)(wait + 59) / 60);
        render_login(req, 429, username, msg, NULL);
        snprintf(retry, sizeof retry, "%lld", (long long)wait);
        response_set_header(req, "Retry-After", retry);
        return;
    }
    case LOGIN_REFUSED:
        render_login(req, 401, username, "De gebruikersnaam of het wachtwoord klopt niet.", NULL);
        return;
    case LOGIN_BUSY:
        render_login(req, 503, username, "Inloggen lukt nu niet. Probeer het zo opnieuw.", NULL);
        return;
    }
    response_header(req, "Set-Cookie",
                    response_cookie(req, SESSION_COOKIE, token,
                                    arena_printf(&req->arena, "; Max-Age=%d", SESSION_HOURS * 3600)));
    response_set_header(req, "Location", "/beheer");
    page_text(req, 303, "Ingelogd.\n");
}

void logout_post(struct request *req)
{
    /* The cookie goes whatever happens; a session left behind by a failure expires. */
    session_logout(req->db, request_cookie(req, SESSION_COOKIE), time(NULL));
    response_header(req, "Set-Cookie", response_cookie(req, SESSION_COOKIE, "", "; Max-Age=0"));
    response_set_header(req, "Location", "/");
    page_text(req, 303, "Uitgelogd.\n");
}

/* Likely duplicates in words: "zelfde titel". */
static void label_duplicates(json_t *dups)
{
    size_t i;
    json_t *d;
    json_array_foreach(dups, i, d)
    {
        const char *reason = json_string_value(json_object_get(d, "reason"));
        json_object_set_new(d, "reason_label",
                            json_string(!strcmp(reason, "titel")         ? "zelfde titel"
                                        : !strcmp(reason, "e-mailadres") ? "zelfde e-mailadres"
                                                                         : "zelfde adres van een mede-organisator"));
    }
}

/* The queue: submitted initiatives this user may act on, oldest first. */
#define STAFF_RUNNING 50

void staff_home_page(struct request *req)
{
    const struct user *user = staff_user(req);
    /* Those online a bounded number at a time, so that the page does not grow with the
     * years; the public list finds the rest. */
    int64_t running_total = 0;
    json_t *rows = initiatives_staff_queue_first(req->db, user, STAFF_RUNNING, &running_total);
    json_t *queue = json_array(), *waiting = json_array(), *running = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *st = json_string_value(json_object_get(row, "state"));
        json_object_set_new(row, "state_label", json_string(initiative_state_label(st)));
        page_set_date(row, "submitted", "updated_at");
        label_duplicates(json_object_get(row, "duplicates"));
        if (json_is_null(json_object_get(row, "area_name")))
            json_object_set_new(row, "area_name", json_string(LABEL_CITY_WIDE));
        json_array_append(!strcmp(st, "ingediend") ? queue
                          : !strcmp(st, "wijziging_gevraagd") ? waiting
                                                               : running,
                          row);
    }
    json_decref(rows);
    int64_t more = running_total - (int64_t)json_array_size(running);
    json_t *data = json_pack("{s:o, s:o, s:o, s:s}", "queue", queue, "waiting", waiting,
                             "running", running, "csrf", csrf_token(req));
    if (more > 0)
        json_object_set_new(data, "running_more", json_integer(more));
    staff_view(data, user);
    page_render(req, "beheer", "Beheer", data);
}

/* The initiative behind /beheer/initiatieven/ID with its children, if this user may act on
 * it: NULL when there is none, json null when it lies outside the user's areas. */
static json_t *staff_initiative(struct request *req, const struct user *user)
{
    json_t *item = initiative_get_full(req->db, page_id_param(req->params[0]));
    if (!item)
        return NULL;
    if (!user_may_act(req->db, user, json_integer_value(json_object_get(item, "area_id")))) {
        json_decref(item);
        return json_null(); /* exists, but not for this user */
    }
    return item;
}

/* The initiative's page; errors (consumed, may be NULL): field → message of a refused form,
 * shown with what was typed. */
static void render_initiative(struct request *req, json_t *errors, int status)
{
    const struct user *user = staff_user(req);
    json_t *item = staff_initiative(req, user);
    if (!item || json_is_null(item)) {
        json_decref(errors);
        page_error(req, item ? 403 : 404,
                   item ? "Dit initiatief valt buiten de wijken en dorpen waarvoor u werkt."
                        : "Dit initiatief bestaat niet.");
        return;
    }
    page_decorate_initiative(item, time(NULL));
    if (json_is_null(json_object_get(item, "area_name")))
        json_object_set_new(item, "area_label", json_string(LABEL_CITY_WIDE));
    label_duplicates(json_object_get(item, "duplicates"));
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(item, "budget_lines"), i, line)
        page_set_money(line, "amount", json_integer_value(json_object_get(line, "amount_cents")));
    json_t *h;
    json_array_foreach(json_object_get(item, "history"), i, h)
    {
        time_t t = parse_utc(json_string_value(json_object_get(h, "at")));
        char when[64];
        format_datetime(when, sizeof when, t);
        json_object_set_new(h, "when", json_string(when));
        const char *to = json_string_value(json_object_get(h, "to_value"));
        const char *from = json_string_value(json_object_get(h, "from_value"));
        json_object_set_new(h, "to_label", json_string(initiative_state_label(to) ?: to));
        json_object_set_new(h, "from_label", json_string(initiative_state_label(from) ?: from));
    }
    const char *state = json_string_value(json_object_get(item, "state"));
    bool reviewing = !strcmp(state, "ingediend");
    json_t *data = json_pack("{s:o, s:s, s:b, s:b, s:b}", "i", item, "csrf", csrf_token(req),
                             "can_review", reviewing, "can_reject",
                             reviewing || !strcmp(state, "wijziging_gevraagd"), "can_update",
                             !strcmp(state, "open") || !strcmp(state, "gefinancierd"));
    const char *notice = request_query(req, "gedaan");
    if (notice && !strcmp(notice, "goedgekeurd"))
        json_object_set_new(data, "notice", json_string("Het initiatief is goedgekeurd en staat online."));
    else if (notice && !strcmp(notice, "wijziging"))
        json_object_set_new(data, "notice", json_string("Uw vraag is naar de initiatiefnemer gestuurd."));
    else if (notice && !strcmp(notice, "afgewezen"))
        json_object_set_new(data, "notice", json_string("Het initiatief is afgewezen."));
    else if (notice && !strcmp(notice, "update"))
        json_object_set_new(data, "notice", json_string("Uw update staat op de pagina van het initiatief."));
    staff_view(data, user);
    struct takingpart_public tp; /* counts only: the people are the initiator's */
    if (takingpart_public_get(req->db, page_id_param(req->params[0]), &tp))
        json_object_set_new(data, "tp",
                            json_pack("{s:I, s:I, s:b, s:s}", "volunteers",
                                      (json_int_t)tp.volunteers, "questions",
                                      (json_int_t)tp.questions, "help_wanted", tp.help_wanted,
                                      "help_text", tp.help_text));
    if (errors) {
        json_object_set_new(data, "form_errors", refusal_summary(errors));
        json_object_set_new(data, "refused", json_true());
        json_object_set_new(data, "posted", submit_posted_values(req));
    }
    json_object_set_new(data, "e", errors ? errors : json_object());
    struct offers_counts oc; /* counts only, likewise */
    json_t *tpv = json_object_get(data, "tp");
    if (tpv && offers_count(req->db, page_id_param(req->params[0]), &oc))
        json_object_set_new(tpv, "offers",
                            json_pack("{s:I, s:I, s:I}", "total",
                                      (json_int_t)(oc.offered + oc.accepted + oc.declined),
                                      "accepted", (json_int_t)oc.accepted, "declined",
                                      (json_int_t)oc.declined));
    page_render(req, "beheer_initiative", json_string_value(json_object_get(item, "title")), data);
    req->resp.status = status;
}

void staff_initiative_page(struct request *req)
{
    render_initiative(req, NULL, 200);
}

/* True after showing the page again with the message at each field whose text the one check
 * refused: such text is never acted on. */
static bool refused_bad_text(struct request *req)
{
    json_t *errors = json_object();
    if (!page_bad_fields(req, errors)) {
        json_decref(errors);
        return false;
    }
    render_initiative(req, errors, 400);
    return true;
}

/* Text from a form field: required, valid, at most max characters. */
static const char *text_field(struct request *req, const char *name, size_t max)
{
    const char *v = request_form(req, name);
    if (!v)
        return NULL;
    while (*v == ' ' || *v == '\n' || *v == '\r' || *v == '\t')
        v++;
    size_t len = strlen(v);
    if (!len || utf8_length(v, len) > max)
        return NULL;
    return v;
}

/* The page again with the message at the text field `name` that was empty (`empty`) or too
 * long: 400, nothing stored. */
static void refuse_text(struct request *req, const char *name, const char *empty)
{
    const char *v = request_form(req, name) ?: "";
    while (*v == ' ' || *v == '\n' || *v == '\r' || *v == '\t')
        v++;
    bool too_long = utf8_length(v, strlen(v)) > 5000;
    render_initiative(
        req, json_pack("{s:s}", name, too_long ? "Dat is te lang: hoogstens 5000 tekens." : empty),
        400);
}

static void staff_action(struct request *req, const char *to, const char *field, const char *done)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    if (refused_bad_text(req))
        return;
    /* NULL when the field is missing or unusable: the domain answers WF_NO_TEXT, but only
     * after it checked that the initiative exists and is this user's. */
    const char *message = field ? text_field(req, field, 5000) : "";
    switch (workflow_staff_decide(req->db, user, id, to, message, time(NULL))) {
    case WF_OK:
        break;
    case WF_NOT_FOUND:
        page_error(req, 404, "Dit initiatief bestaat niet.");
        return;
    case WF_OUT_OF_AREA:
        page_error(req, 403, "Dit initiatief valt buiten de wijken en dorpen waarvoor u werkt.");
        return;
    case WF_NO_TEXT:
        refuse_text(req, field ? field : "",
                    field && !strcmp(field, "reden")
                        ? "Schrijf de reden op: de initiatiefnemer krijgt die per "
                          "e-mail."
                        : "Schrijf erbij wat de initiatiefnemer moet weten.");
        return;
    case WF_NOT_ALLOWED:
        page_error(req, 409, "Dit kan niet in de huidige status van het initiatief. Misschien "
                             "heeft iemand anders het net behandeld.");
        return;
    case WF_BUSY:
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    response_set_header(req, "Location",
                        arena_printf(&req->arena, "/beheer/initiatieven/%lld?gedaan=%s",
                                     (long long)id, done));
    page_text(req, 303, "Gedaan.\n");
}

void staff_approve_post(struct request *req)
{
    staff_action(req, "open", NULL, "goedgekeurd");
}

void staff_changes_post(struct request *req)
{
    staff_action(req, "wijziging_gevraagd", "bericht", "wijziging");
}

static const struct beheer_field reject_fields[] = {
    {"reden", "Reden van de afwijzing", "textarea", 5000,
     "De initiatiefnemer krijgt deze reden per e-mail.", NULL},
};

/* Rejecting asks first (the reason can still be changed there); only the confirmed post acts.
 * What this user may not reject goes straight to the domain, which refuses it and logs that. */
void staff_reject_post(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *item = staff_initiative(req, user);
    const char *state = item ? json_string_value(json_object_get(item, "state")) : NULL;
    if (state && (!strcmp(state, "ingediend") || !strcmp(state, "wijziging_gevraagd"))) {
        struct beheer_form f;
        beheer_form_init(&f, reject_fields, 1, "");
        const char *typed = beheer_form_take(&f, req, "reden");
        if (!text_field(req, "reden", 5000))
            beheer_form_refuse(&f, "reden",
                               utf8_length(typed, strlen(typed)) > 5000
                                   ? "Hoogstens 5000 tekens."
                                   : "Schrijf de reden op: de initiatiefnemer krijgt die per "
                                     "e-mail.");
        long long id = (long long)json_integer_value(json_object_get(item, "id"));
        struct beheer_confirm c = {
            .title = "Initiatief afwijzen?",
            .question = arena_printf(
                &req->arena,
                "\xe2\x80\x9c%s\xe2\x80\x9d wordt afgewezen: het komt niet online en de "
                "initiatiefnemer krijgt de reden per e-mail. Dit kan niet worden teruggedraaid.",
                json_string_value(json_object_get(item, "title"))),
            .button = "Ja, afwijzen",
            .back = arena_printf(&req->arena, "/beheer/initiatieven/%lld", id),
            .danger = true,
        };
        json_decref(item);
        if (!beheer_confirmed(req, user, &c, &f))
            return;
    } else {
        json_decref(item);
    }
    staff_action(req, "afgewezen", "reden", "afgewezen");
}

void staff_update_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    if (refused_bad_text(req))
        return;
    const char *body = text_field(req, "tekst", 5000);
    switch (workflow_staff_update(req->db, user, id, body, time(NULL))) {
    case WF_OK:
        break;
    case WF_NOT_FOUND:
        page_error(req, 404, "Dit initiatief is niet van uw gebied of bestaat niet.");
        return;
    case WF_OUT_OF_AREA:
        page_error(req, 403, "Dit initiatief is niet van uw gebied of bestaat niet.");
        return;
    case WF_NOT_ALLOWED:
        page_error(req, 409, "Updates kunnen alleen bij een initiatief dat online staat.");
        return;
    case WF_NO_TEXT:
        refuse_text(req, "tekst", "Schrijf de update op.");
        return;
    case WF_BUSY:
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    response_set_header(req, "Location", arena_printf(&req->arena,
                                                      "/beheer/initiatieven/%lld?gedaan=update",
                                                      (long long)id));
    page_text(req, 303, "Gedaan.\n");
}
