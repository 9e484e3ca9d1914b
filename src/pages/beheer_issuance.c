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
#include "view/letters_pdf.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The codes are stored inside the issuing transaction, before the vouchers commit, so codes
 * are never issued without what renders their letters. */
struct web_issue {
    struct request *req;
    int64_t round_id;
    const char *actor, *title;
    struct letter_codes codes;
};

static bool web_letter(void *ctx, const struct letter *l)
{
    struct web_issue *w = ctx;
    return letters_codes_add(&w->codes, l);
}

static bool web_finish(void *ctx)
{
    struct web_issue *w = ctx;
    return !w->codes.count ||
           printfiles_store_codes(w->req->db, w->req->app->secret, w->round_id, w->title,
                                  w->codes.count, &w->codes.text, w->actor);
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
    case ISSUE_CLOSED:
        return "Deze ronde is afgelopen; er komt geen nieuwe brief meer.";
    case ISSUE_FAILED:
        break;
    }
    return "Vervangen lukte niet.";
}

/* The refusal in Dutch, with the address that would be printed where it matters. */
static const char *refusal_message(struct request *req, enum issue_refusal r, const char *url)
{
    switch (r) {
    case ISSUE_ALLOWED:
        return "";
    case ISSUE_REFUSED_NO_ROUND:
        return "Deze ronde bestaat niet.";
    case ISSUE_REFUSED_CLOSED:
        return "Deze ronde is afgelopen. Voor een afgelopen ronde worden geen vouchers of "
               "brieven meer gemaakt.";
    case ISSUE_REFUSED_URL_DEFAULT:
        return arena_printf(&req->arena,
                            "Het webadres van de site staat nog op het voorbeeldadres %s. Elke "
                            "brief en elke QR-code zou daarheen verwijzen. Vul eerst bij "
                            "Instellingen het echte webadres in (basis_url).",
                            url);
    case ISSUE_REFUSED_URL_LOCAL:
        return arena_printf(&req->arena,
                            "Het webadres van de site is %s: dat werkt alleen op deze computer of "
                            "in het eigen netwerk, niet bij de bewoners thuis. Elke brief en elke "
                            "QR-code zou daarheen verwijzen. Vul eerst bij Instellingen het "
                            "openbare webadres in (basis_url).",
                            url);
    case ISSUE_REFUSED_URL_INVALID:
        return arena_printf(&req->arena,
                            "Het webadres van de site (%s) is geen http- of https-adres. Vul eerst "
                            "bij Instellingen het openbare webadres in (basis_url).",
                            url);
    }
    return "Uitgeven kan nu niet.";
}

static const char *plural(long n, const char *one, const char *more)
{
    return n == 1 ? one : more;
}

/* Step one (no bevestigd=1): what would be issued, the warning for a far round, one button.
 * Step two: the vouchers issued and a result page with its downloads. */
static void issue_round(struct request *req, const struct user *user, int64_t round_id)
{
    struct issue_preview preview;
    time_t now = time(NULL);
    enum issue_refusal refusal =
        letters_issue_check(req->db, &req->app->config, round_id, now, &preview);
    if (refusal != ISSUE_ALLOWED) {
        page_error(req, refusal == ISSUE_REFUSED_NO_ROUND ? 404 : 409,
                   refusal_message(req, refusal, preview.base_url));
        return;
    }
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "round_id", json_integer(round_id));
    json_object_set_new(data, "round_name", json_string(preview.round_name));
    json_object_set_new(data, "base_url", json_string(preview.base_url));
    if (preview.letters == 0) {
        json_object_set_new(data, "nothing", json_true());
        page_render(req, "setup_issue", "Niets uit te geven", data);
        return;
    }
    const char *confirmed = request_form(req, "bevestigd");
    if (!confirmed || strcmp(confirmed, "1")) {
        json_object_set_new(
            data, "summary",
            json_sprintf("%ld %s voor %s, %ld %s", preview.letters,
                         plural(preview.letters, "brief", "brieven"), preview.round_name,
                         preview.areas, plural(preview.areas, "wijk of dorp", "wijken en dorpen")));
        json_object_set_new(data, "button",
                            json_sprintf("%ld %s uitgeven", preview.letters,
                                         plural(preview.letters, "voucher", "vouchers")));
        if (preview.far_ahead)
            json_object_set_new(data, "far_ahead",
                                json_sprintf("Let op: deze ronde begint pas over %ld weken. De "
                                             "brieven liggen dan lang voordat de code werkt bij "
                                             "de bewoners. Weet u zeker dat u nu wilt uitgeven?",
                                             preview.weeks_away));
        json_object_set_new(data, "confirm", json_true());
        page_render(req, "setup_issue", "Vouchers uitgeven", data);
        return;
    }
    struct web_issue w = {
        .req = req, .round_id = round_id, .actor = user->username, .title = preview.round_name};
    struct issue_sink sink = {.ctx = &w, .letter = web_letter, .finish = web_finish};
    long issued = 0;
    enum issue_result r =
        letters_issue(req->db, req->app->secret, round_id, user->username, now, &sink, &issued);
    if (w.codes.text.data)
        sodium_memzero(w.codes.text.data, w.codes.text.len);
    buf_free(&w.codes.text);
    if (r != ISSUE_OK) {
        json_decref(data);
        page_error(req, r == ISSUE_NO_ROUND ? 404 : r == ISSUE_CLOSED ? 409 : 503,
                   r == ISSUE_NO_ROUND ? "Deze ronde bestaat niet."
                   : r == ISSUE_CLOSED ? refusal_message(req, ISSUE_REFUSED_CLOSED, "")
                                       : "Uitgeven lukte niet; er is niets uitgegeven.");
        return;
    }
    if (issued == 0) { /* someone else issued them in between */
        json_object_set_new(data, "nothing", json_true());
        page_render(req, "setup_issue", "Niets uit te geven", data);
        return;
    }
    json_object_set_new(data, "done", json_true());
    json_object_set_new(data, "result",
                        json_sprintf("%ld %s uitgegeven voor %s.", issued,
                                     plural(issued, "voucher", "vouchers"), preview.round_name));
    json_t *ids = printfiles_of_round(req->db, round_id);
    json_object_set_new(data, "file_id", json_incref(json_array_get(ids, json_array_size(ids) - 1)));
    json_decref(ids);
    page_render(req, "setup_issue", "Vouchers uitgegeven", data);
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
    if (!replacement) {
        issue_round(req, user, round_id);
        return;
    }
    /* The address as typed, each refusal at its field on the rounds page. */
    struct beheer_form f;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "v%lld-", (long long)round_id);
    beheer_form_init(&f, beheer_replace_fields, 3, prefix);
    /* A round that has ended gets no new letter for any address: said first, as the rounds
     * page shows no address form for such a round. */
    if (info.valid_until < time(NULL)) {
        beheer_form_refuse(&f, "ronde", replace_message(ISSUE_CLOSED));
        beheer_rounds_refuse_replace(req, round_id, &f, 409);
        return;
    }
    const char *postcode = beheer_form_take(&f, req, "postcode");
    const char *house = beheer_form_take(&f, req, "huisnummer");
    const char *t = beheer_form_take(&f, req, "toevoeging");
    if (beheer_form_refused(&f)) { /* text the one check refused, at its field */
        beheer_rounds_refuse_replace(req, round_id, &f, 400);
        return;
    }
    char pc[8] = "", add[11] = "";
    int64_t number = 0;
    if (!postcode_normalize(postcode, pc))
        beheer_form_refuse(&f, "postcode", "Vul een postcode in zoals 7607 AB.");
    if (!house_number_normalize(house, "", &number, add))
        beheer_form_refuse(&f, "huisnummer", "Vul een huisnummer in, zoals 12.");
    else if (!house_number_normalize(house, t, &number, add))
        beheer_form_refuse(&f, "toevoeging", "Een toevoeging is kort, zoals a, II of bis.");
    /* A replacement letter points where every letter does: the same base URL rule. A mistake
     * in the address is told first, at its field. */
    enum issue_refusal url = letters_base_url_check(info.base_url);
    if (beheer_form_refused(&f) || url != ISSUE_ALLOWED) {
        bool fields = beheer_form_refused(&f);
        if (url != ISSUE_ALLOWED)
            beheer_form_refuse(&f, "ronde", refusal_message(req, url, info.base_url));
        beheer_rounds_refuse_replace(req, round_id, &f, fields ? 400 : 409);
        return;
    }
    char title[160];
    snprintf(title, sizeof title, "%s, vervanging", info.round_name);
    struct web_issue w = {.req = req, .round_id = round_id, .actor = user->username, .title = title};
    struct issue_sink sink = {.ctx = &w, .letter = web_letter, .finish = web_finish};
    enum issue_result r = letters_replace(req->db, req->app->secret, round_id, pc, number, add,
                                          user->username, time(NULL), &sink);
    if (r == ISSUE_OK) {
        json_decref(f.values);
        json_decref(f.errors);
        beheer_go(req, "/beheer/rondes?gedaan=vervangen");
    } else {
        beheer_form_refuse(&f, r == ISSUE_NO_HOUSEHOLD || r == ISSUE_USED ? "postcode" : "ronde",
                           replace_message(r));
        beheer_rounds_refuse_replace(req, round_id, &f,
                                     r == ISSUE_NO_ROUND ? 404 : r == ISSUE_FAILED ? 503 : 409);
    }
    if (w.codes.text.data)
        sodium_memzero(w.codes.text.data, w.codes.text.len);
    buf_free(&w.codes.text);
}

void setup_issue_post(struct request *req)
{
    issue(req, false);
}

void setup_replace_post(struct request *req)
{
    issue(req, true);
}

/* One download rendered from stored codes: the CSV, the printable letters or the PDF. */
struct web_render {
    struct letters letters;  /* CSV and HTML */
    struct letters_pdf *pdf; /* NULL unless the PDF */
};

static bool render_letter(void *ctx, const struct letter *l)
{
    struct web_render *r = ctx;
    return r->pdf ? letters_pdf_add(r->pdf, l) : letters_add(&r->letters, l);
}

/* Renders the letters of stored codes into the response: the PDF goes page by page to an
 * unlinked temporary file that is sent from disk, so memory stays bounded for any round. */
static bool render_download(struct request *req, int64_t round_id, const struct buf *codes,
                            const char *format, long *count)
{
    struct letters_info info;
    if (!letters_info_load(req->db, &req->app->config, round_id, &info))
        return false;
    struct web_render r = {0};
    bool ok = true;
    FILE *tmp = NULL;
    if (!strcmp(format, "pdf")) {
        tmp = tmpfile();
        struct buf logo = {0};
        letters_logo(req->db, &logo);
        r.pdf = tmp ? letters_pdf_begin(&info, (const unsigned char *)logo.data, logo.len,
                                        letters_pdf_write_file, tmp)
                    : NULL;
        buf_free(&logo);
        ok = r.pdf != NULL;
    } else {
        letters_begin(&r.letters, info.base_url, !strcmp(format, "html"));
    }
    *count = ok ? letters_replay(req->db, codes->data ? codes->data : "", codes->len,
                                 render_letter, &r)
                : -1;
    ok = ok && *count >= 0;
    if (r.pdf) {
        ok = letters_pdf_end(r.pdf) && ok;
        long len = ok && fflush(tmp) == 0 ? ftell(tmp) : -1;
        int fd = len >= 0 ? dup(fileno(tmp)) : -1;
        ok = fd >= 0 && lseek(fd, 0, SEEK_SET) == 0;
        if (ok) {
            req->resp.file_fd = fd;
            req->resp.file_len = (size_t)len;
        } else if (fd >= 0) {
            close(fd);
        }
    } else if (!strcmp(format, "html")) {
        ok = ok && letters_render(&r.letters, req->app->templates, &info, &req->resp.body);
        letters_end(&r.letters);
    } else {
        if (ok)
            buf_append(&req->resp.body, r.letters.csv.data, r.letters.csv.len);
        letters_end(&r.letters);
    }
    if (tmp)
        fclose(tmp);
    return ok;
}

void setup_file_download(struct request *req)
{
    const struct user *user = staff_user(req);
    int64_t id = page_id_param(req->params[0]);
    const char *format = request_query(req, "formaat");
    struct printfile_info file;
    bool codes = printfile_info(req->db, id, &file) && !strcmp(file.kind, "codes");
    if (!format || !codes)
        format = "csv";
    if (strcmp(format, "csv") && strcmp(format, "html") && strcmp(format, "pdf")) {
        page_error(req, 400, "Kies als formaat csv, html of pdf.");
        return;
    }
    bool csv = false;
    struct buf content = {0};
    /* This GET writes the audit row of the download: the domain ends the read snapshot. */
    enum printfile_result r = printfile_download(req->db, req->app->secret, id, user->username,
                                                 time(NULL), &csv, codes ? &content : &req->resp.body);
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
    const char *ext = csv ? "csv" : "html";
    if (codes) {
        long count;
        bool ok = render_download(req, file.round_id, &content, format, &count);
        sodium_memzero(content.data, content.len);
        buf_free(&content);
        if (!ok) {
            if (req->resp.body.len)
                sodium_memzero(req->resp.body.data, req->resp.body.len);
            buf_reset(&req->resp.body);
            page_error(req, 503, "De brieven konden niet worden gemaakt; probeer het opnieuw.");
            return;
        }
        ext = format;
    }
    response_set_header(req, "Content-Type",
                        !strcmp(ext, "pdf")   ? "application/pdf"
                        : !strcmp(ext, "csv") ? "text/csv; charset=utf-8"
                                              : "text/html; charset=utf-8");
    response_set_header(req, "Content-Disposition",
                        arena_printf(&req->arena, "attachment; filename=\"vouchers-%lld.%s\"",
                                     (long long)id, ext));
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
