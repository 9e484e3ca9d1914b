/* Photos of public initiatives and updates, /foto/ID.jpg; staff who may review an initiative
 * (its area) also see its photo while it is under review, never from a shared cache; a photo
 * held for a form that came back, /fotos/voorlopig/REF.jpg, only in the browser that sent it. */
#include "app.h"
#include "domain/photo.h"
#include "http/csrf.h"
#include "domain/users.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"

#include <stdio.h>
#include <string.h>

void photo_page(struct request *req)
{
    /* "12.jpg": digits, then the extension. */
    const char *p = req->params[0] ? req->params[0] : "";
    int64_t id = 0;
    int digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 15; p++, digits++)
        id = id * 10 + (*p - '0');
    if (id <= 0 || strcmp(p, ".jpg") != 0) {
        page_error(req, 404, "Deze foto bestaat niet.");
        return;
    }
    buf_reset(&req->resp.body);
    enum photo_visibility v = photo_read(req->db, id, &req->resp.body);
    struct user user;
    int64_t area = 0;
    bool visible = v == PHOTO_PUBLIC ||
                   (v == PHOTO_UNPUBLISHED &&
                    session_user(req->db, request_cookie(req, SESSION_COOKIE), time(NULL), &user) &&
                    photo_unpublished_area(req->db, id, &area) &&
                    user_may_act(req->db, &user, area));
    if (!visible) {
        buf_reset(&req->resp.body);
        if (v == PHOTO_UNREADABLE)
            page_error(req, 500, "De foto kon niet worden geladen.");
        else
            page_error(req, 404, "Deze foto bestaat niet.");
        return;
    }
    response_set_header(req, "Content-Type", "image/jpeg");
    response_set_header(req, "Cache-Control",
                        v == PHOTO_PUBLIC ? "public, max-age=86400" : "private, no-cache");
}

void photo_held_page(struct request *req)
{
    /* "REF.jpg": the reference, then the extension. */
    const char *p = req->params[0] ? req->params[0] : "";
    size_t len = strlen(p);
    char ref[PHOTO_REF_CHARS + 1] = "";
    if (len == PHOTO_REF_CHARS + 4 && !strcmp(p + PHOTO_REF_CHARS, ".jpg"))
        snprintf(ref, sizeof ref, "%.*s", PHOTO_REF_CHARS, p);
    buf_reset(&req->resp.body);
    /* Only with the CSRF cookie of the browser the photo was held for. */
    const char *binding = request_cookie(req, CSRF_COOKIE) ? csrf_token(req) : "";
    if (!*ref || !*binding ||
        !photo_read_held(req->db, req->app->secret, binding, ref, time(NULL), &req->resp.body)) {
        buf_reset(&req->resp.body);
        page_error(req, 404, "Deze foto bestaat niet (meer).");
        return;
    }
    response_set_header(req, "Content-Type", "image/jpeg");
    response_set_header(req, "Cache-Control", "private, no-store");
    response_set_header(req, "Referrer-Policy", "no-referrer");
}
