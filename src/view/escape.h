/* Escapers, one per output context: the only way user text reaches a page. */
#ifndef BS_ESCAPE_H
#define BS_ESCAPE_H
#include <stddef.h>

#include "util/buf.h"

/* Text and attribute values: & < > " ' */
void escape_html(struct buf *out, const char *s, size_t len);
/* A URL query component (RFC 3986 unreserved kept, all else %XX). */
void escape_url(struct buf *out, const char *s, size_t len);
/* XML text for feeds (same set as HTML). */
#define escape_xml escape_html

#endif
