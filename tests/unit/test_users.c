/* Staff accounts: password rules, argon2id hashes, adding users, logging in, sessions, and
 * which areas a user may act on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/users.h"
#include "util/log.h"

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

static int64_t count(struct db *db, const char *sql)
{
    int64_t n = -1;
    assert_true(db_get_int(db, sql, &n));
    return n;
}

static const char good_password[] = "paars konijn fietst door Almelo";

/* ---- Password rules ---- */

static void assert_weak(const char *password, const char *username, const char *reason_part)
{
    const char *why = password_weakness(password, username);
    if (!why)
        fprintf(stderr, "accepted: '%s' (user '%s')\n", password, username ? username : "");
    assert_non_null(why);
    if (reason_part && !strstr(why, reason_part))
        fprintf(stderr, "'%s': reason '%s' lacks '%s'\n", password, why, reason_part);
    if (reason_part)
        assert_non_null(strstr(why, reason_part));
}

static void weak_passwords_are_refused(void **state)
{
    (void)state;
    /* Too short: fewer than 12 characters. */
    assert_weak("", "jan", "12 tekens");
    assert_weak("kort", "jan", "12 tekens");
    assert_weak("Xq7#mVz2pLr", "jan", "12 tekens");        /* 11 */
    assert_null(password_weakness("Xq7#mVz2pLr9", "jan")); /* 12 */
    /* Too long, or not UTF-8. */
    char longer[PASSWORD_MAX + 2];
    memset(longer, 'a', sizeof longer - 1);
    for (size_t i = 0; i + 1 < sizeof longer; i += 2)
        longer[i] = 'b';
    longer[PASSWORD_MAX + 1] = '\0';
    assert_weak(longer, "jan", "te lang");
    longer[PASSWORD_MAX] = '\0';
    assert_null(password_weakness(longer, "jan")); /* exactly the maximum */
    assert_weak("geheim-\xff\xfe-wachtwoord", "jan", "ongeldige");
    /* On the list of common passwords, in any case. */
    assert_weak("wachtwoord123", "jan", "veelgebruikte");
    assert_weak("Wachtwoord123", "jan", "veelgebruikte");
    assert_weak("WACHTWOORD123", "jan", "veelgebruikte");
    assert_weak("WelKom123456", "jan", "veelgebruikte");
    assert_weak("Password1234", "jan", "veelgebruikte");
    assert_weak("123456789012", "jan", "veelgebruikte");
    assert_weak("BuurtSamen2026", "jan", "veelgebruikte");
    assert_weak("P@ssw0rd1234", "jan", "veelgebruikte");
    /* Containing the username, in any case. */
    assert_weak("janssen-heeft-een-fiets", "janssen", "gebruikersnaam");
    assert_weak("mijn naam is JANSSEN 77", "janssen", "gebruikersnaam");
    assert_weak("fiets-janssen", "janssen", "gebruikersnaam");
    assert_null(password_weakness("janssen-heeft-een-fiets", "pietersen"));
    assert_null(password_weakness("janssen-heeft-een-fiets", NULL));
    assert_null(password_weakness("janssen-heeft-een-fiets", ""));
    /* One character over and over. */
    assert_weak("zzzzzzzzzzzzzzzz", "jan", "herhaald");
    assert_weak("################", "jan", "herhaald");
    assert_null(password_weakness("zzzzzzzzzzzzzzzy", "jan"));
    /* A good long passphrase. */
    assert_null(password_weakness(good_password, "jan"));
    assert_null(password_weakness("Één vrolijke fiets op de brug", "jan"));
}

static void hashes_are_argon2id_and_verify(void **state)
{
    (void)state;
    char hash[128], again[128];
    assert_true(password_hash(good_password, hash));
    assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
    assert_non_null(strstr(hash, "m=19456,t=2"));
    assert_null(strstr(hash, good_password));
    assert_true(password_verify(hash, good_password));
    assert_false(password_verify(hash, "paars konijn fietst door almelo"));
    assert_false(password_verify(hash, ""));
    assert_false(password_verify(hash, "paars konijn fietst door Almelo "));
    /* A fresh salt each time. */
    assert_true(password_hash(good_password, again));
    assert_string_not_equal(hash, again);
    assert_true(password_verify(again, good_password));
    /* Garbage and overlong hashes are refused, not crashed on. */
    assert_false(password_verify("", good_password));
    assert_false(password_verify("$argon2id$nonsense", good_password));
    char huge[400];
    memset(huge, 'x', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_false(password_verify(huge, good_password));
    char generated[21];
    password_generate(generated);
    assert_int_equal(strlen(generated), 20);
    assert_null(password_weakness(generated, NULL));
}

/* ---- Accounts ---- */

static void add_refuses_bad_input_and_inserts_nothing(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[256];
    const char *a_only[] = {"wijk-a"};
    static const char *const bad_names[] = {
        "",         "j",        "Jan",      "-jan",   ".jan",
        "jan smit", "jan@smit", "jan/smit", "jänsen", "abcdefghijabcdefghijabcdefghijabcdefghijk"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        err[0] = '\0';
        assert_false(
            user_add(db, bad_names[i], "wijkregisseur", good_password, a_only, 1, err, sizeof err));
        assert_non_null(strstr(err, "username"));
    }
    assert_false(user_add(db, "jan", "beheerder", good_password, NULL, 0, err, sizeof err));
    assert_non_null(strstr(err, "role"));
    assert_false(user_add(db, "jan", "Admin", good_password, NULL, 0, err, sizeof err));
    assert_false(user_add(db, "jan", "", good_password, NULL, 0, err, sizeof err));
    assert_false(user_add(db, "jan", "admin", "kort", NULL, 0, err, sizeof err));
    assert_non_null(strstr(err, "12 tekens"));
    assert_false(user_add(db, "jan", "admin", "Wachtwoord123", NULL, 0, err, sizeof err));
    assert_false(user_add(db, "jan", "admin", "jan-zijn-geheime-zin", NULL, 0, err, sizeof err));
    assert_int_equal(count(db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas"), 0);
    /* An unknown area slug: nothing of the user remains. */
    const char *with_unknown[] = {"wijk-a", "nergens"};
    err[0] = '\0';
    assert_false(
        user_add(db, "piet", "wijkregisseur", good_password, with_unknown, 2, err, sizeof err));
    assert_non_null(strstr(err, "nergens"));
    assert_int_equal(count(db, "SELECT count(*) FROM users"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas"), 0);
    struct user u;
    assert_false(user_get(db, "piet", &u));
    db_close(db);
}

static void add_stores_users_with_areas(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[256];
    const char *areas[] = {"wijk-a", "wijk-b"};
    assert_true(
        user_add(db, "ria.de-vries_2", "wijkregisseur", good_password, areas, 2, err, sizeof err));
    assert_true(
        user_add(db, "beheer", "admin", "een heel ander geheim 42", NULL, 0, err, sizeof err));
    assert_int_equal(count(db, "SELECT count(*) FROM users"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas ua JOIN users u ON u.id = "
                               "ua.user_id WHERE u.username = 'ria.de-vries_2'"),
                     2);
    assert_int_equal(count(db, "SELECT group_concat(area_id, '') FROM (SELECT area_id FROM "
                               "user_areas ORDER BY area_id)"),
                     12);
    struct user u;
    assert_true(user_get(db, "ria.de-vries_2", &u));
    assert_string_equal(u.username, "ria.de-vries_2");
    assert_string_equal(u.role, "wijkregisseur");
    assert_false(u.disabled);
    assert_true(u.id > 0);
    assert_true(user_get(db, "beheer", &u));
    assert_string_equal(u.role, "admin");
    /* The password is stored as an argon2id hash only. */
    assert_int_equal(count(db, "SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%' "
                               "AND instr(password_hash, 'konijn') = 0"),
                     2);
    /* A duplicate is refused and changes nothing. */
    const char *b_only[] = {"wijk-b"};
    err[0] = '\0';
    assert_false(user_add(db, "beheer", "wijkregisseur", "nog een ander geheim 43", b_only, 1, err,
                          sizeof err));
    assert_non_null(strstr(err, "exists"));
    assert_int_equal(count(db, "SELECT count(*) FROM users"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas"), 2);
    assert_true(user_get(db, "beheer", &u));
    assert_string_equal(u.role, "admin");
    struct user who;
    assert_true(user_authenticate(db, "beheer", "een heel ander geheim 42", &who));
    db_close(db);
}

static void authenticate(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[256];
    const char *areas[] = {"wijk-a"};
    assert_true(user_add(db, "ria", "wijkregisseur", good_password, areas, 1, err, sizeof err));
    assert_true(user_set_email(db, "ria", "ria@almelo.example"));
    struct user u;
    memset(&u, 0, sizeof u);
    assert_true(user_authenticate(db, "ria", good_password, &u));
    assert_string_equal(u.username, "ria");
    assert_string_equal(u.role, "wijkregisseur");
    assert_string_equal(u.email, "ria@almelo.example");
    assert_false(u.disabled);
    assert_false(user_authenticate(db, "ria", "paars konijn fietst door Almel", &u));
    assert_false(user_authenticate(db, "ria", "", &u));
    assert_false(user_authenticate(db, "RIA", good_password, &u));
    assert_false(user_authenticate(db, "niemand", good_password, &u));
    assert_false(user_authenticate(db, "", good_password, &u));
    /* Disabled: the right password no longer works; enabled again, it does. */
    assert_true(user_set_disabled(db, "ria", true));
    assert_false(user_authenticate(db, "ria", good_password, &u));
    assert_true(user_set_disabled(db, "ria", false));
    assert_true(user_authenticate(db, "ria", good_password, &u));
    /* A new password replaces the old one. */
    assert_true(user_set_password(db, "ria", "een nieuw geheim voor ria"));
    assert_false(user_authenticate(db, "ria", good_password, &u));
    assert_true(user_authenticate(db, "ria", "een nieuw geheim voor ria", &u));
    assert_false(user_set_password(db, "niemand", "een nieuw geheim voor ria"));
    assert_false(user_set_disabled(db, "niemand", true));
    db_close(db);
}

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

/* ---- Areas ---- */

static void may_act_by_role_and_area(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[256];
    const char *a_only[] = {"wijk-a"};
    const char *buurt_only[] = {"buurt-a1"};
    assert_true(user_add(db, "beheer", "admin", good_password, NULL, 0, err, sizeof err));
    assert_true(user_add(db, "ria", "wijkregisseur", good_password, a_only, 1, err, sizeof err));
    assert_true(
        user_add(db, "bas", "wijkregisseur", good_password, buurt_only, 1, err, sizeof err));
    assert_true(user_add(db, "geen", "wijkregisseur", good_password, NULL, 0, err, sizeof err));
    struct user admin, ria, bas, geen;
    assert_true(user_get(db, "beheer", &admin));
    assert_true(user_get(db, "ria", &ria));
    assert_true(user_get(db, "bas", &bas));
    assert_true(user_get(db, "geen", &geen));
    /* Admins: everywhere, city-wide included. */
    for (int64_t area = 0; area <= 3; area++)
        assert_true(user_may_act(db, &admin, area));
    /* The wijkregisseur of wijk A: the wijk and its buurt, not wijk B, not city-wide. */
    assert_true(user_may_act(db, &ria, 1));
    assert_true(user_may_act(db, &ria, 3));
    assert_false(user_may_act(db, &ria, 2));
    assert_false(user_may_act(db, &ria, 0));
    assert_false(user_may_act(db, &ria, 99));
    /* Of buurt A1 only: that buurt, not the wijk around it. */
    assert_true(user_may_act(db, &bas, 3));
    assert_false(user_may_act(db, &bas, 1));
    assert_false(user_may_act(db, &bas, 2));
    assert_false(user_may_act(db, &bas, 0));
    /* Without areas: nowhere. */
    for (int64_t area = 0; area <= 3; area++)
        assert_false(user_may_act(db, &geen, area));
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weak_passwords_are_refused),
        cmocka_unit_test(hashes_are_argon2id_and_verify),
        cmocka_unit_test(add_refuses_bad_input_and_inserts_nothing),
        cmocka_unit_test(add_stores_users_with_areas),
        cmocka_unit_test(authenticate),
        cmocka_unit_test(sessions_live_and_expire),
        cmocka_unit_test(new_password_or_disabling_ends_sessions),
        cmocka_unit_test(may_act_by_role_and_area),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
