/* Areas. */
#include "domain/areas.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"

#include <stdio.h>
#include <string.h>

#define AREA_COLUMNS                                                                               \
    "a.id, a.parent_id, a.kind, a.slug, a.name, a.description, a.venue_name, a.venue_address, "    \
    "a.director_name, a.director_email, a.director_phone "

json_t *areas_list(struct db *db)
{
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT " AREA_COLUMNS ", (SELECT count(*) FROM initiatives i JOIN areas b "
            "ON i.area_id = b.id WHERE (b.id = a.id OR b.parent_id = a.id) AND i.state = 'open') "
            "AS open_count FROM areas a WHERE a.parent_id IS NULL ORDER BY a.kind DESC, a.name");
    json_t *list = stmt ? db_rows_array(stmt) : NULL;
    if (!list)
        return json_array();
    size_t i;
    json_t *area;
    json_array_foreach(list, i, area)
    {
        json_t *mine = NULL;
        sqlite3_stmt *kids =
            db_prepare(db, "SELECT id, slug, name FROM areas WHERE parent_id = ? ORDER BY name");
        if (kids) {
            sqlite3_bind_int64(kids, 1, json_integer_value(json_object_get(area, "id")));
            mine = db_rows_array(kids);
        }
        json_object_set_new(area, "buurten", mine ? mine : json_array());
    }
    return list;
}

json_t *area_by_slug(struct db *db, const char *slug)
{
    sqlite3_stmt *stmt = db_prepare(db, "SELECT " AREA_COLUMNS "FROM areas a WHERE a.slug = ?");
    if (!stmt)
        return NULL;
    sqlite3_bind_text(stmt, 1, slug, -1, SQLITE_STATIC);
    json_t *area = db_first_row(stmt);
    if (!area)
        return NULL;
    json_int_t id = json_integer_value(json_object_get(area, "id"));
    sqlite3_stmt *kids =
        db_prepare(db, "SELECT id, slug, name FROM areas WHERE parent_id = ? ORDER BY name");
    if (kids) {
        sqlite3_bind_int64(kids, 1, id);
        json_t *b = db_rows_array(kids);
        json_object_set_new(area, "buurten", b ? b : json_array());
    }
    json_t *parent_id = json_object_get(area, "parent_id");
    if (json_is_integer(parent_id)) {
        sqlite3_stmt *p = db_prepare(db, "SELECT id, slug, name, kind FROM areas WHERE id = ?");
        if (p) {
            sqlite3_bind_int64(p, 1, json_integer_value(parent_id));
            json_t *parent = db_first_row(p);
            if (parent)
                json_object_set_new(area, "parent", parent);
        }
    }
    return area;
}

json_t *areas_admin_list(struct db *db)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT a.id, a.kind, a.slug, a.name, a.venue_name, "
                                     "a.director_name, p.name AS parent_name FROM areas a "
                                     "LEFT JOIN areas p ON p.id = a.parent_id ORDER BY "
                                     "coalesce(p.name, a.name), a.parent_id IS NOT NULL, a.name");
    json_t *rows = s ? db_rows_array(s) : NULL;
    return rows ? rows : json_array();
}

json_t *areas_top_level(struct db *db)
{
    sqlite3_stmt *s =
        db_prepare(db, "SELECT id, slug, name FROM areas WHERE parent_id IS NULL ORDER BY name");
    json_t *rows = s ? db_rows_array(s) : NULL;
    return rows ? rows : json_array();
}

json_t *area_get(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT * FROM areas WHERE id = ?");
    if (!s || id <= 0)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    return db_first_row(s);
}

/* 1 when a row answers the query with one bound id, 0 when none, -1 on an error. */
static int exists_id(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static enum area_result area_write(struct db *db, const struct area_fields *f, int64_t *id)
{
    sqlite3_stmt *s;
    if (*id) {
        int found = exists_id(db, "SELECT 1 FROM areas WHERE id = ?", *id);
        if (found <= 0)
            return found ? AREA_DB : AREA_NOT_FOUND;
        s = db_prepare(db, "UPDATE areas SET name = ?2, description = ?3, venue_name = ?4, "
                           "venue_address = ?5, director_name = ?6, director_email = ?7, "
                           "director_phone = ?8 WHERE id = ?1");
    } else {
        const char *k = f->kind ? f->kind : "";
        if (strcmp(k, "wijk") && strcmp(k, "dorp") && strcmp(k, "buurt"))
            return AREA_BAD_KIND;
        bool buurt = !strcmp(k, "buurt");
        if (buurt != (f->parent_id > 0))
            return AREA_BAD_PARENT;
        if (buurt) {
            int top = exists_id(db, "SELECT 1 FROM areas WHERE id = ? AND parent_id IS NULL",
                                f->parent_id);
            if (top <= 0)
                return top ? AREA_DB : AREA_BAD_PARENT;
        }
        if (!f->slug || !*f->slug || !strcmp(f->slug, "gemeentebreed"))
            return AREA_BAD_SLUG;
        sqlite3_stmt *taken = db_prepare(db, "SELECT 1 FROM areas WHERE slug = ?");
        if (!taken)
            return AREA_DB;
        sqlite3_bind_text(taken, 1, f->slug, -1, SQLITE_STATIC);
        int rc = sqlite3_step(taken);
        sqlite3_reset(taken);
        if (rc == SQLITE_ROW)
            return AREA_DUPLICATE;
        if (rc != SQLITE_DONE)
            return AREA_DB;
        s = db_prepare(db, "INSERT INTO areas(id, name, description, venue_name, venue_address, "
                           "director_name, director_email, director_phone, kind, parent_id, slug) "
                           "VALUES (NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    }
    if (!s)
        return AREA_DB;
    if (*id)
        sqlite3_bind_int64(s, 1, *id);
    const char *vals[] = {f->name,          f->description,    f->venue_name, f->venue_address,
                          f->director_name, f->director_email, f->director_phone};
    for (int i = 0; i < 7; i++)
        sqlite3_bind_text(s, 2 + i, vals[i] ? vals[i] : "", -1, SQLITE_STATIC);
    if (!*id) {
        sqlite3_bind_text(s, 9, f->kind, -1, SQLITE_STATIC);
        if (f->parent_id)
            sqlite3_bind_int64(s, 10, f->parent_id);
        else
            sqlite3_bind_null(s, 10);
        sqlite3_bind_text(s, 11, f->slug, -1, SQLITE_STATIC);
    }
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc == SQLITE_CONSTRAINT_UNIQUE)
        return AREA_DUPLICATE;
    if (rc == SQLITE_CONSTRAINT_CHECK) /* a slug of other characters than a-z, 0-9 and '-' */
        return AREA_BAD_SLUG;
    if (rc != SQLITE_DONE || sqlite3_changes(db_handle(db)) != 1)
        return AREA_DB;
    if (!*id)
        *id = sqlite3_last_insert_rowid(db_handle(db));
    return AREA_OK;
}

enum area_result area_save(struct db *db, const struct area_fields *fields, const char *actor,
                           time_t now, int64_t *id)
{
    if (!fields->name || !*fields->name)
        return AREA_DB;
    if (!db_begin(db))
        return AREA_DB;
    int64_t area = *id;
    enum area_result r = area_write(db, fields, &area);
    if (r == AREA_OK) {
        char subject[40];
        snprintf(subject, sizeof subject, "area:%lld", (long long)area);
        if (!audit_add(db, now, actor, "area-save", subject, "", fields->name, ""))
            r = AREA_DB;
    }
    if (r != AREA_OK) {
        db_rollback(db);
        return r;
    }
    if (!db_commit(db))
        return AREA_DB;
    *id = area;
    return AREA_OK;
}
