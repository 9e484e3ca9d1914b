/* Rounds for the admin screens: adding and editing with the overlap rule and "only before the
 * round starts" decided in the domain, each with its audit row in the same transaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "ledger_fixture.h"
#include "util/log.h"
#include "db_fixture.h"

/* The fixture: R1 [T0, T0+100d) with vouchers, R2 [T0+200d, T0+300d) without. */
static void create_with_audit_and_overlap(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t id = 0;
    assert_int_equal(
        round_create(f.db, "R3", T0 + 400 * DAY_S, T0 + 500 * DAY_S, 750, "beh", T0, &id),
        ROUND_OK);
    assert_true(id > f.round2);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'round-add' "
                                 "AND actor = 'beh' AND to_value = 'R3'"),
                     1);
    /* Touching R2 by a second, or covering it: refused by name, nothing added. */
    int64_t other = 0;
    assert_int_equal(
        round_create(f.db, "R4", T0 + 299 * DAY_S, T0 + 350 * DAY_S, 750, "beh", T0, &other),
        ROUND_OVERLAP);
    assert_int_equal(
        round_create(f.db, "R4", T0 + 150 * DAY_S, T0 + 350 * DAY_S, 750, "beh", T0, &other),
        ROUND_OVERLAP);
    /* Ending where the next begins is no overlap. */
    assert_int_equal(
        round_create(f.db, "R4", T0 + 300 * DAY_S, T0 + 400 * DAY_S, 750, "beh", T0, &other),
        ROUND_OK);
    assert_int_equal(
        round_create(f.db, "R4", T0 + 600 * DAY_S, T0 + 700 * DAY_S, 750, "beh", T0, &other),
        ROUND_DUPLICATE);
    assert_int_equal(
        round_create(f.db, "", T0 + 600 * DAY_S, T0 + 700 * DAY_S, 750, "beh", T0, &other),
        ROUND_BAD_NAME);
    assert_int_equal(
        round_create(f.db, "R5", T0 + 700 * DAY_S, T0 + 600 * DAY_S, 750, "beh", T0, &other),
        ROUND_BAD_DATES);
    assert_int_equal(
        round_create(f.db, "R5", T0 + 600 * DAY_S, T0 + 700 * DAY_S, 0, "beh", T0, &other),
        ROUND_BAD_VALUE);
    assert_int_equal(count(f.db, "SELECT count(*) FROM rounds"), 4);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'round-add'"), 2);
    refuse_audit(f.db);
    assert_int_equal(
        round_create(f.db, "R6", T0 + 800 * DAY_S, T0 + 900 * DAY_S, 750, "beh", T0, &other),
        ROUND_DB);
    assert_int_equal(count(f.db, "SELECT count(*) FROM rounds WHERE name = 'R6'"), 0);
    assert_int_equal(db_depth(f.db), 0);
    fixture_close(&f);
}

static void edit_only_before_start_and_without_overlap(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    /* R2 has not started at T0: it may move, also within its own old period. */
    assert_int_equal(
        round_edit(f.db, f.round2, "Zomer", T0 + 210 * DAY_S, T0 + 310 * DAY_S, 500, "beh", T0),
        ROUND_OK);
    assert_int_equal(count(f.db, "SELECT count(*) FROM rounds WHERE name = 'Zomer' AND "
                                 "opens_at = '2027-08-13 08:00:00' AND voucher_cents = 500"),
                     1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'round-edit' AND "
                                 "subject = 'round:2' AND to_value = 'Zomer'"),
                     1);
    /* Into R1's period: the domain says overlap, not a trigger's text. */
    assert_int_equal(
        round_edit(f.db, f.round2, "Zomer", T0 + 50 * DAY_S, T0 + 310 * DAY_S, 500, "beh", T0),
        ROUND_OVERLAP);
    /* R1 has vouchers; at T0+250d R2 has opened: neither may change. */
    assert_int_equal(round_edit(f.db, f.round1, "Anders", T0 + 1 * DAY_S, T0 + 99 * DAY_S, 750,
                                "beh", T0 - 10 * DAY_S),
                     ROUND_STARTED);
    assert_int_equal(round_edit(f.db, f.round2, "Later", T0 + 400 * DAY_S, T0 + 500 * DAY_S, 500,
                                "beh", T0 + 250 * DAY_S),
                     ROUND_STARTED);
    assert_int_equal(
        round_edit(f.db, 99, "Geen", T0 + 400 * DAY_S, T0 + 500 * DAY_S, 500, "beh", T0),
        ROUND_NOT_FOUND);
    assert_int_equal(
        round_edit(f.db, f.round2, "R1", T0 + 210 * DAY_S, T0 + 310 * DAY_S, 500, "beh", T0),
        ROUND_DUPLICATE);
    assert_int_equal(
        round_edit(f.db, f.round2, "Zomer", T0 + 310 * DAY_S, T0 + 210 * DAY_S, 500, "beh", T0),
        ROUND_BAD_DATES);
    assert_int_equal(count(f.db, "SELECT count(*) FROM rounds WHERE name = 'Zomer'"), 1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'round-edit'"), 1);
    /* A refused audit row leaves the round as it was. */
    refuse_audit(f.db);
    assert_int_equal(
        round_edit(f.db, f.round2, "Herfst", T0 + 210 * DAY_S, T0 + 310 * DAY_S, 500, "beh", T0),
        ROUND_DB);
    assert_int_equal(count(f.db, "SELECT count(*) FROM rounds WHERE name = 'Zomer'"), 1);
    assert_int_equal(db_depth(f.db), 0);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_with_audit_and_overlap),
        cmocka_unit_test(edit_only_before_start_and_without_overlap),
    };
    (void)fixture_verify; /* the fixture's other helpers */
    (void)fixture_initiative;
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
