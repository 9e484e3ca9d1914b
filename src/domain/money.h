/* What the admin's money screen reads: initiatives still to be paid, those that may take a
 * contribution or a payout, and the latest contributions and payouts. The writes are in
 * ledger.h (ledger_contribution, ledger_payout). Amounts are int64 cents. */
#ifndef BS_MONEY_H
#define BS_MONEY_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/ledger.h"

struct db;

/* Funded or carried-out initiatives that raised more than was paid out to them, the longest
 * unchanged first: id, title, state, raised_cents, area_name ("Gemeentebreed" for city-wide),
 * paid_cents. NULL on a database error. */
json_t *money_unpaid(struct db *db);
/* The same list, `limit` of them (limit < 0: all) after the first `offset`, with in *total
 * (when not NULL) how many there are in all: for a page of them. */
json_t *money_unpaid_page(struct db *db, int limit, int64_t offset, int64_t *total);
/* Open and funded initiatives to choose one from: id, title; at most `limit`, the latest
 * changed first, of those whose title holds `search` (or with `search` as their number), or of
 * all when `search` is NULL or empty; `chosen` (when > 0, open or funded) always among them.
 * *more when there were more than `limit`. NULL on an error. */
json_t *money_initiatives_to_choose(struct db *db, const char *search, int64_t chosen, int limit,
                                    bool *more);
/* The latest `limit` contributions and payouts, newest first: at, kind, amount_cents,
 * partner, reference, actor, title (of the initiative). NULL on a database error. */
json_t *money_recent(struct db *db, int limit);
/* What ledger_payout would answer for `cents` to this initiative now, without writing:
 * MONEY_OK, MONEY_NO_INITIATIVE, MONEY_WRONG_STATE (not funded or carried out), MONEY_TOO_MUCH
 * or MONEY_BUSY. The title and what is still to be paid are set whenever it exists. For the
 * confirmation step: ledger_payout decides again when it writes. */
enum money_result money_payout_check(struct db *db, int64_t initiative_id, int64_t cents,
                                     char *title, size_t title_size, int64_t *remaining);

#endif
