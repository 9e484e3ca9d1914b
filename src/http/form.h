/* Parsers for what a client sends: percent-encoding, query strings, form bodies, cookies. */
#ifndef BS_FORM_H
#define BS_FORM_H
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

enum form_error {
    FORM_OK = 0,
    FORM_BAD_ESCAPE,   /* '%' not followed by two hex digits */
    FORM_BAD_UTF8,     /* invalid UTF-8 or a NUL byte after decoding */
    FORM_TOO_MANY,     /* more than LIMIT_FIELDS fields */
    FORM_BAD_MULTIPART, /* missing boundary, malformed part */
    FORM_BAD_TEXT       /* a control character or noncharacter in a field (see text_check) */
};

/* Decodes %XX escapes (and '+' as space when asked) into a new arena string. */
enum form_error url_decode(struct arena *arena, const char *s, size_t len, bool plus_is_space,
                           char **out, size_t *out_len);
/* a=1&b=2 into fields, for urlencoded bodies: a value that the one text check refuses marks
 * its field (bad_text, the refused characters taken out), values are kept in NFC. */
enum form_error form_parse_urlencoded(struct arena *arena, const char *s, size_t len,
                                      struct fields *out);
/* The same for a query string, which has no form to come back to: such a value refuses the
 * whole (FORM_BAD_UTF8, FORM_BAD_TEXT). */
enum form_error form_parse_query(struct arena *arena, const char *s, size_t len,
                                 struct fields *out);
/* multipart/form-data; content_type is the whole Content-Type header value. */
enum form_error form_parse_multipart(struct arena *arena, const char *content_type,
                                     const char *body, size_t len, struct fields *out);
/* Cookie: a=1; b=2 — malformed pairs are skipped, as browsers send what they like. */
void cookies_parse(struct arena *arena, const char *header, struct fields *out);
/* A short Dutch explanation of the error, for the 400 page. */
const char *form_error_message(enum form_error err);

#endif
