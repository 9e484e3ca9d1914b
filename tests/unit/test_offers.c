/* Lent or sponsored materials: fields through the one validator, offers only on an open
 * initiative's uncovered lines, accepting covers a line once with its audit row and lowers the
 * target (funding the initiative when the rest was raised), the donation rule uses the lowered
 * target, declining is audited, verify knows covered lines, housekeeping erases the people. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "domain/housekeeping.h"
#include "domain/offers.h"
#include "domain/reports.h"
#include "ledger_fixture.h"
#include "util/buf.h"
#include "util/log.h"

static int64_t count(struct db *db, const char *sql)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    assert_non_null(s);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

static int64_t value(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    assert_non_null(s);
    sqlite3_bind_int64(s, 1, id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

static bool state_is(struct db *db, int64_t id, const char *state)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT state FROM initiatives WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    bool same =
        sqlite3_step(s) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(s, 0), state);
    sqlite3_reset(s);
    return same;
}

/* An open initiative in wijk A of € 30: a tent (€ 15), coffee (€ 7,50), flyers (€ 7,50). */
static int64_t three_lines(struct fixture *f)
{
    int64_t id = fixture_initiative(f, 1, 3000);
    char sql[400];
    snprintf(sql, sizeof sql,
             "DELETE FROM budget_lines WHERE initiative_id = %lld; "
             "INSERT INTO budget_lines(initiative_id, position, item, amount_cents) VALUES "
             "(%lld, 1, 'Partytent', 1500), (%lld, 2, 'Koffie', 750), (%lld, 3, 'Flyers', 750)",
             (long long)id, (long long)id, (long long)id, (long long)id);
    assert_true(db_exec(f->db, sql));
    return id;
}

static int64_t line_of(struct db *db, int64_t id, int position)
{
    sqlite3_stmt *s =
        db_prepare(db, "SELECT id FROM budget_lines WHERE initiative_id = ? AND position = ?");
    assert_non_null(s);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, position);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t line = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return line;
}

static int64_t offer_on(struct fixture *f, int64_t id, int position, bool give)
{
    struct offer o = {.line_id = line_of(f->db, id, position), .give = give};
    snprintf(o.first_name, sizeof o.first_name, "Anna");
    snprintf(o.email, sizeof o.email, "anna@example.org");
    snprintf(o.message, sizeof o.message, "Hij staat in mijn schuur");
    int64_t offer_id = 0;
    assert_int_equal(offers_add(f->db, id, &o, T0 + 3600, &offer_id), OFFERS_OK);
    assert_true(offer_id > 0);
    return offer_id;
}

static enum donate_status donate(struct fixture *f, size_t voucher, int64_t id)
{
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    return ledger_donate(f->db, f->secret, f->vouchers[voucher].code, id, T0 + 3600, "t", &vs,
                         &info, &r);
}

struct form {
    const char *names[5], *values[5];
};
static const char *getter(void *ctx, const char *name)
{
    struct form *f = ctx;
    for (int i = 0; i < 5 && f->names[i]; i++)
        if (!strcmp(f->names[i], name))
            return f->values[i];
    return NULL;
}

static void fields_are_validated(void **state)
{
    (void)state;
    struct offer o;
    json_t *errors = json_object();
    struct form ok = {{"onderdeel", "soort", "voornaam", "email", "bericht"},
                      {"12", "geven", " Anna ", "anna@example.org", ""}};
    assert_true(offers_validate(getter, &ok, &o, errors));
    assert_int_equal(o.line_id, 12);
    assert_true(o.give);
    assert_string_equal(o.first_name, "Anna");
    char long_text[400];
    memset(long_text, 'a', 301);
    long_text[301] = '\0';
    struct form bad = {{"onderdeel", "soort", "voornaam", "email", "bericht"},
                       {"twaalf", "stelen", "", "geen-adres", long_text}};
    assert_false(offers_validate(getter, &bad, &o, errors));
    const char *const fields[] = {"onderdeel", "soort", "voornaam", "email", "bericht"};
    for (int i = 0; i < 5; i++)
        assert_non_null(json_object_get(errors, fields[i]));
    json_object_clear(errors);
    struct form missing = {{NULL}, {NULL}};
    assert_false(offers_validate(getter, &missing, &o, errors));
    assert_non_null(json_object_get(errors, "onderdeel"));
    assert_non_null(json_object_get(errors, "voornaam"));
    assert_null(json_object_get(errors, "bericht")); /* optional */
    json_decref(errors);
}

static void offers_only_on_open_uncovered_lines(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t id = three_lines(&f), other = three_lines(&f);
    assert_true(offers_open(f.db, id, T0));
    int64_t first = offer_on(&f, id, 1, false);
    /* The initiator's e-mail, Reply-To the offerer; an audit row that names nobody. */
    assert_int_equal(count(f.db, "SELECT count(*) FROM outbox WHERE to_addr = 'x@example.org' "
                                 "AND reply_to LIKE '%anna@example.org%' AND body LIKE "
                                 "'%Partytent%'"),
                     1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'offer-add' "
                                 "AND reason NOT LIKE '%anna%'"),
                     1);
    struct offer o = {.line_id = line_of(f.db, other, 1)};
    snprintf(o.first_name, sizeof o.first_name, "Bob");
    snprintf(o.email, sizeof o.email, "bob@example.org");
    assert_int_equal(offers_add(f.db, id, &o, T0, NULL), OFFERS_NOT_FOUND); /* another's line */
    o.line_id = line_of(f.db, id, 1);
    assert_int_equal(offers_add(f.db, 999, &o, T0, NULL), OFFERS_NOT_FOUND);
    assert_int_equal(offers_accept(f.db, id, first, T0 + 7200), OFFERS_OK);
    assert_int_equal(offers_add(f.db, id, &o, T0, NULL), OFFERS_COVERED);
    json_t *lines = offers_lines(f.db, id);
    assert_int_equal(json_array_size(lines), 3);
    assert_true(json_is_true(json_object_get(json_array_get(lines, 0), "covered")));
    assert_true(json_is_false(json_object_get(json_array_get(lines, 1), "covered")));
    json_decref(lines);
    /* Not open: nothing offered. */
    assert_true(db_exec(f.db, "UPDATE initiatives SET state = 'ingediend' WHERE id = 2"));
    o.line_id = line_of(f.db, other, 2);
    assert_int_equal(offers_add(f.db, other, &o, T0, NULL), OFFERS_NOT_FOUND);
    assert_true(db_exec(f.db, "UPDATE initiatives SET state = 'uitgevoerd' WHERE id = 2"));
    assert_int_equal(offers_add(f.db, other, &o, T0, NULL), OFFERS_CLOSED);
    assert_false(offers_open(f.db, other, T0));
    fixture_close(&f);
}

static void accepting_covers_a_line_once_and_is_audited(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t id = three_lines(&f);
    int64_t a = offer_on(&f, id, 2, false), b = offer_on(&f, id, 2, true),
            c = offer_on(&f, id, 3, true);
    assert_int_equal(offers_accept(f.db, id, a, T0 + 7200), OFFERS_OK);
    assert_int_equal(value(f.db, "SELECT covered_cents FROM initiatives WHERE id = ?", id), 750);
    assert_int_equal(offers_accept(f.db, id, b, T0 + 7200), OFFERS_COVERED);
    assert_int_equal(offers_accept(f.db, id, a, T0 + 7200), OFFERS_DECIDED);
    assert_int_equal(offers_decline(f.db, id, a, T0 + 7200), OFFERS_DECIDED);
    assert_int_equal(offers_accept(f.db, id + 1, c, T0 + 7200), OFFERS_NOT_FOUND);
    assert_int_equal(offers_decline(f.db, id, c, T0 + 7200), OFFERS_OK);
    assert_int_equal(offers_accept(f.db, id, c, T0 + 7200), OFFERS_DECIDED);
    assert_int_equal(value(f.db, "SELECT covered_cents FROM initiatives WHERE id = ?", id), 750);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'offer-accept' "
                                 "AND to_value = '750'"),
                     1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'offer-decline'"),
                     1);
    struct offers_counts n;
    assert_true(offers_count(f.db, id, &n));
    assert_int_equal(n.offered, 1);
    assert_int_equal(n.accepted, 1);
    assert_int_equal(n.declined, 1);
    assert_true(state_is(f.db, id, "open"));
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void accepting_funds_when_the_rest_was_raised(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t id = three_lines(&f);
    int64_t tent = offer_on(&f, id, 1, false);
    /* Households 0 and 3 live in wijk A (1 + i % 3): € 15 of € 30. */
    assert_int_equal(donate(&f, 0, id), DONATE_OK);
    assert_int_equal(donate(&f, 3, id), DONATE_OK);
    assert_true(state_is(f.db, id, "open"));
    assert_int_equal(offers_accept(f.db, id, tent, T0 + 7200), OFFERS_OK);
    assert_true(state_is(f.db, id, "gefinancierd"));
    /* The state change and the acceptance are one transaction: the same place in the ledger. */
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log a JOIN offers o "
                                 "ON o.ledger_seq = a.ledger_seq WHERE a.action = 'state' "
                                 "AND a.to_value = 'gefinancierd'"),
                     1);
    assert_int_equal(fixture_verify(&f), 0);
    /* Funded: no more offers and no more decisions. */
    struct offer o = {.line_id = line_of(f.db, id, 2)};
    snprintf(o.first_name, sizeof o.first_name, "Bob");
    snprintf(o.email, sizeof o.email, "bob@example.org");
    assert_int_equal(offers_add(f.db, id, &o, T0, NULL), OFFERS_CLOSED);
    fixture_close(&f);
}

static void donations_stop_at_the_lowered_target(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 12));
    int64_t id = three_lines(&f);
    assert_int_equal(offers_accept(f.db, id, offer_on(&f, id, 2, true), T0 + 60), OFFERS_OK);
    /* € 22,50 still to raise: the third voucher reaches it and funds. */
    assert_int_equal(donate(&f, 0, id), DONATE_OK);
    assert_int_equal(donate(&f, 3, id), DONATE_OK);
    assert_true(state_is(f.db, id, "open"));
    assert_int_equal(donate(&f, 6, id), DONATE_OK);
    assert_true(state_is(f.db, id, "gefinancierd"));
    assert_int_equal(donate(&f, 9, id), DONATE_INITIATIVE_CLOSED);
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void collect(void *ctx, const char *line)
{
    buf_printf(ctx, "%s\n", line);
}

static void verify_knows_covered_lines(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t id = three_lines(&f);
    assert_int_equal(donate(&f, 0, id), DONATE_OK);
    assert_int_equal(donate(&f, 3, id), DONATE_OK);
    assert_int_equal(offers_accept(f.db, id, offer_on(&f, id, 1, false), T0 + 7200), OFFERS_OK);
    assert_int_equal(fixture_verify(&f), 0);
    /* A donation slipped in after the lowered target was reached (the rule in the code is
     * bypassed here on purpose): verify names it. */
    char sql[300];
    snprintf(sql, sizeof sql,
             "INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents, actor) "
             "VALUES ('2027-01-15 09:00:00', 'donation', %lld, %lld, 750, 't'); "
             "UPDATE initiatives SET raised_cents = raised_cents + 750, voucher_count = "
             "voucher_count + 1 WHERE id = %lld",
             (long long)id, (long long)f.vouchers[1].id, (long long)id);
    assert_true(db_exec(f.db, sql));
    struct buf out = {0};
    assert_true(verify_all(f.db, collect, &out) > 0);
    assert_non_null(strstr(out.data, "total before it had reached the target"));
    buf_free(&out);
    /* A covered amount that differs from the accepted offers' lines. */
    assert_true(db_exec(f.db, "UPDATE initiatives SET covered_cents = 750"));
    struct buf out2 = {0};
    assert_true(verify_all(f.db, collect, &out2) > 0);
    assert_non_null(strstr(out2.data, "covered amount differs"));
    buf_free(&out2);
    fixture_close(&f);
}

static void housekeeping_erase_empties_the_people(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t id = three_lines(&f);
    int64_t a = offer_on(&f, id, 1, false);
    offer_on(&f, id, 2, false);
    assert_int_equal(offers_accept(f.db, id, a, T0 + 7200), OFFERS_OK);
    json_t *list = offers_list(f.db, id);
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "email")),
                        "anna@example.org");
    json_decref(list);
    /* Still running: nothing is erased. */
    assert_true(housekeeping_forget(f.db, T0) >= 0);
    assert_int_equal(count(f.db, "SELECT count(*) FROM offers WHERE email <> ''"), 2);
    /* Withdrawn more than two years ago: the offers alone make housekeeping erase. */
    assert_true(db_exec(f.db, "UPDATE initiatives SET state = 'ingetrokken', initiator_email = '', "
                              "initiator_phone = '', initiator_postcode = '', "
                              "updated_at = '2020-01-01 00:00:00'"));
    assert_true(db_exec(f.db, "DELETE FROM co_organisers"));
    assert_int_equal(housekeeping_forget(f.db, T0), 1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM offers WHERE email <> '' OR "
                                 "first_name <> '' OR message <> ''"),
                     0);
    list = offers_list(f.db, id);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    assert_int_equal(value(f.db, "SELECT covered_cents FROM initiatives WHERE id = ?", id), 1500);
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void the_export_counts_offers_and_names_nobody(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t id = three_lines(&f);
    assert_int_equal(offers_accept(f.db, id, offer_on(&f, id, 1, false), T0 + 7200), OFFERS_OK);
    offer_on(&f, id, 2, true);
    char *data = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&data, &size);
    assert_non_null(out);
    struct export_options opt = {.kind = EXPORT_INITIATIVES, .format = EXPORT_CSV, .now = T0};
    char err[256];
    assert_true(export_write(f.db, &opt, out, NULL, err, sizeof err));
    assert_int_equal(fclose(out), 0);
    assert_non_null(strstr(data, ";aanbod;gedekt\r\n"));
    assert_non_null(strstr(data, ";2;15,00\r\n")); /* two offers, € 15 covered */
    assert_null(strstr(data, "anna"));
    assert_null(strstr(data, "Anna"));
    free(data);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_are_validated),
        cmocka_unit_test(offers_only_on_open_uncovered_lines),
        cmocka_unit_test(accepting_covers_a_line_once_and_is_audited),
        cmocka_unit_test(accepting_funds_when_the_rest_was_raised),
        cmocka_unit_test(donations_stop_at_the_lowered_target),
        cmocka_unit_test(verify_knows_covered_lines),
        cmocka_unit_test(housekeeping_erase_empties_the_people),
        cmocka_unit_test(the_export_counts_offers_and_names_nobody),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests_name("offers", tests, NULL, NULL);
}
