/* Areas. */
#include "domain/areas.h"
#include "db/db.h"
#include "db/rows.h"

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
