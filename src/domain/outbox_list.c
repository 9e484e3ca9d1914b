/* Reads of the outbox for the admin's e-mail screen; see outbox_list.h. */
#include "domain/outbox_list.h"
#include "db/db.h"
#include "db/rows.h"

json_t *outbox_list(struct db *db, int limit)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT id, to_addr, subject, attempts, last_error, sent_at IS NOT NULL AS sent, "
            "datetime(created_at, 'unixepoch') AS created, "
            "datetime(next_attempt_at, 'unixepoch') AS next FROM outbox "
            "ORDER BY sent_at IS NOT NULL, id DESC LIMIT ?");
    if (!s)
        return NULL;
    sqlite3_bind_int(s, 1, limit);
    return db_rows_array(s);
}

int64_t outbox_waiting(struct db *db)
{
    int64_t n = -1;
    if (!db_get_int(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", &n))
        return -1;
    return n;
}
