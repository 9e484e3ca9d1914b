/* Route matching and the dispatcher: the front line every request passes. */
#include "http/router.h"
#include "http/csrf.h"
#include "http/form.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

bool route_match(struct arena *arena, const char *pattern, const char *path,
                 const char *params[4])
{
    /* Captures are noted as positions and copied only once the whole pattern matched: the
     * dispatcher tries every route for every request. */
    const char *start[4];
    size_t len[4];
    int np = 0;
    const char *p = pattern, *s = path;
    while (*p) {
        if (p[0] == '*' && p[1] == '*') {
            if (!*s || np >= 4)
                return false;
            start[np] = s;
            len[np++] = strlen(s);
            s += strlen(s);
            break;
        }
        if (*p == '*') {
            const char *end = s;
            while (*end && *end != '/')
                end++;
            if (end == s || np >= 4)
                return false;
            start[np] = s;
            len[np++] = (size_t)(end - s);
            s = end;
            p++;
            continue;
        }
        if (*p != *s)
            return false;
        p++, s++;
    }
    if (*s != '\0')
        return false;
    for (int i = 0; i < np; i++)
        params[i] = arena_strndup(arena, start[i], len[i]);
    return true;
}

/* Each header once; a page may have set a stricter one (no-referrer behind a secret link). */
static void header_default(struct request *req, const char *name, const char *value)
{
    if (!response_get_header(req, name))
        response_header(req, name, value);
}

void http_security_headers(struct request *req)
{
    header_default(req, "Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    "object-src 'none'; base-uri 'none'; form-action 'self'; "
                    "frame-ancestors 'none'");
    header_default(req, "X-Content-Type-Options", "nosniff");
    header_default(req, "X-Frame-Options", "DENY");
    header_default(req, "Referrer-Policy", "same-origin");
    header_default(req, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (req->https)
        header_default(req, "Strict-Transport-Security", "max-age=31536000");
}

static enum method method_from(const char *name)
{
    if (strcmp(name, "GET") == 0)
        return M_GET;
    if (strcmp(name, "HEAD") == 0)
        return M_HEAD;
    if (strcmp(name, "POST") == 0)
        return M_POST;
    return M_OTHER;
}

/* Splits the target into path and query and decodes the path; false on bad input. */
static bool parse_target(struct request *req, enum form_error *err)
{
    const char *t = req->target;
    size_t len = strlen(t);
    const char *q = memchr(t, '?', len);
    size_t path_len = q ? (size_t)(q - t) : len;
    const char *hash = memchr(t, '#', len);
    if (hash && (!q || hash < q))
        path_len = (size_t)(hash - t);
    if (q) {
        size_t qlen = len - (size_t)(q + 1 - t);
        const char *qhash = memchr(q + 1, '#', qlen);
        if (qhash)
            qlen = (size_t)(qhash - (q + 1));
        req->query = arena_strndup(&req->arena, q + 1, qlen);
    }
    char *path;
    size_t decoded_len;
    *err = url_decode(&req->arena, t, path_len, false, &path, &decoded_len);
    if (*err)
        return false;
    req->path = path;
    *err = form_parse_query(&req->arena, req->query, strlen(req->query), &req->query_fields);
    return *err == FORM_OK;
}

static bool parse_body(struct request *req, enum form_error *err, int *status)
{
    const char *ctype = request_header(req, "Content-Type");
    *status = 400;
    if (!ctype || req->body_len == 0)
        return true;
    if (ascii_ieqn(ctype, "application/x-www-form-urlencoded", 33)) {
        if (req->body_len > LIMIT_FORM_BODY) {
            *status = 413;
            return false;
        }
        *err = form_parse_urlencoded(&req->arena, req->body, req->body_len, &req->form_fields);
        return *err == FORM_OK;
    }
    if (ascii_ieqn(ctype, "multipart/form-data", 19)) {
        *err = form_parse_multipart(&req->arena, ctype, req->body, req->body_len,
                                    &req->form_fields);
        return *err == FORM_OK;
    }
    return true; /* other bodies are left to the handler */
}

double http_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void dispatch(struct request *req, const struct route *routes, size_t nroutes,
                     error_fn on_error, access_fn may_enter, const char **log_path)
{
    req->method = method_from(req->method_name);
    if (req->refusal_status) {
        /* A front refused before any parsing; the answer still takes the one exit, and the
         * log shows the raw path (masked below). */
        req->path = arena_strndup(&req->arena, req->target, strcspn(req->target, "?#"));
        on_error(req, req->refusal_status, req->refusal_message);
        return;
    }
    if (strlen(req->target) > LIMIT_URI) {
        on_error(req, 414, "Het adres is te lang.");
        return;
    }
    if (req->target[0] != '/') {
        on_error(req, 400, "Dit adres kan de server niet lezen.");
        return;
    }
    enum form_error err = FORM_OK;
    if (!parse_target(req, &err)) {
        on_error(req, 400, form_error_message(err));
        return;
    }
    const char *cookie = request_header(req, "Cookie");
    if (cookie) {
        cookies_parse(&req->arena, cookie, &req->cookies);
        request_cookies_for_scheme(req);
    }
    if (req->body_too_large) {
        on_error(req, 413, "Wat u verstuurt is te groot.");
        return;
    }

    const struct route *found = NULL;
    unsigned allowed = 0;
    for (size_t i = 0; i < nroutes; i++) {
        const char *params[4] = {0};
        if (!route_match(&req->arena, routes[i].pattern, req->path, params))
            continue;
        unsigned methods = routes[i].methods;
        if (methods & M_GET)
            methods |= M_HEAD;
        allowed |= methods;
        if (!found && (methods & req->method)) {
            found = &routes[i];
            memcpy(req->params, params, sizeof params);
        }
    }
    if (!found) {
        if (allowed) {
            char allow[32];
            snprintf(allow, sizeof allow, "%s%s%s", allowed & M_GET ? "GET, HEAD" : "",
                     (allowed & M_GET) && (allowed & M_POST) ? ", " : "",
                     allowed & M_POST ? "POST" : "");
            response_header(req, "Allow", allow);
            on_error(req, 405, "Deze handeling is op dit adres niet mogelijk.");
        } else if (req->method == M_OTHER) {
            on_error(req, 405, "Deze handeling is op dit adres niet mogelijk.");
        } else {
            on_error(req, 404, "Deze pagina bestaat niet (meer). Controleer het adres.");
        }
        return;
    }
    if (found->flags & ROUTE_SECRET_PATH)
        *log_path = found->pattern;
    if (req->method == M_POST) {
        int status;
        if (!parse_body(req, &err, &status)) {
            on_error(req, status,
                     status == 413 ? "Wat u verstuurt is te groot." : form_error_message(err));
            return;
        }
        /* Kept as a defence: the site's forms with a typed field all have ROUTE_FIELD_CHECKS
         * and say it at the field; only a route without one (ROUTE_NO_TYPED_TEXT, a bare
         * button) or a route added without either flag ends here, and test_router refuses
         * the latter in the site's table. */
        if (!(found->flags & ROUTE_FIELD_CHECKS) && fields_any_bad(&req->form_fields)) {
            on_error(req, 400, form_error_message(FORM_BAD_TEXT));
            return;
        }
        if (!(found->flags & ROUTE_NO_CSRF) && !csrf_valid(req)) {
            on_error(req, 403,
                     "Het formulier is verlopen of niet via deze website verstuurd. Ga terug, "
                     "laad de pagina opnieuw en probeer het nog eens.");
            return;
        }
    }
    /* After the CSRF check, as the handlers checked it before: a forged POST is refused as
     * forged whether or not a session came with it. */
    if (found->flags & (ROUTE_STAFF | ROUTE_ADMIN)) {
        if (!may_enter) {
            on_error(req, 403, "Deze pagina is niet toegankelijk.");
            return;
        }
        if (!may_enter(req, found->flags))
            return;
    }
    found->handler(req);
}

void http_log_request(const struct request *req, const char *path, double start_ms)
{
    /* The path only, since a query may carry a voucher code; control bytes are masked so that
     * a request cannot forge log lines. */
    char masked[201];
    size_t n = 0;
    for (const char *p = path ? path : "?"; *p && n < sizeof masked - 1; p++)
        masked[n++] = ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p;
    masked[n] = '\0';
    log_request(req->method_name ? req->method_name : "?", masked, req->resp.status,
                http_clock_ms() - start_ms);
}

void http_dispatch(struct request *req, const struct route *routes, size_t nroutes,
                   error_fn on_error, access_fn may_enter)
{
    double start = http_clock_ms();
    const char *log_path = NULL;
    dispatch(req, routes, nroutes, on_error, may_enter, &log_path);
    http_security_headers(req);
    if (req->set_csrf_cookie)
        response_header(req, "Set-Cookie", csrf_cookie_header(req));
    if (!response_get_header(req, "Cache-Control"))
        response_header(req, "Cache-Control", "no-cache");
    http_log_request(req, log_path ? log_path : req->path, start);
}
