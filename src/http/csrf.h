/* CSRF tokens: a random token in an HttpOnly cookie, echoed by every form as a hidden field. */
#ifndef BS_CSRF_H
#define BS_CSRF_H
#include <stdbool.h>

#include "http/request.h"

#define CSRF_COOKIE "bs_csrf"
#define CSRF_FIELD "_csrf"

/* This client's token for a form: the cookie's when well-formed, else a new one that the
 * response will set; with a staff session cookie, a keyed hash of the session and that token
 * instead. Only pages with forms ask, so other responses carry no cookie. */
const char *csrf_token(struct request *req);
/* True when the form's field is csrf_token's value for this request's cookies (constant
 * time). */
bool csrf_valid(const struct request *req);
/* The Set-Cookie header value for a new token. */
const char *csrf_cookie_header(struct request *req);

#endif
