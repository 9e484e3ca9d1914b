/* News posts, reading side. */
#include "domain/news.h"
#include "db/db.h"
#include "domain/notify.h"
#include "db/rows.h"
#include "domain/areas.h"
#include "domain/audit.h"
#include "util/text.h"

#include <stdio.h>

/* An area's news: its own, its buurten's and the city-wide posts (area 0: all posts). */
#define NEWS_WHERE                                                                                \
    "WHERE n.published = 1 AND (?1 = 0 OR n.area_id IS NULL OR n.area_id = ?1 OR "              \
    "n.area_id IN (SELECT id FROM areas WHERE parent_id = ?1)) "

json_t *news_list(struct db *db, int64_t area_id, int limit, int offset, int64_t *total)
{
    /* The count reads every post that matches: only for the lists that page. */
    if (total) {
        sqlite3_stmt *count = db_prepare(db, "SELECT count(*) FROM news n " NEWS_WHERE);
        if (!count)
            return NULL;
        sqlite3_bind_int64(count, 1, area_id);
        *total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
        sqlite3_reset(count);
    }
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT n.id, n.title, n.body, n.author_name, n.published_at, a.slug AS area_slug, "
            "a.name AS area_name FROM news n INDEXED BY news_published "
            "LEFT JOIN areas a ON a.id = n.area_id " NEWS_WHERE
            /* Newest first in the index's order, stopping at the page. */
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

/* The posts a staff member may edit: an admin all, a wijkregisseur those of the areas
 * assigned (a wijk with its buurten). */
#define STAFF_NEWS_WHERE                                                                           \
    "WHERE ?2 OR (n.area_id IS NOT NULL AND EXISTS (SELECT 1 FROM user_areas ua WHERE "           \
    "ua.user_id = ?1 AND (ua.area_id = a.id OR ua.area_id = a.parent_id))) "

json_t *news_for_staff_page(struct db *db, int64_t user_id, bool admin, int limit, int64_t offset,
                            int64_t *total)
{
    /* Only the columns the list shows. Read in the order of news_staff_order (017) and stopped
     * at the page. An admin's page is found in that index alone, the newer posts skipped there
     * without reading them, and only the posts shown are read. */
    sqlite3_stmt *s =
        admin ? db_prepare(db, "SELECT n.id, n.title, n.published, n.published_at, "
                               "coalesce(a.name, ?3) AS area_name FROM news n "
                               "LEFT JOIN areas a ON a.id = n.area_id WHERE n.id IN (SELECT p.id "
                               "FROM news p INDEXED BY news_staff_order ORDER BY "
                               "p.published, coalesce(p.published_at, p.created_at) DESC, p.id "
                               "DESC LIMIT ?4 OFFSET ?5) ORDER BY n.published, "
                               "coalesce(n.published_at, n.created_at) DESC, n.id DESC")
              : db_prepare(db, "SELECT n.id, n.title, n.published, n.published_at, "
                               "coalesce(a.name, ?3) AS area_name FROM news n "
                               "LEFT JOIN areas a ON a.id = n.area_id " STAFF_NEWS_WHERE
                               "ORDER BY n.published, coalesce(n.published_at, n.created_at) "
                               "DESC, n.id DESC LIMIT ?4 OFFSET ?5");
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, user_id);
        sqlite3_bind_int(s, 2, admin);
        sqlite3_bind_text(s, 3, AREA_CITY_WIDE_NAME, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, limit < 0 ? -1 : limit);
        sqlite3_bind_int64(s, 5, offset > 0 ? offset : 0);
        rows = db_rows_array(s);
    }
    if (total) {
        /* An admin's from the smallest index of the posts; a wijkregisseur's from the posts
         * of their areas (news_area, 019), each post's area never looked up. */
        *total = 0;
        s = admin ? db_prepare(db, "SELECT count(*) FROM news")
                  : db_prepare(db, "SELECT count(*) FROM news n WHERE n.area_id IN (SELECT a.id "
                                   "FROM user_areas ua JOIN areas a ON ua.area_id = a.id OR "
                                   "ua.area_id = a.parent_id WHERE ua.user_id = ?1)");
        if (s) {
            if (!admin)
                sqlite3_bind_int64(s, 1, user_id);
            if (sqlite3_step(s) == SQLITE_ROW)
                *total = sqlite3_column_int64(s, 0);
            sqlite3_reset(s);
        }
    }
    return rows ? rows : json_array();
}

json_t *news_get_any(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT n.id, n.title, n.body, n.author_name, n.published, "
                                     "n.published_at, coalesce(n.area_id, 0) AS area_id, "
                                     "a.slug AS area_slug FROM news n "
                                     "LEFT JOIN areas a ON a.id = n.area_id WHERE n.id = ?");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    return db_first_row(s);
}

int64_t news_save(struct db *db, int64_t id, int64_t area_id, const char *title, const char *body,
                  const char *author, const char *actor, bool publish, time_t now)
{
    char when[20];
    utc_text(now, when);
    if (!db_begin(db))
        return 0;
    sqlite3_stmt *s;
    if (id)
        s = db_prepare(db, "UPDATE news SET area_id = ?2, title = ?3, body = ?4, published = ?5, "
                           "published_at = CASE WHEN ?5 THEN coalesce(published_at, ?6) "
                           "ELSE published_at END WHERE id = ?1");
    else
        s = db_prepare(db, "INSERT INTO news(area_id, title, body, published, published_at, "
                           "author_name, created_at) VALUES (?2, ?3, ?4, ?5, "
                           "CASE WHEN ?5 THEN ?6 END, ?7, ?6)");
    bool ok = s != NULL;
    if (ok) {
        if (id)
            sqlite3_bind_int64(s, 1, id);
        if (area_id)
            sqlite3_bind_int64(s, 2, area_id);
        else
            sqlite3_bind_null(s, 2);
        sqlite3_bind_text(s, 3, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, body, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 5, publish);
        sqlite3_bind_text(s, 6, when, -1, SQLITE_STATIC);
        if (!id)
            sqlite3_bind_text(s, 7, author, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
        sqlite3_reset(s);
    }
    if (ok && !id)
        id = sqlite3_last_insert_rowid(db_handle(db));
    char subject[40];
    snprintf(subject, sizeof subject, "news:%lld", (long long)id);
    ok = ok && audit_add(db, now, actor, "news-save", subject, "", publish ? "gepubliceerd" : "concept",
                         title);
    ok = ok && notify_news(db, id, when, now);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return 0;
    }
    return id;
}

bool news_set_published(struct db *db, int64_t id, bool publish, const char *actor, time_t now)
{
    char when[20];
    utc_text(now, when);
    if (!db_begin(db))
        return false;
    sqlite3_stmt *s = db_prepare(db, "UPDATE news SET published = ?2, published_at = CASE WHEN ?2 "
                                     "THEN coalesce(published_at, ?3) ELSE published_at END "
                                     "WHERE id = ?1");
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int(s, 2, publish);
        sqlite3_bind_text(s, 3, when, -1, SQLITE_STATIC);
        ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
        sqlite3_reset(s);
    }
    char subject[40];
    snprintf(subject, sizeof subject, "news:%lld", (long long)id);
    ok = ok && audit_add(db, now, actor, publish ? "news-publish" : "news-unpublish", subject, "",
                         "", "");
    ok = ok && notify_news(db, id, when, now);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    return true;
}

json_t *news_areas_for_staff(struct db *db, int64_t user_id, bool admin)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT a.id, a.name, a.kind FROM areas a WHERE ?2 OR EXISTS (SELECT 1 FROM "
            "user_areas ua WHERE ua.user_id = ?1 AND (ua.area_id = a.id OR ua.area_id = "
            "a.parent_id)) ORDER BY a.parent_id IS NOT NULL, a.name");
    json_t *rows = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, user_id);
        sqlite3_bind_int(s, 2, admin);
        sqlite3_bind_text(s, 3, AREA_CITY_WIDE_NAME, -1, SQLITE_STATIC);
        rows = db_rows_array(s);
    }
    return rows ? rows : json_array();
}
