/* Request context lifetime and field lookup. */
#include "http/request.h"
#include "util/text.h"

#include <string.h>
#include <unistd.h>

void request_init(struct request *req)
{
    memset(req, 0, sizeof *req);
    req->path = "/";
    req->query = "";
    req->target = "/";
    req->method_name = "GET";
    req->resp.status = 200;
}

void request_free(struct request *req)
{
    if (req->resp.file_fd > 0)
        close(req->resp.file_fd);
    buf_free(&req->resp.body);
    arena_free(&req->arena);
}

void fields_add(struct arena *arena, struct fields *f, const char *name, const char *value,
                size_t value_len)
{
    if (f->count == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct field *items = arena_alloc(arena, cap * sizeof *items);
        if (f->count)
            memcpy(items, f->items, f->count * sizeof *items);
        f->items = items;
        f->cap = cap;
    }
    f->items[f->count++] = (struct field){.name = name, .value = value, .value_len = value_len};
}

const struct field *fields_get(const struct fields *f, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (strcmp(f->items[i].name, name) == 0)
            return &f->items[i];
    return NULL;
}

const char *fields_value(const struct fields *f, const char *name)
{
    const struct field *field = fields_get(f, name);
    return field ? field->value : NULL;
}

bool fields_any_bad(const struct fields *f)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->items[i].bad_text)
            return true;
    return false;
}

bool request_form_bad(const struct request *req, const char *name)
{
    for (size_t i = 0; i < req->form_fields.count; i++)
        if (req->form_fields.items[i].bad_text && strcmp(req->form_fields.items[i].name, name) == 0)
            return true;
    return false;
}

const char *request_header(const struct request *req, const char *name)
{
    for (size_t i = 0; i < req->headers.count; i++)
        if (ascii_ieq(req->headers.items[i].name, name))
            return req->headers.items[i].value;
    return NULL;
}

const char *request_query(const struct request *req, const char *name)
{
    return fields_value(&req->query_fields, name);
}

const char *request_form(const struct request *req, const char *name)
{
    return fields_value(&req->form_fields, name);
}

const char *request_cookie(const struct request *req, const char *name)
{
    return fields_value(&req->cookies, name);
}

void response_header(struct request *req, const char *name, const char *value)
{
    fields_add(&req->arena, &req->resp.headers, name, arena_strdup(&req->arena, value),
               strlen(value));
}

void response_set_header(struct request *req, const char *name, const char *value)
{
    struct fields *h = &req->resp.headers;
    for (size_t i = 0; i < h->count; i++) {
        if (ascii_ieq(h->items[i].name, name)) {
            h->items[i].value = arena_strdup(&req->arena, value);
            h->items[i].value_len = strlen(value);
            return;
        }
    }
    response_header(req, name, value);
}

const char *response_get_header(const struct request *req, const char *name)
{
    const struct fields *h = &req->resp.headers;
    for (size_t i = 0; i < h->count; i++)
        if (ascii_ieq(h->items[i].name, name))
            return h->items[i].value;
    return NULL;
}

const char *response_cookie(struct request *req, const char *name, const char *value,
                            const char *extra)
{
    return arena_printf(&req->arena, "%s%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
                        req->https ? COOKIE_SECURE_PREFIX : "", name, value, extra ? extra : "",
                        req->https ? "; Secure" : "");
}

void request_cookies_for_scheme(struct request *req)
{
    const size_t plen = strlen(COOKIE_SECURE_PREFIX);
    struct fields *c = &req->cookies;
    size_t kept = 0;
    for (size_t i = 0; i < c->count; i++) {
        struct field f = c->items[i];
        bool secure = strncmp(f.name, COOKIE_SECURE_PREFIX, plen) == 0;
        if (secure != req->https)
            continue;
        if (secure)
            f.name += plen;
        c->items[kept++] = f;
    }
    c->count = kept;
}
