/* CSRF token handling (double-submit, bound to an HttpOnly SameSite cookie). */
#include "http/csrf.h"

#include <sodium.h>
#include <string.h>

enum { TOKEN_BYTES = 24, TOKEN_CHARS = 32 }; /* base64url without padding */

static bool token_well_formed(const char *t)
{
    if (!t || strlen(t) != TOKEN_CHARS)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

const char *csrf_token(struct request *req)
{
    if (req->csrf_token)
        return req->csrf_token;
    const char *cookie = request_cookie(req, CSRF_COOKIE);
    if (token_well_formed(cookie)) {
        req->csrf_token = cookie;
        return cookie;
    }
    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof raw);
    char *token = arena_alloc(&req->arena, TOKEN_CHARS + 1);
    sodium_bin2base64(token, TOKEN_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    req->csrf_token = token;
    req->set_csrf_cookie = true;
    return token;
}

bool csrf_valid(const struct request *req)
{
    const char *cookie = request_cookie(req, CSRF_COOKIE);
    const char *field = request_form(req, CSRF_FIELD);
    if (!token_well_formed(cookie) || !token_well_formed(field))
        return false;
    return sodium_memcmp(cookie, field, TOKEN_CHARS) == 0;
}

const char *csrf_cookie_header(struct request *req)
{
    return response_cookie(req, CSRF_COOKIE, req->csrf_token, NULL);
}
