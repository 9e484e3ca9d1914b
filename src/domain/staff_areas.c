/* Staff area assignment. */
#include "domain/staff_areas.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"
#include "util/buf.h"

#include <stdbool.h>

json_t *staff_areas_list(struct db *db, int64_t user_id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT a.slug, a.name, EXISTS (SELECT 1 FROM user_areas "
                                     "ua WHERE ua.user_id = ?1 AND ua.area_id = a.id) AS mine "
                                     "FROM areas a WHERE a.parent_id IS NULL ORDER BY a.name");
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, user_id);
        rows = db_rows_array(s);
    }
    return rows ? rows : json_array();
}

static enum staff_areas_result replace(struct db *db, int64_t user_id, const char *const *slugs,
                                       size_t nslugs)
{
    /* Every area named must be a wijk or dorp, or nothing changes. */
    sqlite3_stmt *known =
        db_prepare(db, "SELECT 1 FROM areas WHERE slug = ? AND parent_id IS NULL");
    if (!known)
        return STAFF_AREAS_DB;
    for (size_t i = 0; i < nslugs; i++) {
        sqlite3_bind_text(known, 1, slugs[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(known);
        sqlite3_reset(known);
        if (rc == SQLITE_DONE)
            return STAFF_AREAS_UNKNOWN_AREA;
        if (rc != SQLITE_ROW)
            return STAFF_AREAS_DB;
    }
    sqlite3_stmt *d = db_prepare(db, "DELETE FROM user_areas WHERE user_id = ?");
    if (!d)
        return STAFF_AREAS_DB;
    sqlite3_bind_int64(d, 1, user_id);
    int rc = sqlite3_step(d);
    sqlite3_reset(d);
    if (rc != SQLITE_DONE)
        return STAFF_AREAS_DB;
    sqlite3_stmt *a =
        db_prepare(db, "INSERT OR IGNORE INTO user_areas(user_id, area_id) "
                       "SELECT ?, id FROM areas WHERE slug = ? AND parent_id IS NULL");
    if (!a)
        return STAFF_AREAS_DB;
    for (size_t i = 0; i < nslugs; i++) {
        sqlite3_bind_int64(a, 1, user_id);
        sqlite3_bind_text(a, 2, slugs[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(a);
        sqlite3_reset(a);
        if (rc != SQLITE_DONE)
            return STAFF_AREAS_DB;
    }
    return STAFF_AREAS_OK;
}

enum staff_areas_result staff_areas_set(struct db *db, int64_t user_id, const char *username,
                                        const char *const *slugs, size_t nslugs, const char *actor,
                                        time_t now)
{
    if (!db_begin(db))
        return STAFF_AREAS_DB;
    enum staff_areas_result r = replace(db, user_id, slugs, nslugs);
    if (r == STAFF_AREAS_OK) {
        struct buf list = {0};
        for (size_t i = 0; i < nslugs; i++)
            buf_printf(&list, "%s%s", i ? "," : "", slugs[i]);
        if (!audit_add(db, now, actor, "user-areas", username, "", list.data ? list.data : "", ""))
            r = STAFF_AREAS_DB;
        buf_free(&list);
    }
    if (r != STAFF_AREAS_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? STAFF_AREAS_OK : STAFF_AREAS_DB;
}
