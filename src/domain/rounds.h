/* Voucher rounds: name, when they open and close, and what a voucher is worth. */
#ifndef BS_ROUNDS_H
#define BS_ROUNDS_H
#include <jansson.h>
#include <stdint.h>
#include <time.h>

struct db;

enum round_error {
    ROUND_OK,
    ROUND_BAD_NAME,
    ROUND_BAD_DATES,
    ROUND_OVERLAP,
    ROUND_DUPLICATE,
    ROUND_DB,
    ROUND_NOT_FOUND, /* no round with this id */
    ROUND_STARTED,   /* an edit of a round that opened already or has vouchers */
    ROUND_BAD_VALUE  /* a voucher worth nothing or more than € 1000 */
};

/* Adds a round open from local midnight of `opens` to the end of the local day `closes`. */
enum round_error round_add(struct db *db, const char *name, time_t opens, time_t closes,
                           int64_t voucher_cents, int64_t *id);
/* round_add and its audit row in one transaction, for the admin screens. */
enum round_error round_create(struct db *db, const char *name, time_t opens, time_t closes,
                              int64_t voucher_cents, const char *actor, time_t now, int64_t *id);
/* Changes a round that has not started at `now` and has no vouchers yet (else ROUND_STARTED),
 * keeping it clear of the other rounds (ROUND_OVERLAP), with its audit row in one transaction. */
enum round_error round_edit(struct db *db, int64_t id, const char *name, time_t opens,
                            time_t closes, int64_t voucher_cents, const char *actor, time_t now);
const char *round_error_message(enum round_error err);
/* All rounds, newest first, with issued and donated counts. */
json_t *rounds_list(struct db *db);
/* How many rounds there are; -1 on an error. */
int64_t rounds_count(struct db *db);
/* `limit` rounds from `offset`, newest first, as rounds_list; *total is how many there are in
 * all. NULL on an error. */
json_t *rounds_page(struct db *db, int limit, int offset, int64_t *total);
/* The round open at `now`, or NULL. */
json_t *round_current(struct db *db, time_t now);
json_t *round_get(struct db *db, int64_t id);

#endif
