/* Throttling: attempts are rows; their number in the window and the newest say when a client
 * may go on. */
#include "domain/throttle.h"
#include "db/db.h"
#include "domain/audit.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>

static void bucket(char *out, size_t size, const struct throttle_rule *rule, const char *client)
{
    snprintf(out, size, "%s:%.100s", rule->name, client ? client : "");
}

int throttle_count(struct db *db, const struct throttle_rule *rule, const char *client,
                   time_t now)
{
    char b[128];
    bucket(b, sizeof b, rule, client);
    sqlite3_stmt *s = db_prepare(db, "SELECT count(*) FROM throttle WHERE bucket = ?1 AND at > ?2");
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, b, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now - rule->window_seconds);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_reset(s);
    return n;
}

int64_t throttle_wait(struct db *db, const struct throttle_rule *rule, const char *client,
                      time_t now)
{
    char b[128];
    bucket(b, sizeof b, rule, client);
    sqlite3_stmt *s = db_prepare(db, "SELECT count(*), max(at) FROM throttle "
                                     "WHERE bucket = ?1 AND at > ?2");
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, b, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now - rule->window_seconds);
    int64_t failures = 0, last = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        failures = sqlite3_column_int64(s, 0);
        last = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    if (failures < rule->free_failures)
        return 0;
    /* The delay doubles with each attempt past the free ones. */
    int64_t delay = rule->first_delay > 0 ? rule->first_delay : 1;
    for (int64_t k = rule->free_failures; k < failures && delay < rule->max_delay; k++)
        delay *= 2;
    if (delay > rule->max_delay)
        delay = rule->max_delay;
    int64_t wait = last + delay - (int64_t)now;
    return wait > 0 ? wait : 0;
}

int64_t throttle_fail(struct db *db, const struct throttle_rule *rule, const char *client,
                      time_t now)
{
    char b[128];
    bucket(b, sizeof b, rule, client);
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO throttle(bucket, at) VALUES (?, ?)");
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, b, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok ? sqlite3_last_insert_rowid(db_handle(db)) : 0;
}

int64_t throttle_take(struct db *db, const struct throttle_rule *const rules[],
                      const char *const clients[], int n, time_t now, int64_t ids[])
{
    for (int i = 0; i < n; i++)
        ids[i] = 0;
    if (!db_begin(db))
        return 1; /* the database is busy: the caller asks to try again in a second */
    int64_t wait = 0;
    for (int i = 0; i < n; i++) {
        int64_t w = throttle_wait(db, rules[i], clients[i], now);
        if (w > wait)
            wait = w;
    }
    bool ok = true;
    for (int i = 0; i < n && wait == 0 && ok; i++)
        ok = (ids[i] = throttle_fail(db, rules[i], clients[i], now)) != 0;
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        for (int i = 0; i < n; i++)
            ids[i] = 0;
        return 1;
    }
    return wait;
}

void throttle_key_hash(const char *text, char out[33])
{
    /* Case folded: Anna@Example.org and anna@example.org are one mailbox here. */
    unsigned char folded[256], hash[16];
    size_t len = 0;
    for (; text && text[len] && len < sizeof folded; len++)
        folded[len] = (unsigned char)tolower((unsigned char)text[len]);
    crypto_generichash(hash, sizeof hash, folded, len, (const unsigned char *)"buurtsamen-throttle",
                       19);
    sodium_bin2hex(out, 33, hash, sizeof hash);
}

void throttle_forgive(struct db *db, int64_t id)
{
    if (id <= 0)
        return;
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM throttle WHERE id = ?");
    if (!s)
        return;
    sqlite3_bind_int64(s, 1, id);
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

int64_t throttle_fail_audited(struct db *db, const struct throttle_rule *rule, const char *client,
                              time_t now)
{
    int64_t id = throttle_fail(db, rule, client, now);
    int64_t wait = throttle_wait(db, rule, client, now);
    if (wait > 0) {
        char subject[128], delay[32];
        bucket(subject, sizeof subject, rule, client);
        snprintf(delay, sizeof delay, "vertraagd %llds", (long long)wait);
        audit_add(db, now, "system", "throttle", subject, "", delay, client ? client : "");
    }
    return id;
}
