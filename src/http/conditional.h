/* Conditional GET (RFC 9110 §13): ETag and Last-Modified on answers, 304 when the client's
 * copy is current. */
#ifndef BS_CONDITIONAL_H
#define BS_CONDITIONAL_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct request;

/* An IMF-fixdate ("Tue, 01 Dec 2026 12:00:00 GMT"). */
void http_date_format(char *out, size_t size, time_t t);
/* Parses an IMF-fixdate; -1 when it is not one. */
time_t http_date_parse(const char *s);
/* True when an If-None-Match header value lists this entity tag (or is "*"); weak
 * comparison, as RFC 9110 asks for If-None-Match. */
bool http_etag_matches(const char *header, const char *etag);

/* For a successful GET or HEAD with a body in memory and not marked no-store: a strong ETag
 * from the body when the handler set none. */
void http_etag(struct request *req);
/* For a successful GET or HEAD with a body in memory: adds a strong ETag from the body when the
 * handler set none, and turns the answer into 304 Not Modified when If-None-Match lists it or
 * (without If-None-Match) If-Modified-Since is not older than Last-Modified. Answers marked
 * no-store are left alone. */
void http_conditional(struct request *req);

#endif
