/* Photos of public initiatives and updates, /foto/ID.jpg; staff who may review an initiative
 * (its area) also see its photo while it is under review, never from a shared cache. */
#include "app.h"
#include "domain/photo.h"
#include "domain/users.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"

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
