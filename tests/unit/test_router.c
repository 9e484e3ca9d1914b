/* Unit tests for route matching and the dispatcher's front-line checks (404, 405, 400, 413,
 * CSRF, access flags, security headers). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <regex.h>
#include <string.h>
#include <unistd.h>

#include "http/csrf.h"
#include "http/router.h"
#include "pages/pages.h"

static void route_patterns(void **state)
{
    (void)state;
    struct arena a = {0};
    const char *p[4] = {0};
    assert_true(route_match(&a, "/", "/", p));
    assert_false(route_match(&a, "/", "/x", p));
    assert_true(route_match(&a, "/initiatieven", "/initiatieven", p));
    assert_false(route_match(&a, "/initiatieven", "/initiatieven/", p));
    assert_false(route_match(&a, "/initiatieven", "/initiatievenx", p));
    assert_true(route_match(&a, "/initiatieven/*", "/initiatieven/12-buurtbarbecue", p));
    assert_string_equal(p[0], "12-buurtbarbecue");
    assert_false(route_match(&a, "/initiatieven/*", "/initiatieven/", p));
    assert_false(route_match(&a, "/initiatieven/*", "/initiatieven/1/2", p));
    assert_true(route_match(&a, "/a/*/b/*", "/a/x/b/y", p));
    assert_string_equal(p[0], "x");
    assert_string_equal(p[1], "y");
    assert_true(route_match(&a, "/static/**", "/static/css/site.css", p));
    assert_string_equal(p[0], "css/site.css");
    assert_false(route_match(&a, "/static/**", "/static/", p));
    arena_free(&a);
}

static int last_status;
static char last_message[256];
static int handler_calls;

static void on_error(struct request *req, int status, const char *message)
{
    req->resp.status = status;
    last_status = status;
    snprintf(last_message, sizeof last_message, "%s", message);
}

static void ok_handler(struct request *req)
{
    handler_calls++;
    buf_puts(&req->resp.body, req->params[0] ? req->params[0] : "ok");
}

static const struct route routes[] = {
    {M_GET, "/", ok_handler, 0},
    {M_GET, "/items/*", ok_handler, 0},
    {M_POST, "/form", ok_handler, 0},
};

static void run(struct request *req, const char *method, const char *target)
{
    request_init(req);
    req->method_name = method;
    req->target = target;
    last_status = 0;
    last_message[0] = '\0';
    handler_calls = 0;
    http_dispatch(req, routes, sizeof routes / sizeof routes[0], on_error, NULL);
}

static void dispatch_statuses(void **state)
{
    (void)state;
    struct request req;
    run(&req, "GET", "/items/7?x=1");
    assert_int_equal(handler_calls, 1);
    assert_string_equal(req.resp.body.data, "7");
    assert_string_equal(request_query(&req, "x"), "1");
    assert_non_null(response_get_header(&req, "Content-Security-Policy"));
    assert_non_null(strstr(response_get_header(&req, "Content-Security-Policy"),
                           "frame-ancestors 'none'"));
    assert_null(strstr(response_get_header(&req, "Content-Security-Policy"), "unsafe-inline"));
    assert_string_equal(response_get_header(&req, "X-Content-Type-Options"), "nosniff");
    assert_non_null(response_get_header(&req, "Referrer-Policy"));
    request_free(&req);

    run(&req, "HEAD", "/");
    assert_int_equal(handler_calls, 1);
    request_free(&req);

    run(&req, "GET", "/nothing-here");
    assert_int_equal(last_status, 404);
    assert_int_equal(handler_calls, 0);
    assert_non_null(response_get_header(&req, "X-Content-Type-Options"));
    request_free(&req);

    run(&req, "POST", "/");
    assert_int_equal(last_status, 405);
    assert_string_equal(response_get_header(&req, "Allow"), "GET, HEAD");
    request_free(&req);

    run(&req, "DELETE", "/nothing-here");
    assert_int_equal(last_status, 405);
    request_free(&req);

    run(&req, "GET", "/items/%zz");
    assert_int_equal(last_status, 400);
    assert_true(strlen(last_message) > 0);
    request_free(&req);

    run(&req, "GET", "/?q=%c3%28");
    assert_int_equal(last_status, 400);
    request_free(&req);

    run(&req, "GET", "http://elsewhere/");
    assert_int_equal(last_status, 400);
    request_free(&req);

    char long_target[LIMIT_URI + 10];
    memset(long_target, 'a', sizeof long_target - 1);
    long_target[0] = '/';
    long_target[sizeof long_target - 1] = '\0';
    run(&req, "GET", long_target);
    assert_int_equal(last_status, 414);
    request_free(&req);

    request_init(&req);
    req.method_name = "GET";
    req.target = "/";
    req.body_too_large = true;
    handler_calls = 0;
    http_dispatch(&req, routes, 3, on_error, NULL);
    assert_int_equal(last_status, 413);
    assert_int_equal(handler_calls, 0);
    request_free(&req);
}

static void post(struct request *req, const char *cookie, const char *body)
{
    request_init(req);
    req->method_name = "POST";
    req->target = "/form";
    fields_add(&req->arena, &req->headers, "Content-Type",
               "application/x-www-form-urlencoded", 33);
    if (cookie)
        fields_add(&req->arena, &req->headers, "Cookie", cookie, strlen(cookie));
    req->body = body;
    req->body_len = strlen(body);
    last_status = 0;
    handler_calls = 0;
    http_dispatch(req, routes, sizeof routes / sizeof routes[0], on_error, NULL);
}

static void csrf_is_checked_on_post(void **state)
{
    (void)state;
    struct request req;
    const char *token = "abcdefghijklmnopqrstuvwxyz012345"; /* 32 URL-safe characters */
    char cookie[64], body[64];
    snprintf(cookie, sizeof cookie, "bs_csrf=%s", token);

    post(&req, NULL, "a=1");
    assert_int_equal(last_status, 403);
    assert_int_equal(handler_calls, 0);
    request_free(&req);

    snprintf(body, sizeof body, "_csrf=%s", token);
    post(&req, NULL, body);
    assert_int_equal(last_status, 403);
    request_free(&req);

    post(&req, cookie, "_csrf=abcdefghijklmnopqrstuvwxyz012346");
    assert_int_equal(last_status, 403);
    request_free(&req);

    post(&req, cookie, "_csrf=short");
    assert_int_equal(last_status, 403);
    request_free(&req);

    post(&req, cookie, body);
    assert_int_equal(last_status, 0);
    assert_int_equal(handler_calls, 1);
    request_free(&req);

    post(&req, cookie, "_csrf=%zz");
    assert_int_equal(last_status, 400);
    request_free(&req);
}

/* The site's access check as the router sees it: it records what it was asked and lets in
 * whoever the test says, answering a refusal itself as staff_allow does. */
static unsigned access_flags_seen;
static int access_calls;
static bool access_grant;

static bool test_access(struct request *req, unsigned flags)
{
    access_calls++;
    access_flags_seen = flags;
    if (!access_grant)
        req->resp.status = 303;
    return access_grant;
}

static const struct route guarded[] = {
    {M_GET, "/open", ok_handler, 0},
    {M_GET, "/staff", ok_handler, ROUTE_STAFF},
    {M_GET, "/admin/*", ok_handler, ROUTE_ADMIN},
    {M_POST, "/staff", ok_handler, ROUTE_STAFF},
};

static void run_guarded(struct request *req, const char *method, const char *target,
                        const char *cookie, const char *body, access_fn may_enter)
{
    request_init(req);
    req->method_name = method;
    req->target = target;
    if (cookie)
        fields_add(&req->arena, &req->headers, "Cookie", cookie, strlen(cookie));
    if (body) {
        fields_add(&req->arena, &req->headers, "Content-Type",
                   "application/x-www-form-urlencoded", 33);
        req->body = body;
        req->body_len = strlen(body);
    }
    last_status = 0;
    handler_calls = 0;
    access_calls = 0;
    access_flags_seen = 0;
    http_dispatch(req, guarded, sizeof guarded / sizeof guarded[0], on_error, may_enter);
}

static void access_flags_are_checked_before_the_handler(void **state)
{
    (void)state;
    struct request req;

    /* An open route never asks. */
    access_grant = false;
    run_guarded(&req, "GET", "/open", NULL, NULL, test_access);
    assert_int_equal(access_calls, 0);
    assert_int_equal(handler_calls, 1);
    request_free(&req);

    /* Refused: the handler does not run, and the answer is the access check's own. */
    run_guarded(&req, "GET", "/staff", NULL, NULL, test_access);
    assert_int_equal(access_calls, 1);
    assert_int_equal(access_flags_seen, ROUTE_STAFF);
    assert_int_equal(handler_calls, 0);
    assert_int_equal(req.resp.status, 303);
    assert_int_equal(last_status, 0);
    request_free(&req);

    run_guarded(&req, "HEAD", "/admin/3", NULL, NULL, test_access);
    assert_int_equal(access_calls, 1);
    assert_true(access_flags_seen & ROUTE_ADMIN);
    assert_int_equal(handler_calls, 0);
    request_free(&req);

    /* Let in: the handler runs once, with its captures. */
    access_grant = true;
    run_guarded(&req, "GET", "/admin/3", NULL, NULL, test_access);
    assert_int_equal(access_calls, 1);
    assert_int_equal(handler_calls, 1);
    assert_string_equal(req.resp.body.data, "3");
    request_free(&req);

    /* A forged POST is refused as forged before anyone asks who sent it. */
    run_guarded(&req, "POST", "/staff", NULL, "a=1", test_access);
    assert_int_equal(last_status, 403);
    assert_int_equal(access_calls, 0);
    assert_int_equal(handler_calls, 0);
    request_free(&req);

    access_grant = false;
    run_guarded(&req, "POST", "/staff", "bs_csrf=abcdefghijklmnopqrstuvwxyz012345",
                "_csrf=abcdefghijklmnopqrstuvwxyz012345", test_access);
    assert_int_equal(access_calls, 1);
    assert_int_equal(handler_calls, 0);
    request_free(&req);

    /* Unknown paths are 404 without asking. */
    run_guarded(&req, "GET", "/staff/x", NULL, NULL, test_access);
    assert_int_equal(last_status, 404);
    assert_int_equal(access_calls, 0);
    request_free(&req);
}

static void guarded_route_without_a_check_is_refused(void **state)
{
    (void)state;
    struct request req;
    run_guarded(&req, "GET", "/staff", NULL, NULL, NULL);
    assert_int_equal(last_status, 403);
    assert_int_equal(handler_calls, 0);
    request_free(&req);
    run_guarded(&req, "GET", "/open", NULL, NULL, NULL);
    assert_int_equal(handler_calls, 1);
    request_free(&req);
}

static void csrf_token_is_issued_once(void **state)
{
    (void)state;
    struct request req;
    request_init(&req);
    const char *t1 = csrf_token(&req);
    assert_int_equal(strlen(t1), 32);
    assert_true(req.set_csrf_cookie);
    assert_ptr_equal(csrf_token(&req), t1);
    const char *header = csrf_cookie_header(&req);
    assert_non_null(strstr(header, "HttpOnly"));
    assert_non_null(strstr(header, "SameSite=Lax"));
    assert_null(strstr(header, "Secure"));
    request_free(&req);

    request_init(&req);
    req.https = true;
    csrf_token(&req);
    assert_non_null(strstr(csrf_cookie_header(&req), "; Secure"));
    request_free(&req);

    /* A well-formed cookie is reused and not set again. */
    request_init(&req);
    fields_add(&req.arena, &req.cookies, "bs_csrf", "abcdefghijklmnopqrstuvwxyz012345", 32);
    assert_string_equal(csrf_token(&req), "abcdefghijklmnopqrstuvwxyz012345");
    assert_false(req.set_csrf_cookie);
    request_free(&req);
}

/* The router refuses a whole form for bad text only on routes that have no typed field: every
 * POST route of the site either shows such text at its field or says it has none, never both. */
static void every_post_route_answers_bad_text_at_a_field_or_has_none(void **state)
{
    (void)state;
    size_t n = 0;
    const struct route *site = site_routes(&n);
    assert_true(n > 0);
    size_t posts = 0, checked = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(site[i].methods & M_POST))
            continue;
        posts++;
        bool at_field = site[i].flags & ROUTE_FIELD_CHECKS;
        bool no_text = site[i].flags & ROUTE_NO_TYPED_TEXT;
        if (at_field == no_text)
            fail_msg("POST %s: needs exactly one of ROUTE_FIELD_CHECKS, ROUTE_NO_TYPED_TEXT",
                     site[i].pattern);
        checked += at_field;
    }
    assert_true(posts > 0);
    assert_true(checked > posts / 2);
}

/* A route that says it has no typed field: bad text is refused as a whole before the handler;
 * a route with field checks gets the request with the field marked. */
static int field_handler_calls;
static void field_handler(struct request *req)
{
    field_handler_calls++;
    assert_true(request_form_bad(req, "titel"));
    req->resp.status = 400;
}

static void bad_text_reaches_only_field_checking_handlers(void **state)
{
    (void)state;
    static const struct route table[] = {
        {M_POST, "/veld", field_handler, ROUTE_FIELD_CHECKS | ROUTE_NO_CSRF},
        {M_POST, "/knop", field_handler, ROUTE_NO_TYPED_TEXT | ROUTE_NO_CSRF},
    };
    const char *paths[] = {"/veld", "/knop"};
    for (int i = 0; i < 2; i++) {
        struct request req;
        request_init(&req);
        req.method_name = "POST";
        req.target = paths[i];
        fields_add(&req.arena, &req.headers, "Content-Type", "application/x-www-form-urlencoded",
                   33);
        req.body = "titel=a%01b";
        req.body_len = strlen(req.body);
        field_handler_calls = 0;
        http_dispatch(&req, table, 2, on_error, NULL);
        assert_int_equal(req.resp.status, 400);
        assert_int_equal(field_handler_calls, i == 0 ? 1 : 0);
        request_free(&req);
    }
}

/* The request log line: UTC time, method, path with control bytes masked, status, duration. */
static void request_log_line(void **state)
{
    (void)state;
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(tmp), STDERR_FILENO);
    struct request req = {.method_name = "GET"};
    req.resp.status = 200;
    http_log_request(&req, "/initiatieven/12-a\x01" "b", http_clock_ms() - 1.26);
    req.method_name = "PROPFINDXYZW";
    req.resp.status = 405;
    http_log_request(&req, NULL, http_clock_ms() - 1234.5);
    dup2(saved, STDERR_FILENO);
    close(saved);
    char text[512] = {0};
    rewind(tmp);
    size_t n = fread(text, 1, sizeof text - 1, tmp);
    fclose(tmp);
    assert_true(n > 0);
    regex_t re;
    assert_int_equal(regcomp(&re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z "
                             "GET /initiatieven/12-a\\?b 200 1\\.[23]ms\n"
                             "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z "
                             "PROPFINDXY \\? 405 123[45]\\.[0-9]ms\n$",
                             REG_EXTENDED),
                     0);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (rc != 0)
        fail_msg("log lines: %s", text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(route_patterns),
        cmocka_unit_test(request_log_line),
        cmocka_unit_test(dispatch_statuses),
        cmocka_unit_test(csrf_is_checked_on_post),
        cmocka_unit_test(csrf_token_is_issued_once),
        cmocka_unit_test(access_flags_are_checked_before_the_handler),
        cmocka_unit_test(guarded_route_without_a_check_is_refused),
        cmocka_unit_test(every_post_route_answers_bad_text_at_a_field_or_has_none),
        cmocka_unit_test(bad_text_reaches_only_field_checking_handlers),
    };
    return cmocka_run_group_tests_name("router and dispatcher", tests, NULL, NULL);
}
