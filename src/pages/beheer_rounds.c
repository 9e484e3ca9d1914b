/* Admin screens for the voucher rounds: the list with the printer's files, adding a round and
 * editing one that has not started. */
#include "domain/printfiles.h"
#include "domain/rounds.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>

enum { ROUND_VALUE_MAX = 100000 }; /* € 1.000, as the domain allows */
/* How many rounds one page lists, newest first (?pagina=N for older ones): five years' worth. */
enum { ROUNDS_PAGE = 10 };

static const struct beheer_field round_fields[] = {
    {"naam", "Naam", "text", 80, NULL, NULL},
    {"opent", "Begint op (jjjj-mm-dd)", "date", 0, NULL, NULL},
    {"sluit", "Eindigt op (jjjj-mm-dd)", "date", 0, NULL, NULL},
    {"waarde", "Waarde (€)", "text", 12, NULL, "decimal"},
};
#define ROUND_FIELDS (sizeof round_fields / sizeof round_fields[0])

const struct beheer_field beheer_replace_fields[3] = {
    {"postcode", "Postcode", "text", 7, NULL, NULL},
    {"huisnummer", "Huisnummer", "text", 10, NULL, NULL},
    {"toevoeging", "Toevoeging", "text", 10, NULL, NULL},
};

/* Puts a form's fields on obj[key] and its summary on the page's data. */
static void show_on(struct beheer_form *f, json_t *obj, const char *key, json_t *data)
{
    json_t *view = json_object();
    beheer_form_show(f, view, key);
    json_object_set(obj, key, json_object_get(view, key));
    json_object_set(data, "form_errors", json_object_get(view, "form_errors"));
    json_object_set(data, "refused", json_object_get(view, "refused"));
    json_decref(view);
}

/* The empty form for a lost letter of round id. Such forms differ from round to round only in
 * their inputs' ids, and a page shows one per round: the first is built by beheer_form_show
 * (*model keeps it), the others are copies with their own ids (beheer_form_copy). */
static json_t *fresh_replace_form(json_t **model, int64_t id)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "v%lld-", (long long)id);
    if (!*model) {
        struct beheer_form f;
        json_t *view = json_object();
        beheer_form_init(&f, beheer_replace_fields, 3, prefix);
        beheer_form_show(&f, view, "replace");
        *model = json_incref(json_object_get(view, "replace"));
        json_decref(view);
        return json_incref(*model);
    }
    return beheer_form_copy(*model, beheer_replace_fields, 3, prefix);
}

/* A local calendar day of a UTC timestamp, as a date field shows it. */
static void local_day(time_t t, char out[16])
{
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

/* The rounds page; `add`, `edit` (for round edit_id) or `replace` (for round replace_id) when
 * a post was refused, else NULL. */
static void render_rounds(struct request *req, const struct user *user, struct beheer_form *add,
                          int64_t edit_id, struct beheer_form *edit, int64_t replace_id,
                          struct beheer_form *replace, int status)
{
    const char *p = request_query(req, "pagina");
    int64_t page = 1, total = 0;
    if (p && !parse_int64(p, 1, 1000000, &page)) {
        page_error(req, 400, "Deze pagina bestaat niet.");
        return;
    }
    json_t *rounds = rounds_page(req->db, ROUNDS_PAGE, (int)((page - 1) * ROUNDS_PAGE), &total);
    int64_t pages = (total + ROUNDS_PAGE - 1) / ROUNDS_PAGE;
    if (!rounds) {
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    if (page > 1 && page > pages) {
        json_decref(rounds);
        page_error(req, 404, "Deze pagina bestaat niet.");
        return;
    }
    json_t *data = beheer_base(req, user);
    if (pages > 1) {
        json_object_set_new(data, "pages", json_integer(pages));
        json_object_set_new(data, "page", json_integer(page));
        if (page > 1)
            json_object_set_new(data, "prev",
                                json_pack("{s:s}", "url",
                                          arena_printf(&req->arena, "/beheer/rondes?pagina=%lld",
                                                       (long long)(page - 1))));
        if (page < pages)
            json_object_set_new(data, "next",
                                json_pack("{s:s}", "url",
                                          arena_printf(&req->arena, "/beheer/rondes?pagina=%lld",
                                                       (long long)(page + 1))));
    }
    char now[20];
    utc_text(time(NULL), now);
    json_t *replace_model = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(rounds, i, r)
    {
        page_set_date(r, "opens", "opens_at");
        time_t closes = parse_utc(json_string_value(json_object_get(r, "closes_at")));
        char until[64];
        format_date(until, sizeof until, closes - 1);
        json_object_set_new(r, "until", json_string(until));
        page_set_money(r, "value", json_integer_value(json_object_get(r, "voucher_cents")));
        bool not_started = strcmp(json_string_value(json_object_get(r, "opens_at")), now) > 0;
        json_object_set_new(r, "not_started", json_boolean(not_started));
        /* A round that has ended takes no new vouchers or letters (the issuing screens refuse
         * both): it shows its figures, and no form at all. */
        bool closed = strcmp(json_string_value(json_object_get(r, "closes_at")), now) <= 0;
        json_object_set_new(r, "closed", json_boolean(closed));
        if (closed)
            continue;
        /* The edit form shows the round as it is (local dates, the value in euros), or as it
         * was typed when that edit was refused. */
        int64_t id = json_integer_value(json_object_get(r, "id"));
        char prefix[32];
        struct beheer_form shown;
        /* The lost letter's address: empty, or as typed when its replacement was refused. */
        json_object_set_new(r, "replace_open", json_boolean(replace && id == replace_id));
        if (replace && id == replace_id) {
            show_on(replace, r, "replace", data);
        } else {
            json_object_set_new_nocheck(r, "replace", fresh_replace_form(&replace_model, id));
        }
        if (edit && id == edit_id) {
            /* The fields on the round, the summary at the top of the page. */
            show_on(edit, r, "edit", data);
            json_object_set_new(r, "edit_open", json_true());
            continue;
        }
        /* A round that has started can no longer change: the page shows no form for it. */
        if (!not_started)
            continue;
        char day[16], value[32];
        snprintf(prefix, sizeof prefix, "r%lld-", (long long)id);
        beheer_form_init(&shown, round_fields, ROUND_FIELDS, prefix);
        beheer_form_keep(&shown, "naam", json_string_value(json_object_get(r, "name")));
        local_day(parse_utc(json_string_value(json_object_get(r, "opens_at"))), day);
        beheer_form_keep(&shown, "opent", day);
        local_day(closes - 1, day);
        beheer_form_keep(&shown, "sluit", day);
        beheer_euros_input(value, sizeof value,
                           json_integer_value(json_object_get(r, "voucher_cents")));
        beheer_form_keep(&shown, "waarde", value);
        json_t *view = json_object();
        beheer_form_show(&shown, view, "edit");
        json_object_set(r, "edit", json_object_get(view, "edit"));
        json_decref(view);
        json_object_set_new(r, "edit_open", json_false());
    }
    json_decref(replace_model);
    json_object_set_new(data, "rounds", rounds);
    json_object_set_new(data, "files", printfiles_list(req->db));
    /* A refused edit or replacement of a round that is not on the page still says why. */
    if (replace && replace->values) {
        json_t *view = json_object();
        show_on(replace, view, "replace", data);
        json_decref(view);
    }
    if (edit && edit->values) {
        json_t *view = json_object();
        beheer_form_show(edit, view, "edit");
        json_object_set(data, "form_errors", json_object_get(view, "form_errors"));
        json_object_set(data, "refused", json_object_get(view, "refused"));
        json_decref(view);
    }
    struct beheer_form fresh;
    if (!add) {
        beheer_form_init(&fresh, round_fields, ROUND_FIELDS, "n-");
        beheer_form_keep(&fresh, "waarde", "7,50");
        add = &fresh;
    }
    beheer_form_show(add, data, "add");
    page_render(req, "setup_rounds", "Voucherrondes", data);
    req->resp.status = status;
}

void beheer_rounds_refuse_replace(struct request *req, int64_t round_id,
                                  struct beheer_form *replace, int status)
{
    render_rounds(req, staff_user(req), NULL, 0, NULL, round_id, replace, status);
}

void setup_rounds_page(struct request *req)
{
    render_rounds(req, staff_user(req), NULL, 0, NULL, 0, NULL, 200);
}

/* A date field: local midnight of the day, or -1 with the field refused. */
static time_t date_field(struct beheer_form *f, struct request *req, const char *name,
                         const char *empty)
{
    const char *v = beheer_form_take(f, req, name);
    time_t t = local_midnight(v);
    if (!*v)
        beheer_form_refuse(f, name, empty);
    else if (t == (time_t)-1)
        beheer_form_refuse(f, name, "Dit is geen datum. Kies de dag in de kalender, of typ hem "
                                    "als jjjj-mm-dd, bijvoorbeeld 2027-03-01.");
    return t;
}

/* Reads and checks the round's fields; false (each refusal at its field) when one is wrong. */
static bool round_form(struct request *req, struct beheer_form *f, const char **name,
                       time_t *opens, time_t *closes, int64_t *cents)
{
    const char *n = beheer_form_take(f, req, "naam");
    *name = beheer_form_text(req, "naam", 80, true);
    if (!*n)
        beheer_form_refuse(f, "naam", "Vul een naam in, zoals Voorjaar 2027.");
    else if (!*name)
        beheer_form_refuse(f, "naam", "Een naam heeft hoogstens 80 tekens, op één regel.");
    *opens = date_field(f, req, "opent", "Vul de eerste dag van de ronde in.");
    time_t last = date_field(f, req, "sluit", "Vul de laatste dag van de ronde in.");
    if (*opens != (time_t)-1 && last != (time_t)-1) {
        /* The round runs to the end of its last day: the next local midnight. */
        struct tm tm;
        localtime_r(&last, &tm);
        tm.tm_mday += 1;
        tm.tm_isdst = -1;
        *closes = mktime(&tm);
        if (*closes <= *opens)
            beheer_form_refuse(f, "sluit", "De laatste dag ligt vóór de eerste dag. Een ronde "
                                           "eindigt op of na de dag waarop ze begint.");
    }
    enum euros_result er = parse_euros(beheer_form_take(f, req, "waarde"), 1, ROUND_VALUE_MAX,
                                       cents);
    if (er != EUROS_OK)
        beheer_form_refuse(f, "waarde", beheer_euros_message(req, er, 1, ROUND_VALUE_MAX));
    return !beheer_form_refused(f);
}

/* The domain's refusal at the field it concerns; its HTTP status. */
static int round_refusal(struct beheer_form *f, enum round_error err, bool edit)
{
    switch (err) {
    case ROUND_OK:
        return 200;
    case ROUND_BAD_NAME:
        beheer_form_refuse(f, "naam", "Een naam heeft 1 tot 80 tekens.");
        return 400;
    case ROUND_BAD_DATES:
        beheer_form_refuse(f, "sluit", "De ronde moet eindigen na de dag waarop ze begint.");
        return 400;
    case ROUND_BAD_VALUE:
        beheer_form_refuse(f, "waarde", "Een voucher is meer dan € 0 en hoogstens € 1.000 waard.");
        return 400;
    case ROUND_OVERLAP:
        beheer_form_refuse(f, "opent", "Rondes mogen elkaar niet overlappen: een andere ronde "
                                       "valt (deels) in deze periode. Kies andere data.");
        return 409;
    case ROUND_DUPLICATE:
        beheer_form_refuse(f, "naam", "Er bestaat al een ronde met deze naam. Kies een andere "
                                      "naam.");
        return 409;
    case ROUND_NOT_FOUND:
        return 404;
    case ROUND_STARTED:
        beheer_form_refuse(f, "ronde", "Deze ronde kan niet meer worden gewijzigd: ze is "
                                       "begonnen of er zijn al vouchers.");
        return 409;
    case ROUND_DB:
        break;
    }
    beheer_form_refuse(f, "ronde", edit ? "De ronde kon nu niet worden gewijzigd; probeer het "
                                          "opnieuw."
                                        : "De ronde kon nu niet worden toegevoegd; probeer het "
                                          "opnieuw.");
    return 503;
}

void setup_round_add_post(struct request *req)
{
    const struct user *user = staff_user(req);
    struct beheer_form f;
    beheer_form_init(&f, round_fields, ROUND_FIELDS, "n-");
    const char *name;
    time_t opens = -1, closes = -1;
    int64_t cents = 0;
    if (!round_form(req, &f, &name, &opens, &closes, &cents)) {
        render_rounds(req, user, &f, 0, NULL, 0, NULL, 400);
        return;
    }
    enum round_error err =
        round_create(req->db, name, opens, closes, cents, user->username, time(NULL), NULL);
    if (err != ROUND_OK) {
        int status = round_refusal(&f, err, false);
        render_rounds(req, user, &f, 0, NULL, 0, NULL, status);
        return;
    }
    json_decref(f.values);
    json_decref(f.errors);
    beheer_go(req, "/beheer/rondes?gedaan=1");
}

void setup_round_edit_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    if (id <= 0) {
        page_error(req, 404, "Deze ronde bestaat niet.");
        return;
    }
    struct beheer_form f;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "r%lld-", (long long)id);
    beheer_form_init(&f, round_fields, ROUND_FIELDS, prefix);
    const char *name;
    time_t opens = -1, closes = -1;
    int64_t cents = 0;
    if (!round_form(req, &f, &name, &opens, &closes, &cents)) {
        render_rounds(req, user, NULL, id, &f, 0, NULL, 400);
        return;
    }
    enum round_error err =
        round_edit(req->db, id, name, opens, closes, cents, user->username, time(NULL));
    if (err == ROUND_NOT_FOUND) {
        json_decref(f.values);
        json_decref(f.errors);
        page_error(req, 404, "Deze ronde bestaat niet.");
        return;
    }
    if (err != ROUND_OK) {
        int status = round_refusal(&f, err, true);
        render_rounds(req, user, NULL, id, &f, 0, NULL, status);
        return;
    }
    json_decref(f.values);
    json_decref(f.errors);
    beheer_go(req, "/beheer/rondes?gedaan=1");
}
