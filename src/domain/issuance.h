/* Voucher issuance: one voucher per household per round, and replacements for lost letters.
 * The plain codes leave this module only through the letter callback, to the printer file. */
#ifndef BS_ISSUANCE_H
#define BS_ISSUANCE_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/codes.h"

struct db;

struct letter {
    int64_t household_id, voucher_id;
    char postcode[8];
    char house_number[24]; /* formatted: 12a */
    const char *street, *city, *area;
    const char *wijk; /* the wijk or dorp the voucher may go to (a buurt's parent); NULL: area */
    char code[CODE_DISPLAY]; /* XXXX-XXXX-XXXX-XXXX */
    int64_t value_cents;
};

struct issue_sink {
    void *ctx;
    bool (*letter)(void *ctx, const struct letter *letter); /* false aborts, nothing issued */
    bool (*finish)(void *ctx);  /* called before commit: flush and sync; false aborts */
    void (*progress)(void *ctx, long done, long total);
};

/* Issues vouchers for every household without one in the round, in one transaction.
 * Returns the number issued, or -1 (nothing issued) with a reason in err. */
long vouchers_issue(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t round_id,
                    time_t now, const struct issue_sink *sink, char *err, size_t err_size);

/* A lost letter: voids the household's unused voucher of the round and issues a new one.
 * Refused when the voucher was used already. Returns true when a new letter was written. */
bool vouchers_replace(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t round_id,
                      const char *postcode, int64_t number, const char *addition, time_t now,
                      const struct issue_sink *sink, char *err, size_t err_size);

#endif
