/* Areas for the admin screens: the lists, one area, and saving with the audit row in the same
 * transaction (a refused audit row leaves the area unsaved). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "db/db.h"
#include "domain/areas.h"
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
    return db;
}

static void lists_and_get(void **state)
{
    (void)state;
    struct db *db = open_db();
    json_t *all = areas_admin_list(db);
    assert_int_equal(json_array_size(all), 3);
    /* Grouped: wijk A, its buurt A1, then dorp B. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "slug")),
                        "wijk-a");
    json_t *a1 = json_array_get(all, 1);
    assert_string_equal(json_string_value(json_object_get(a1, "slug")), "buurt-a1");
    assert_string_equal(json_string_value(json_object_get(a1, "parent_name")), "A");
    assert_string_equal(json_string_value(json_object_get(json_array_get(all, 2), "slug")),
                        "dorp-b");
    json_decref(all);
    json_t *top = areas_top_level(db);
    assert_int_equal(json_array_size(top), 2);
    json_decref(top);
    json_t *b = area_get(db, 2);
    assert_non_null(b);
    assert_string_equal(json_string_value(json_object_get(b, "kind")), "dorp");
    json_decref(b);
    assert_null(area_get(db, 99));
    assert_null(area_get(db, 0));
    db_close(db);
}

static void add_and_edit_with_audit(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct area_fields f = {.name = "Nieuwstraat",
                            .description = "Een buurt.",
                            .kind = "buurt",
                            .parent_id = 2,
                            .slug = "nieuwstraat",
                            .director_email = "a@example.org"};
    int64_t id = 0;
    assert_int_equal(area_save(db, &f, "beheerder", T0, &id), AREA_OK);
    assert_true(id > 3);
    assert_int_equal(count(db, "SELECT count(*) FROM areas WHERE slug = 'nieuwstraat' AND "
                               "parent_id = 2 AND director_email = 'a@example.org'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'area-save' AND "
                               "actor = 'beheerder' AND to_value = 'Nieuwstraat'"),
                     1);
    /* An edit keeps kind, parent and slug; it changes the rest. */
    struct area_fields e = {
        .name = "Nieuwe straat", .venue_name = "Het Huis", .kind = "wijk", .slug = "iets-anders"};
    assert_int_equal(area_save(db, &e, "beheerder", T0, &id), AREA_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM areas WHERE name = 'Nieuwe straat' AND "
                               "slug = 'nieuwstraat' AND kind = 'buurt' AND venue_name = "
                               "'Het Huis' AND description = ''"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'area-save'"), 2);
    int64_t missing = 99;
    assert_int_equal(area_save(db, &e, "beheerder", T0, &missing), AREA_NOT_FOUND);
    assert_int_equal(missing, 99);
    db_close(db);
}

static void refusals_change_nothing(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = 0;
    struct area_fields f = {.name = "X", .kind = "wijk", .slug = "wijk-a"};
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_DUPLICATE);
    f.slug = "gemeentebreed";
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_SLUG);
    f.slug = "";
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_SLUG);
    f.slug = "Hoofd Letters";
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_SLUG);
    f.slug = "x";
    f.kind = "stad";
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_KIND);
    /* A buurt belongs to a wijk or dorp: not to a buurt, not to nothing; others have none. */
    f.kind = "buurt";
    f.parent_id = 3;
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_PARENT);
    f.parent_id = 99;
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_PARENT);
    f.parent_id = 0;
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_PARENT);
    f.kind = "wijk";
    f.parent_id = 1;
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_BAD_PARENT);
    assert_int_equal(id, 0);
    assert_int_equal(count(db, "SELECT count(*) FROM areas"), 3);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), 0);
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

static void refused_audit_row_saves_nothing(void **state)
{
    (void)state;
    struct db *db = open_db();
    refuse_audit(db);
    int64_t id = 0;
    struct area_fields f = {.name = "Nieuw", .kind = "wijk", .slug = "nieuw"};
    assert_int_equal(area_save(db, &f, "b", T0, &id), AREA_DB);
    assert_int_equal(count(db, "SELECT count(*) FROM areas WHERE slug = 'nieuw'"), 0);
    int64_t a = 1;
    struct area_fields e = {.name = "Anders"};
    assert_int_equal(area_save(db, &e, "b", T0, &a), AREA_DB);
    assert_int_equal(count(db, "SELECT count(*) FROM areas WHERE name = 'A'"), 1);
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_and_get),
        cmocka_unit_test(add_and_edit_with_audit),
        cmocka_unit_test(refusals_change_nothing),
        cmocka_unit_test(refused_audit_row_saves_nothing),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
