/* The invariants of SPEC.md §2, checked over the whole database. */
#ifndef BS_VERIFY_H
#define BS_VERIFY_H

struct db;

/* Called once per breach with a one-line description. */
typedef void (*breach_fn)(void *ctx, const char *line);

/* Checks integrity, foreign keys, schema version, and every money and state invariant;
 * returns the number of breaches. */
int verify_all(struct db *db, breach_fn report, void *ctx);

#endif
