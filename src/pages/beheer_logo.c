/* /beheer/instellingen/logo: the municipal logo on the letters, uploaded as a PNG or an SVG,
 * checked (type, bytes, pixels, that it draws), shown, replaced or removed. */
#include "app.h"
#include "domain/letters.h"
#include "http/csrf.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/buf.h"
#include "view/logo.h"

#include <stdio.h>
#include <string.h>

static const char *logo_message(enum logo_result r)
{
    switch (r) {
    case LOGO_OK:
        return NULL;
    case LOGO_EMPTY:
        return "Kies een logobestand: een PNG of een SVG.";
    case LOGO_TOO_LARGE:
        return "Het bestand is groter dan 512 kB. Kies een kleiner logo.";
    case LOGO_WRONG_TYPE:
        return "Dit is geen PNG of SVG. Kies het logo als PNG- of SVG-bestand.";
    case LOGO_TOO_MANY_PIXELS:
        return "Het logo heeft te veel pixels: hoogstens 4000 pixels breed en hoog, en 4 miljoen "
               "pixels samen. Een logo van 600 × 300 pixels is scherp genoeg.";
    case LOGO_TOO_SMALL:
        return "Het logo is te klein: minstens 16 × 16 pixels.";
    case LOGO_UNREADABLE:
        return "Dit bestand is als PNG of SVG niet te lezen. Sla het logo opnieuw op en probeer "
               "het nog eens.";
    }
    return "Dit bestand kan niet als logo worden gebruikt.";
}

/* The logo page: the current logo, the upload form (with an error at the field), removal. */
static void render(struct request *req, const char *error, int status)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    struct buf logo = {0};
    if (letters_logo(req->db, &logo)) {
        const char *type = logo_media_type((const unsigned char *)logo.data, logo.len);
        json_object_set_new(data, "logo_type",
                            json_string(type && !strcmp(type, "image/svg+xml") ? "SVG" : "PNG"));
        json_object_set_new(data, "logo_kb", json_integer((json_int_t)((logo.len + 1023) / 1024)));
    }
    buf_free(&logo);
    json_object_set_new(data, "logo_page", json_true());
    if (error) {
        json_object_set_new(data, "logo_error", json_string(error));
        json_object_set_new(
            data, "form_errors",
            json_pack("[{s:s, s:s, s:s}]", "id", "logo", "label", "Logobestand", "message", error));
        json_object_set_new(data, "refused", json_true());
    }
    const char *done = request_query(req, "gedaan");
    if (done && !strcmp(done, "logo"))
        json_object_set_new(data, "notice", json_string("Het logo staat nu op de brieven."));
    else if (done && !strcmp(done, "geen-logo"))
        json_object_set_new(data, "notice", json_string("De brieven hebben geen logo meer."));
    page_render(req, "admin_logo", "Logo op de brieven", data);
    req->resp.status = status;
}

void admin_logo_page(struct request *req)
{
    render(req, NULL, 200);
}

void admin_logo_post(struct request *req)
{
    const struct field *f = fields_get(&req->form_fields, "logo");
    const unsigned char *data = f && f->filename ? (const unsigned char *)f->value : NULL;
    size_t len = data ? f->value_len : 0;
    struct logo_info info;
    enum logo_result r = logo_check(data, len, &info);
    if (r != LOGO_OK) {
        render(req, logo_message(r), r == LOGO_TOO_LARGE ? 413 : 400);
        return;
    }
    char what[48];
    snprintf(what, sizeof what, "%s, %.0f × %.0f, %zu kB", info.kind == LOGO_SVG ? "SVG" : "PNG",
             info.width, info.height, (len + 1023) / 1024);
    if (!letters_logo_save(req->db, data, len, what, staff_user(req)->username, time(NULL))) {
        page_error(req, 503, "Het logo is niet opgeslagen: de database is bezet. Probeer het zo "
                             "opnieuw.");
        return;
    }
    beheer_go(req, "/beheer/instellingen/logo?gedaan=logo");
}

void admin_logo_delete_post(struct request *req)
{
    if (!letters_logo_save(req->db, NULL, 0, "verwijderd", staff_user(req)->username, time(NULL))) {
        page_error(req, 503, "Het logo is niet verwijderd: de database is bezet. Probeer het zo "
                             "opnieuw.");
        return;
    }
    beheer_go(req, "/beheer/instellingen/logo?gedaan=geen-logo");
}

/* The logo file itself, for the preview: its own type; an SVG sandboxed (no script runs even
 * when it is opened directly). */
void admin_logo_file(struct request *req)
{
    struct buf logo = {0};
    if (!letters_logo(req->db, &logo)) {
        buf_free(&logo);
        page_error(req, 404, "Er is geen logo voor de brieven.");
        return;
    }
    const char *type = logo_media_type((const unsigned char *)logo.data, logo.len);
    buf_reset(&req->resp.body);
    buf_append(&req->resp.body, logo.data, logo.len);
    buf_free(&logo);
    response_set_header(req, "Content-Type", type ? type : "application/octet-stream");
    response_set_header(req, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    response_set_header(req, "Cache-Control", "private, no-cache");
}
