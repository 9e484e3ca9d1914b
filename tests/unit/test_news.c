/* News on the staff side: the areas a staff member may post for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/news.h"
#include "util/log.h"

/* Wijk A with buurten A1 and A0, wijk B, dorp C; ria looks after A, bas after A1 and C. */
static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'A'), (2, 'wijk', 'wijk-b', 'B'), (5, 'dorp', 'dorp-c', 'C')"));
    assert_true(db_exec(db,
                        "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
                        "(3, 1, 'buurt', 'buurt-a1', 'A1'), (4, 1, 'buurt', 'buurt-a0', 'A0')"));
    assert_true(db_exec(db, "INSERT INTO users(id, username, role, password_hash) VALUES "
                            "(7, 'ria', 'wijkregisseur', 'x'), (8, 'bas', 'wijkregisseur', 'x'), "
                            "(9, 'geen', 'wijkregisseur', 'x')"));
    assert_true(db_exec(db, "INSERT INTO user_areas(user_id, area_id) VALUES (7, 1), (8, 3), "
                            "(8, 5)"));
    return db;
}

/* "name:kind" of each row, joined by commas. */
static void names(json_t *rows, char *out, size_t size)
{
    out[0] = '\0';
    size_t i, n = 0;
    json_t *r;
    json_array_foreach(rows, i, r) n += (size_t)snprintf(
        out + n, size - n, "%s%s:%s", i ? "," : "", json_string_value(json_object_get(r, "name")),
        json_string_value(json_object_get(r, "kind")));
}

static void areas_to_post_for(void **state)
{
    (void)state;
    struct db *db = open_db();
    char got[300];
    /* A wijk brings its buurten; wijken and dorpen first, then buurten, each by name. */
    json_t *rows = news_areas_for_staff(db, 7, false);
    names(rows, got, sizeof got);
    assert_string_equal(got, "A:wijk,A0:buurt,A1:buurt");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "id")), 1);
    json_decref(rows);
    rows = news_areas_for_staff(db, 8, false);
    names(rows, got, sizeof got);
    assert_string_equal(got, "C:dorp,A1:buurt");
    json_decref(rows);
    rows = news_areas_for_staff(db, 9, false);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    /* Admins: every area, whatever their own rows say. */
    rows = news_areas_for_staff(db, 9, true);
    names(rows, got, sizeof got);
    assert_string_equal(got, "A:wijk,B:wijk,C:dorp,A0:buurt,A1:buurt");
    json_decref(rows);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(areas_to_post_for),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
