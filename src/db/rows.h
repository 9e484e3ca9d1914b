/* Query results as jansson values: one object per row, keyed by column name. */
#ifndef BS_ROWS_H
#define BS_ROWS_H
#include <jansson.h>
#include <sqlite3.h>

/* The current row as an object (INTEGER → integer, TEXT → string, NULL → null). */
json_t *db_row_object(sqlite3_stmt *stmt);
/* Steps through all rows into an array and resets the statement; NULL on error. */
json_t *db_rows_array(sqlite3_stmt *stmt);
/* The first row as an object or NULL when there is none; resets the statement. */
json_t *db_first_row(sqlite3_stmt *stmt);

#endif
