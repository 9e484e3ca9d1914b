/* Staff sessions: the user behind a request, and the refusals every /beheer page shares. */
#include "pages/staff.h"
#include "http/router.h"
#include "pages/page.h"

#include <time.h>

/* Marks "looked up, no valid session", so that a refused request asks the database once. */
static const struct user nobody;

const struct user *staff_user(struct request *req)
{
    if (!req->user) {
        struct user *user = arena_alloc(&req->arena, sizeof *user);
        bool found = req->db && session_user(req->db, request_cookie(req, SESSION_COOKIE),
                                             time(NULL), user);
        req->user = found ? user : &nobody;
    }
    return req->user == &nobody ? NULL : req->user;
}

bool staff_allow(struct request *req, unsigned flags)
{
    response_set_header(req, "Cache-Control", "no-store");
    const struct user *user = staff_user(req);
    if (!user) {
        if (req->method == M_POST) {
            page_error(req, 403,
                       "U bent niet (meer) ingelogd. Log opnieuw in en probeer het nog eens.");
            return false;
        }
        req->resp.status = 303;
        response_set_header(req, "Location", "/beheer/inloggen");
        page_text(req, 303, "Log eerst in.\n");
        return false;
    }
    if ((flags & ROUTE_ADMIN) && !user_is_admin(user)) {
        page_error(req, 403, "Deze pagina is alleen voor beheerders van de gemeente.");
        return false;
    }
    return true;
}

void staff_view(json_t *data, const struct user *user)
{
    json_object_set_new(data, "staff",
                        json_pack("{s:s, s:s, s:b}", "name",
                                  *user->display_name ? user->display_name : user->username,
                                  "role", user->role, "is_admin", user_is_admin(user)));
}
