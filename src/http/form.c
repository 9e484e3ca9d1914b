/* Query, form and cookie parsing; every parser is bounded and rejects what it cannot read. */
#include "http/form.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decoding alone, into a new arena string. */
static enum form_error percent_decode(struct arena *arena, const char *s, size_t len,
                                      bool plus_is_space, char **out, size_t *out_len)
{
    char *d = arena_alloc(arena, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 1 < len ? hex_value(s[i + 1]) : -1;
            int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return FORM_BAD_ESCAPE;
            c = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        d[n++] = c;
    }
    d[n] = '\0';
    *out = d;
    *out_len = n;
    return FORM_OK;
}

enum form_error url_decode(struct arena *arena, const char *s, size_t len, bool plus_is_space,
                           char **out, size_t *out_len)
{
    char *d;
    size_t n;
    enum form_error err = percent_decode(arena, s, len, plus_is_space, &d, &n);
    if (err)
        return err;
    if (!utf8_valid(d, n))
        return FORM_BAD_UTF8;
    /* Every field goes through the one text check; any field may be a textarea, so line
     * breaks pass (as LF), other controls and noncharacters never reach a page. */
    n = text_crlf_to_lf(d, n);
    if (text_check(d, n, true) != TEXT_OK)
        return FORM_BAD_TEXT;
    *out = d;
    *out_len = n;
    return FORM_OK;
}

/* A field's value through the one text check, in place in arena memory: CRLF as LF, what the
 * check refuses taken out (*bad then true), the rest in NFC. Returns the value to keep. */
static char *checked_value(struct arena *arena, char *value, size_t *len, bool *bad)
{
    *bad = !utf8_valid(value, *len);
    if (*bad)
        *len = text_clean(value, *len, true);
    *len = text_crlf_to_lf(value, *len);
    if (text_check(value, *len, true) != TEXT_OK) {
        *bad = true;
        *len = text_clean(value, *len, true);
    }
    size_t n;
    char *nfc = text_nfc(value, *len, &n);
    if (!nfc)
        return value; /* cannot happen: the value is well-formed by now */
    if (n != *len || memcmp(nfc, value, n) != 0) {
        value = arena_strndup(arena, nfc, n);
        *len = n;
    }
    free(nfc);
    return value;
}

/* A value of a query or an urlencoded form: an escape error refuses the whole; text the check
 * refuses marks the field (see checked_value). */
static enum form_error value_decode(struct arena *arena, const char *s, size_t len, char **out,
                                    size_t *out_len, bool *bad)
{
    enum form_error err = percent_decode(arena, s, len, true, out, out_len);
    if (err)
        return err;
    *out = checked_value(arena, *out, out_len, bad);
    return FORM_OK;
}

static enum form_error parse_pairs(struct arena *arena, const char *s, size_t len,
                                   struct fields *out, bool strict)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && s[end] != '&' && s[end] != ';')
            end++;
        if (end > i) {
            size_t eq = i;
            while (eq < end && s[eq] != '=')
                eq++;
            char *name, *value;
            size_t name_len, value_len;
            bool bad = false;
            enum form_error err = url_decode(arena, s + i, eq - i, true, &name, &name_len);
            if (err)
                return err;
            if (strict) {
                err = url_decode(arena, eq < end ? s + eq + 1 : "", eq < end ? end - eq - 1 : 0,
                                 true, &value, &value_len);
                if (!err) /* well-formed and clean: only into NFC */
                    value = checked_value(arena, value, &value_len, &bad);
            } else
                err = value_decode(arena, eq < end ? s + eq + 1 : "",
                                   eq < end ? end - eq - 1 : 0, &value, &value_len, &bad);
            if (err)
                return err;
            if (out->count >= LIMIT_FIELDS)
                return FORM_TOO_MANY;
            fields_add(arena, out, name, value, value_len);
            out->items[out->count - 1].bad_text = bad;
        }
        i = end + 1;
    }
    return FORM_OK;
}

enum form_error form_parse_urlencoded(struct arena *arena, const char *s, size_t len,
                                      struct fields *out)
{
    return parse_pairs(arena, s, len, out, false);
}

enum form_error form_parse_query(struct arena *arena, const char *s, size_t len,
                                 struct fields *out)
{
    return parse_pairs(arena, s, len, out, true);
}

static const char *memmem_bounded(const char *hay, size_t hay_len, const char *needle,
                                  size_t needle_len)
{
    if (needle_len == 0 || hay_len < needle_len)
        return NULL;
    const char *last = hay + hay_len - needle_len;
    for (const char *p = hay; p <= last; p++) {
        p = memchr(p, needle[0], (size_t)(last - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, needle_len) == 0)
            return p;
    }
    return NULL;
}

/* Extracts a parameter such as boundary=... or name="..." from a header value. */
static char *header_param(struct arena *arena, const char *value, size_t len, const char *param)
{
    size_t plen = strlen(param);
    size_t i = 0;
    while (i < len) {
        while (i < len && (value[i] == ';' || value[i] == ' ' || value[i] == '\t'))
            i++;
        size_t start = i;
        while (i < len && value[i] != '=' && value[i] != ';')
            i++;
        if (i >= len || value[i] != '=') {
            continue;
        }
        bool match = i - start == plen && ascii_ieqn(value + start, param, plen);
        i++;
        size_t vstart, vend;
        if (i < len && value[i] == '"') {
            vstart = ++i;
            while (i < len && value[i] != '"')
                i++;
            vend = i;
            if (i < len)
                i++;
        } else {
            vstart = i;
            while (i < len && value[i] != ';' && value[i] != ' ')
                i++;
            vend = i;
        }
        if (match)
            return arena_strndup(arena, value + vstart, vend - vstart);
    }
    return NULL;
}

enum form_error form_parse_multipart(struct arena *arena, const char *content_type,
                                     const char *body, size_t len, struct fields *out)
{
    char *boundary = header_param(arena, content_type, strlen(content_type), "boundary");
    if (!boundary || !*boundary || strlen(boundary) > 70)
        return FORM_BAD_MULTIPART;
    size_t blen = strlen(boundary);
    char *delim = arena_alloc(arena, blen + 5);
    delim[0] = '\r', delim[1] = '\n', delim[2] = '-', delim[3] = '-';
    memcpy(delim + 4, boundary, blen + 1);
    size_t dlen = blen + 4;

    /* The first delimiter may come without the leading CRLF. */
    const char *p;
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
        p = body + dlen - 2;
    else if ((p = memmem_bounded(body, len, delim, dlen)) != NULL)
        p += dlen;
    else
        return FORM_BAD_MULTIPART;
    const char *end = body + len;

    for (;;) {
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            return FORM_OK; /* closing delimiter */
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return FORM_BAD_MULTIPART;
        p += 2;
        const char *headers_end = memmem_bounded(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!headers_end)
            return FORM_BAD_MULTIPART;
        char *name = NULL, *filename = NULL, *ctype = NULL;
        const char *h = p;
        while (h < headers_end) {
            const char *eol = memmem_bounded(h, (size_t)(headers_end + 2 - h), "\r\n", 2);
            if (!eol)
                eol = headers_end;
            const char *colon = memchr(h, ':', (size_t)(eol - h));
            if (colon) {
                size_t nlen = (size_t)(colon - h);
                const char *v = colon + 1;
                while (v < eol && (*v == ' ' || *v == '\t'))
                    v++;
                if (nlen == 19 && ascii_ieqn(h, "Content-Disposition", 19)) {
                    name = header_param(arena, v, (size_t)(eol - v), "name");
                    filename = header_param(arena, v, (size_t)(eol - v), "filename");
                } else if (nlen == 12 && ascii_ieqn(h, "Content-Type", 12)) {
                    ctype = arena_strndup(arena, v, (size_t)(eol - v));
                }
            }
            h = eol + 2;
        }
        const char *data = headers_end + 4;
        const char *next = memmem_bounded(data, (size_t)(end - data), delim, dlen);
        if (!next || !name)
            return FORM_BAD_MULTIPART;
        size_t data_len = (size_t)(next - data);
        if (!utf8_valid(name, strlen(name)))
            return FORM_BAD_UTF8;
        if (text_check(name, strlen(name), false) != TEXT_OK)
            return FORM_BAD_TEXT;
        char *value = arena_strndup(arena, data, data_len);
        bool bad = false;
        if (!filename)
            value = checked_value(arena, value, &data_len, &bad);
        if (filename && !utf8_valid(filename, strlen(filename)))
            return FORM_BAD_UTF8;
        if (out->count >= LIMIT_FIELDS)
            return FORM_TOO_MANY;
        fields_add(arena, out, name, value, data_len);
        out->items[out->count - 1].filename = filename;
        out->items[out->count - 1].content_type = ctype;
        out->items[out->count - 1].bad_text = bad;
        p = next + dlen;
    }
}

void cookies_parse(struct arena *arena, const char *header, struct fields *out)
{
    const char *p = header;
    while (*p && out->count < LIMIT_COOKIES) {
        while (*p == ' ' || *p == ';')
            p++;
        const char *name = p;
        while (*p && *p != '=' && *p != ';')
            p++;
        if (*p != '=') {
            continue;
        }
        size_t name_len = (size_t)(p - name);
        while (name_len && name[name_len - 1] == ' ')
            name_len--;
        const char *value = ++p;
        while (*value == ' ')
            value++;
        p = value;
        while (*p && *p != ';')
            p++;
        size_t value_len = (size_t)(p - value);
        while (value_len && value[value_len - 1] == ' ')
            value_len--;
        if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"')
            value++, value_len -= 2;
        if (name_len && utf8_valid(name, name_len) && utf8_valid(value, value_len))
            fields_add(arena, out, arena_strndup(arena, name, name_len),
                       arena_strndup(arena, value, value_len), value_len);
    }
}

const char *form_error_message(enum form_error err)
{
    switch (err) {
    case FORM_OK:
        return "";
    case FORM_BAD_ESCAPE:
        return "Het adres of formulier bevat een ongeldige %-codering.";
    case FORM_BAD_UTF8:
        return "Het adres of formulier bevat tekens die geen geldige UTF-8 zijn.";
    case FORM_TOO_MANY:
        return "Het verzoek bevat te veel velden.";
    case FORM_BAD_MULTIPART:
        return "Het formulier kon niet worden gelezen.";
    case FORM_BAD_TEXT:
        return "Het formulier bevat een onzichtbaar stuurteken of een ongeldig teken (vaak uit "
               "gekopieerde tekst). Haal het weg en verstuur het formulier opnieuw.";
    }
    return "Het verzoek kon niet worden gelezen.";
}
