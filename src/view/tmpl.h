/*
 * A small logic-less template engine, mustache-like:
 *   {{name}}        value, HTML-escaped (dotted names reach into objects; {{.}} is the item)
 *   {{raw name}}    value unescaped: only for HTML the program itself built
 *   {{url name}}    value percent-encoded for a URL query component, then HTML-escaped
 *   {{paras name}}  plain text as escaped paragraphs with clickable links (format_paragraphs);
 *                   nothing for a value that is not a string
 *   {{local name}}  a UTC moment 'YYYY-MM-DD HH:MM:SS' as "3 november 2026 om 14:05" in the
 *                   local time zone (format_datetime); any other value as {{name}}
 *   {{#name}}..{{/name}}  section: once per array item, once for a true/non-empty value
 *   {{^name}}..{{/name}}  inverted section: when the value is false, empty or missing
 *   {{>name}}       partial: another template; {{>content}} is the page inside a layout
 *   {{! comment}}
 * Templates are parsed once into a set and rendered many times; a set is read-only after
 * loading, so threads share it.
 */
#ifndef BS_TMPL_H
#define BS_TMPL_H
#include <jansson.h>
#include <stdbool.h>

#include "util/buf.h"

struct tmpl_set;

struct tmpl_set *tmpl_set_new(void);
void tmpl_set_free(struct tmpl_set *set);
/* Parses and adds a template; on a syntax error returns false and writes a message to err. */
bool tmpl_set_add(struct tmpl_set *set, const char *name, const char *text, size_t len,
                  char *err, size_t err_size);
bool tmpl_set_has(const struct tmpl_set *set, const char *name);
/* Renders template `name` with `data` into out; `content` names the template that {{>content}}
 * stands for (NULL if none). Returns false when a template is missing. */
bool tmpl_render(const struct tmpl_set *set, const char *name, const char *content, json_t *data,
                 struct buf *out);

#endif
