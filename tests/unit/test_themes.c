/* Unit tests for the themes of initiatives: the setting's list read leniently (blanks,
 * duplicates, empty and overlong names), its default, and the fallback when it is empty. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "db/db.h"
#include "domain/settings.h"
#include "domain/themes.h"
#include "util/config.h"
#include "util/log.h"

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    struct config c;
    config_defaults(&c);
    assert_true(settings_seed(db, &c));
    return db;
}

/* The list joined with '|'. */
static void joined(json_t *themes, char *out, size_t size)
{
    out[0] = '\0';
    size_t i;
    json_t *t;
    json_array_foreach(themes, i, t)
    {
        strncat(out, i ? "|" : "", size - strlen(out) - 1);
        strncat(out, json_string_value(t), size - strlen(out) - 1);
    }
}

static void the_default_list(void **state)
{
    (void)state;
    struct db *db = open_db();
    json_t *themes = themes_list(db);
    char text[400];
    joined(themes, text, sizeof text);
    assert_string_equal(text, "groen|spelen|ontmoeting|veiligheid|duurzaamheid|sport en "
                              "bewegen|kunst en cultuur|overig");
    assert_string_equal(theme_default(themes), "overig");
    assert_true(theme_listed(themes, "sport en bewegen"));
    assert_false(theme_listed(themes, "Groen"));
    assert_false(theme_listed(themes, NULL));
    json_decref(themes);
    db_close(db);
}

static void an_edited_list(void **state)
{
    (void)state;
    struct db *db = open_db();
    assert_true(settings_set(db, "themas",
                             " natuur ,, spelen,natuur ,een naam die veel te lang is voor een "
                             "thema op de site, cultuur\n"));
    json_t *themes = themes_list(db);
    char text[400];
    joined(themes, text, sizeof text);
    assert_string_equal(text, "natuur|spelen|cultuur");
    assert_string_equal(theme_default(themes), "cultuur"); /* no "overig": the last */
    json_decref(themes);
    /* Nothing usable left: the default list. */
    assert_true(settings_set(db, "themas", " , ,"));
    themes = themes_list(db);
    assert_int_equal(json_array_size(themes), 8);
    json_decref(themes);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_default_list),
        cmocka_unit_test(an_edited_list),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests_name("themes", tests, NULL, NULL);
}
