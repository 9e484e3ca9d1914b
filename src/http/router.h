/* The route table type and the dispatcher: front-line checks, then one handler. */
#ifndef BS_ROUTER_H
#define BS_ROUTER_H
#include "http/request.h"

typedef void (*handler_fn)(struct request *req);
typedef void (*error_fn)(struct request *req, int status, const char *message);
/* The site's check of a route's access flags (ROUTE_STAFF, ROUTE_ADMIN): true to let the
 * handler run, else false after answering the request itself. The router knows which routes
 * are guarded, not who may pass: that is the site's business. */
typedef bool (*access_fn)(struct request *req, unsigned flags);

enum route_flags {
    ROUTE_NO_CSRF = 1,     /* POST without a CSRF token (only one-click unsubscribe) */
    ROUTE_SECRET_PATH = 2, /* the path carries a secret: log only the route's pattern */
    ROUTE_STAFF = 4,       /* a logged-in staff member only, checked before the handler runs */
    ROUTE_ADMIN = 8,       /* an admin only (implies ROUTE_STAFF) */
    /* The handler shows a message next to a form field whose text the one text check refused
     * (request_form_bad, page_bad_fields, beheer_form_take) and stores nothing then; without
     * this flag such a form is refused as a whole (400). */
    ROUTE_FIELD_CHECKS = 16,
    /* The form behind this POST has no field a person types (a bare button, check boxes,
     * a file): text the check refuses can only come from a forged request, and the router
     * refuses it as a whole (400). Every POST route has this flag or ROUTE_FIELD_CHECKS. */
    ROUTE_NO_TYPED_TEXT = 32,
};

/* pattern: literal segments, "*" for one segment (captured in req->params), a final "**" for
 * the rest of the path (captured). methods: a mask of enum method; GET implies HEAD. */
struct route {
    unsigned methods;
    const char *pattern;
    handler_fn handler;
    unsigned flags;
};

/* Matches the path against one pattern, filling params (arena copies). */
bool route_match(struct arena *arena, const char *pattern, const char *path,
                 const char *params[4]);

/* Everything between the front and a handler: parses the target, query, cookies and body with
 * their limits, matches a route, checks CSRF on POST, then the route's access flags through
 * may_enter, calls the handler, adds the security headers and logs one line. Any refusal of the
 * router's own is answered through on_error. A guarded route without may_enter is refused (403). */
void http_dispatch(struct request *req, const struct route *routes, size_t nroutes,
                   error_fn on_error, access_fn may_enter);

/* A monotonic clock in milliseconds, and the one log line per request: method, path (without
 * query, control bytes masked), status and the time since start_ms. */
double http_clock_ms(void);
void http_log_request(const struct request *req, const char *path, double start_ms);

/* Emits the standard headers every response carries. */
void http_security_headers(struct request *req);

#endif
