/* Amounts the Dutch way: the one parser for every amount a person types. */
#include "util/amount.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { MAX_EURO_DIGITS = 12 };

/* Skips spaces, tabs, no-break spaces (U+00A0) and narrow no-break spaces (U+202F). */
static const char *skip_blanks(const char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t')
            s++;
        else if ((unsigned char)s[0] == 0xc2 && (unsigned char)s[1] == 0xa0)
            s += 2;
        else if ((unsigned char)s[0] == 0xe2 && (unsigned char)s[1] == 0x80 &&
                 (unsigned char)s[2] == 0xaf)
            s += 3;
        else
            return s;
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* How many digits start at s. */
static int digit_run(const char *s)
{
    int n = 0;
    while (is_digit(s[n]))
        n++;
    return n;
}

enum amount_result amount_parse(const char *s, bool whole_euros, int64_t max_cents, int64_t *cents)
{
    if (!s)
        return AMOUNT_EMPTY;
    s = skip_blanks(s);
    if (!*s)
        return AMOUNT_EMPTY;
    if (!strncmp(s, "\xe2\x82\xac", 3)) /* the euro sign */
        s = skip_blanks(s + 3);
    int run = digit_run(s);
    if (run == 0 || run > MAX_EURO_DIGITS)
        return AMOUNT_INVALID;
    int64_t euros = 0;
    int digits = 0;
    for (int i = 0; i < run; i++, digits++)
        euros = euros * 10 + (s[i] - '0');
    s += run;
    /* Thousands dots: the first group has one to three digits, every next one exactly three. */
    bool grouped = false;
    while (*s == '.' && digit_run(s + 1) == 3 && (grouped || run <= 3)) {
        if ((digits += 3) > MAX_EURO_DIGITS)
            return AMOUNT_INVALID;
        for (int i = 1; i <= 3; i++)
            euros = euros * 10 + (s[i] - '0');
        s += 4;
        grouped = true;
    }
    int64_t rest = 0;
    if (*s == ',' || (*s == '.' && !grouped)) {
        s++;
        int decimals = digit_run(s);
        if (decimals == 0 && *s == '-') {
            s += s[1] == '-' ? 2 : 1; /* "1250,-" and "1250,--": whole euros */
        } else if (decimals == 1 || decimals == 2) {
            rest = (s[0] - '0') * 10 + (decimals == 2 ? s[1] - '0' : 0);
            s += decimals;
        } else {
            return AMOUNT_INVALID;
        }
    }
    s = skip_blanks(s);
    if (*s)
        return AMOUNT_INVALID;
    if (euros > (INT64_MAX - 99) / 100 || euros * 100 + rest > max_cents)
        return AMOUNT_TOO_LARGE;
    if (whole_euros && rest != 0)
        return AMOUNT_HAS_CENTS;
    *cents = euros * 100 + rest;
    return AMOUNT_OK;
}

void amount_format(int64_t cents, char *out, size_t size)
{
    uint64_t v = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%" PRIu64, v / 100);
    int g = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            grouped[g++] = '.';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    if (v % 100 || cents < 0) /* a sum below zero always shows its cents: "-€ 5,00" */
        snprintf(out, size, "%s\xe2\x82\xac\xc2\xa0%s,%02" PRIu64, cents < 0 ? "-" : "", grouped,
                 v % 100);
    else
        snprintf(out, size, "\xe2\x82\xac\xc2\xa0%s", grouped);
}
