/* What the admin screens read: initiatives still to be paid and the latest money (money.h),
 * the audit log search (audit.h) and the e-mail outbox (outbox_list.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "db_fixture.h"
#include "ledger_fixture.h"
#include "domain/money.h"
#include "domain/outbox_list.h"
#include "util/log.h"

static const char *text(json_t *row, const char *name)
{
    return json_string_value(json_object_get(row, name));
}

static json_int_t number(json_t *row, const char *name)
{
    json_t *v = json_object_get(row, name);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* Three initiatives funded by partners: A (wijk A) paid in part, the city-wide one paid in
 * full, B open with a contribution, and one that ended unfunded. */
static void money_screen(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    struct db *db = f.db;
    int64_t a = fixture_initiative(&f, 1, 1000), city = fixture_initiative(&f, 0, 500);
    int64_t b = fixture_initiative(&f, 2, 900), gone = fixture_initiative(&f, 2, 900);
    char sql[300];
    snprintf(sql, sizeof sql,
             "UPDATE initiatives SET title = 'Speeltuin' WHERE id = %lld; "
             "UPDATE initiatives SET title = 'Feest' WHERE id = %lld; "
             "UPDATE initiatives SET title = 'Bankjes' WHERE id = %lld; "
             "UPDATE initiatives SET title = 'Weg', state = 'niet_gehaald' WHERE id = %lld",
             (long long)a, (long long)city, (long long)b, (long long)gone);
    assert_true(db_exec(db, sql));
    assert_int_equal(ledger_contribution(db, a, 1000, "Woonstede", "beheer", T0), MONEY_OK);
    assert_int_equal(ledger_contribution(db, city, 500, "Fonds", "beheer", T0 + 10), MONEY_OK);
    assert_int_equal(ledger_contribution(db, b, 100, "Fonds", "beheer", T0 + 20), MONEY_OK);
    assert_int_equal(ledger_payout(db, a, 400, "BETAAL-1", "beheer", T0 + 30), MONEY_OK);
    assert_int_equal(ledger_payout(db, city, 500, "BETAAL-2", "beheer", T0 + 40), MONEY_OK);
    assert_int_equal(fixture_verify(&f), 0);

    json_t *unpaid = money_unpaid(db);
    assert_non_null(unpaid);
    assert_int_equal(json_array_size(unpaid), 1);
    json_t *row = json_array_get(unpaid, 0);
    assert_int_equal(number(row, "id"), a);
    assert_string_equal(text(row, "title"), "Speeltuin");
    assert_string_equal(text(row, "state"), "gefinancierd");
    assert_string_equal(text(row, "area_name"), "A");
    assert_int_equal(number(row, "raised_cents"), 1000);
    assert_int_equal(number(row, "paid_cents"), 400);
    json_decref(unpaid);
    /* Carried out and unpaid counts too; a city-wide one is "Gemeentebreed". */
    snprintf(sql, sizeof sql,
             "UPDATE initiatives SET state = 'uitgevoerd', raised_cents = 700 "
             "WHERE id = %lld",
             (long long)city);
    assert_true(db_exec(db, sql));
    unpaid = money_unpaid(db);
    assert_int_equal(json_array_size(unpaid), 2);
    row = json_array_get(unpaid, 1);
    assert_int_equal(number(row, "id"), city);
    assert_string_equal(text(row, "area_name"), "Gemeentebreed");
    assert_int_equal(number(row, "paid_cents"), 500);
    json_decref(unpaid);
    /* A page of them: the second alone, with how many there are. */
    int64_t total = 0;
    unpaid = money_unpaid_page(db, 1, 1, &total);
    assert_int_equal(total, 2);
    assert_int_equal(json_array_size(unpaid), 1);
    assert_int_equal(number(json_array_get(unpaid, 0), "id"), city);
    json_decref(unpaid);

    /* To choose from: open and funded. */
    bool more = true;
    json_t *choose = money_initiatives_to_choose(db, NULL, 0, 20, &more);
    assert_int_equal(json_array_size(choose), 2);
    assert_false(more);
    json_decref(choose);
    choose = money_initiatives_to_choose(db, "ankj", 0, 20, &more);
    assert_int_equal(json_array_size(choose), 1);
    assert_string_equal(text(json_array_get(choose, 0), "title"), "Bankjes");
    json_decref(choose);

    /* The latest contributions and payouts, newest first, without donations. */
    json_t *recent = money_recent(db, 50);
    assert_int_equal(json_array_size(recent), 5);
    row = json_array_get(recent, 0);
    assert_string_equal(text(row, "kind"), "payout");
    assert_string_equal(text(row, "reference"), "BETAAL-2");
    assert_string_equal(text(row, "title"), "Feest");
    assert_string_equal(text(row, "actor"), "beheer");
    assert_int_equal(number(row, "amount_cents"), 500);
    row = json_array_get(recent, 4);
    assert_string_equal(text(row, "kind"), "contribution");
    assert_string_equal(text(row, "partner"), "Woonstede");
    assert_string_equal(text(row, "at"), "2027-01-15 08:00:00");
    json_decref(recent);
    recent = money_recent(db, 2);
    assert_int_equal(json_array_size(recent), 2);
    json_decref(recent);

    /* The check before a payout answers as ledger_payout would, and writes nothing. */
    char title[64] = "";
    int64_t remaining = -1, rows = count(db, "SELECT count(*) FROM ledger");
    assert_int_equal(money_payout_check(db, a, 600, title, sizeof title, &remaining), MONEY_OK);
    assert_string_equal(title, "Speeltuin");
    assert_int_equal(remaining, 600);
    assert_int_equal(money_payout_check(db, a, 601, title, sizeof title, &remaining),
                     MONEY_TOO_MUCH);
    assert_int_equal(remaining, 600);
    assert_int_equal(money_payout_check(db, b, 1, title, sizeof title, &remaining),
                     MONEY_WRONG_STATE);
    assert_string_equal(title, "Bankjes");
    assert_int_equal(money_payout_check(db, 9999, 1, title, sizeof title, &remaining),
                     MONEY_NO_INITIATIVE);
    assert_int_equal(ledger_payout(db, a, 601, "X", "beheer", T0 + 50), MONEY_TOO_MUCH);
    assert_int_equal(count(db, "SELECT count(*) FROM ledger"), rows);
    fixture_close(&f);
}

static size_t search(struct db *db, const char *actor, const char *action, const char *from,
                     const char *to, int limit, json_t **rows)
{
    struct audit_filter filter = {.actor = actor, .action = action, .from = from, .to = to};
    json_decref(*rows);
    *rows = audit_search(db, &filter, limit);
    assert_non_null(*rows);
    return json_array_size(*rows);
}

static void audit_log_search(void **state)
{
    (void)state;
    char err[200];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_true(db && db_migrate(db, err, sizeof err));
    /* 2027-01-15 08:00, the 16th 08:00 and 23:59:59, the 17th 00:00 UTC. */
    assert_true(audit_add(db, T0, "beheer", "setting", "site_naam", "a", "b", ""));
    assert_true(audit_add(db, T0 + DAY_S, "jan", "user-add", "piet", "", "admin", ""));
    assert_true(audit_add(db, T0 + DAY_S + 57599, "beheer", "user-add", "kees", "", "admin", ""));
    assert_true(audit_add(db, T0 + DAY_S + 57600, "beheer", "setting", "regels", "", "x", "omdat"));
    json_t *rows = NULL;
    assert_int_equal(search(db, NULL, NULL, NULL, NULL, 500, &rows), 4);
    json_t *newest = json_array_get(rows, 0);
    assert_string_equal(text(newest, "subject"), "regels");
    assert_string_equal(text(newest, "at"), "2027-01-17 00:00:00");
    assert_string_equal(text(newest, "reason"), "omdat");
    assert_string_equal(text(newest, "to_value"), "x");
    assert_int_equal(search(db, "", "", "", "", 500, &rows), 4);
    assert_int_equal(search(db, "beheer", NULL, NULL, NULL, 500, &rows), 3);
    assert_int_equal(search(db, "beheer", "user-add", NULL, NULL, 500, &rows), 1);
    assert_string_equal(text(json_array_get(rows, 0), "subject"), "kees");
    assert_int_equal(search(db, "bEHEER", NULL, NULL, NULL, 500, &rows), 0); /* exactly */
    assert_int_equal(search(db, NULL, "user", NULL, NULL, 500, &rows), 0);
    /* Both days included. */
    assert_int_equal(search(db, NULL, NULL, "2027-01-16", "2027-01-16", 500, &rows), 2);
    assert_int_equal(search(db, NULL, NULL, "2027-01-16", NULL, 500, &rows), 3);
    assert_int_equal(search(db, NULL, NULL, NULL, "2027-01-15", 500, &rows), 1);
    assert_int_equal(search(db, NULL, NULL, "2027-01-18", NULL, 500, &rows), 0);
    assert_int_equal(search(db, NULL, NULL, NULL, NULL, 2, &rows), 2);
    assert_string_equal(text(json_array_get(rows, 1), "subject"), "kees");
    json_decref(rows);
    db_close(db);
}

/* Entries about one initiative or one round (with its printer files), named by their titles,
 * a page at a time. */
static void audit_log_subjects(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 2));
    struct db *db = f.db;
    int64_t a = fixture_initiative(&f, 1, 1000), b = fixture_initiative(&f, 2, 900);
    char sql[300];
    snprintf(sql, sizeof sql,
             "UPDATE initiatives SET title = 'Speeltuin' WHERE id = %lld; "
             "INSERT INTO issued_files(id, round_id, kind, title, nonce, data, created_at, "
             "created_by) VALUES (7, %lld, 'codes', 'Brieven R2', x'00', x'00', 0, 'b')",
             (long long)a, (long long)f.round2);
    assert_true(db_exec(db, sql));
    char subject_a[40], subject_b[40], subject_round[40];
    snprintf(subject_a, sizeof subject_a, "initiative:%lld", (long long)a);
    snprintf(subject_b, sizeof subject_b, "initiative:%lld", (long long)b);
    snprintf(subject_round, sizeof subject_round, "round:%lld", (long long)f.round2);
    int64_t before = count(db, "SELECT count(*) FROM audit_log");
    assert_true(audit_state_change(db, T0, "jan", a, "ingediend", "open", "goed"));
    assert_true(audit_state_change(db, T0 + 1, "jan", b, "ingediend", "open", "goed"));
    assert_true(audit_add(db, T0 + 2, "jan", "round-edit", subject_round, "", "R2", ""));
    assert_true(audit_add(db, T0 + 3, "jan", "file-download", "file:7", "", "", ""));
    assert_true(audit_add(db, T0 + 4, "jan", "payout", subject_a, "", "400", "BETAAL-1"));
    assert_true(audit_add(db, T0 + 5, "jan", "user-passwd", "user:piet", "", "", ""));

    struct audit_filter filter = {.initiative_id = a};
    json_t *rows = audit_search(db, &filter, 50);
    /* The fixture's own publication, and the two above. */
    assert_int_equal(json_array_size(rows), 3);
    json_t *row = json_array_get(rows, 0);
    assert_string_equal(text(row, "action"), "payout");
    assert_string_equal(text(row, "subject_kind"), "initiative");
    assert_int_equal(number(row, "subject_id"), a);
    assert_string_equal(text(row, "subject_title"), "Speeltuin");
    json_decref(rows);

    filter = (struct audit_filter){.round_id = f.round2};
    rows = audit_search(db, &filter, 50);
    assert_int_equal(json_array_size(rows), 2);
    row = json_array_get(rows, 0);
    assert_string_equal(text(row, "subject_kind"), "file");
    assert_string_equal(text(row, "subject_title"), "Brieven R2");
    assert_int_equal(number(row, "file_round_id"), f.round2);
    row = json_array_get(rows, 1);
    assert_string_equal(text(row, "subject_kind"), "round");
    assert_string_equal(text(row, "subject_title"), "R2");
    json_decref(rows);

    filter = (struct audit_filter){.round_id = f.round1};
    rows = audit_search(db, &filter, 50);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);

    /* Paging: the second page of two starts after the older of the newest two, and the
     * rows after it are the first page again. */
    filter = (struct audit_filter){0};
    rows = audit_search(db, &filter, 2);
    int64_t newest = number(json_array_get(rows, 0), "id");
    int64_t second = number(json_array_get(rows, 1), "id");
    json_decref(rows);
    filter = (struct audit_filter){.before_id = second};
    rows = audit_search(db, &filter, 2);
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(text(json_array_get(rows, 0), "action"), "file-download");
    int64_t third = number(json_array_get(rows, 0), "id");
    json_decref(rows);
    filter = (struct audit_filter){.after_id = third};
    rows = audit_search(db, &filter, 2);
    assert_int_equal(json_array_size(rows), 2);
    assert_int_equal(number(json_array_get(rows, 0), "id"), newest);
    assert_int_equal(number(json_array_get(rows, 1), "id"), second);
    json_decref(rows);
    filter = (struct audit_filter){0};
    rows = audit_search(db, &filter, 1);
    row = json_array_get(rows, 0);
    assert_string_equal(text(row, "subject_kind"), "user");
    assert_int_equal(number(row, "subject_id"), 0);
    assert_true(json_is_null(json_object_get(row, "subject_title")));
    json_decref(rows);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), before + 6);

    /* A moment excluded: the end of a local day. */
    filter = (struct audit_filter){.before = "2027-01-15 08:00:03"};
    rows = audit_search(db, &filter, 50);
    assert_int_equal(json_array_size(rows),
                     count(db, "SELECT count(*) FROM audit_log WHERE at < '2027-01-15 08:00:03'"));
    assert_int_equal(json_array_size(rows), count(db, "SELECT count(*) FROM audit_log") - 3);
    json_decref(rows);

    json_t *choices = audit_filter_choices(db);
    assert_non_null(choices);
    assert_int_equal(json_array_size(json_object_get(choices, "initiatives")), 2);
    assert_int_equal(json_array_size(json_object_get(choices, "rounds")), 2);
    assert_string_equal(text(json_array_get(json_object_get(choices, "rounds"), 0), "name"), "R2");
    json_decref(choices);
    fixture_close(&f);
}

static void outbox_for_the_admin(void **state)
{
    (void)state;
    char err[200];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_true(db && db_migrate(db, err, sizeof err));
    assert_int_equal(outbox_waiting(db), 0);
    json_t *rows = outbox_list(db, 200);
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    assert_true(
        db_exec(db, "INSERT INTO outbox(id, created_at, to_addr, subject, body, attempts, "
                    "next_attempt_at, sent_at, last_error) VALUES "
                    "(1, 1800000000, 'a@x.example', 'Eén', 'b', 1, 1800000000, 1800000060, ''), "
                    "(2, 1800000100, 'b@x.example', 'Twee', 'b', 3, 1800003600, NULL, "
                    "'421 try later'), "
                    "(3, 1800000200, 'c@x.example', 'Drie', 'b', 0, 1800000200, NULL, ''), "
                    "(4, 1800000300, 'd@x.example', 'Vier', 'b', 1, 1800000300, 1800000360, '')"));
    assert_int_equal(outbox_waiting(db), 2);
    rows = outbox_list(db, 200);
    assert_int_equal(json_array_size(rows), 4);
    /* What waits first, then what was sent, each newest first. */
    const int64_t order[] = {3, 2, 4, 1};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(number(json_array_get(rows, i), "id"), order[i]);
    json_t *failed = json_array_get(rows, 1);
    assert_string_equal(text(failed, "to_addr"), "b@x.example");
    assert_string_equal(text(failed, "subject"), "Twee");
    assert_string_equal(text(failed, "last_error"), "421 try later");
    assert_int_equal(number(failed, "attempts"), 3);
    assert_int_equal(number(failed, "sent"), 0);
    assert_string_equal(text(failed, "created"), "2027-01-15 08:01:40");
    assert_string_equal(text(failed, "next"), "2027-01-15 09:00:00");
    assert_int_equal(number(json_array_get(rows, 2), "sent"), 1);
    json_decref(rows);
    rows = outbox_list(db, 3);
    assert_int_equal(json_array_size(rows), 3);
    json_decref(rows);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money_screen),
        cmocka_unit_test(audit_log_search),
        cmocka_unit_test(audit_log_subjects),
        cmocka_unit_test(outbox_for_the_admin),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
