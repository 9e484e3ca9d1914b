/* The request context: what both fronts fill in and every page handler reads and answers. */
#ifndef BS_REQUEST_H
#define BS_REQUEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/alloc.h"
#include "util/buf.h"

/* Limits on what a client may send; past them the request is refused (413 / 400 / 431). */
enum {
    LIMIT_URI = 4096,             /* request target, path + query */
    LIMIT_HEADERS = 16 * 1024,    /* all header names and values together */
    LIMIT_HEADER_COUNT = 64,
    LIMIT_BODY = 10 * 1024 * 1024, /* multipart, with a photo */
    LIMIT_FORM_BODY = 256 * 1024, /* urlencoded */
    LIMIT_FIELDS = 200,           /* query or form fields */
    LIMIT_COOKIES = 32,
};

enum method { M_OTHER = 0, M_GET = 1, M_HEAD = 2, M_POST = 4 };

/* A name and value pair: a query or form field, a header or a cookie. */
struct field {
    const char *name;
    const char *value;
    size_t value_len;
    const char *filename;     /* multipart file parts only */
    const char *content_type; /* multipart file parts only */
    /* The value held what the one text check refuses (invalid UTF-8, a control character, a
     * noncharacter): those were taken out of value, which must not be stored; the page says so
     * next to the field (page_bad_fields). */
    bool bad_text;
};

struct fields {
    struct field *items;
    size_t count, cap;
};

struct response {
    int status;
    struct fields headers;
    struct buf body;
    const char *static_body; /* borrowed body, used instead of buf when set */
    size_t static_len;
    int file_fd;             /* > 0: the body is this open file (a download), sent and closed */
    size_t file_len;
};

struct db;
struct app;
struct user;

struct request {
    struct arena arena;
    enum method method;
    const char *method_name;
    const char *target;   /* raw request target as received, path and query */
    const char *path;     /* decoded path, valid UTF-8 */
    const char *query;    /* raw query string, "" if none */
    struct fields headers;
    struct fields query_fields;
    struct fields form_fields;
    struct fields cookies;
    const char *body;
    size_t body_len;
    bool body_too_large; /* the front stopped reading past LIMIT_BODY */
    char client_addr[64];
    bool https;
    const char *params[4]; /* route pattern captures */
    const char *csrf_token; /* this client's token, set by the dispatcher */
    bool set_csrf_cookie;
    int refusal_status;          /* set by a front: answered instead of any route */
    const char *refusal_message; /* its Dutch explanation */
    struct db *db;
    const struct app *app;
    const struct user *user; /* staff behind the session, once looked up (pages/staff.c) */
    struct response resp;
};

void request_init(struct request *req);
void request_free(struct request *req);

void fields_add(struct arena *arena, struct fields *f, const char *name, const char *value,
                size_t value_len);
/* The first field with this name (case-sensitive), or NULL. */
const struct field *fields_get(const struct fields *f, const char *name);
const char *fields_value(const struct fields *f, const char *name);
/* True when some field has bad_text. */
bool fields_any_bad(const struct fields *f);

/* Header lookup, case-insensitive; NULL when absent. */
const char *request_header(const struct request *req, const char *name);
const char *request_query(const struct request *req, const char *name);
const char *request_form(const struct request *req, const char *name);
/* True when the form field name came with characters the text check refuses. */
bool request_form_bad(const struct request *req, const char *name);
const char *request_cookie(const struct request *req, const char *name);

void response_header(struct request *req, const char *name, const char *value);
/* Replaces a header if present. */
void response_set_header(struct request *req, const char *name, const char *value);
const char *response_get_header(const struct request *req, const char *name);

/* The prefix that marks a cookie set over HTTPS: Secure, Path=/, no Domain, so neither a plain
 * HTTP page nor a sibling domain can have planted it. */
#define COOKIE_SECURE_PREFIX "__Host-"
/* A Set-Cookie value for one of this site's cookies: Path=/; HttpOnly; SameSite=Lax, and
 * under HTTPS the __Host- name and Secure. extra (e.g. "; Max-Age=0") is appended. */
const char *response_cookie(struct request *req, const char *name, const char *value,
                            const char *extra);
/* Keeps the cookies of this request's scheme: under HTTPS only __Host- ones (read without the
 * prefix), otherwise only those without it. */
void request_cookies_for_scheme(struct request *req);

#endif
