/* The settings table (domain/settings.c): every default passes its own check, a bad value is
 * refused for the setting it belongs to, the seed writes the table's defaults, and readers fall
 * back to the same defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "domain/settings.h"
#include "util/alloc.h"
#include "util/config.h"

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    return db;
}

static size_t index_of(const char *name)
{
    const struct setting *s = setting_find(name);
    assert_non_null(s);
    return (size_t)(s - settings_table);
}

/* The defaults as the settings page would post them. */
static const char **defaults(const struct config *config)
{
    const char **values = calloc(settings_count, sizeof *values);
    assert_non_null(values);
    for (size_t i = 0; i < settings_count; i++)
        values[i] = setting_default(&settings_table[i], config);
    return values;
}

static void every_default_passes_its_own_check(void **state)
{
    (void)state;
    struct config config;
    config_defaults(&config);
    for (size_t i = 0; i < settings_count; i++) {
        const struct setting *s = &settings_table[i];
        assert_non_null(s->label);
        assert_true(*s->label);
        assert_ptr_equal(setting_find(s->name), s);
        const char *def = setting_default(s, &config);
        if (!setting_valid(s, def))
            fail_msg("the default of %s ('%s') fails its own check", s->name, def);
        /* Without a config at hand the built-in defaults are the same. */
        assert_string_equal(setting_default(s, NULL), def);
    }
    const char **values = defaults(&config);
    enum setting_error *errors = calloc(settings_count, sizeof *errors);
    assert_true(settings_check(values, errors));
    for (size_t i = 0; i < settings_count; i++)
        assert_int_equal(errors[i], SETTING_VALID);
    free(values);
    free(errors);
    assert_null(setting_find("geen_instelling"));
}

static void a_bad_value_is_refused_for_its_field(void **state)
{
    (void)state;
    struct config config;
    config_defaults(&config);
    const char **values = defaults(&config);
    enum setting_error *errors = calloc(settings_count, sizeof *errors);
    struct {
        const char *name, *bad;
    } cases[] = {
        {"mede_organisatoren", "abc"},  {"mede_organisatoren", "9"},
        {"voucher_cents", "0"},         {"basis_url", "javascript:alert(1)"},
        {"basis_url", "https://x.nl/"}, {"contact_email", "geen adres"},
        {"site_naam", ""},              {"gemeente_naam", "twee\nregels"},
        {"tijdzone", "../etc/passwd"},  {"voucher_venster_minuten", "1441"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t at = index_of(cases[c].name);
        const char *was = values[at];
        values[at] = cases[c].bad;
        assert_false(settings_check(values, errors));
        for (size_t i = 0; i < settings_count; i++)
            if (errors[i] != (i == at ? SETTING_BAD : SETTING_VALID))
                fail_msg("%s = '%s': %s has error %d", cases[c].name, cases[c].bad,
                         settings_table[i].name, errors[i]);
        values[at] = was;
    }
    /* A rule between two settings names the second. */
    values[index_of("streef_min_cents")] = "9000";
    values[index_of("streef_max_cents")] = "8000";
    assert_false(settings_check(values, errors));
    assert_int_equal(errors[index_of("streef_max_cents")], SETTING_BELOW_MINIMUM);
    assert_int_equal(errors[index_of("streef_min_cents")], SETTING_VALID);
    free(values);
    free(errors);
}

static void the_seed_and_the_readers_use_the_table(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct config config;
    config_defaults(&config);
    snprintf(config.site_naam, sizeof config.site_naam, "Buurt Test");
    /* Nothing stored: a reader gets the default. */
    json_t *all = settings_all(db);
    assert_string_equal(settings_value(all, "streef_max_cents", &config), "500000");
    assert_string_equal(settings_value(all, "site_naam", &config), "Buurt Test");
    json_decref(all);

    assert_true(settings_seed(db, &config));
    assert_true(settings_set(db, "mede_organisatoren", "3"));
    assert_true(settings_seed(db, &config)); /* a second seed keeps what was set */
    all = settings_all(db);
    for (size_t i = 0; i < settings_count; i++) {
        const char *def = setting_default(&settings_table[i], &config);
        const char *stored = json_string_value(json_object_get(all, settings_table[i].name));
        if (!*def)
            assert_null(stored);
        else if (strcmp(settings_table[i].name, "mede_organisatoren") != 0)
            assert_string_equal(stored, def);
    }
    assert_string_equal(settings_value(all, "mede_organisatoren", &config), "3");
    json_decref(all);

    /* The one base-URL policy: the setting, else the default, without a trailing '/'. */
    char url[256];
    assert_true(settings_set(db, "basis_url", ""));
    settings_base_url(db, NULL, url, sizeof url);
    assert_string_equal(url, setting_default(setting_find("basis_url"), NULL));
    assert_true(settings_set(db, "basis_url", "https://buurt.example/"));
    settings_base_url(db, NULL, url, sizeof url);
    assert_string_equal(url, "https://buurt.example");
    db_close(db);
}

static int settings_reads;

static int count_settings_reads(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)ctx;
    (void)x;
    const char *sql = sqlite3_sql((sqlite3_stmt *)p);
    if (sql && strstr(sql, "FROM settings"))
        settings_reads++;
    return 0;
}

static const char *site_name(struct db *db, char *out, size_t size)
{
    json_t *all = settings_all(db);
    snprintf(out, size, "%s", settings_value(all, "site_naam", NULL));
    json_decref(all);
    return out;
}

/* A request reads the settings from the database once, however many readers it has, and
 * later requests not at all until the database changes; a change by another connection, by
 * this one, or a rolled-back one is seen at once, and a new connection reads its own. */
static void settings_are_read_once_until_the_data_changes(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-settings-XXXXXX", err[256], name[100];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct db *db = db_open(path, true, err, sizeof err), *other = NULL;
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(settings_set(db, "site_naam", "Eerst"));
    sqlite3_trace_v2(db_handle(db), SQLITE_TRACE_STMT, count_settings_reads, NULL);
    settings_reads = 0;
    for (int i = 0; i < 5; i++)
        assert_string_equal(site_name(db, name, sizeof name), "Eerst");
    char base[200];
    settings_base_url(db, NULL, base, sizeof base);
    assert_int_equal(settings_reads, 1);

    other = db_open(path, false, err, sizeof err);
    assert_non_null(other);
    assert_true(settings_set(other, "site_naam", "Door een ander"));
    assert_string_equal(site_name(db, name, sizeof name), "Door een ander");
    assert_true(settings_set(db, "site_naam", "Door mij"));
    assert_string_equal(site_name(db, name, sizeof name), "Door mij");
    assert_string_equal(site_name(other, name, sizeof name), "Door mij");
    assert_string_equal(site_name(db, name, sizeof name), "Door mij");
    assert_true(db_begin(db));
    assert_true(settings_set(db, "site_naam", "Teruggedraaid"));
    assert_string_equal(site_name(db, name, sizeof name), "Teruggedraaid");
    db_rollback(db);
    assert_string_equal(site_name(db, name, sizeof name), "Door mij");
    db_close(other);
    db_close(db);

    /* Another database, quite possibly at the same address. */
    db = open_db();
    assert_true(settings_set(db, "site_naam", "Elders"));
    assert_string_equal(site_name(db, name, sizeof name), "Elders");
    db_close(db);
    db = open_db();
    assert_string_equal(site_name(db, name, sizeof name),
                        setting_default(setting_find("site_naam"), NULL));
    db_close(db);
    unlink(path);
}

/* The copy a thread keeps is made outside the request arena: the next request, which takes
 * the arena's memory again from its start, never overwrites it. */
static void the_kept_settings_outlive_the_request_that_read_them(void **state)
{
    (void)state;
    char name[100];
    alloc_init();
    struct db *db = open_db();
    assert_true(settings_set(db, "site_naam", "Buurt Samen Almelo"));
    alloc_request_begin();
    assert_string_equal(site_name(db, name, sizeof name), "Buurt Samen Almelo");
    alloc_request_end();
    alloc_request_begin();
    json_t *other = json_array();
    for (int i = 0; i < 200; i++)
        json_array_append_new(other, json_string("overschreven door het volgende verzoek"));
    assert_string_equal(site_name(db, name, sizeof name), "Buurt Samen Almelo");
    json_decref(other);
    alloc_request_end();
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_default_passes_its_own_check),
        cmocka_unit_test(a_bad_value_is_refused_for_its_field),
        cmocka_unit_test(the_seed_and_the_readers_use_the_table),
        cmocka_unit_test(settings_are_read_once_until_the_data_changes),
        cmocka_unit_test(the_kept_settings_outlive_the_request_that_read_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
