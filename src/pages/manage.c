/* The initiator's own page behind the private management link /mijn-initiatief/TOKEN: edit and
 * resubmit, withdraw, post updates, report completion. */
#include "app.h"
#include "domain/offers.h"
#include "domain/photo.h"
#include "domain/settings.h"
#include "domain/submission.h"
#include "domain/takingpart.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/submit_form.h"

#include <stdio.h>
#include <string.h>

/* The initiative behind a management link, or 0 after answering 404. */
static int64_t manage_id(struct request *req)
{
    response_set_header(req, "Cache-Control", "no-store");
    response_set_header(req, "Referrer-Policy", "no-referrer");
    int64_t id = submission_by_token(req->db, req->app->secret, req->params[0]);
    if (!id)
        page_error(req, 404,
                   "Deze beheerlink klopt niet. Gebruik de link uit de e-mail die u "
                   "kreeg toen u het initiatief indiende.");
    return id;
}

/* The page; values NULL shows the stored values in the edit form (values, errors and summary
 * consumed); photo: the form's held photo, or NULL; summary: the refusals of one of the small
 * forms, for the summary at the top (NULL: none). */
static void render_manage(struct request *req, int64_t id, json_t *values, json_t *errors, int rows,
                          int co_rows, const char *notice, int status,
                          const struct submit_photo *photo, json_t *summary)
{
    json_t *item = submission_load(req->db, id);
    if (!item) {
        json_decref(values);
        json_decref(errors);
        json_decref(summary);
        page_error(req, 404, "Dit initiatief bestaat niet meer.");
        return;
    }
    page_decorate_initiative(item, time(NULL));
    const char *state = json_string_value(json_object_get(item, "state"));
    bool editable = !strcmp(state, "ingediend") || !strcmp(state, "wijziging_gevraagd");
    if (!values && editable) {
        int lines, co;
        values = submission_form_values(item, &lines, &co);
        rows = lines < SUBMIT_DEFAULT_ROWS ? SUBMIT_DEFAULT_ROWS : lines;
        int dflt = submit_co_rows_default(req);
        co_rows = co < dflt ? dflt : co;
    }
    json_t *data =
        editable ? submit_form_data(req, values, errors ? errors : json_object(), rows, co_rows)
                 : json_object();
    if (!editable) {
        json_decref(values);
        json_object_set_new(data, "e", errors ? errors : json_object());
        json_object_set_new(data, "csrf", json_string(csrf_token(req)));
    }
    /* A small form refused (an answer, an update, the help settings) shows what was typed. */
    if (req->method == M_POST)
        json_object_set_new(data, "posted", submit_posted_values(req));
    if (summary) {
        /* Its summary, not the edit form's: that form was not sent. */
        json_object_set_new(data, "form_errors", summary);
        json_object_set_new(data, "refused", json_true());
        json_object_set_new(data, "has_errors", json_false());
    }
    const char *token = req->params[0];
    json_object_set_new(data, "base",
                        json_string(arena_printf(&req->arena, "/mijn-initiatief/%s", token)));
    /* The initiative's photo, behind the management link (it may never have been public). */
    const char *photo_src = json_is_integer(json_object_get(item, "photo_id"))
                                ? arena_printf(&req->arena, "/mijn-initiatief/%s/foto.jpg", token)
                                : NULL;
    if (photo_src && !editable)
        json_object_set_new(item, "photo_src", json_string(photo_src));
    if (editable && photo && photo->id && *photo->ref)
        submit_show_photo(req, data, photo);
    else if (editable && photo_src && !(photo && photo->removed))
        json_object_set_new(data, "photo", json_pack("{s:s}", "src", photo_src));
    json_object_set_new(item, "is_afgewezen", json_boolean(!strcmp(state, "afgewezen")));
    json_object_set_new(
        data, "action",
        json_string(arena_printf(&req->arena, "/mijn-initiatief/%s/bewerken", token)));
    json_object_set_new(data, "editable", json_boolean(editable));
    json_object_set_new(data, "changes_requested",
                        json_boolean(!strcmp(state, "wijziging_gevraagd")));
    json_object_set_new(data, "can_withdraw", json_boolean(editable || !strcmp(state, "open")));
    json_object_set_new(data, "can_update",
                        json_boolean(!strcmp(state, "open") || !strcmp(state, "gefinancierd")));
    json_object_set_new(data, "can_complete", json_boolean(!strcmp(state, "gefinancierd")));
    json_t *messages = json_object_get(item, "messages");
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m) page_set_date(m, "date", "created_at");
    json_object_set(data, "messages", messages);
    if (notice)
        json_object_set_new(data, "notice", json_string(notice));
    /* Taking part: who offered help (private, for the initiator only) and the choices. */
    struct takingpart_public tp;
    if (takingpart_public_get(req->db, id, &tp)) {
        json_t *volunteers = takingpart_volunteers(req->db, id);
        json_array_foreach(volunteers, i, m) page_set_date(m, "date", "created_at");
        json_object_set_new(data, "tp",
                            json_pack("{s:o, s:b, s:s, s:b, s:I}", "volunteers", volunteers,
                                      "help_wanted", tp.help_wanted, "help_text", tp.help_text,
                                      "questions_open", tp.questions_open, "questions",
                                      (json_int_t)tp.questions));
    }
    /* Offers of lent or given materials: the people for the initiator, with the decision. */
    json_t *offers = offers_list(req->db, id);
    json_array_foreach(offers, i, m)
    {
        const char *st = json_string_value(json_object_get(m, "state"));
        page_set_date(m, "date", "created_at");
        page_set_money(m, "amount", json_integer_value(json_object_get(m, "amount_cents")));
        json_object_set_new(m, "give", json_boolean(!strcmp(json_string_value(
                                                                 json_object_get(m, "kind")),
                                                             "geven")));
        json_object_set_new(m, "undecided", json_boolean(st && !strcmp(st, "offered")));
        json_object_set_new(m, "accepted", json_boolean(st && !strcmp(st, "accepted")));
    }
    json_object_set_new(data, "offers",
                        json_pack("{s:o, s:b}", "list", offers, "open",
                                  offers_open(req->db, id, time(NULL))));
    json_object_set_new(data, "i", item);
    page_render(req, "manage", "Mijn initiatief", data);
    req->resp.status = status;
}

void manage_page(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *done = request_query(req, "gedaan");
    if (done && !strcmp(done, "nieuw")) {
        /* The result page of a submission (post/redirect/get): its link, to keep. */
        char base[256];
        settings_base_url(req->db, &req->app->config, base, sizeof base);
        const char *path = arena_printf(&req->arena, "/mijn-initiatief/%s", req->params[0]);
        page_render(req, "submit_done", "Initiatief ingediend",
                    json_pack("{s:s, s:s}", "link", arena_printf(&req->arena, "%s%s", base, path),
                              "path", path));
        return;
    }
    static const char *const notices[][2] = {
        {"bewerkt", "Uw wijzigingen zijn opgeslagen."},
        {"ingediend", "Uw initiatief is opnieuw ingediend. De wijkregisseur bekijkt het."},
        {"ingetrokken", "Uw initiatief is ingetrokken."},
        {"update", "Uw update staat op de pagina van het initiatief."},
        {"meedoen", "Uw keuzes voor hulp en vragen zijn opgeslagen."},
        {"aangenomen", "U hebt het aanbod aangenomen: dit onderdeel staat nu als gedekt op de "
                       "pagina en het bedrag dat nog nodig is, is lager."},
        {"afgeslagen", "U hebt het aanbod afgeslagen."},
        {"uitgevoerd", "Gefeliciteerd! Uw initiatief staat nu als uitgevoerd op de site."},
    };
    const char *notice = NULL;
    for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
        if (!strcmp(done, notices[i][0]))
            notice = notices[i][1];
    render_manage(req, id, NULL, NULL, SUBMIT_DEFAULT_ROWS, submit_co_rows_default(req), notice,
                  200, NULL, NULL);
}

/* The initiative's photo for whoever holds the management link, whatever its state. */
void manage_photo_page(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    json_t *item = submission_load(req->db, id);
    json_t *photo = item ? json_object_get(item, "photo_id") : NULL;
    int64_t photo_id = json_is_integer(photo) ? json_integer_value(photo) : 0;
    json_decref(item);
    buf_reset(&req->resp.body);
    enum photo_visibility v =
        photo_id ? photo_read(req->db, photo_id, &req->resp.body) : PHOTO_MISSING;
    if (v != PHOTO_PUBLIC && v != PHOTO_UNPUBLISHED) {
        buf_reset(&req->resp.body);
        page_error(req, v == PHOTO_UNREADABLE ? 500 : 404, "Deze foto bestaat niet.");
        return;
    }
    response_set_header(req, "Content-Type", "image/jpeg");
    response_set_header(req, "Cache-Control", "private, no-store");
}

/* Counts a change through the management link against the address and the initiative. */
static bool change_allowed(struct request *req, int64_t id, int64_t rate[2])
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)id);
    return submit_rate_take(req, SUBMIT_RATE_CHANGE, key, rate);
}

static void back_to_manage(struct request *req, const char *done)
{
    response_set_header(
        req, "Location",
        arena_printf(&req->arena, "/mijn-initiatief/%s?gedaan=%s", req->params[0], done));
    page_text(req, 303, "Gedaan.\n");
}

void manage_edit_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    int rows = submit_int_field(req, "regels", SUBMIT_DEFAULT_ROWS, 1, MAX_BUDGET_LINES);
    int co_rows =
        submit_int_field(req, "mede_regels", submit_co_rows_default(req), 1, MAX_CO_ORGANISERS);
    struct submit_photo photo;
    if (request_form(req, "meer_regels")) {
        rows =
            rows + SUBMIT_MORE_ROWS > MAX_BUDGET_LINES ? MAX_BUDGET_LINES : rows + SUBMIT_MORE_ROWS;
        json_t *errors = json_object();
        bool bad = page_bad_fields(req, errors);
        submit_form_photo(req, true, &photo, errors);
        render_manage(req, id, submit_posted_values(req), errors, rows, co_rows, NULL,
                      photo.status < 0 || bad ? 400 : 200, &photo, NULL);
        if (photo.status == SUBMIT_PHOTO_BUSY)
            submit_photo_busy(req);
        return;
    }
    time_t now = time(NULL);
    json_t *errors = json_object();
    bool bad = page_bad_fields(req, errors); /* told at the field, never stored */
    struct submission s;
    bool ok = submission_validate(req->db, submit_form_getter, req, rows, co_rows, now, &s, errors);
    ok = ok && !bad;
    int64_t rate[2] = {0, 0};
    if (ok && !change_allowed(req, id, rate)) {
        submission_free(&s);
        json_decref(errors);
        return;
    }
    submit_form_photo(req, !ok, &photo, errors);
    if (!ok || photo.status < 0) {
        submit_rate_forgive(req, rate);
        submission_free(&s);
        render_manage(req, id, submit_posted_values(req), errors, rows, co_rows, NULL, 400, &photo,
                      NULL);
        if (photo.status == SUBMIT_PHOTO_BUSY)
            submit_photo_busy(req);
        return;
    }
    json_decref(errors);
    int64_t photo_id = photo.id ? photo.id : photo.removed ? SUBMISSION_PHOTO_REMOVE : 0;
    ok = submission_update(req->db, id, &s, photo_id, now);
    submission_free(&s);
    if (!ok) {
        page_error(req, 409,
                   "Dit initiatief kan niet meer worden aangepast: het is al beoordeeld.");
        return;
    }
    back_to_manage(req, "bewerkt");
}

/* The common answers; each handler says its own refusal. */
static void answer_busy(struct request *req)
{
    page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
}

/* The small forms' fields: the name, the id of its control, the label in the summary. */
static const struct {
    const char *name, *id, *label;
} small_fields[] = {
    {"antwoord", "antwoord", "Toelichting voor de wijkregisseur"},
    {"tekst", "tekst", "Update"},
    {"update_foto", "update-foto", "Foto bij de update"},
    {"verslag", "verslag", "Kort verslag"},
    {"verslag_foto", "verslag-foto", "Foto bij het verslag"},
    {"hulp_tekst", "hulp_tekst", "Hulp gezocht"},
    {"zeker", "zeker", "Intrekken"},
};

/* One of the small forms again, with the message at its field `name` (text the one check
 * refused, or `message`) and in the summary at the top: 400, nothing stored. */
static void refuse_field(struct request *req, int64_t id, const char *name, const char *message)
{
    json_t *errors = json_object();
    if (!page_bad_fields(req, errors))
        json_object_set_new(errors, name, json_string(message));
    json_t *summary = json_array();
    const char *key;
    json_t *m;
    json_object_foreach(errors, key, m)
    {
        const char *field_id = "", *label = "Formulier";
        for (size_t i = 0; i < sizeof small_fields / sizeof small_fields[0]; i++)
            if (!strcmp(small_fields[i].name, key)) {
                field_id = small_fields[i].id;
                label = small_fields[i].label;
            }
        json_array_append_new(
            summary, json_pack("{s:s, s:s, s:O}", "id", field_id, "label", label, "message", m));
    }
    render_manage(req, id, NULL, errors, SUBMIT_DEFAULT_ROWS, submit_co_rows_default(req), NULL,
                  400, NULL, summary);
}

void manage_resubmit_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    if (page_bad_fields(req, NULL)) {
        refuse_field(req, id, "antwoord", PAGE_BAD_TEXT_MESSAGE);
        return;
    }
    if (submission_check_text(request_form(req, "antwoord"), false) != SUBMISSION_OK) {
        refuse_field(req, id, "antwoord", "Uw antwoord is te lang (hoogstens 5000 tekens).");
        return;
    }
    int64_t rate[2];
    if (!change_allowed(req, id, rate))
        return;
    switch (submission_resubmit(req->db, id, request_form(req, "antwoord"), time(NULL))) {
    case SUBMISSION_OK:
        back_to_manage(req, "ingediend");
        return;
    case SUBMISSION_TEXT_INVALID:
        refuse_field(req, id, "antwoord", "Uw antwoord is te lang (hoogstens 5000 tekens).");
        return;
    case SUBMISSION_NOT_FOUND:
    case SUBMISSION_NOT_ALLOWED:
        page_error(req, 409,
                   "Opnieuw indienen kan alleen als de wijkregisseur om een aanpassing vroeg.");
        return;
    case SUBMISSION_BUSY:
        break;
    }
    answer_busy(req);
}

void manage_withdraw_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *sure = request_form(req, "zeker");
    if (!sure || strcmp(sure, "ja") != 0) {
        refuse_field(req, id, "zeker", "Vink aan dat u het initiatief echt wilt intrekken.");
        return;
    }
    switch (submission_withdraw(req->db, id, time(NULL))) {
    case SUBMISSION_OK:
        back_to_manage(req, "ingetrokken");
        return;
    case SUBMISSION_NOT_FOUND:
    case SUBMISSION_NOT_ALLOWED:
    case SUBMISSION_TEXT_INVALID:
        page_error(req, 409, "Dit initiatief kan niet meer worden ingetrokken.");
        return;
    case SUBMISSION_BUSY:
        break;
    }
    answer_busy(req);
}

/* Why the text of an update or a report is refused: empty, or too long. */
static const char *text_message(const char *body, bool completion)
{
    if (submission_check_text(body, false) == SUBMISSION_OK)
        return completion ? "Schrijf een kort verslag van hoe het ging."
                          : "Schrijf wat er nieuw is.";
    return "Dat is te lang: hoogstens 5000 tekens.";
}

/* An update (and, for completion, the report) with an optional photo. */
static void manage_post_update(struct request *req, bool completion)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *field = completion ? "verslag" : "tekst";
    const char *body = request_form(req, field);
    if (page_bad_fields(req, NULL)) {
        refuse_field(req, id, field, PAGE_BAD_TEXT_MESSAGE);
        return;
    }
    if (submission_check_text(body, true) != SUBMISSION_OK) {
        refuse_field(req, id, field, text_message(body, completion));
        return;
    }
    int64_t rate[2];
    if (!change_allowed(req, id, rate))
        return;
    json_t *errors = json_object();
    struct photo photo;
    int taken = submit_photo_field(req, "foto", &photo, errors);
    if (taken < 0) {
        submit_rate_forgive(req, rate);
        refuse_field(req, id, completion ? "verslag_foto" : "update_foto",
                     json_string_value(json_object_get(errors, "foto"))
                         ?: "De foto kon niet worden gelezen.");
        if (taken == SUBMIT_PHOTO_BUSY)
            submit_photo_busy(req);
        json_decref(errors);
        return;
    }
    json_decref(errors);
    const struct photo *with = photo.jpeg ? &photo : NULL;
    enum submission_result r = completion
                                   ? submission_complete(req->db, id, body, with, time(NULL))
                                   : submission_post_update(req->db, id, body, with, time(NULL));
    photo_free(&photo);
    switch (r) {
    case SUBMISSION_OK:
        back_to_manage(req, completion ? "uitgevoerd" : "update");
        return;
    case SUBMISSION_TEXT_INVALID:
        refuse_field(req, id, field, text_message(body, completion));
        return;
    case SUBMISSION_NOT_FOUND:
    case SUBMISSION_NOT_ALLOWED:
        page_error(req, 409,
                   completion ? "Uitvoering melden kan als het initiatief gefinancierd is."
                              : "Updates kunnen alleen bij een initiatief dat online staat.");
        return;
    case SUBMISSION_BUSY:
        break;
    }
    answer_busy(req);
}

void manage_update_post(struct request *req)
{
    manage_post_update(req, false);
}

void manage_complete_post(struct request *req)
{
    manage_post_update(req, true);
}

/* Whether help is wanted (and what help), and whether residents may ask questions. */
void manage_takingpart_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    const char *wanted = request_form(req, "hulp_gezocht");
    const char *text = request_form(req, "hulp_tekst") ?: "";
    const char *questions = request_form(req, "vragen");
    bool want = wanted && !strcmp(wanted, "ja");
    if (page_bad_fields(req, NULL) || !takingpart_help_text_valid(text)) {
        refuse_field(req, id, "hulp_tekst",
                     "Beschrijf de hulp die u zoekt in hoogstens 200 tekens, op één regel.");
        return;
    }
    int64_t rate[2];
    if (!change_allowed(req, id, rate))
        return;
    time_t now = time(NULL);
    if (takingpart_set_help(req->db, id, want, text, now) != TAKINGPART_OK ||
        takingpart_set_questions(req->db, id, questions && !strcmp(questions, "ja"), now) !=
            TAKINGPART_OK) {
        answer_busy(req);
        return;
    }
    back_to_manage(req, "meedoen");
}

/* The initiator's decision on one offer: aanbod=ID, besluit=aannemen or afslaan. */
void manage_offer_post(struct request *req)
{
    int64_t id = manage_id(req);
    if (!id)
        return;
    int64_t offer_id = page_id_param(request_form(req, "aanbod"));
    const char *decision = request_form(req, "besluit") ?: "";
    bool accept = !strcmp(decision, "aannemen");
    if (offer_id <= 0 || (!accept && strcmp(decision, "afslaan"))) {
        page_error(req, 400, "Kies of u het aanbod aanneemt of afslaat.");
        return;
    }
    int64_t rate[2];
    if (!change_allowed(req, id, rate))
        return;
    time_t now = time(NULL);
    switch (accept ? offers_accept(req->db, id, offer_id, now)
                   : offers_decline(req->db, id, offer_id, now)) {
    case OFFERS_OK:
        back_to_manage(req, accept ? "aangenomen" : "afgeslagen");
        return;
    case OFFERS_NOT_FOUND:
        page_error(req, 404, "Dit aanbod hoort niet bij uw initiatief.");
        return;
    case OFFERS_DECIDED:
        page_error(req, 409, "Over dit aanbod hebt u al besloten.");
        return;
    case OFFERS_COVERED:
        page_error(req, 409, "Dit onderdeel is al gedekt door een ander aanbod dat u aannam.");
        return;
    case OFFERS_CLOSED:
        page_error(req, 409,
                   "Een aanbod aannemen kan alleen zolang het initiatief vouchers inzamelt.");
        return;
    case OFFERS_INVALID:
    case OFFERS_BUSY:
        break;
    }
    answer_busy(req);
}
