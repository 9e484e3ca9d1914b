/* Throttling: failed attempts are rows; the oldest in the window says when a client may go on. */
#include "domain/throttle.h"
#include "db/db.h"

#include <stdio.h>

static void bucket(char *out, size_t size, const struct throttle_rule *rule, const char *client)
{
    snprintf(out, size, "%s:%s", rule->name, client);
}

int64_t throttle_wait(struct db *db, const struct throttle_rule *rule, const char *client,
                      time_t now)
{
    char b[128];
    bucket(b, sizeof b, rule, client);
    /* The k-th newest failure (k = max) must have left the window before another try. */
    sqlite3_stmt *s = db_prepare(db, "SELECT at FROM throttle WHERE bucket = ?1 AND at > ?2 "
                                     "ORDER BY at DESC LIMIT 1 OFFSET ?3");
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, b, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now - rule->window_seconds);
    sqlite3_bind_int(s, 3, rule->max_failures - 1);
    int64_t wait = 0;
    if (sqlite3_step(s) == SQLITE_ROW)
        wait = sqlite3_column_int64(s, 0) + rule->window_seconds - (int64_t)now;
    sqlite3_reset(s);
    return wait > 0 ? wait : 0;
}

void throttle_fail(struct db *db, const struct throttle_rule *rule, const char *client, time_t now)
{
    char b[128];
    bucket(b, sizeof b, rule, client);
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO throttle(bucket, at) VALUES (?, ?)");
    if (!s)
        return;
    sqlite3_bind_text(s, 1, b, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now);
    sqlite3_step(s);
    sqlite3_reset(s);
}

void throttle_purge(struct db *db, time_t now, int max_age)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM throttle WHERE at < ?");
    if (!s)
        return;
    sqlite3_bind_int64(s, 1, (int64_t)now - max_age);
    sqlite3_step(s);
    sqlite3_reset(s);
}
