/* Small text helpers: UTF-8 validation, parsing integers strictly. */
#ifndef BS_TEXT_H
#define BS_TEXT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates) without NUL bytes. */
bool utf8_valid(const char *s, size_t len);
/* The one check for every text field, wherever it comes from (forms, CSV imports, settings). */
enum text_problem {
    TEXT_OK,
    TEXT_BAD_UTF8,     /* not well-formed UTF-8, or a NUL byte */
    TEXT_CONTROL,      /* a C0 or C1 control other than tab (and LF in multi-line text), DEL */
    TEXT_NONCHARACTER, /* U+FDD0..U+FDEF or U+xxFFFE/U+xxFFFF: never meant for interchange */
};
/* Checks s[0..len): multi-line text may hold LF and CR only as part of CRLF. Feeds and pages
 * stay valid XML and HTML whatever passes. */
enum text_problem text_check(const char *s, size_t len, bool multiline);
/* What text_check refuses, taken out in place: bytes that are not well-formed UTF-8, NUL,
 * controls, noncharacters, and in multi-line text a CR that is not part of CRLF. The new
 * length, with the NUL moved along. For showing refused input back without the bad part. */
size_t text_clean(char *s, size_t len, bool multiline);
/* Well-formed UTF-8 in its canonical composed form (Unicode NFC): "e" + U+0301 becomes "é",
 * so that names, e-mail addresses and titles that look the same compare the same. A new
 * NUL-terminated string (free() it) with its length in *out_len; NULL when s is not
 * well-formed UTF-8. */
char *text_nfc(const char *s, size_t len, size_t *out_len);
/* Rewrites CRLF as LF in place (what a browser sends for a textarea line break); the new
 * length, with the NUL moved along. A lone CR is left for text_check to refuse. */
size_t text_crlf_to_lf(char *s, size_t len);
/* Number of code points in well-formed UTF-8. */
size_t utf8_length(const char *s, size_t len);
/* Parses a whole decimal integer in [min, max]; false on anything else. */
bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* The one parser of amounts typed in euros: "7,50", "1.250", "1.250,50", "€ 12", "12,-"
 * (a dot before exactly three digits groups thousands; before one or two it is the decimal
 * point, as in "7.50"). Each refusal says why, for a message at the field. */
enum euros_result {
    EUROS_OK,
    EUROS_EMPTY,       /* nothing typed */
    EUROS_NOT_AMOUNT,  /* not an amount at all */
    EUROS_NEGATIVE,    /* a minus sign */
    EUROS_TOO_PRECISE, /* more than two digits after the comma */
    EUROS_TOO_LOW,     /* below min_cents */
    EUROS_TOO_HIGH,    /* above max_cents */
};
/* On EUROS_OK *out is the amount in cents; on a refusal *out is left alone. */
enum euros_result parse_euros(const char *s, int64_t min_cents, int64_t max_cents, int64_t *out);
/* parse_euros from 0 to max_cents: true when it is EUROS_OK. */
bool parse_cents(const char *s, int64_t max_cents, int64_t *out);
/* n in decimal as "%lld" writes it, without printf's machinery (numbers in every row of a
 * list, every log line); no NUL. Returns the length. */
size_t int_text(long long n, char out[20]);
/* Case-insensitive ASCII comparison. */
bool ascii_ieq(const char *a, const char *b);
bool ascii_ieqn(const char *a, const char *b, size_t n);

#include <time.h>
/* 'YYYY-MM-DD HH:MM:SS' in UTC, the form every timestamp has in the database. */
void utc_text(time_t t, char out[20]);
/* 'YYYY-MM-DDTHH:MM:SSZ', the same moment for <time datetime> and feeds. */
void utc_iso8601(time_t t, char out[21]);
/* Parses 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD' (UTC) into a time_t; -1 on failure. */
time_t parse_utc(const char *s);
/* localtime_r, quicker for times close together (a cached offset per hour, per thread). */
bool local_tm(time_t t, struct tm *out);
/* Local midnight (the process's TZ) at the start of a 'YYYY-MM-DD' date; -1 if not a date. */
time_t local_midnight(const char *yyyy_mm_dd);

#endif
