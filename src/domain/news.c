/* News posts, reading side. */
#include "domain/news.h"
#include "db/db.h"
#include "db/rows.h"

#define NEWS_WHERE "WHERE n.published = 1 AND (?1 = 0 OR n.area_id = ?1 OR n.area_id IS NULL) "

json_t *news_list(struct db *db, int64_t area_id, int limit, int offset, int64_t *total)
{
    sqlite3_stmt *count = db_prepare(db, "SELECT count(*) FROM news n " NEWS_WHERE);
    if (!count)
        return NULL;
    sqlite3_bind_int64(count, 1, area_id);
    *total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
    sqlite3_reset(count);
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT n.id, n.title, n.body, n.author_name, n.published_at, a.slug AS area_slug, "
            "a.name AS area_name FROM news n LEFT JOIN areas a ON a.id = n.area_id " NEWS_WHERE
            "ORDER BY n.published_at DESC, n.id DESC LIMIT ?2 OFFSET ?3");
    if (!stmt)
        return NULL;
    sqlite3_bind_int64(stmt, 1, area_id);
    sqlite3_bind_int(stmt, 2, limit);
    sqlite3_bind_int(stmt, 3, offset);
    return db_rows_array(stmt);
}

json_t *news_get_public(struct db *db, int64_t id)
{
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT n.id, n.title, n.body, n.author_name, n.published_at, a.slug AS area_slug, "
            "a.name AS area_name FROM news n LEFT JOIN areas a ON a.id = n.area_id "
            "WHERE n.id = ? AND n.published = 1");
    if (!stmt)
        return NULL;
    sqlite3_bind_int64(stmt, 1, id);
    return db_first_row(stmt);
}
