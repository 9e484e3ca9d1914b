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
