/* Staff accounts: adding users, checking a login, and which areas a user may act on. */
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
#include "db_fixture.h"

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
    /* The same account by id; disabled ones too; an unknown id is not found. */
    struct user by_id;
    assert_true(user_get_by_id(db, u.id, &by_id));
    assert_string_equal(by_id.username, "beheer");
    assert_string_equal(by_id.role, "admin");
    assert_true(user_set_disabled(db, "beheer", true));
    assert_true(user_get_by_id(db, u.id, &by_id));
    assert_true(by_id.disabled);
    assert_true(user_set_disabled(db, "beheer", false));
    assert_false(user_get_by_id(db, 9999, &by_id));
    assert_false(user_get_by_id(db, 0, &by_id));
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
        cmocka_unit_test(add_refuses_bad_input_and_inserts_nothing),
        cmocka_unit_test(add_stores_users_with_areas),
        cmocka_unit_test(authenticate),
        cmocka_unit_test(may_act_by_role_and_area),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
