/* The printer's files: stored in pairs, downloaded (even from a GET's read snapshot) and
 * deleted, each with its audit row in one transaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "ledger_fixture.h"
#include "domain/printfiles.h"
#include "util/log.h"
#include "db_fixture.h"

static int64_t store_pair(struct fixture *f)
{
    struct buf csv = {0}, html = {0};
    buf_puts(&csv, "postcode;code\n7600 AA;ABCD\n");
    buf_puts(&html, "<p>brief</p>");
    assert_true(db_begin(f->db));
    assert_true(printfiles_store_issue(f->db, f->secret, f->round1, "R1", 1, &csv, &html, "beh"));
    assert_true(db_commit(f->db));
    buf_free(&csv);
    buf_free(&html);
    assert_int_equal(count(f->db, "SELECT count(*) FROM issued_files WHERE "
                                  "title = 'R1, 1 brief/brieven'"),
                     2);
    int64_t id = 0;
    assert_true(db_get_int(f->db, "SELECT id FROM issued_files WHERE kind = 'csv'", &id));
    return id;
}

static void download_is_audited(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 2));
    int64_t id = store_pair(&f);
    struct buf out = {0};
    bool csv = false;
    /* As a GET does it: inside the request's read snapshot. */
    assert_true(db_read_begin(f.db));
    assert_int_equal(printfile_download(f.db, f.secret, id, "beh", T0, &csv, &out), PRINTFILE_OK);
    assert_true(csv);
    assert_string_equal(out.data, "postcode;code\n7600 AA;ABCD\n");
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'file-download' AND "
             "subject = 'file:%lld' AND actor = 'beh'",
             (long long)id);
    assert_int_equal(count(f.db, sql), 1);
    assert_int_equal(printfile_download(f.db, f.secret, 999, "beh", T0, &csv, &out),
                     PRINTFILE_NOT_FOUND);
    unsigned char other[SECRET_BYTES] = {0};
    assert_int_equal(printfile_download(f.db, other, id, "beh", T0, &csv, &out),
                     PRINTFILE_UNREADABLE);
    assert_int_equal(out.len, 0);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'file-download'"),
                     1);
    /* No audit row, no codes. */
    assert_true(db_exec(f.db, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(printfile_download(f.db, f.secret, id, "beh", T0, &csv, &out), PRINTFILE_DB);
    assert_int_equal(out.len, 0);
    assert_int_equal(db_depth(f.db), 0);
    buf_free(&out);
    fixture_close(&f);
}

static void remove_is_audited(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 2));
    int64_t id = store_pair(&f);
    assert_int_equal(printfile_remove(f.db, id, "beh", T0), PRINTFILE_OK);
    assert_int_equal(count(f.db, "SELECT count(*) FROM issued_files"), 1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'file-delete'"), 1);
    assert_int_equal(printfile_remove(f.db, id, "beh", T0), PRINTFILE_NOT_FOUND);
    assert_int_equal(printfile_remove(f.db, 0, "beh", T0), PRINTFILE_NOT_FOUND);
    int64_t html = 0;
    assert_true(db_get_int(f.db, "SELECT id FROM issued_files", &html));
    assert_true(db_exec(f.db, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(printfile_remove(f.db, html, "beh", T0), PRINTFILE_DB);
    assert_int_equal(count(f.db, "SELECT count(*) FROM issued_files"), 1);
    assert_int_equal(db_depth(f.db), 0);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(download_is_audited),
        cmocka_unit_test(remove_is_audited),
    };
    (void)fixture_verify;
    (void)fixture_initiative;
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
