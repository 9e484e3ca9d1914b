/* Totals for the public pages: what has been donated and funded. */
#ifndef BS_STATS_H
#define BS_STATS_H
#include <jansson.h>
#include <stdint.h>
#include <time.h>

struct db;

/* {raised_cents, vouchers_used, funded_count, open_count} for all areas (area_id 0) or one
 * wijk/dorp including its buurten. */
json_t *stats_totals(struct db *db, int64_t area_id);

/* Totals of one round from the ledger: {issued, vouchers_used, donated_cents,
 * funded_count, participation_permille} for all areas (area_id 0) or one wijk/dorp with its
 * buurten (by the households' and initiatives' areas). */
json_t *stats_round(struct db *db, int64_t round_id, int64_t area_id);

/* Every round, newest first, with its totals for all areas as stats_round gives them: {id,
 * name, opens_at, closes_at, issued, vouchers_used, donated_cents, funded_count,
 * participation_permille}; one statement over the summaries, not one per round. NULL on an
 * error. */
json_t *stats_rounds(struct db *db);
/* `limit` rounds from `offset` of stats_rounds; *total is how many rounds there are. */
json_t *stats_rounds_page(struct db *db, int limit, int offset, int64_t *total);

/* When data shown publicly last changed (UTC), for Last-Modified; -1 when unknown. */
time_t stats_last_change(struct db *db);

#endif
