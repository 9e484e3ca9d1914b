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

/* Other initiatives submitted within a day of initiative ?1 that look like the same one: the
 * same title (case and outer spaces aside), the same initiator e-mail address, or a
 * co-organiser at the same home address. Rows: id, title, state, reason ("titel",
 * "e-mailadres" or "adres"), oldest first. */
static const char likely_duplicates_sql[] =
    "SELECT o.id, o.title, o.state, "
    "  CASE WHEN lower(trim(o.title)) = lower(trim(i.title)) THEN 'titel' "
    "  WHEN lower(o.initiator_email) = lower(i.initiator_email) THEN 'e-mailadres' "
    "  ELSE 'adres' END AS reason "
    "FROM initiatives i JOIN initiatives o ON o.id <> i.id "
    "  AND o.created_at BETWEEN datetime(i.created_at, '-1 day') AND datetime(i.created_at, "
    "'+1 day') "
    "WHERE i.id = ?1 AND (lower(trim(o.title)) = lower(trim(i.title)) "
    "  OR lower(o.initiator_email) = lower(i.initiator_email) "
    "  OR EXISTS (SELECT 1 FROM co_organisers a JOIN co_organisers b "
    "    ON b.postcode = a.postcode AND upper(b.house_number) = upper(a.house_number) "
    "    WHERE a.initiative_id = i.id AND b.initiative_id = o.id)) "
    "ORDER BY o.created_at, o.id";

json_t *initiative_likely_duplicates(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, likely_duplicates_sql);
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    return db_rows_array(s);
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
            "i.initiator_house_number, i.co_organisers AS co_organiser_count FROM initiatives i "
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
    json_object_set_new(item, "duplicates", children(db, likely_duplicates_sql, id));
    return item;
}

json_t *initiatives_staff_queue(struct db *db, const struct user *staff)
{
    return initiatives_staff_queue_first(db, staff, -1, NULL);
}

/* The staff member's areas (a wijk includes its buurten; admins everywhere). */
#define STAFF_AREA                                                                                 \
    "(?2 OR EXISTS (SELECT 1 FROM user_areas ua WHERE ua.user_id = ?1 AND i.area_id IS NOT "      \
    "NULL AND (ua.area_id = a.id OR ua.area_id = a.parent_id)))"

json_t *initiatives_staff_queue_first(struct db *db, const struct user *staff, int running_limit,
                                      int64_t *running_total)
{
    /* The submissions to review, then the initiatives online, each from its own index: the
     * latter read oldest first and stopped at the limit (017). */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT i.id, i.title, i.state, i.created_at, i.updated_at, a.name AS area_name "
            "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
            "WHERE i.state IN ('ingediend', 'wijziging_gevraagd') AND " STAFF_AREA
            " ORDER BY i.state <> 'ingediend', i.updated_at, i.id");
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, staff->id);
        sqlite3_bind_int(s, 2, user_is_admin(staff));
        rows = db_rows_array(s);
    }
    if (!rows)
        return json_array();
    s = db_prepare(db, "SELECT i.id, i.title, i.state, i.created_at, i.updated_at, a.name AS "
                       "area_name FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
                       "WHERE i.state IN ('open', 'gefinancierd') AND " STAFF_AREA
                       " ORDER BY i.updated_at, i.id LIMIT ?3");
    json_t *running = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, staff->id);
        sqlite3_bind_int(s, 2, user_is_admin(staff));
        sqlite3_bind_int(s, 3, running_limit < 0 ? -1 : running_limit);
        running = db_rows_array(s);
    }
    if (running)
        json_array_extend(rows, running);
    json_decref(running);
    if (running_total) {
        *running_total = 0;
        /* From the summary of the published initiatives per area and state (017): the
         * initiatives online are published. */
        s = db_prepare(db, "SELECT coalesce(sum(t.initiatives), 0) FROM initiative_totals t "
                           "LEFT JOIN areas a ON a.id = t.area_id "
                           "WHERE t.state IN ('open', 'gefinancierd') AND (?2 OR EXISTS "
                           "(SELECT 1 FROM user_areas ua WHERE ua.user_id = ?1 AND t.area_id <> 0 "
                           "AND (ua.area_id = a.id OR ua.area_id = a.parent_id)))");
        if (s) {
            sqlite3_bind_int64(s, 1, staff->id);
            sqlite3_bind_int(s, 2, user_is_admin(staff));
            if (sqlite3_step(s) == SQLITE_ROW)
                *running_total = sqlite3_column_int64(s, 0);
            sqlite3_reset(s);
        }
    }
    /* Submissions still to review carry their likely duplicates (a few rows each). */
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (strcmp(json_string_value(json_object_get(row, "state")), "ingediend"))
            continue;
        json_t *dups = initiative_likely_duplicates(db, json_integer_value(json_object_get(row, "id")));
        json_object_set_new(row, "duplicates", dups ? dups : json_array());
    }
    return rows;
}
