/* Household import of a pending upload: the rows, the upload's removal and the audit row in
 * one transaction; a file with errors or a refused audit row changes nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/households.h"
#include "domain/printfiles.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0 ((time_t)1800000000)

static const char good[] = "postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n"
                           "7607 AB;12;a;Dorpsstraat;Almelo;wijk-a\n"
                           "7607AB;14;;Dorpsstraat;Almelo;A\n";
static const char bad[] = "postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n"
                          "7607 AB;12;a;Dorpsstraat;Almelo;nergens\n";

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(
        db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', 'A')"));
    return db;
}

static void import_upload_with_audit(void **state)
{
    (void)state;
    struct db *db = open_db();
    assert_int_equal(households_count(db), 0);
    int64_t up = upload_store(db, good, strlen(good), "beh");
    assert_true(up > 0);
    struct import_report r;
    assert_int_equal(households_import_upload(db, up, "beh", T0, &r), HOUSEHOLDS_IMPORTED);
    assert_int_equal(r.added, 2);
    import_report_free(&r);
    assert_int_equal(households_count(db), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM pending_imports"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'households-import' "
                               "AND actor = 'beh' AND to_value = '2 nieuw, 0 gewijzigd (0 naar een andere wijk)'"),
                     1);
    /* The upload is gone: a second confirmation finds nothing. */
    assert_int_equal(households_import_upload(db, up, "beh", T0, &r), HOUSEHOLDS_NO_UPLOAD);
    import_report_free(&r);
    assert_int_equal(households_import_upload(db, 0, "beh", T0, &r), HOUSEHOLDS_NO_UPLOAD);
    import_report_free(&r);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), 1);
    db_close(db);
}

/* The preview lists what changes: new addresses, those moved to another wijk (a move to a
 * buurt of the same wijk is no such move) and those the file lacks, which stay. */
static void preview_lists_the_changes(void **state)
{
    (void)state;
    struct db *db = open_db();
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (2, 'wijk', 'wijk-b', "
                            "'B'); INSERT INTO areas(id, kind, slug, name, parent_id) VALUES "
                            "(3, 'buurt', 'a-noord', 'A-Noord', 1)"));
    static const char first[] = "postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n"
                                "7607 AB;12;a;Dorpsstraat;Almelo;wijk-a\n"
                                "7607 AB;14;;Dorpsstraat;Almelo;A\n"
                                "7607 AC;1;;Kerkweg;Almelo;A\n"
                                "7608 AA;3;;Veldweg;Almelo;B\n";
    struct import_report r;
    assert_true(households_import(db, first, strlen(first), &r));
    assert_int_equal(r.added, 4);
    assert_int_equal(r.added_list.n, 4);
    assert_string_equal(r.added_list.list[0].address, "Dorpsstraat 12a, 7607 AB Almelo");
    assert_string_equal(r.added_list.list[0].to, "A");
    assert_int_equal(r.missing, 0);
    import_report_free(&r);
    /* 12a to wijk B, 14 to a buurt of its own wijk, 7607 AC 1 gone, 7609 ZZ 9 new. */
    static const char second[] = "postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n"
                                 "7607 AB;12;a;Dorpsstraat;Almelo;B\n"
                                 "7607 AB;14;;Dorpsstraat;Almelo;a-noord\n"
                                 "7608 AA;3;;Veldweg;Almelo;B\n"
                                 "7609 ZZ;9;;Nieuwe Laan;Almelo;wijk-b\n";
    assert_true(households_preview(db, second, strlen(second), &r)); /* nothing kept */
    assert_int_equal(r.total_errors, 0);
    assert_int_equal(r.added, 1);
    assert_int_equal(r.updated, 2);
    assert_int_equal(r.unchanged, 1);
    assert_int_equal(r.moved, 1);
    assert_int_equal(r.moved_list.n, 1);
    assert_string_equal(r.moved_list.list[0].address, "Dorpsstraat 12a, 7607 AB Almelo");
    assert_string_equal(r.moved_list.list[0].from, "A");
    assert_string_equal(r.moved_list.list[0].to, "B");
    assert_int_equal(r.added_list.n, 1);
    assert_string_equal(r.added_list.list[0].address, "Nieuwe Laan 9, 7609 ZZ Almelo");
    assert_string_equal(r.added_list.list[0].to, "B");
    assert_int_equal(r.missing, 1);
    assert_int_equal(r.missing_list.n, 1);
    assert_string_equal(r.missing_list.list[0].address, "Kerkweg 1, 7607 AC Almelo");
    assert_string_equal(r.missing_list.list[0].from, "A");
    import_report_free(&r);
    assert_int_equal(households_count(db), 4);
    assert_int_equal(count(db, "SELECT area_id FROM households WHERE house_number = 12"), 1);
    db_close(db);
}

static void refusals_change_nothing(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t up = upload_store(db, bad, strlen(bad), "beh");
    struct import_report r;
    assert_int_equal(households_import_upload(db, up, "beh", T0, &r), HOUSEHOLDS_REFUSED);
    assert_int_equal(r.total_errors, 1);
    assert_int_equal(r.errors[0].line, 2);
    import_report_free(&r);
    assert_int_equal(households_count(db), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM pending_imports"), 1);
    /* A refused audit row: no addresses, and the upload is kept for another try. */
    int64_t ok = upload_store(db, good, strlen(good), "beh");
    assert_true(db_exec(db, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                            "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(households_import_upload(db, ok, "beh", T0, &r), HOUSEHOLDS_DB);
    assert_int_equal(r.added, 0);
    assert_true(r.nerrors > 0);
    import_report_free(&r);
    assert_int_equal(households_count(db), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM pending_imports"), 2);
    assert_int_equal(db_depth(db), 0);
    db_close(db);
}

/* A control character or noncharacter in a cell is refused like any bad cell. */
static void cells_pass_the_text_check(void **state)
{
    (void)state;
    struct db *db = open_db();
    static const char *const cells[] = {"Dorps\x1bstraat", "Dorps\x0bstraat",
                                        "Dorpsstraat\xef\xbf\xbe", "Dorps\xc2\x85straat"};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        char csv[300];
        snprintf(csv, sizeof csv,
                 "postcode;huisnummer;toevoeging;straat;woonplaats;wijk\n"
                 "7607 AB;12;a;%s;Almelo;wijk-a\n",
                 cells[i]);
        int64_t up = upload_store(db, csv, strlen(csv), "beh");
        struct import_report r;
        assert_int_equal(households_import_upload(db, up, "beh", T0, &r), HOUSEHOLDS_REFUSED);
        assert_int_equal(r.total_errors, 1);
        assert_non_null(strstr(r.errors[0].message, "geen geldige tekst"));
        import_report_free(&r);
    }
    assert_int_equal(households_count(db), 0);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_upload_with_audit),
        cmocka_unit_test(preview_lists_the_changes),
        cmocka_unit_test(refusals_change_nothing),
        cmocka_unit_test(cells_pass_the_text_check),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
