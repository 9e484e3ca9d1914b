/* Unit tests for a database that cannot be written: a donation is DONATE_UNAVAILABLE (not
 * busy), changes nothing, and works again once the database can be written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ledger_fixture.h"

static int64_t donations(struct fixture *f)
{
    int64_t n = -1;
    db_get_int(f->db, "SELECT count(*) FROM ledger WHERE kind = 'donation'", &n);
    return n;
}

static void read_only_database(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 4));
    int64_t city = fixture_initiative(&f, 0, 3000);
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    time_t now = T0 + DAY_S;
    assert_null(db_write_problem(f.db));
    /* Every write of this connection now fails with SQLITE_READONLY. */
    assert_true(db_exec(f.db, "PRAGMA query_only = 1"));
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[0].code, city, now, "t", &vs,
                                   &info, &r),
                     DONATE_UNAVAILABLE);
    assert_int_equal(donations(&f), 0);
    assert_true(db_exec(f.db, "PRAGMA query_only = 0"));
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[0].code, city, now, "t", &vs,
                                   &info, &r),
                     DONATE_OK);
    assert_int_equal(donations(&f), 1);
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_only_database),
    };
    return cmocka_run_group_tests_name("ledger on a database that cannot be written", tests,
                                       NULL, NULL);
}
