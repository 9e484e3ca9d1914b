/* Staff sessions: tokens stored as hashes, expiry, ending them with a new password or a
 * disabled account, logging in (throttled per address and per account, each outcome audited
 * in the transaction of its change) and logging out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/sessions.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0 ((time_t)1800000000)

/* A migrated in-memory database with areas 1 wijk-a, 2 wijk-b and 3 buurt-a1 (of wijk-a). */
static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'A'), (2, 'wijk', 'wijk-b', 'B')"));
    assert_true(db_exec(db, "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
                            "(3, 1, 'buurt', 'buurt-a1', 'A1')"));
    return db;
}

static const char good_password[] = "paars konijn fietst door Almelo";

/* ---- Sessions ---- */

static int64_t add_user(struct db *db, const char *name)
{
    char err[256];
    const char *areas[] = {"wijk-a"};
    assert_true(user_add(db, name, "wijkregisseur", good_password, areas, 1, err, sizeof err));
    struct user u;
    assert_true(user_get(db, name, &u));
    return u.id;
}

static int64_t sessions_of(struct db *db, int64_t user_id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT count(*) FROM sessions WHERE user_id = ?");
    assert_non_null(s);
    sqlite3_bind_int64(s, 1, user_id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

static void sessions_live_and_expire(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    int64_t other = add_user(db, "kees");
    char token[SESSION_TOKEN_CHARS + 1];
    assert_true(session_create(db, id, T0, NULL, token));
    assert_int_equal(strlen(token), 43);
    assert_int_equal(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_"),
                     43);
    struct user u;
    memset(&u, 0, sizeof u);
    assert_true(session_user(db, token, T0 + 60, &u));
    assert_int_equal(u.id, id);
    assert_string_equal(u.username, "ria");
    assert_true(session_user(db, token, T0 + SESSION_HOURS * 3600 - 1, &u));
    assert_false(session_user(db, token, T0 + SESSION_HOURS * 3600, &u));
    assert_false(session_user(db, token, T0 + 30 * 86400, &u));
    /* Wrong, short and missing tokens. */
    char wrong[SESSION_TOKEN_CHARS + 1];
    memcpy(wrong, token, sizeof wrong);
    wrong[10] = wrong[10] == 'A' ? 'B' : 'A';
    assert_false(session_user(db, wrong, T0 + 60, &u));
    assert_false(session_user(db, "kort", T0 + 60, &u));
    assert_false(session_user(db, "", T0 + 60, &u));
    assert_false(session_user(db, NULL, T0 + 60, &u));
    /* The token itself is not stored: only a 32-byte hash. */
    sqlite3_stmt *s = db_prepare(db, "SELECT token_hash FROM sessions WHERE user_id = ?");
    assert_non_null(s);
    sqlite3_bind_int64(s, 1, id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int len = sqlite3_column_bytes(s, 0);
    const void *stored = sqlite3_column_blob(s, 0);
    assert_int_equal(len, 32);
    assert_false(len == (int)strlen(token) && memcmp(stored, token, (size_t)len) == 0);
    assert_true(memcmp(stored, token, 32) != 0);
    sqlite3_reset(s);
    s = db_prepare(db, "SELECT count(*) FROM sessions WHERE token_hash = CAST(? AS BLOB) "
                       "OR instr(CAST(token_hash AS TEXT), ?) > 0");
    assert_non_null(s);
    sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, token, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(s, 0), 0);
    sqlite3_reset(s);
    /* Two sessions are independent; a new one given the old token replaces it. */
    char second[SESSION_TOKEN_CHARS + 1], third[SESSION_TOKEN_CHARS + 1];
    assert_true(session_create(db, id, T0 + 100, NULL, second));
    assert_string_not_equal(token, second);
    assert_int_equal(sessions_of(db, id), 2);
    assert_true(session_create(db, id, T0 + 200, second, third));
    assert_false(session_user(db, second, T0 + 300, &u));
    assert_true(session_user(db, third, T0 + 300, &u));
    assert_int_equal(sessions_of(db, id), 2); /* the expired first one and the third */
    /* Logout. */
    session_delete(db, third);
    assert_false(session_user(db, third, T0 + 300, &u));
    session_delete(db, NULL);
    session_delete(db, "bestaat-niet");
    /* Another user's session is unaffected by all this. */
    char theirs[SESSION_TOKEN_CHARS + 1];
    assert_true(session_create(db, other, T0, NULL, theirs));
    assert_true(session_user(db, theirs, T0 + 60, &u));
    assert_int_equal(u.id, other);
    db_close(db);
}

static void new_password_or_disabling_ends_sessions(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    int64_t other = add_user(db, "kees");
    char a[SESSION_TOKEN_CHARS + 1], b[SESSION_TOKEN_CHARS + 1], k[SESSION_TOKEN_CHARS + 1];
    struct user u;
    assert_true(session_create(db, id, T0, NULL, a));
    assert_true(session_create(db, id, T0, NULL, b));
    assert_true(session_create(db, other, T0, NULL, k));
    assert_true(session_user(db, a, T0 + 1, &u));
    assert_true(user_set_password(db, "ria", "een nieuw geheim voor ria"));
    assert_false(session_user(db, a, T0 + 2, &u));
    assert_false(session_user(db, b, T0 + 2, &u));
    assert_int_equal(sessions_of(db, id), 0);
    assert_true(session_user(db, k, T0 + 2, &u));
    /* Disabling ends them too, and they stay ended when the account is enabled again. */
    assert_true(session_create(db, id, T0 + 10, NULL, a));
    assert_true(session_user(db, a, T0 + 11, &u));
    assert_true(user_set_disabled(db, "ria", true));
    assert_false(session_user(db, a, T0 + 12, &u));
    assert_int_equal(sessions_of(db, id), 0);
    assert_true(user_set_disabled(db, "ria", false));
    assert_false(session_user(db, a, T0 + 13, &u));
    assert_true(session_user(db, k, T0 + 13, &u));
    assert_int_equal(u.id, other);
    /* A session of a disabled account is refused even if it exists. */
    assert_true(session_create(db, other, T0 + 20, NULL, k));
    assert_true(db_exec(db, "UPDATE users SET disabled = 1 WHERE username = 'kees'"));
    assert_false(session_user(db, k, T0 + 21, &u));
    db_close(db);
}

/* ---- Logging in and out ---- */

/* The outcomes of login audit rows for one subject, oldest first, joined by commas. */
static void login_log(struct db *db, const char *subject, char *out, size_t size)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT coalesce(group_concat(to_value, ','), '') FROM "
                                     "(SELECT to_value FROM audit_log WHERE action = 'login' "
                                     "AND subject = ? ORDER BY id)");
    assert_non_null(s);
    sqlite3_bind_text(s, 1, subject, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
}

static void login_ok_makes_an_audited_session(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    char old[SESSION_TOKEN_CHARS + 1], token[SESSION_TOKEN_CHARS + 1];
    assert_true(session_create(db, id, T0, NULL, old));
    struct user u;
    memset(&u, 0, sizeof u);
    int64_t wait = -1;
    assert_int_equal(
        session_login(db, "ria", good_password, "192.0.2.7", old, T0 + 10, &u, token, &wait),
        LOGIN_OK);
    assert_int_equal(wait, 0);
    assert_int_equal(u.id, id);
    assert_string_equal(u.username, "ria");
    struct user who;
    assert_true(session_user(db, token, T0 + 20, &who));
    assert_int_equal(who.id, id);
    /* The session of the cookie sent along was replaced, not kept beside the new one. */
    assert_false(session_user(db, old, T0 + 20, &who));
    assert_int_equal(sessions_of(db, id), 1);
    char log[200];
    login_log(db, "user:ria", log, sizeof log);
    assert_string_equal(log, "gelukt");
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'login' AND "
                               "actor = 'ria' AND reason = '192.0.2.7'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM throttle"), 0);
    db_close(db);
}

static void login_refused_counts_against_address_and_name(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    struct user u;
    char token[SESSION_TOKEN_CHARS + 1];
    int64_t wait = -1;
    assert_int_equal(session_login(db, "ria", "een verkeerd wachtwoord", "192.0.2.7", NULL, T0, &u,
                                   token, &wait),
                     LOGIN_REFUSED);
    assert_int_equal(
        session_login(db, "niemand", good_password, "192.0.2.7", NULL, T0, &u, token, &wait),
        LOGIN_REFUSED);
    /* A disabled account with the right password fails alike. */
    assert_true(user_set_disabled(db, "ria", true));
    assert_int_equal(
        session_login(db, "ria", good_password, "192.0.2.8", NULL, T0, &u, token, &wait),
        LOGIN_REFUSED);
    assert_int_equal(sessions_of(db, id), 0);
    char log[200];
    login_log(db, "user:ria", log, sizeof log);
    assert_string_equal(log, "mislukt,mislukt");
    login_log(db, "user:niemand", log, sizeof log);
    assert_string_equal(log, "mislukt");
    assert_int_equal(count(db, "SELECT count(*) FROM throttle WHERE bucket = 'login:192.0.2.7'"),
                     2);
    assert_int_equal(count(db, "SELECT count(*) FROM throttle WHERE bucket = 'login-account:ria'"),
                     2);
    /* An overlong name is audited bounded to 40 characters. */
    char longname[80];
    memset(longname, 'x', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(
        session_login(db, longname, good_password, "192.0.2.9", NULL, T0, &u, token, &wait),
        LOGIN_REFUSED);
    assert_int_equal(count(db, "SELECT max(length(subject)) FROM audit_log WHERE action = 'login'"),
                     5 + 40);
    db_close(db);
}

static void login_throttled_per_account_and_per_address(void **state)
{
    (void)state;
    struct db *db = open_db();
    add_user(db, "ria");
    struct user u;
    char token[SESSION_TOKEN_CHARS + 1], addr[32];
    int64_t wait = -1;
    /* Five failures for one name, each from another address: the next try from one of those
     * addresses waits, even with the right password ... */
    for (int i = 0; i < 5; i++) {
        snprintf(addr, sizeof addr, "198.51.100.%d", i + 1);
        assert_int_equal(
            session_login(db, "ria", "fout fout fout fout", addr, NULL, T0 + i, &u, token, &wait),
            LOGIN_REFUSED);
    }
    assert_int_equal(
        session_login(db, "ria", good_password, "198.51.100.1", NULL, T0 + 10, &u, token, &wait),
        LOGIN_THROTTLED);
    assert_true(wait > 0 && wait <= 15);
    char log[200];
    login_log(db, "user:ria", log, sizeof log);
    assert_string_equal(log, "mislukt,mislukt,mislukt,mislukt,mislukt,geblokkeerd");
    /* A blocked attempt is not counted as another failure. */
    assert_int_equal(count(db, "SELECT count(*) FROM throttle WHERE bucket = 'login-account:ria'"),
                     5);
    /* ... but the right password from an address that never failed logs in at once, and its
     * success is not counted. */
    assert_int_equal(
        session_login(db, "ria", good_password, "203.0.113.1", NULL, T0 + 10, &u, token, &wait),
        LOGIN_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM throttle WHERE bucket = 'login-account:ria'"),
                     5);
    assert_int_equal(count(db, "SELECT count(*) FROM throttle WHERE bucket = 'login:203.0.113.1'"),
                     0);
    db_close(db);
}

/* The delay grows for whoever keeps failing: 15 s after the fifth failure, then 30, 60 ... */
static void login_delay_grows_per_address(void **state)
{
    (void)state;
    struct db *db = open_db();
    add_user(db, "ria");
    struct user u;
    char token[SESSION_TOKEN_CHARS + 1];
    int64_t wait = -1;
    time_t t = T0;
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "naam%d", i);
        assert_int_equal(session_login(db, name, "fout fout fout fout", "192.0.2.50", NULL, t, &u,
                                       token, &wait),
                         LOGIN_REFUSED);
    }
    int64_t expected = 15;
    for (int round = 0; round < 4; round++) {
        assert_int_equal(
            session_login(db, "ria", good_password, "192.0.2.50", NULL, t, &u, token, &wait),
            LOGIN_THROTTLED);
        assert_int_equal(wait, expected);
        t += expected;
        assert_int_equal(session_login(db, "naam", "fout fout fout fout", "192.0.2.50", NULL, t,
                                       &u, token, &wait),
                         LOGIN_REFUSED);
        expected *= 2;
    }
    /* Another address is not held back at all. */
    assert_int_equal(
        session_login(db, "ria", good_password, "192.0.2.51", NULL, t, &u, token, &wait), LOGIN_OK);
    /* When the window has passed, the address starts afresh. */
    assert_int_equal(
        session_login(db, "ria", good_password, "192.0.2.50", NULL, t + 1801, &u, token, &wait),
        LOGIN_OK);
    db_close(db);
}

/* Parallel wrong logins from one address, each on its own connection: exactly the five free
 * ones are checked, every other one is throttled (no "six of five"). */
struct racer {
    const char *path;
    enum login_result result;
};

static void *race_login(void *arg)
{
    struct racer *r = arg;
    char err[256];
    struct db *db = db_open(r->path, false, err, sizeof err);
    struct user u;
    char token[SESSION_TOKEN_CHARS + 1];
    int64_t wait;
    r->result = db ? session_login(db, "ria", "fout fout fout fout", "192.0.2.77", NULL, T0, &u,
                                   token, &wait)
                   : LOGIN_BUSY;
    if (db)
        db_close(db);
    return NULL;
}

static void parallel_logins_do_not_slip_past_the_limit(void **state)
{
    (void)state;
    char dir[] = "/tmp/bs-race-XXXXXX", path[64], err[256];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/db.sqlite", dir);
    struct db *db = db_open(path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'A')"));
    add_user(db, "ria");
    enum { RACERS = 12 };
    struct racer racers[RACERS];
    pthread_t threads[RACERS];
    for (int i = 0; i < RACERS; i++) {
        racers[i] = (struct racer){path, LOGIN_OK};
        assert_int_equal(pthread_create(&threads[i], NULL, race_login, &racers[i]), 0);
    }
    int refused = 0, throttled = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(threads[i], NULL);
        refused += racers[i].result == LOGIN_REFUSED;
        throttled += racers[i].result == LOGIN_THROTTLED;
    }
    assert_int_equal(refused, 5);
    assert_int_equal(throttled, RACERS - 5);
    assert_int_equal(count(db, "SELECT count(*) FROM throttle WHERE bucket = 'login:192.0.2.77'"),
                     5);
    /* Every blocked attempt is in the audit log. */
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'login' AND "
                               "to_value = 'geblokkeerd'"),
                     RACERS - 5);
    db_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* An audit row that cannot be written takes its change with it. */
static void login_without_its_audit_row_stores_no_session(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    assert_true(db_exec(db, "CREATE TEMP TRIGGER no_audit BEFORE INSERT ON audit_log "
                            "BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END"));
    struct user u;
    char token[SESSION_TOKEN_CHARS + 1];
    int64_t wait = -1;
    assert_int_equal(
        session_login(db, "ria", good_password, "192.0.2.7", NULL, T0, &u, token, &wait),
        LOGIN_BUSY);
    assert_int_equal(sessions_of(db, id), 0);
    assert_int_equal(db_depth(db), 0);
    /* Logging out without the audit row keeps the session. */
    assert_true(db_exec(db, "DROP TRIGGER no_audit"));
    assert_int_equal(
        session_login(db, "ria", good_password, "192.0.2.7", NULL, T0, &u, token, &wait), LOGIN_OK);
    assert_true(db_exec(db, "CREATE TEMP TRIGGER no_audit BEFORE INSERT ON audit_log "
                            "BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END"));
    assert_false(session_logout(db, token, T0 + 60));
    assert_true(session_user(db, token, T0 + 61, &u));
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

static void logout_ends_the_session_audited(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    char token[SESSION_TOKEN_CHARS + 1], other[SESSION_TOKEN_CHARS + 1];
    assert_true(session_create(db, id, T0, NULL, token));
    assert_true(session_create(db, id, T0, NULL, other));
    assert_true(session_logout(db, token, T0 + 60));
    struct user u;
    assert_false(session_user(db, token, T0 + 61, &u));
    assert_true(session_user(db, other, T0 + 61, &u));
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'logout' AND "
                               "actor = 'ria' AND subject = 'user:ria'"),
                     1);
    /* No session, an unknown or an expired one: nothing to end, nothing audited. */
    assert_true(session_logout(db, NULL, T0 + 70));
    assert_true(session_logout(db, "bestaat-niet", T0 + 70));
    assert_true(session_logout(db, other, T0 + SESSION_HOURS * 3600 + 1));
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'logout'"), 1);
    db_close(db);
}

/* A new password or disabling that cannot end the sessions does not happen either: the
 * change and the end of the sessions are one transaction. */
static void password_change_and_ending_sessions_are_one(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    char token[SESSION_TOKEN_CHARS + 1];
    assert_true(session_create(db, id, T0, NULL, token));
    assert_true(db_exec(db, "CREATE TEMP TRIGGER keep_sessions BEFORE DELETE ON sessions "
                            "BEGIN SELECT RAISE(ABORT, 'sessions locked'); END"));
    assert_false(user_set_password(db, "ria", "een nieuw geheim voor ria"));
    assert_false(user_set_disabled(db, "ria", true));
    assert_int_equal(db_depth(db), 0);
    struct user u;
    assert_true(user_authenticate(db, "ria", good_password, &u));
    assert_false(u.disabled);
    assert_true(session_user(db, token, T0 + 1, &u));
    db_close(db);
}

static void expired_sessions_are_purged(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add_user(db, "ria");
    char a[SESSION_TOKEN_CHARS + 1], b[SESSION_TOKEN_CHARS + 1];
    assert_true(session_create(db, id, T0, NULL, a));
    assert_true(session_create(db, id, T0 + 3600, NULL, b));
    assert_int_equal(sessions_purge_expired(db, T0 + SESSION_HOURS * 3600 - 1), 0);
    assert_int_equal(sessions_purge_expired(db, T0 + SESSION_HOURS * 3600), 1);
    struct user u;
    assert_true(session_user(db, b, T0 + SESSION_HOURS * 3600, &u));
    assert_int_equal(sessions_of(db, id), 1);
    assert_int_equal(sessions_purge_expired(db, T0 + 30 * 86400), 1);
    assert_int_equal(sessions_of(db, id), 0);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sessions_live_and_expire),
        cmocka_unit_test(new_password_or_disabling_ends_sessions),
        cmocka_unit_test(login_ok_makes_an_audited_session),
        cmocka_unit_test(login_refused_counts_against_address_and_name),
        cmocka_unit_test(login_throttled_per_account_and_per_address),
        cmocka_unit_test(login_delay_grows_per_address),
        cmocka_unit_test(parallel_logins_do_not_slip_past_the_limit),
        cmocka_unit_test(login_without_its_audit_row_stores_no_session),
        cmocka_unit_test(logout_ends_the_session_audited),
        cmocka_unit_test(password_change_and_ending_sessions_are_one),
        cmocka_unit_test(expired_sessions_are_purged),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
