/* Amounts of money as residents type them, the Dutch way: "1.250", "1250,00", "€ 1.250",
 * "49,95", "1250,-"; and written back for messages. Amounts are int64 cents. */
#ifndef BS_AMOUNT_H
#define BS_AMOUNT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum amount_result {
    AMOUNT_OK,
    AMOUNT_EMPTY,     /* nothing but blanks */
    AMOUNT_INVALID,   /* not an amount: letters, a minus, "1,234", "1.2.3" */
    AMOUNT_HAS_CENTS, /* whole euros were asked, and the cents are not 00 */
    AMOUNT_TOO_LARGE, /* above max_cents */
};

/* Parses an amount into *cents. An optional "€" and blanks (also no-break spaces) around it;
 * euros with or without thousands dots ("1.250", "12.500.000"); then optionally a decimal
 * comma with one or two digits or "-" ("1250,00", "7,5", "1250,-"). A dot followed by one or
 * two digits at the end is read as a decimal point ("49.95"), one followed by three as a
 * thousands dot: Dutch "1.250" is twelve hundred and fifty euros. whole_euros: the cents
 * must be 00. *cents is set only on AMOUNT_OK. */
enum amount_result amount_parse(const char *s, bool whole_euros, int64_t max_cents, int64_t *cents);
/* "€ 1.250" or "€ 49,95", with a no-break space after the euro sign (so it never ends a
 * line away from its amount); "-€ 5,00" below zero. The one money formatter. */
void amount_format(int64_t cents, char *out, size_t size);

#endif
