/* The invariants of SPEC.md §2, checked over the whole database. */
#ifndef BS_VERIFY_H
#define BS_VERIFY_H

#include <stdbool.h>

struct db;

/* Called once per breach with a one-line description. */
typedef void (*breach_fn)(void *ctx, const char *line);

/* Checks integrity, foreign keys, schema version, and every money and state invariant;
 * returns the number of breaches. */
int verify_all(struct db *db, breach_fn report, void *ctx);
/* full: verify_all. Otherwise the regular run: PRAGMA quick_check instead of integrity_check,
 * and the rules about single ledger rows only for the rows after the last clean run (every
 * total and summary is still recomputed). A clean run remembers the last ledger row. */
int verify_run(struct db *db, bool full, breach_fn report, void *ctx);

#endif
