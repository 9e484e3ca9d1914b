/* Public totals. */
#include "domain/stats.h"
#include "db/db.h"
#include "db/rows.h"

json_t *stats_totals(struct db *db, int64_t area_id)
{
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT coalesce(sum(i.raised_cents), 0) AS raised_cents, "
            "coalesce(sum(i.voucher_count), 0) AS vouchers_used, "
            "count(*) FILTER (WHERE i.state IN ('gefinancierd', 'uitgevoerd')) AS funded_count, "
            "count(*) FILTER (WHERE i.state = 'open') AS open_count "
            "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
            "WHERE i.published_at IS NOT NULL AND (?1 = 0 OR a.id = ?1 OR a.parent_id = ?1)");
    json_t *row = NULL;
    if (stmt) {
        sqlite3_bind_int64(stmt, 1, area_id);
        row = db_first_row(stmt);
    }
    return row ? row : json_pack("{s:i, s:i, s:i, s:i}", "raised_cents", 0, "vouchers_used", 0,
                                 "funded_count", 0, "open_count", 0);
}
