/* Initiatives with their children, and the staff queue. */
#include "domain/initiative_detail.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/users.h"

#include <string.h>

/* Rows of one statement whose single parameter is the initiative id; [] on error. */
static json_t *children(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        rows = db_rows_array(s);
    }
    return rows ? rows : json_array();
}

json_t *initiative_get_full(struct db *db, int64_t id)
{
    if (id <= 0)
        return NULL;
    sqlite3_stmt *s = db_prepare(
        db, "SELECT i.id, i.title, i.summary, i.description, i.state, i.target_cents, "
            "i.raised_cents, i.voucher_count, i.planned_date, i.deadline, i.initiator_name, "
            "i.initiator_email, i.initiator_phone, i.state_reason, i.created_at, "
            "i.published_at, coalesce(i.area_id, 0) AS area_id, a.name AS area_name, "
            "a.slug AS area_slug, i.photo_id, i.theme, i.initiator_postcode, "
            "i.initiator_house_number FROM initiatives i "
            "LEFT JOIN areas a ON a.id = i.area_id WHERE i.id = ?");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    json_t *item = db_first_row(s);
    if (!item)
        return NULL;
    json_object_set_new(item, "budget_lines",
                        children(db,
                                 "SELECT item, amount_cents FROM budget_lines "
                                 "WHERE initiative_id = ? ORDER BY position",
                                 id));
    json_object_set_new(item, "co_organisers",
                        children(db,
                                 "SELECT name, postcode, house_number FROM co_organisers "
                                 "WHERE initiative_id = ? ORDER BY id",
                                 id));
    json_object_set_new(item, "messages",
                        children(db,
                                 "SELECT author_role, author_name, body, created_at "
                                 "FROM initiative_messages WHERE initiative_id = ? ORDER BY id",
                                 id));
    json_object_set_new(item, "history",
                        children(db,
                                 "SELECT at, actor, from_value, to_value, reason FROM audit_log "
                                 "WHERE subject = 'initiative:' || ? AND action = 'state' "
                                 "ORDER BY id",
                                 id));
    return item;
}

json_t *initiatives_staff_queue(struct db *db, const struct user *staff)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT i.id, i.title, i.state, i.created_at, i.updated_at, a.name AS area_name "
            "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
            "WHERE i.state IN ('ingediend', 'wijziging_gevraagd', 'open', 'gefinancierd') AND "
            "(?2 OR EXISTS (SELECT 1 FROM user_areas ua WHERE ua.user_id = ?1 AND i.area_id IS NOT "
            "NULL "
            " AND (ua.area_id = a.id OR ua.area_id = a.parent_id))) "
            "ORDER BY i.state <> 'ingediend', i.state <> 'wijziging_gevraagd', i.updated_at, i.id");
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, staff->id);
        sqlite3_bind_int(s, 2, user_is_admin(staff));
        rows = db_rows_array(s);
    }
    return rows ? rows : json_array();
}
