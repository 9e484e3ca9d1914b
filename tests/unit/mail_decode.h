/* Small decoders of mail text for the mail tests, independent of the code under test: quoted-
 * printable, headers, RFC 2047 encoded words, line ends. Include after cmocka.h. */
#ifndef BS_MAIL_DECODE_H
#define BS_MAIL_DECODE_H
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

static inline int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Quoted-printable to bytes; soft breaks may be "=\r\n" (as formatted) or "=\n" (as piped).
 * Only the uppercase hex that RFC 2045 prescribes is accepted. */
static inline char *qp_decode(const char *s)
{
    struct buf out = {0};
    while (*s) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=' && s[1] == '\n') {
            s += 2;
        } else if (s[0] == '=') {
            int hi = hex_value(s[1]), lo = hex_value(s[2]);
            assert_true(hi >= 0 && lo >= 0);
            buf_putc(&out, (char)(hi * 16 + lo));
            s += 3;
        } else {
            buf_putc(&out, *s++);
        }
    }
    buf_putc(&out, '\0');
    out.len--;
    return buf_detach(&out);
}

/* The value of header name (unfolded, without the leading space), or NULL. */
static inline char *header_value(const char *message, const char *name, const char *eol)
{
    size_t name_len = strlen(name), eol_len = strlen(eol);
    const char *end_of_headers = strstr(message, eol[1] ? "\r\n\r\n" : "\n\n");
    assert_non_null(end_of_headers);
    for (const char *line = message; line < end_of_headers;) {
        const char *next = strstr(line, eol) + eol_len;
        if (strncmp(line, name, name_len) == 0 && line[name_len] == ':') {
            struct buf v = {0};
            const char *p = line + name_len + 1;
            for (;;) {
                const char *e = strstr(p, eol);
                buf_append(&v, p, (size_t)(e - p));
                p = e + eol_len;
                if (*p != ' ' && *p != '\t')
                    break;
            }
            buf_putc(&v, '\0');
            v.len--;
            char *value = buf_detach(&v);
            if (value[0] == ' ')
                memmove(value, value + 1, strlen(value));
            return value;
        }
        line = next;
    }
    return NULL;
}

/* Decodes a Subject made of =?UTF-8?B?...?= words separated by white space, checking that each
 * word is at most 75 characters and decodes to whole UTF-8 characters. */
static inline char *decode_encoded_words(const char *value)
{
    struct buf out = {0};
    const char *p = value;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - p <= 75);
        unsigned char bin[128];
        size_t bin_len = 0;
        assert_int_equal(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(end - (p + 10)), NULL,
                                           &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_true(utf8_valid((const char *)bin, bin_len));
        buf_append(&out, (const char *)bin, bin_len);
        p = end + 2;
    }
    buf_putc(&out, '\0');
    out.len--;
    return buf_detach(&out);
}

/* Every line ends with CRLF (no bare CR or LF) and is at most max characters. */
static inline void assert_crlf_lines(const char *text, size_t max)
{
    size_t col = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\r') {
            assert_int_equal(p[1], '\n');
            p++;
            col = 0;
            continue;
        }
        assert_int_not_equal(*p, '\n');
        col++;
        assert_true(col <= max);
    }
    assert_int_equal(col, 0);
}

#endif
