/* Totals for the public pages: what has been donated and funded. */
#ifndef BS_STATS_H
#define BS_STATS_H
#include <jansson.h>
#include <stdint.h>

struct db;

/* {raised_cents, vouchers_used, funded_count, open_count} for all areas (area_id 0) or one
 * wijk/dorp including its buurten. */
json_t *stats_totals(struct db *db, int64_t area_id);

#endif
