/* Amounts the Dutch way, for the initiator's forms: parse_euros (util/text.c) reads them,
 * amount_parse says what a whole-euro field needs; amount_format writes every amount. */
#include "util/amount.h"
#include "util/text.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum amount_result amount_parse(const char *s, bool whole_euros, int64_t max_cents, int64_t *cents)
{
    int64_t c;
    switch (parse_euros(s, 0, max_cents, &c)) {
    case EUROS_OK:
        break;
    case EUROS_EMPTY:
        return AMOUNT_EMPTY;
    case EUROS_TOO_HIGH:
        return AMOUNT_TOO_LARGE;
    default:
        return AMOUNT_INVALID;
    }
    if (whole_euros && c % 100 != 0)
        return AMOUNT_HAS_CENTS;
    *cents = c;
    return AMOUNT_OK;
}

void amount_format(int64_t cents, char *out, size_t size)
{
    /* Digit by digit, not snprintf: a staff page writes three amounts per row. */
    uint64_t v = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    char digits[24], text[64];
    int n = 0;
    uint64_t euros = v / 100;
    do {
        digits[n++] = (char)('0' + euros % 10);
        euros /= 10;
    } while (euros);
    size_t len = 0;
    if (cents < 0)
        text[len++] = '-';
    memcpy(text + len, "\xe2\x82\xac\xc2\xa0", 5);
    len += 5;
    for (int i = n - 1; i >= 0; i--) {
        text[len++] = digits[i];
        if (i && i % 3 == 0)
            text[len++] = '.';
    }
    if (v % 100 || cents < 0) { /* a sum below zero always shows its cents: "-€ 5,00" */
        text[len++] = ',';
        text[len++] = (char)('0' + v % 100 / 10);
        text[len++] = (char)('0' + v % 10);
    }
    if (!size)
        return;
    if (len >= size)
        len = size - 1; /* cut short, as snprintf would */
    memcpy(out, text, len);
    out[len] = '\0';
}
