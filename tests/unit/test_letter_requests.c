/* The household register on the public side: the wijk or dorp of an address (nothing else),
 * and residents' requests for a new letter: one open per household, each with its audit row in
 * one transaction, handled by a new voucher or closed with a reason; nothing for an address
 * that is not in the register. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/address_lookup.h"
#include "domain/letter_requests.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0 ((time_t)1800000000) /* 2027-01-15 */

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(
        db,
        "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'de-riet', 'De Riet'), "
        "(2, 'dorp', 'aadorp', 'Aadorp'), (3, 'wijk', 'binnenstad', 'Binnenstad');"
        "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
        "(4, 1, 'buurt', 'riet-noord', 'Riet-Noord'), (5, 1, 'buurt', 'riet-zuid', 'Riet-Zuid');"
        "INSERT INTO households(id, postcode, house_number, addition, street, city, area_id) "
        "VALUES (1, '7601 AB', 1, '', 'Straat', 'Almelo', 1), "
        "(2, '7601 AB', 2, 'A', 'Straat', 'Almelo', 4), "
        "(3, '7601 AB', 2, 'B', 'Straat', 'Almelo', 5), "
        "(4, '7601 AB', 3, 'A', 'Straat', 'Almelo', 1), "
        "(5, '7601 AB', 3, 'B', 'Straat', 'Almelo', 3), "
        "(6, '7611 AA', 9, '', 'Dorpsweg', 'Aadorp', 2);"
        "INSERT INTO rounds(id, name, opens_at, closes_at, voucher_cents) VALUES "
        "(1, 'Voorjaar', '2027-01-01 00:00:00', '2027-07-01 00:00:00', 750);"
        "INSERT INTO vouchers(round_id, household_id, code_hash, value_cents, issued_at) "
        "SELECT 1, id, randomblob(32), 750, '2027-01-02 00:00:00' FROM households;"));
    return db;
}

static void an_address_names_its_wijk_or_dorp(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct address_area a;
    assert_int_equal(address_area(db, "7601 AB", 1, "", &a), ADDRESS_FOUND);
    assert_string_equal(a.name, "De Riet");
    assert_string_equal(a.slug, "de-riet");
    assert_string_equal(a.kind, "wijk");
    assert_string_equal(a.buurt, "");
    assert_int_equal(address_area(db, "7601 AB", 2, "A", &a), ADDRESS_FOUND);
    assert_string_equal(a.name, "De Riet");
    assert_string_equal(a.buurt, "Riet-Noord");
    /* Two buurten of one wijk behind one number: the wijk, no buurt. */
    assert_int_equal(address_area(db, "7601 AB", 2, "", &a), ADDRESS_FOUND);
    assert_string_equal(a.name, "De Riet");
    assert_string_equal(a.buurt, "");
    assert_int_equal(address_area(db, "7601 AB", 3, "", &a), ADDRESS_NEEDS_ADDITION);
    assert_string_equal(a.name, "");
    assert_int_equal(address_area(db, "7601 AB", 3, "B", &a), ADDRESS_FOUND);
    assert_string_equal(a.name, "Binnenstad");
    assert_int_equal(address_area(db, "7611 AA", 9, "", &a), ADDRESS_FOUND);
    assert_string_equal(a.kind, "dorp");
    assert_int_equal(address_area(db, "7611 AA", 9, "C", &a), ADDRESS_UNKNOWN);
    assert_int_equal(address_area(db, "7699 ZZ", 1, "", &a), ADDRESS_UNKNOWN);
    db_close(db);
}

static const char *const open_sql = "SELECT count(*) FROM letter_requests WHERE closed_at IS NULL";

static void a_request_is_queued_once_with_its_audit_row(void **state)
{
    (void)state;
    struct db *db = open_db();
    assert_int_equal(letter_request_add(db, "7601 AB", 1, "", T0), LETTER_REQUEST_TAKEN);
    assert_int_equal(count(db, open_sql), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'letter-request' "
                               "AND actor = 'inwoner'"),
                     1);
    assert_int_equal(letter_request_add(db, "7601 AB", 1, "", T0 + 60), LETTER_REQUEST_TAKEN);
    assert_int_equal(count(db, "SELECT count(*) FROM letter_requests"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), 1);
    /* Not in the register: the same answer, nothing kept. */
    assert_int_equal(letter_request_add(db, "7699 ZZ", 1, "", T0), LETTER_REQUEST_TAKEN);
    assert_int_equal(count(db, "SELECT count(*) FROM letter_requests"), 1);
    assert_int_equal(letter_requests_open_count(db), 1);
    json_t *rows = letter_requests_open(db, T0, 10);
    assert_int_equal(json_array_size(rows), 1);
    json_t *r = json_array_get(rows, 0);
    assert_string_equal(json_string_value(json_object_get(r, "postcode")), "7601 AB");
    assert_string_equal(json_string_value(json_object_get(r, "area")), "De Riet");
    assert_string_equal(json_string_value(json_object_get(r, "voucher")), "ongebruikt");
    assert_int_equal(json_integer_value(json_object_get(r, "round_id")), 1);
    json_decref(rows);
    /* Without its audit row nothing lands. */
    refuse_audit(db);
    assert_int_equal(letter_request_add(db, "7611 AA", 9, "", T0), LETTER_REQUEST_DB);
    assert_int_equal(count(db, "SELECT count(*) FROM letter_requests"), 1);
    db_close(db);
}

static void a_new_letter_or_a_reason_hands_it_in(void **state)
{
    (void)state;
    struct db *db = open_db();
    assert_int_equal(letter_request_add(db, "7601 AB", 1, "", T0), LETTER_REQUEST_TAKEN);
    assert_int_equal(letter_request_add(db, "7611 AA", 9, "", T0), LETTER_REQUEST_TAKEN);
    assert_int_equal(letter_requests_open_count(db), 2);
    /* A replacement voucher, even in the same second as the request, answers it. */
    assert_true(db_exec(db, "UPDATE vouchers SET voided_at = '2027-01-15 08:00:00' WHERE "
                            "household_id = 1;"
                            "INSERT INTO vouchers(round_id, household_id, code_hash, value_cents, "
                            "issued_at, replaces_id) SELECT 1, 1, randomblob(32), 750, "
                            "'2027-01-15 08:00:00', id FROM vouchers WHERE household_id = 1"));
    assert_int_equal(letter_requests_open_count(db), 1);
    /* The new letter may be lost too: asked again, a new open request. */
    assert_int_equal(letter_request_add(db, "7601 AB", 1, "", T0 + 1), LETTER_REQUEST_TAKEN);
    assert_int_equal(letter_requests_open_count(db), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM letter_requests WHERE household_id = 1"), 2);
    int64_t id = count(db, "SELECT id FROM letter_requests WHERE household_id = 6");
    assert_int_equal(letter_request_close(db, id, "beheerder", "Brief teruggevonden.", T0 + 5),
                     LETTER_CLOSED);
    assert_int_equal(letter_requests_open_count(db), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = "
                               "'letter-request-close' AND actor = 'beheerder' AND reason = "
                               "'Brief teruggevonden.'"),
                     1);
    assert_int_equal(letter_request_close(db, id, "beheerder", "nog eens", T0 + 6),
                     LETTER_CLOSE_NOT_OPEN);
    assert_int_equal(letter_request_close(db, 999, "beheerder", "geen", T0 + 6),
                     LETTER_CLOSE_NOT_OPEN);
    /* Without its audit row a close does not land. */
    int64_t other = count(db, "SELECT id FROM letter_requests WHERE closed_at IS NULL");
    refuse_audit(db);
    assert_int_equal(letter_request_close(db, other, "beheerder", "reden", T0 + 7),
                     LETTER_CLOSE_DB);
    assert_int_equal(letter_requests_open_count(db), 1);
    db_close(db);
}

int main(void)
{
    log_set_quiet(1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_address_names_its_wijk_or_dorp),
        cmocka_unit_test(a_request_is_queued_once_with_its_audit_row),
        cmocka_unit_test(a_new_letter_or_a_reason_hands_it_in),
    };
    return cmocka_run_group_tests_name("addresses and letter requests", tests, NULL, NULL);
}
