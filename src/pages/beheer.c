/* Staff pages: login and logout, the moderation queue, one initiative with its actions. */
#include "app.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"
#include "domain/initiatives.h"
#include "domain/throttle.h"
#include "domain/workflow.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>

static const struct throttle_rule login_by_address = {"login", 10, 600};
static const struct throttle_rule login_by_account = {"login-account", 5, 900};

void staff_view(json_t *data, const struct user *user)
{
    json_object_set_new(data, "staff",
                        json_pack("{s:s, s:s, s:b}", "name",
                                  *user->display_name ? user->display_name : user->username,
                                  "role", user->role, "is_admin",
                                  strcmp(user->role, "admin") == 0));
}

bool staff_required(struct request *req, struct user *user)
{
    response_set_header(req, "Cache-Control", "no-store");
    if (session_user(req->db, request_cookie(req, SESSION_COOKIE), time(NULL), user))
        return true;
    if (req->method == M_POST) {
        page_error(req, 403, "U bent niet (meer) ingelogd. Log opnieuw in en probeer het nog eens.");
        return false;
    }
    req->resp.status = 303;
    response_set_header(req, "Location", "/beheer/inloggen");
    page_text(req, 303, "Log eerst in.\n");
    return false;
}

bool admin_required(struct request *req, struct user *user)
{
    if (!staff_required(req, user))
        return false;
    if (strcmp(user->role, "admin") != 0) {
        page_error(req, 403, "Deze pagina is alleen voor beheerders van de gemeente.");
        return false;
    }
    return true;
}

static void render_login(struct request *req, int status, const char *username, const char *error)
{
    json_t *data = json_pack("{s:s, s:s}", "csrf", csrf_token(req), "username",
                             username ? username : "");
    if (error)
        json_object_set_new(data, "error", json_string(error));
    page_render(req, "login", "Inloggen voor medewerkers", data);
    req->resp.status = status;
    response_set_header(req, "Cache-Control", "no-store");
}

void login_page(struct request *req)
{
    render_login(req, 200, NULL, NULL);
}

void login_post(struct request *req)
{
    const char *username = request_form(req, "gebruikersnaam");
    const char *password = request_form(req, "wachtwoord");
    time_t now = time(NULL);
    if (!username || !password || !*username || !*password || strlen(username) > 40 ||
        strlen(password) > PASSWORD_MAX) {
        render_login(req, 400, username && strlen(username) <= 40 ? username : NULL,
                     "Vul uw gebruikersnaam en wachtwoord in.");
        return;
    }
    const char *subject = arena_printf(&req->arena, "user:%.40s", username);
    int64_t wait = throttle_wait(req->db, &login_by_address, req->client_addr, now);
    int64_t wait_account = throttle_wait(req->db, &login_by_account, username, now);
    if (wait_account > wait)
        wait = wait_account;
    if (wait > 0) {
        audit_add(req->db, now, username, "login", subject, "", "geblokkeerd", req->client_addr);
        char msg[200], retry[24];
        snprintf(msg, sizeof msg, "Te veel mislukte pogingen. Probeer het over %lld minu%s opnieuw.",
                 (long long)(wait + 59) / 60, (wait + 59) / 60 == 1 ? "ut" : "ten");
        render_login(req, 429, username, msg);
        snprintf(retry, sizeof retry, "%lld", (long long)wait);
        response_set_header(req, "Retry-After", retry);
        return;
    }
    struct user user;
    if (!user_authenticate(req->db, username, password, &user)) {
        throttle_fail(req->db, &login_by_address, req->client_addr, now);
        throttle_fail(req->db, &login_by_account, username, now);
        audit_add(req->db, now, username, "login", subject, "", "mislukt", req->client_addr);
        render_login(req, 401, username, "De gebruikersnaam of het wachtwoord klopt niet.");
        return;
    }
    char token[SESSION_TOKEN_CHARS + 1];
    if (!session_create(req->db, user.id, now, request_cookie(req, SESSION_COOKIE), token)) {
        render_login(req, 503, username, "Inloggen lukt nu niet. Probeer het zo opnieuw.");
        return;
    }
    audit_add(req->db, now, user.username, "login", subject, "", "gelukt", req->client_addr);
    response_header(req, "Set-Cookie",
                    response_cookie(req, SESSION_COOKIE, token,
                                    arena_printf(&req->arena, "; Max-Age=%d", SESSION_HOURS * 3600)));
    response_set_header(req, "Location", "/beheer");
    page_text(req, 303, "Ingelogd.\n");
}

void logout_post(struct request *req)
{
    const char *token = request_cookie(req, SESSION_COOKIE);
    struct user user;
    if (session_user(req->db, token, time(NULL), &user))
        audit_add(req->db, time(NULL), user.username, "logout",
                  arena_printf(&req->arena, "user:%s", user.username), "", "", "");
    session_delete(req->db, token);
    response_header(req, "Set-Cookie", response_cookie(req, SESSION_COOKIE, "", "; Max-Age=0"));
    response_set_header(req, "Location", "/");
    page_text(req, 303, "Uitgelogd.\n");
}

/* The queue: submitted initiatives this user may act on, oldest first. */
void staff_home_page(struct request *req)
{
    struct user user;
    if (!staff_required(req, &user))
        return;
    bool admin = strcmp(user.role, "admin") == 0;
    sqlite3_stmt *s = db_prepare(
        req->db,
        "SELECT i.id, i.title, i.state, i.created_at, i.updated_at, a.name AS area_name "
        "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
        "WHERE i.state IN ('ingediend', 'wijziging_gevraagd', 'open', 'gefinancierd') AND "
        "(?2 OR EXISTS (SELECT 1 FROM user_areas ua WHERE ua.user_id = ?1 AND i.area_id IS NOT NULL "
        " AND (ua.area_id = a.id OR ua.area_id = a.parent_id))) "
        "ORDER BY i.state <> 'ingediend', i.state <> 'wijziging_gevraagd', i.updated_at, i.id");
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, user.id);
        sqlite3_bind_int(s, 2, admin);
        rows = db_rows_array(s);
    }
    json_t *queue = json_array(), *waiting = json_array(), *running = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *st = json_string_value(json_object_get(row, "state"));
        json_object_set_new(row, "state_label", json_string(initiative_state_label(st)));
        page_set_date(row, "submitted", "updated_at");
        if (json_is_null(json_object_get(row, "area_name")))
            json_object_set_new(row, "area_name", json_string("Gemeentebreed"));
        json_array_append(!strcmp(st, "ingediend") ? queue
                          : !strcmp(st, "wijziging_gevraagd") ? waiting
                                                               : running,
                          row);
    }
    json_decref(rows);
    json_t *data = json_pack("{s:o, s:o, s:o, s:s}", "queue", queue, "waiting", waiting,
                             "running", running, "csrf", csrf_token(req));
    staff_view(data, &user);
    page_render(req, "beheer", "Beheer", data);
}

/* The initiative behind /beheer/initiatieven/ID, if this user may act on it. */
static json_t *staff_initiative(struct request *req, const struct user *user, int64_t *id)
{
    *id = page_id_param(req->params[0]);
    sqlite3_stmt *s = db_prepare(
        req->db, "SELECT i.id, i.title, i.summary, i.description, i.state, i.target_cents, "
                 "i.raised_cents, i.voucher_count, i.planned_date, i.deadline, i.initiator_name, "
                 "i.initiator_email, i.initiator_phone, i.state_reason, i.created_at, "
                 "i.published_at, coalesce(i.area_id, 0) AS area_id, a.name AS area_name, "
                 "a.slug AS area_slug, i.photo_id FROM initiatives i "
                 "LEFT JOIN areas a ON a.id = i.area_id WHERE i.id = ?");
    if (!s || *id <= 0)
        return NULL;
    sqlite3_bind_int64(s, 1, *id);
    json_t *item = db_first_row(s);
    if (!item)
        return NULL;
    if (!user_may_act(req->db, user, json_integer_value(json_object_get(item, "area_id")))) {
        json_decref(item);
        return json_null(); /* exists, but not for this user */
    }
    return item;
}

static void add_list(struct request *req, json_t *item, const char *key, const char *sql,
                     int64_t id)
{
    sqlite3_stmt *s = db_prepare(req->db, sql);
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        rows = db_rows_array(s);
    }
    json_object_set_new(item, key, rows ? rows : json_array());
}

void staff_initiative_page(struct request *req)
{
    struct user user;
    if (!staff_required(req, &user))
        return;
    int64_t id;
    json_t *item = staff_initiative(req, &user, &id);
    if (!item) {
        page_error(req, 404, "Dit initiatief bestaat niet.");
        return;
    }
    if (json_is_null(item)) {
        page_error(req, 403, "Dit initiatief valt buiten de wijken en dorpen waarvoor u werkt.");
        return;
    }
    page_decorate_initiative(item, time(NULL));
    if (json_is_null(json_object_get(item, "area_name")))
        json_object_set_new(item, "area_label", json_string("Gemeentebreed"));
    struct buf html = {0};
    format_paragraphs(&html, json_string_value(json_object_get(item, "description")));
    json_object_set_new(item, "description_html", json_string(html.data ? html.data : ""));
    buf_free(&html);
    add_list(req, item, "budget_lines",
             "SELECT item, amount_cents FROM budget_lines WHERE initiative_id = ? ORDER BY position",
             id);
    size_t i;
    json_t *line;
    json_array_foreach(json_object_get(item, "budget_lines"), i, line)
        page_set_money(line, "amount", json_integer_value(json_object_get(line, "amount_cents")));
    add_list(req, item, "co_organisers",
             "SELECT name, postcode, house_number FROM co_organisers WHERE initiative_id = ? "
             "ORDER BY id",
             id);
    add_list(req, item, "messages",
             "SELECT author_role, author_name, body, created_at FROM initiative_messages "
             "WHERE initiative_id = ? ORDER BY id",
             id);
    add_list(req, item, "history",
             "SELECT at, actor, from_value, to_value, reason FROM audit_log "
             "WHERE subject = 'initiative:' || ? AND action = 'state' ORDER BY id",
             id);
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
    staff_view(data, &user);
    page_render(req, "beheer_initiative", json_string_value(json_object_get(item, "title")), data);
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

static void staff_action(struct request *req, const char *to, const char *field, const char *done)
{
    struct user user;
    if (!staff_required(req, &user))
        return;
    int64_t id;
    json_t *item = staff_initiative(req, &user, &id);
    if (!item) {
        page_error(req, 404, "Dit initiatief bestaat niet.");
        return;
    }
    if (json_is_null(item)) {
        audit_add(req->db, time(NULL), user.username, "geweigerd",
                  arena_printf(&req->arena, "initiative:%lld", (long long)id), "", to,
                  "buiten eigen gebied");
        page_error(req, 403, "Dit initiatief valt buiten de wijken en dorpen waarvoor u werkt.");
        return;
    }
    json_decref(item);
    const char *message = "";
    if (field) {
        message = text_field(req, field, 5000);
        if (!message) {
            page_error(req, 400, "Schrijf erbij wat de initiatiefnemer moet weten (hoogstens "
                                 "5000 tekens). Ga terug en vul het veld in.");
            return;
        }
    }
    enum workflow_result r =
        workflow_transition(req->db, id, to, ACTOR_STAFF, user.username, message, time(NULL));
    if (r == WF_NOT_ALLOWED) {
        page_error(req, 409, "Dit kan niet in de huidige status van het initiatief. Misschien "
                             "heeft iemand anders het net behandeld.");
        return;
    }
    if (r != WF_OK) {
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

void staff_reject_post(struct request *req)
{
    staff_action(req, "afgewezen", "reden", "afgewezen");
}

void staff_update_post(struct request *req)
{
    struct user user;
    if (!staff_required(req, &user))
        return;
    int64_t id;
    json_t *item = staff_initiative(req, &user, &id);
    if (!item || json_is_null(item)) {
        page_error(req, item ? 403 : 404, "Dit initiatief is niet van uw gebied of bestaat niet.");
        json_decref(item);
        return;
    }
    const char *state = json_string_value(json_object_get(item, "state"));
    bool allowed = !strcmp(state, "open") || !strcmp(state, "gefinancierd") ||
                   !strcmp(state, "uitgevoerd");
    json_decref(item);
    const char *body = text_field(req, "tekst", 5000);
    if (!allowed || !body) {
        page_error(req, allowed ? 400 : 409,
                   allowed ? "Schrijf een update van hoogstens 5000 tekens."
                           : "Updates kunnen alleen bij een initiatief dat online staat.");
        return;
    }
    char when[20];
    utc_text(time(NULL), when);
    bool ok = db_begin(req->db);
    sqlite3_stmt *s = ok ? db_prepare(req->db, "INSERT INTO initiative_updates(initiative_id, "
                                               "author_role, author_name, body, created_at) "
                                               "VALUES (?, 'wijkregisseur', ?, ?, ?)")
                         : NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, *user.display_name ? user.display_name : user.username, -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, when, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    ok = ok && s && audit_add(req->db, time(NULL), user.username, "update",
                              arena_printf(&req->arena, "initiative:%lld", (long long)id), "", "",
                              "");
    if (!ok || !db_commit(req->db)) {
        db_rollback(req->db);
        page_error(req, 503, "Dat lukte nu niet. Probeer het zo opnieuw.");
        return;
    }
    response_set_header(req, "Location", arena_printf(&req->arena,
                                                      "/beheer/initiatieven/%lld?gedaan=update",
                                                      (long long)id));
    page_text(req, 303, "Gedaan.\n");
}
