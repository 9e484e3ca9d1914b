/* The areas of a staff member: listed with "mine", replaced with the audit row at once, and
 * nothing changed when an area is unknown or the audit row is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "db/db.h"
#include "domain/staff_areas.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0 ((time_t)1800000000)

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'A'), (2, 'dorp', 'dorp-b', 'B')"));
    assert_true(db_exec(db, "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
                            "(3, 1, 'buurt', 'buurt-a1', 'A1')"));
    assert_true(db_exec(db, "INSERT INTO users(id, username, role, password_hash) VALUES "
                            "(7, 'ria', 'wijkregisseur', 'x')"));
    assert_true(db_exec(db, "INSERT INTO user_areas(user_id, area_id) VALUES (7, 1)"));
    return db;
}

static void list_marks_mine(void **state)
{
    (void)state;
    struct db *db = open_db();
    json_t *list = staff_areas_list(db, 7);
    assert_int_equal(json_array_size(list), 2); /* wijken and dorpen only */
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "slug")),
                        "wijk-a");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "mine")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 1), "mine")), 0);
    json_decref(list);
    db_close(db);
}

static void set_replaces_and_audits(void **state)
{
    (void)state;
    struct db *db = open_db();
    const char *both[] = {"dorp-b", "wijk-a", "dorp-b"};
    assert_int_equal(staff_areas_set(db, 7, "ria", both, 3, "beheerder", T0), STAFF_AREAS_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas WHERE user_id = 7"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'user-areas' AND "
                               "subject = 'ria' AND actor = 'beheerder' AND "
                               "to_value = 'dorp-b,wijk-a,dorp-b'"),
                     1);
    assert_int_equal(staff_areas_set(db, 7, "ria", NULL, 0, "beheerder", T0), STAFF_AREAS_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas WHERE user_id = 7"), 0);
    db_close(db);
}

static void refusals_change_nothing(void **state)
{
    (void)state;
    struct db *db = open_db();
    /* A buurt or an unknown slug: nothing changes, not even the areas named before it. */
    const char *buurt[] = {"dorp-b", "buurt-a1"};
    assert_int_equal(staff_areas_set(db, 7, "ria", buurt, 2, "b", T0), STAFF_AREAS_UNKNOWN_AREA);
    const char *unknown[] = {"nergens"};
    assert_int_equal(staff_areas_set(db, 7, "ria", unknown, 1, "b", T0), STAFF_AREAS_UNKNOWN_AREA);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas WHERE user_id = 7 AND area_id = 1"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas"), 1);
    assert_true(db_exec(db, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                            "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    const char *b[] = {"dorp-b"};
    assert_int_equal(staff_areas_set(db, 7, "ria", b, 1, "b", T0), STAFF_AREAS_DB);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas WHERE user_id = 7 AND area_id = 1"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), 0);
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(list_marks_mine),
        cmocka_unit_test(set_replaces_and_audits),
        cmocka_unit_test(refusals_change_nothing),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
