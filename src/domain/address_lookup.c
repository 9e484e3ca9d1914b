/* The wijk or dorp of an address, looked up in the household register. */
#include "domain/address_lookup.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

static void copy_text(char *out, size_t size, const unsigned char *text)
{
    snprintf(out, size, "%s", text ? (const char *)text : "");
}

enum address_result address_area(struct db *db, const char *postcode, int64_t number,
                                 const char *addition, struct address_area *out)
{
    memset(out, 0, sizeof *out);
    /* The wijk or dorp (a buurt's parent), and the buurt when there is one; a number without
     * addition matches its additions too, answered only when they share one area. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT DISTINCT coalesce(p.name, a.name), coalesce(p.slug, a.slug), "
            "coalesce(p.kind, a.kind), CASE WHEN a.parent_id IS NULL THEN '' ELSE a.name END "
            "FROM households h JOIN areas a ON a.id = h.area_id "
            "LEFT JOIN areas p ON p.id = a.parent_id "
            "WHERE h.postcode = ?1 AND h.house_number = ?2 AND (h.addition = ?3 OR (?3 = '' AND "
            "NOT EXISTS (SELECT 1 FROM households x WHERE x.postcode = ?1 AND "
            "x.house_number = ?2 AND x.addition = ''))) LIMIT 2");
    if (!s)
        return ADDRESS_DB;
    sqlite3_bind_text(s, 1, postcode, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, number);
    sqlite3_bind_text(s, 3, addition ? addition : "", -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s), rows = 0;
    enum address_result result = ADDRESS_UNKNOWN;
    while (rc == SQLITE_ROW) {
        if (rows++ == 0) {
            copy_text(out->name, sizeof out->name, sqlite3_column_text(s, 0));
            copy_text(out->slug, sizeof out->slug, sqlite3_column_text(s, 1));
            copy_text(out->kind, sizeof out->kind, sqlite3_column_text(s, 2));
            copy_text(out->buurt, sizeof out->buurt, sqlite3_column_text(s, 3));
            result = ADDRESS_FOUND;
        } else if (strcmp(out->name, (const char *)sqlite3_column_text(s, 0)) != 0) {
            result = ADDRESS_NEEDS_ADDITION;
        } else {
            out->buurt[0] = '\0'; /* two buurten of one wijk: the wijk is what counts */
        }
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE)
        result = ADDRESS_DB;
    sqlite3_reset(s);
    if (result != ADDRESS_FOUND)
        memset(out, 0, sizeof *out);
    return result;
}
