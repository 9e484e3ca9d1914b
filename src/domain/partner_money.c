/* Partner money told apart from voucher money (see partner_money.h). */
#include "domain/partner_money.h"
#include "db/db.h"

static int64_t initiative_partner_cents(struct db *db, int64_t id)
{
    /* The total kept with the contribution rows (014_funded_round.sql). */
    sqlite3_stmt *s = db_prepare(db, "SELECT partner_cents FROM initiatives WHERE id = ?");
    if (!s)
        return 0;
    sqlite3_bind_int64(s, 1, id);
    int64_t cents = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return cents;
}

static void add_one(struct db *db, json_t *row)
{
    json_t *id = json_object_get(row, "id");
    if (json_is_integer(id))
        json_object_set_new(row, "partner_cents",
                            json_integer(initiative_partner_cents(db, json_integer_value(id))));
}

void partner_money_add(struct db *db, json_t *rows)
{
    if (json_is_object(rows)) {
        add_one(db, rows);
        return;
    }
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) add_one(db, row);
}

int64_t partner_money_total(struct db *db, int64_t area_id)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT coalesce(sum(i.partner_cents), 0) FROM initiatives i "
            "INDEXED BY initiatives_partner LEFT JOIN areas a ON a.id = i.area_id "
            "WHERE i.partner_cents <> 0 AND i.published_at IS NOT NULL "
            "AND (?1 = 0 OR a.id = ?1 OR a.parent_id = ?1)");
    if (!s)
        return 0;
    sqlite3_bind_int64(s, 1, area_id);
    int64_t cents = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return cents;
}
