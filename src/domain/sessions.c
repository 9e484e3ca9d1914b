/* Staff sessions and logging in and out. */
#include "domain/sessions.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/throttle.h"
#include "util/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* Per address: five free failures in half an hour, then a delay from 15 s doubling to ten
 * minutes. Per account name: the same, but it holds only for addresses that have failed
 * themselves, so that a guesser cannot lock staff out: the right password from an address
 * that never failed still logs in, while a guesser spread over many addresses gets one try
 * from each before the account's delay holds it back too. */
static const struct throttle_rule login_by_address = {"login", 5, 15, 600, 1800};
static const struct throttle_rule login_by_account = {"login-account", 5, 15, 900, 1800};

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

bool session_create(struct db *db, int64_t user_id, time_t now, const char *old_token,
                    char token_out[SESSION_TOKEN_CHARS + 1])
{
    unsigned char raw[32], hash[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token_out, SESSION_TOKEN_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token_hash(token_out, hash);
    if (!db_begin(db))
        return false;
    bool ok = session_delete(db, old_token);
    sqlite3_stmt *s = ok ? db_prepare(db, "INSERT INTO sessions(token_hash, user_id, created_at, "
                                          "expires_at) VALUES (?, ?, ?, ?)")
                         : NULL;
    ok = s != NULL;
    if (ok) {
        sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, user_id);
        sqlite3_bind_int64(s, 3, (int64_t)now);
        sqlite3_bind_int64(s, 4, (int64_t)now + SESSION_HOURS * 3600);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    return true;
}

bool session_user(struct db *db, const char *token, time_t now, struct user *out)
{
    if (!token || strlen(token) != SESSION_TOKEN_CHARS)
        return false;
    unsigned char hash[32];
    token_hash(token, hash);
    sqlite3_stmt *s =
        db_prepare(db, "SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?");
    if (!s)
        return false;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now);
    int64_t user_id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return user_id && user_get_by_id(db, user_id, out) && !out->disabled;
}

bool session_delete(struct db *db, const char *token)
{
    if (!token)
        return true;
    unsigned char hash[32];
    token_hash(token, hash);
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?");
    if (!s)
        return false;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

bool sessions_end_for_user(struct db *db, int64_t user_id)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE user_id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, user_id);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

int sessions_purge_expired(struct db *db, time_t now)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE expires_at <= ?");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, (int64_t)now);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok ? sqlite3_changes(db_handle(db)) : -1;
}

/* The audit subject of a login attempt: the name as typed, bounded. */
static void login_subject(char *out, size_t size, const char *username)
{
    snprintf(out, size, "user:%.40s", username);
}

/* Checks both throttles and, when the attempt may go on, records it as a failure in the same
 * write transaction, before the slow password check: parallel attempts each see the ones
 * before them, so none slips past the limit. A success forgives its rows afterwards. */
static enum login_result login_reserve(struct db *db, const char *username,
                                       const char *client_addr, const char *subject, time_t now,
                                       int64_t ids[2], int64_t *wait_seconds)
{
    ids[0] = ids[1] = 0;
    *wait_seconds = 0;
    if (!db_begin(db))
        return LOGIN_BUSY;
    int64_t wait = throttle_wait(db, &login_by_address, client_addr, now);
    if (throttle_count(db, &login_by_address, client_addr, now) > 0) {
        int64_t wait_account = throttle_wait(db, &login_by_account, username, now);
        if (wait_account > wait)
            wait = wait_account;
    }
    bool ok;
    if (wait > 0) {
        *wait_seconds = wait;
        ok = audit_add(db, now, username, "login", subject, "", "geblokkeerd", client_addr);
    } else {
        ids[0] = throttle_fail(db, &login_by_address, client_addr, now);
        ids[1] = throttle_fail(db, &login_by_account, username, now);
        ok = ids[0] && ids[1];
    }
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        log_error("login: could not record an attempt for %.40s", username);
        return LOGIN_BUSY;
    }
    return wait > 0 ? LOGIN_THROTTLED : LOGIN_OK;
}

enum login_result session_login(struct db *db, const char *username, const char *password,
                                const char *client_addr, const char *old_token, time_t now,
                                struct user *out, char token_out[SESSION_TOKEN_CHARS + 1],
                                int64_t *wait_seconds)
{
    char subject[48];
    login_subject(subject, sizeof subject, username);
    int64_t ids[2];
    enum login_result r = login_reserve(db, username, client_addr, subject, now, ids, wait_seconds);
    if (r != LOGIN_OK)
        return r;
    if (!user_authenticate(db, username, password, out)) {
        /* The reserved rows stay: they are the failure. */
        if (!audit_add(db, now, username, "login", subject, "", "mislukt", client_addr))
            log_error("login: could not audit a failed attempt for %.40s", username);
        return LOGIN_REFUSED;
    }
    if (!db_begin(db))
        return LOGIN_BUSY;
    throttle_forgive(db, ids[0]);
    throttle_forgive(db, ids[1]);
    bool ok = session_create(db, out->id, now, old_token, token_out) &&
              audit_add(db, now, out->username, "login", subject, "", "gelukt", client_addr);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return LOGIN_BUSY;
    }
    return LOGIN_OK;
}

bool session_logout(struct db *db, const char *token, time_t now)
{
    if (!db_begin(db))
        return false;
    struct user user;
    bool ok = true;
    if (session_user(db, token, now, &user)) {
        char subject[48];
        snprintf(subject, sizeof subject, "user:%s", user.username);
        ok = audit_add(db, now, user.username, "logout", subject, "", "", "");
    }
    ok = ok && session_delete(db, token);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    return true;
}
