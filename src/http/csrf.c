/* CSRF token handling: double-submit with an HttpOnly SameSite cookie; for a request with a
 * staff session cookie, the form's token is derived from the session and that cookie, so a
 * token seen on one staff member's page is worth nothing with another session. */
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

enum { SESSION_CHARS = 43 }; /* the staff session token (sessions.h), base64url */

static bool session_well_formed(const char *t)
{
    if (!t || strlen(t) != SESSION_CHARS)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

/* The token a form of this session carries: a keyed hash of session and cookie token. */
static void session_bound(const char *session, const char *cookie_token, char out[TOKEN_CHARS + 1])
{
    static const unsigned char key[] = "buurtsamen csrf v1 (session-bound)";
    unsigned char raw[TOKEN_BYTES];
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, sizeof key - 1, sizeof raw);
    crypto_generichash_update(&st, (const unsigned char *)session, strlen(session));
    crypto_generichash_update(&st, (const unsigned char *)"|", 1);
    crypto_generichash_update(&st, (const unsigned char *)cookie_token, strlen(cookie_token));
    crypto_generichash_final(&st, raw, sizeof raw);
    sodium_bin2base64(out, TOKEN_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static const char *cookie_token(struct request *req);

const char *csrf_token(struct request *req)
{
    const char *plain = cookie_token(req);
    const char *session = request_cookie(req, "bs_session");
    if (!session_well_formed(session))
        return plain;
    char *bound = arena_alloc(&req->arena, TOKEN_CHARS + 1);
    session_bound(session, plain, bound);
    return bound;
}

/* The cookie's token when well-formed, else a new one that the response will set. */
static const char *cookie_token(struct request *req)
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
    const char *session = request_cookie(req, "bs_session");
    if (session_well_formed(session)) {
        char bound[TOKEN_CHARS + 1];
        session_bound(session, cookie, bound);
        return sodium_memcmp(bound, field, TOKEN_CHARS) == 0;
    }
    return sodium_memcmp(cookie, field, TOKEN_CHARS) == 0;
}

const char *csrf_cookie_header(struct request *req)
{
    return response_cookie(req, CSRF_COOKIE, req->csrf_token, NULL);
}
