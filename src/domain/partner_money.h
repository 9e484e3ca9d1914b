/* Partner money (ledger 'contribution' rows) told apart from voucher money, for every place
 * that shows what an initiative or an area raised. */
#ifndef BS_PARTNER_MONEY_H
#define BS_PARTNER_MONEY_H
#include <jansson.h>
#include <stdint.h>

struct db;

/* Sets "partner_cents" on an initiative row (an object with "id") or on every row of an array:
 * the sum of its contributions. */
void partner_money_add(struct db *db, json_t *rows);
/* The partner contributions to the published initiatives of all areas (0) or one wijk/dorp
 * with its buurten. */
int64_t partner_money_total(struct db *db, int64_t area_id);

#endif
