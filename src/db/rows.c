/* Rows to jansson values. */
#include "db/rows.h"
#include "util/log.h"

json_t *db_row_object(sqlite3_stmt *stmt)
{
    json_t *obj = json_object();
    int n = sqlite3_column_count(stmt);
    for (int i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        json_t *v;
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
            v = json_integer(sqlite3_column_int64(stmt, i));
            break;
        case SQLITE_FLOAT:
            v = json_real(sqlite3_column_double(stmt, i));
            break;
        case SQLITE_NULL:
            v = json_null();
            break;
        default:
            v = json_stringn((const char *)sqlite3_column_text(stmt, i),
                             (size_t)sqlite3_column_bytes(stmt, i));
            if (!v) /* not UTF-8: never expected, since input is validated */
                v = json_string("");
        }
        /* Column names are the statements' own ASCII: no UTF-8 check per row. */
        json_object_set_new_nocheck(obj, name, v);
    }
    return obj;
}

json_t *db_rows_array(sqlite3_stmt *stmt)
{
    json_t *arr = json_array();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        json_array_append_new(arr, db_row_object(stmt));
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) {
        log_error("sql step: %s", sqlite3_errmsg(sqlite3_db_handle(stmt)));
        json_decref(arr);
        return NULL;
    }
    return arr;
}

json_t *db_first_row(sqlite3_stmt *stmt)
{
    json_t *obj = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW)
        obj = db_row_object(stmt);
    sqlite3_reset(stmt);
    return obj;
}
