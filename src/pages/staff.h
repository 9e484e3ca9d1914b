/* Staff sessions for the /beheer pages: who is logged in, and the login/logout handlers. */
#ifndef BS_STAFF_H
#define BS_STAFF_H
#include <stdbool.h>

#include "domain/sessions.h"
#include "http/request.h"

#define SESSION_COOKIE "bs_session"

/* The logged-in staff member, or false after answering the request: a redirect to the login
 * page for GET, 403 for POST. Staff pages are never cached. */
bool staff_required(struct request *req, struct user *user);
/* As staff_required, and the role admin; else 403. */
bool admin_required(struct request *req, struct user *user);
/* Adds "staff" (name, role, is_admin) to a page's data. */
void staff_view(json_t *data, const struct user *user);

#endif
