/* Whether an initiative takes a voucher now, and the state it has now: both follow from its
 * deadline itself, not from when housekeeping last moved it. */
#ifndef BS_ELIGIBILITY_H
#define BS_ELIGIBILITY_H
#include <stdint.h>
#include <time.h>

struct db;

enum take_status {
    TAKE_OK,
    TAKE_NO_INITIATIVE, /* no such public initiative */
    TAKE_CLOSED,        /* not open, its target reached, or its deadline passed */
    TAKE_OTHER_AREA,    /* open, but outside the household's wijk or dorp */
    TAKE_BUSY,          /* the database did not answer */
};

/* The same rule as ledger_donate, in the same order (closed before area), without writing. */
enum take_status initiative_takes_voucher(struct db *db, int64_t initiative_id,
                                          int64_t home_area_id, time_t now);

/* The state an initiative has at `now`: an 'open' one whose deadline (UTC text) has passed is
 * 'niet_gehaald' (a reached target would have made it 'gefinancierd' already). */
const char *initiative_state_at(const char *state, const char *deadline, time_t now);

#endif
