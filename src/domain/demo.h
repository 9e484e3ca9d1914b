/* Demo data with a real ledger: rounds, households, vouchers and donations that bring the
 * demo initiatives to the totals and states of sql/demo.sql. */
#ifndef BS_DEMO_H
#define BS_DEMO_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "domain/codes.h"

struct db;

enum { DEMO_CODES = 6 };

struct demo_code {
    char code[CODE_DISPLAY];
    char area[96];
    char address[64];
    bool used; /* donated already: shows the 'already used' message */
};

struct demo_result {
    long households, vouchers, donations;
    struct demo_code codes[DEMO_CODES + 1];
    size_t ncodes;
};

/* Runs after sql/demo.sql; all in one transaction per donation as the site does it. */
bool demo_generate(struct db *db, const unsigned char secret[SECRET_BYTES], time_t now,
                   struct demo_result *result, char *err, size_t err_size);

#endif
