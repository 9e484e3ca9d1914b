/* Whether an initiative takes a voucher now, and the state it has now (see eligibility.h). */
#include "domain/eligibility.h"
#include "db/db.h"
#include "domain/ledger.h"
#include "util/text.h"

#include <string.h>

enum take_status initiative_takes_voucher(struct db *db, int64_t initiative_id,
                                          int64_t home_area_id, time_t now)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT coalesce(area_id, 0), state, target_cents, raised_cents, deadline "
            "FROM initiatives WHERE id = ?1 AND state IN ('open', 'gefinancierd', 'uitgevoerd', "
            "'niet_gehaald', 'ingetrokken')");
    if (!s)
        return TAKE_BUSY;
    sqlite3_bind_int64(s, 1, initiative_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return TAKE_NO_INITIATIVE;
    }
    int64_t area_id = sqlite3_column_int64(s, 0);
    const char *state = initiative_state_at((const char *)sqlite3_column_text(s, 1),
                                            (const char *)sqlite3_column_text(s, 4), now);
    bool open = strcmp(state, "open") == 0 &&
                sqlite3_column_int64(s, 3) < sqlite3_column_int64(s, 2);
    sqlite3_reset(s);
    if (!open)
        return TAKE_CLOSED;
    return ledger_area_eligible(db, area_id, home_area_id) ? TAKE_OK : TAKE_OTHER_AREA;
}

const char *initiative_state_at(const char *state, const char *deadline, time_t now)
{
    if (!state)
        return "";
    if (strcmp(state, "open") == 0 && deadline && *deadline) {
        time_t d = parse_utc(deadline);
        if (d != (time_t)-1 && d <= now)
            return "niet_gehaald";
    }
    return state;
}
