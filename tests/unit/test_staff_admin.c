/* Staff accounts and settings changed by an admin: each change and its audit row land
 * together, and when the audit row cannot be written the change does not land either. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/sessions.h"
#include "domain/settings.h"
#include "domain/staff_admin.h"
#include "domain/sessions.h"
#include "domain/users.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0 ((time_t)1800000000) /* 2027-01-15 08:00 UTC */

static const char good_password[] = "paars konijn fietst door Almelo";
static const char other_password[] = "groene kikker zwemt in de Aa";

/* A migrated in-memory database with areas 1 wijk-a, 2 wijk-b, 3 buurt-a1 (of wijk-a) and
 * 4 dorp-c, and an admin "beheer". */
static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'Aa'), (2, 'wijk', 'wijk-b', 'Bb'), (4, 'dorp', 'dorp-c', 'Ab')"));
    assert_true(db_exec(db, "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
                            "(3, 1, 'buurt', 'buurt-a1', 'A1')"));
    assert_true(user_add(db, "beheer", "admin", good_password, NULL, 0, err, sizeof err));
    return db;
}

/* From now on the audit log refuses rows of this action (as a full disk or a broken
 * statement would): the change that goes with it must not land. */
/* Audit rows of this action are refused. */
static void refuse_audit_of(struct db *db, const char *action)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN NEW.action = '%s' "
             "BEGIN SELECT RAISE(ABORT, 'refused'); END",
             action);
    assert_true(db_exec(db, sql));
}

/* The check before adding says which field is wrong, and writes nothing. */
static void checking_a_new_user(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[200];
    assert_int_equal(staff_user_add(db, "beheer", "jan", "wijkregisseur", good_password, NULL, 0,
                                    NULL, T0, err, sizeof err),
                     STAFF_OK);
    int64_t audits = count(db, "SELECT count(*) FROM audit_log");
    struct staff_add_check c;
    const char *good[] = {"wijk-b"}, *unknown[] = {"wijk-b", "nergens"};
    assert_true(staff_user_add_check(db, "klaas", "wijkregisseur", good, 1, "k@almelo.example", &c));
    assert_false(c.bad_name || c.name_taken || c.bad_role || c.bad_email || c.unknown_area);
    assert_false(staff_user_add_check(db, "Niet Goed!", "wijkregisseur", NULL, 0, NULL, &c));
    assert_true(c.bad_name);
    assert_false(c.name_taken || c.bad_role || c.bad_email || c.unknown_area);
    assert_false(staff_user_add_check(db, "jan", "admin", NULL, 0, "", &c));
    assert_true(c.name_taken);
    assert_false(c.bad_name || c.bad_role || c.bad_email);
    assert_false(staff_user_add_check(db, "klaas", "koning", unknown, 2, "geen adres", &c));
    assert_true(c.bad_role && c.bad_email);
    assert_string_equal(c.unknown_area, "nergens");
    assert_false(c.bad_name || c.name_taken);
    assert_int_equal(count(db, "SELECT count(*) FROM users"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);
    db_close(db);
}

static void adding_a_user(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[200];
    const char *areas[] = {"buurt-a1", "wijk-b"};
    assert_int_equal(staff_user_add(db, "beheer", "jan", "wijkregisseur", good_password, areas, 2,
                                    "jan@almelo.example", T0, err, sizeof err),
                     STAFF_OK);
    struct user u;
    assert_true(user_get(db, "jan", &u));
    assert_string_equal(u.role, "wijkregisseur");
    assert_string_equal(u.email, "jan@almelo.example");
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas WHERE user_id = "
                               "(SELECT id FROM users WHERE username = 'jan')"),
                     2);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'user-add' AND "
                               "actor = 'beheer' AND subject = 'jan' AND from_value = '' AND "
                               "to_value = 'wijkregisseur' AND at = '2027-01-15 08:00:00'"),
                     1);
    /* Without an address: none is stored. */
    assert_int_equal(
        staff_user_add(db, "cli", "piet", "admin", good_password, NULL, 0, "", T0, err, sizeof err),
        STAFF_OK);
    assert_true(user_get(db, "piet", &u));
    assert_string_equal(u.email, "");

    /* Refusals change nothing and write no audit row. */
    int64_t users = count(db, "SELECT count(*) FROM users");
    int64_t audits = count(db, "SELECT count(*) FROM audit_log");
    assert_int_equal(staff_user_add(db, "beheer", "klaas", "wijkregisseur", good_password, NULL, 0,
                                    "geen adres", T0, err, sizeof err),
                     STAFF_BAD_EMAIL);
    assert_int_equal(staff_user_add(db, "beheer", "Niet Goed!", "wijkregisseur", good_password,
                                    NULL, 0, NULL, T0, err, sizeof err),
                     STAFF_INVALID);
    assert_true(strlen(err) > 0);
    assert_int_equal(staff_user_add(db, "beheer", "jan", "wijkregisseur", good_password, NULL, 0,
                                    NULL, T0, err, sizeof err),
                     STAFF_INVALID);
    assert_string_equal(err, "that username exists already");
    assert_int_equal(staff_user_add(db, "beheer", "klaas", "koning", good_password, NULL, 0, NULL,
                                    T0, err, sizeof err),
                     STAFF_INVALID);
    const char *unknown[] = {"wijk-a", "nergens"};
    assert_int_equal(staff_user_add(db, "beheer", "klaas", "wijkregisseur", good_password, unknown,
                                    2, NULL, T0, err, sizeof err),
                     STAFF_INVALID);
    assert_int_equal(count(db, "SELECT count(*) FROM users"), users);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas WHERE user_id NOT IN "
                               "(SELECT id FROM users)"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);
    assert_int_equal(db_depth(db), 0);

    /* No audit row, no account (and no areas, no address). */
    refuse_audit_of(db, "user-add");
    assert_int_equal(staff_user_add(db, "beheer", "klaas", "wijkregisseur", good_password, areas, 2,
                                    "klaas@almelo.example", T0, err, sizeof err),
                     STAFF_BUSY);
    assert_false(user_get(db, "klaas", &u));
    assert_int_equal(count(db, "SELECT count(*) FROM users"), users);
    assert_int_equal(count(db, "SELECT count(*) FROM user_areas"), 2);
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

/* Inside a caller's transaction it is one step of the whole: rolled back with it. */
static void adding_inside_a_transaction(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[200];
    assert_true(db_begin(db));
    assert_int_equal(staff_user_add(db, "beheer", "jan", "wijkregisseur", good_password, NULL, 0,
                                    NULL, T0, err, sizeof err),
                     STAFF_OK);
    assert_int_equal(db_depth(db), 1);
    db_rollback(db);
    struct user u;
    assert_false(user_get(db, "jan", &u));
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'user-add'"), 0);
    db_close(db);
}

static void disabling_and_enabling(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[200], token[SESSION_TOKEN_CHARS + 1];
    assert_int_equal(staff_user_add(db, "beheer", "jan", "wijkregisseur", good_password, NULL, 0,
                                    NULL, T0, err, sizeof err),
                     STAFF_OK);
    struct user u;
    assert_true(user_get(db, "jan", &u));
    assert_true(session_create(db, u.id, T0, NULL, token));

    assert_int_equal(staff_user_set_disabled(db, "beheer", "beheer", true, T0), STAFF_SELF);
    assert_int_equal(staff_user_set_disabled(db, "beheer", "niemand", true, T0), STAFF_NO_USER);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action LIKE 'user-%able'"), 0);

    assert_int_equal(staff_user_set_disabled(db, "beheer", "jan", true, T0), STAFF_OK);
    assert_true(user_get(db, "jan", &u) && u.disabled);
    assert_false(session_user(db, token, T0 + 60, &u)); /* the session ended */
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'user-disable' AND "
                               "actor = 'beheer' AND subject = 'jan'"),
                     1);
    /* An admin may enable their own account (it is enabled, or they could not act). */
    assert_int_equal(staff_user_set_disabled(db, "beheer", "beheer", false, T0), STAFF_OK);
    assert_int_equal(staff_user_set_disabled(db, "beheer", "jan", false, T0), STAFF_OK);
    assert_true(user_get(db, "jan", &u) && !u.disabled);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'user-enable'"), 2);

    refuse_audit_of(db, "user-disable");
    assert_int_equal(staff_user_set_disabled(db, "beheer", "jan", true, T0), STAFF_BUSY);
    assert_true(user_get(db, "jan", &u) && !u.disabled); /* no audit row, no change */
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

static void resetting_a_password(void **state)
{
    (void)state;
    struct db *db = open_db();
    char err[200], token[SESSION_TOKEN_CHARS + 1];
    assert_int_equal(staff_user_add(db, "beheer", "jan", "wijkregisseur", good_password, NULL, 0,
                                    NULL, T0, err, sizeof err),
                     STAFF_OK);
    struct user u;
    assert_true(user_get(db, "jan", &u));
    assert_true(session_create(db, u.id, T0, NULL, token));

    assert_int_equal(staff_user_reset_password(db, "beheer", "niemand", other_password, T0),
                     STAFF_NO_USER);
    assert_int_equal(staff_user_reset_password(db, "beheer", "jan", other_password, T0), STAFF_OK);
    assert_true(user_authenticate(db, "jan", other_password, &u));
    assert_false(user_authenticate(db, "jan", good_password, &u));
    assert_false(session_user(db, token, T0 + 60, &u));
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'user-passwd' AND "
                               "actor = 'beheer' AND subject = 'jan'"),
                     1);

    refuse_audit_of(db, "user-passwd");
    assert_int_equal(staff_user_reset_password(db, "beheer", "jan", good_password, T0), STAFF_BUSY);
    assert_true(user_authenticate(db, "jan", other_password, &u)); /* the old one still works */
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

static const char *setting(struct db *db, json_t **all, const char *key)
{
    json_decref(*all);
    *all = settings_all(db);
    return json_string_value(json_object_get(*all, key));
}

static void saving_settings(void **state)
{
    (void)state;
    struct db *db = open_db();
    json_t *all = NULL;
    assert_true(settings_set(db, "site_naam", "Buurt Samen"));
    assert_true(settings_set(db, "voucher_cents", "750"));
    int64_t audits = count(db, "SELECT count(*) FROM audit_log");

    const char *keys[] = {"site_naam", "voucher_cents", "regels"};
    const char *values[] = {"Buurt Samen Almelo", "750", "Wees aardig."};
    assert_int_equal(staff_settings_save(db, "beheer", keys, values, 3, T0), STAFF_OK);
    assert_string_equal(setting(db, &all, "site_naam"), "Buurt Samen Almelo");
    assert_string_equal(setting(db, &all, "regels"), "Wees aardig.");
    /* Only what changed is audited, from the old value (a new key from "") to the new. */
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits + 2);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'setting' AND "
                               "subject = 'site_naam' AND from_value = 'Buurt Samen' AND "
                               "to_value = 'Buurt Samen Almelo' AND actor = 'beheer'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'setting' AND "
                               "subject = 'regels' AND from_value = '' AND "
                               "to_value = 'Wees aardig.'"),
                     1);
    /* The same again: nothing to write. */
    assert_int_equal(staff_settings_save(db, "beheer", keys, values, 3, T0), STAFF_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits + 2);

    /* When an audit row cannot be written, no setting of the batch changes. */
    refuse_audit_of(db, "setting");
    const char *changed[] = {"Andere naam", "500", "Andere regels."};
    assert_int_equal(staff_settings_save(db, "beheer", keys, changed, 3, T0), STAFF_BUSY);
    assert_string_equal(setting(db, &all, "site_naam"), "Buurt Samen Almelo");
    assert_string_equal(setting(db, &all, "voucher_cents"), "750");
    assert_string_equal(setting(db, &all, "regels"), "Wees aardig.");
    assert_int_equal(db_depth(db), 0);
    json_decref(all);
    db_close(db);
}

static void areas_to_assign(void **state)
{
    (void)state;
    struct db *db = open_db();
    json_t *areas = staff_area_choices(db);
    assert_non_null(areas);
    assert_int_equal(json_array_size(areas), 3); /* no buurt */
    const char *want[][2] = {{"wijk-a", "Aa"}, {"dorp-c", "Ab"}, {"wijk-b", "Bb"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *a = json_array_get(areas, i);
        assert_string_equal(json_string_value(json_object_get(a, "slug")), want[i][0]);
        assert_string_equal(json_string_value(json_object_get(a, "name")), want[i][1]);
    }
    json_decref(areas);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checking_a_new_user),
        cmocka_unit_test(adding_a_user),          cmocka_unit_test(adding_inside_a_transaction),
        cmocka_unit_test(disabling_and_enabling), cmocka_unit_test(resetting_a_password),
        cmocka_unit_test(saving_settings),        cmocka_unit_test(areas_to_assign),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
