/* Admin screens for issuing: the vouchers of a round, a lost letter replaced, and the stored
 * printer's files downloaded or deleted. */
#include "app.h"
#include "domain/households.h"
#include "domain/letters.h"
#include "domain/printfiles.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "view/letters.h"

#include <sodium.h>
#include <stdio.h>

/* Both files are stored inside the issuing transaction, before the vouchers commit, so codes
 * are never issued without their letters. */
struct web_issue {
    struct request *req;
    int64_t round_id;
    const char *actor, *title;
    const struct letters_info *info;
    struct letters letters;
};

static bool web_letter(void *ctx, const struct letter *l)
{
    struct web_issue *w = ctx;
    return letters_add(&w->letters, l);
}

static bool web_finish(void *ctx)
{
    struct web_issue *w = ctx;
    struct buf html = {0};
    bool ok = letters_render(&w->letters, w->req->app->templates, w->info, &html) &&
              printfiles_store_issue(w->req->db, w->req->app->secret, w->round_id, w->title,
                                     json_array_size(w->letters.letters), &w->letters.csv, &html,
                                     w->actor);
    if (html.data)
        sodium_memzero(html.data, html.len);
    buf_free(&html);
    return ok;
}

static const char *replace_message(enum issue_result r)
{
    switch (r) {
    case ISSUE_OK:
        return "";
    case ISSUE_NO_ROUND:
        return "Deze ronde bestaat niet.";
    case ISSUE_NO_HOUSEHOLD:
        return "Dit adres staat niet in het register.";
    case ISSUE_USED:
        return "De voucher van dit adres is al gebruikt; er komt geen vervanging.";
    case ISSUE_FAILED:
        break;
    }
    return "Vervangen lukte niet.";
}

static void issue(struct request *req, bool replacement)
{
    const struct user *user = staff_user(req);
    int64_t round_id = page_id_param(req->params[0]);
    struct letters_info info;
    if (round_id <= 0 || !letters_info_load(req->db, &req->app->config, round_id, &info)) {
        page_error(req, 404, "Deze ronde bestaat niet.");
        return;
    }
    char pc[8] = "", add[11] = "";
    int64_t number = 0;
    if (replacement) {
        const char *t = request_form(req, "toevoeging");
        if (!postcode_normalize(request_form(req, "postcode") ?: "", pc) ||
            !house_number_normalize(request_form(req, "huisnummer") ?: "", t ? t : "", &number,
                                    add)) {
            page_error(req, 400, "Vul een geldige postcode en een huisnummer in.");
            return;
        }
    }
    char title[160];
    snprintf(title, sizeof title, "%s%s", info.round_name, replacement ? ", vervanging" : "");
    struct web_issue w = {
        .req = req, .round_id = round_id, .actor = user->username, .title = title, .info = &info};
    letters_begin(&w.letters, info.base_url, true);
    struct issue_sink sink = {.ctx = &w, .letter = web_letter, .finish = web_finish};
    enum issue_result r;
    if (replacement) {
        r = letters_replace(req->db, req->app->secret, round_id, pc, number, add, user->username,
                            time(NULL), &sink);
        if (r != ISSUE_OK)
            page_error(req, r == ISSUE_NO_ROUND ? 404 : 409, replace_message(r));
    } else {
        long issued;
        r = letters_issue(req->db, req->app->secret, round_id, user->username, time(NULL), &sink,
                          &issued);
        if (r == ISSUE_NO_ROUND)
            page_error(req, 404, "Deze ronde bestaat niet.");
        else if (r != ISSUE_OK)
            page_error(req, 503, "Uitgeven lukte niet; er is niets uitgegeven.");
    }
    if (r == ISSUE_OK)
        beheer_go(req, "/beheer/rondes?gedaan=uitgegeven");
    letters_end(&w.letters);
}

void setup_issue_post(struct request *req)
{
    issue(req, false);
}

void setup_replace_post(struct request *req)
{
    issue(req, true);
}

void setup_file_download(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    bool csv = false;
    /* This GET writes the audit row of the download: the domain ends the read snapshot. */
    enum printfile_result r = printfile_download(req->db, req->app->secret, id, user->username,
                                                 time(NULL), &csv, &req->resp.body);
    switch (r) {
    case PRINTFILE_OK:
        break;
    case PRINTFILE_NOT_FOUND:
        page_error(req, 404, "Dit bestand bestaat niet (meer).");
        return;
    case PRINTFILE_UNREADABLE:
        page_error(req, 500,
                   "Dit bestand kan niet worden gelezen: is het sleutelbestand vervangen?");
        return;
    case PRINTFILE_DB:
        page_error(req, 503, "Het bestand kan nu niet worden opgehaald; probeer het opnieuw.");
        return;
    }
    response_set_header(req, "Content-Type",
                        csv ? "text/csv; charset=utf-8" : "text/html; charset=utf-8");
    response_set_header(req, "Content-Disposition",
                        arena_printf(&req->arena, "attachment; filename=\"vouchers-%lld.%s\"",
                                     (long long)id, csv ? "csv" : "html"));
}

void setup_file_delete_post(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    enum printfile_result r = printfile_remove(req->db, id, user->username, time(NULL));
    if (r != PRINTFILE_OK) {
        page_error(req, r == PRINTFILE_DB ? 503 : 404,
                   r == PRINTFILE_DB ? "Verwijderen lukte nu niet; probeer het opnieuw."
                                     : "Dit bestand bestaat niet (meer).");
        return;
    }
    beheer_go(req, "/beheer/rondes?gedaan=verwijderd");
}
