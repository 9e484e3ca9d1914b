/* Conditional GET: entity tags from the body, 304 Not Modified. */
#include "http/conditional.h"
#include "http/request.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void http_date_format(char *out, size_t size, time_t t)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

time_t http_date_parse(const char *s)
{
    struct tm tm = {0};
    const char *end = s ? strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm) : NULL;
    if (!end || *end)
        return (time_t)-1;
    return timegm(&tm);
}

/* The opaque part of an entity tag, without W/ and quotes. */
static void opaque(const char *tag, size_t len, const char **start, size_t *n)
{
    if (len >= 2 && tag[0] == 'W' && tag[1] == '/')
        tag += 2, len -= 2;
    if (len >= 2 && tag[0] == '"' && tag[len - 1] == '"')
        tag++, len -= 2;
    *start = tag;
    *n = len;
}

bool http_etag_matches(const char *header, const char *etag)
{
    const char *want;
    size_t want_len;
    opaque(etag, strlen(etag), &want, &want_len);
    const char *p = header;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        if (*p == '*')
            return true;
        const char *tag = p;
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p == '"') {
            const char *close = strchr(p + 1, '"');
            p = close ? close + 1 : p + strlen(p);
        } else {
            while (*p && *p != ',')
                p++;
        }
        const char *have;
        size_t have_len;
        opaque(tag, (size_t)(p - tag), &have, &have_len);
        if (have_len == want_len && memcmp(have, want, want_len) == 0)
            return true;
    }
    return false;
}

/* Only successful GETs with the body in memory, and not those marked no-store. */
static bool conditional_applies(const struct request *req)
{
    if ((req->method != M_GET && req->method != M_HEAD) || req->resp.status != 200 ||
        req->resp.file_fd > 0)
        return false;
    const char *cache = response_get_header(req, "Cache-Control");
    return !(cache && strstr(cache, "no-store"));
}

void http_etag(struct request *req)
{
    if (!conditional_applies(req) || response_get_header(req, "ETag"))
        return;
    const unsigned char *body = req->resp.static_body ? (const unsigned char *)req->resp.static_body
                                                      : (const unsigned char *)req->resp.body.data;
    size_t len = req->resp.static_body ? req->resp.static_len : req->resp.body.len;
    /* SipHash with a fixed key: not a secret, only a fast fingerprint of the bytes. */
    static const unsigned char key[crypto_shorthash_KEYBYTES] = "buurtsamen-etag";
    unsigned char hash[crypto_shorthash_BYTES];
    crypto_shorthash(hash, body ? body : (const unsigned char *)"", len, key);
    char hex[2 * crypto_shorthash_BYTES + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    char tag[sizeof hex + 16];
    snprintf(tag, sizeof tag, "\"%s-%zx\"", hex, len);
    response_set_header(req, "ETag", tag);
}

void http_conditional(struct request *req)
{
    if (!conditional_applies(req))
        return;
    http_etag(req);
    const char *etag = response_get_header(req, "ETag");
    bool fresh = false;
    const char *inm = request_header(req, "If-None-Match");
    if (inm) {
        fresh = http_etag_matches(inm, etag);
    } else {
        const char *ims = request_header(req, "If-Modified-Since");
        const char *lm = response_get_header(req, "Last-Modified");
        time_t since = ims ? http_date_parse(ims) : (time_t)-1;
        time_t modified = lm ? http_date_parse(lm) : (time_t)-1;
        fresh = since != (time_t)-1 && modified != (time_t)-1 && modified <= since;
    }
    if (!fresh)
        return;
    req->resp.status = 304;
    req->resp.static_body = NULL;
    req->resp.static_len = 0;
    buf_reset(&req->resp.body);
}
