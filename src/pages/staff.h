/* Staff sessions for the /beheer pages: who is logged in, and the router's check of them. */
#ifndef BS_STAFF_H
#define BS_STAFF_H
#include <stdbool.h>

#include "domain/sessions.h"
#include "http/request.h"

#define SESSION_COOKIE "bs_session"

/* The staff member behind this request's session, or NULL; looked up once per request. The
 * router has already refused anyone else on a ROUTE_STAFF or ROUTE_ADMIN route, so there a
 * handler may take it as given. */
const struct user *staff_user(struct request *req);
/* The router's access check (an access_fn) for ROUTE_STAFF and ROUTE_ADMIN: no session gets a
 * redirect to the login page for GET and 403 for POST; a wijkregisseur on an admin route 403.
 * Staff pages are never cached. */
bool staff_allow(struct request *req, unsigned flags);

/* Adds "staff" (name, role, is_admin) to a page's data. */
void staff_view(json_t *data, const struct user *user);

#endif
