/* Static files. */
#include "http/static.h"
#include "http/conditional.h"
#include "util/assets.h"

#include <stdio.h>
#include <string.h>

const char *static_mime_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

bool static_serve(struct request *req)
{
    const char *rel = req->params[0];
    if (!rel || !*rel || strstr(rel, "..") || strlen(rel) > 200)
        return false;
    char name[256];
    snprintf(name, sizeof name, "static/%s", rel);
    const struct asset *a = asset_find(name);
    if (!a)
        return false;
    response_header(req, "ETag", a->etag);
    response_header(req, "Cache-Control", "public, max-age=3600");
    const char *inm = request_header(req, "If-None-Match");
    if (inm && http_etag_matches(inm, a->etag)) {
        req->resp.status = 304;
        return true;
    }
    response_header(req, "Content-Type", static_mime_type(name));
    req->resp.static_body = (const char *)a->data;
    req->resp.static_len = a->len;
    return true;
}
