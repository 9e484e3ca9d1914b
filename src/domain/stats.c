/* Public totals. */
#include "domain/stats.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/rounds.h"
#include "util/text.h"

json_t *stats_totals(struct db *db, int64_t area_id)
{
    /* The summary kept with the initiatives (017): a few rows per area, not every initiative. */
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT coalesce(sum(t.raised_cents), 0) AS raised_cents, "
            "coalesce(sum(t.voucher_count), 0) AS vouchers_used, "
            "coalesce(sum(t.initiatives) FILTER (WHERE t.state IN ('gefinancierd', 'uitgevoerd')), "
            "0) AS funded_count, "
            "coalesce(sum(t.initiatives) FILTER (WHERE t.state = 'open'), 0) AS open_count "
            "FROM initiative_totals t "
            "WHERE ?1 = 0 OR t.area_id IN (SELECT id FROM areas WHERE id = ?1 OR parent_id = ?1)");
    json_t *row = NULL;
    if (stmt) {
        sqlite3_bind_int64(stmt, 1, area_id);
        row = db_first_row(stmt);
    }
    return row ? row : json_pack("{s:i, s:i, s:i, s:i}", "raised_cents", 0, "vouchers_used", 0,
                                 "funded_count", 0, "open_count", 0);
}

json_t *stats_round(struct db *db, int64_t round_id, int64_t area_id)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT coalesce(sum(t.issued), 0) AS issued, coalesce(sum(t.donated), 0) AS "
            "vouchers_used, coalesce(sum(t.donated_cents), 0) AS donated_cents, "
            /* The round's list of funded initiatives, kept with the audit log (014). */
            "(SELECT count(*) FROM round_funded f JOIN initiatives i ON i.id = f.initiative_id "
            "  LEFT JOIN areas a ON a.id = i.area_id WHERE f.round_id = ?1 "
            "  AND (?2 = 0 OR a.id = ?2 OR a.parent_id = ?2)) AS funded_count "
            "FROM round_area_totals t JOIN areas a ON a.id = t.area_id WHERE t.round_id = ?1 "
            "AND (?2 = 0 OR a.id = ?2 OR a.parent_id = ?2)");
    json_t *row = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, round_id);
        sqlite3_bind_int64(s, 2, area_id);
        row = db_first_row(s);
    }
    if (!row)
        row = json_pack("{s:i, s:i, s:i, s:i}", "issued", 0, "vouchers_used", 0, "donated_cents",
                        0, "funded_count", 0);
    json_int_t issued = json_integer_value(json_object_get(row, "issued"));
    json_int_t used = json_integer_value(json_object_get(row, "vouchers_used"));
    json_object_set_new(row, "participation_permille",
                        json_integer(issued ? used * 1000 / issued : 0));
    return row;
}

json_t *stats_rounds(struct db *db)
{
    int64_t total = 0;
    return stats_rounds_page(db, INT32_MAX, 0, &total);
}

json_t *stats_rounds_page(struct db *db, int limit, int offset, int64_t *total)
{
    *total = rounds_count(db);
    /* Each round of the page reads its own row of round_totals (019) and round_funded_counts:
     * the cost is the page's, not the number of rounds. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT r.id, r.name, r.opens_at, r.closes_at, coalesce(t.issued, 0) AS issued, "
            "coalesce(t.donated, 0) AS vouchers_used, "
            "coalesce(t.donated_cents, 0) AS donated_cents, "
            "coalesce(f.initiatives, 0) AS funded_count FROM rounds r INDEXED BY rounds_newest "
            "LEFT JOIN round_totals t ON t.round_id = r.id "
            "LEFT JOIN round_funded_counts f ON f.round_id = r.id "
            "ORDER BY r.opens_at DESC, r.id DESC LIMIT ?1 OFFSET ?2");
    if (!s || *total < 0)
        return NULL;
    sqlite3_bind_int(s, 1, limit);
    sqlite3_bind_int(s, 2, offset);
    json_t *rows = db_rows_array(s);
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_int_t issued = json_integer_value(json_object_get(row, "issued"));
        json_int_t used = json_integer_value(json_object_get(row, "vouchers_used"));
        json_object_set_new(row, "participation_permille",
                            json_integer(issued ? used * 1000 / issued : 0));
    }
    return rows;
}

time_t stats_last_change(struct db *db)
{
    sqlite3_stmt *stmt = db_prepare(db, "SELECT at FROM site_changes WHERE id = 1");
    if (!stmt || sqlite3_step(stmt) != SQLITE_ROW) {
        if (stmt)
            sqlite3_reset(stmt);
        return (time_t)-1;
    }
    time_t t = parse_utc((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_reset(stmt);
    return t;
}
