/* The housekeeping pass: two years after an initiative ended its initiator's contact details
 * and co-organisers are forgotten, nothing else and nothing sooner, in one transaction with an
 * audit entry each; expired sessions go; a pass also runs the deadlines and sends the mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/housekeeping.h"
#include "domain/settings.h"
#include "util/config.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0 ((time_t)1800000000) /* 2027-01-15 08:00 UTC; two years before: 2025-01-15 */

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    struct config c;
    config_defaults(&c);
    assert_true(settings_seed(db, &c));
    assert_true(db_exec(db, "INSERT INTO users(id, username, email, role, password_hash) "
                            "VALUES (1, 'ria', 'ria@almelo.example', 'wijkregisseur', 'x')"));
    return db;
}

/* An initiative with two co-organisers. */
static void initiative(struct db *db, int id, const char *state, const char *updated_at,
                       const char *email, const char *phone)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO initiatives(id, title, summary, description, target_cents, "
             "initiator_name, initiator_email, initiator_phone, state, updated_at) "
             "VALUES (%d, 'Initiatief %d', '', '', 10000, 'Naam %d', '%s', '%s', '%s', '%s');"
             "INSERT INTO co_organisers(initiative_id, name, postcode, house_number) "
             "VALUES (%d, 'Piet', '7607 AC', '3'), (%d, 'Anna', '7608 AB', '14a');",
             id, id, id, email, phone, state, updated_at, id, id);
    assert_true(db_exec(db, sql));
}

static void session(struct db *db, time_t expires)
{
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
             "VALUES (randomblob(32), 1, 0, %lld)",
             (long long)expires);
    assert_true(db_exec(db, sql));
}

/* Sent messages keep their addresses and bodies only HOUSEKEEPING_OUTBOX_DAYS; unsent ones
 * stay whatever their age, as the queue must lose nothing. */
static void sent_mail_is_deleted_after_its_retention(void **state)
{
    (void)state;
    struct db *db = open_db();
    long long day = 86400, keep = (long long)HOUSEKEEPING_OUTBOX_DAYS * day;
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT INTO outbox(id, created_at, to_addr, subject, body, next_attempt_at, "
             "sent_at) VALUES "
             "(1, %lld, 'oud@example.org', 'Oud', 'b', 0, %lld),"
             "(2, %lld, 'recent@example.org', 'Recent', 'b', 0, %lld),"
             "(3, %lld, 'wacht@example.org', 'Wacht', 'b', 0, NULL)",
             (long long)T0 - keep - 2 * day, (long long)T0 - keep - day, (long long)T0 - 2 * day,
             (long long)T0 - keep + day, (long long)T0 - keep - 2 * day);
    assert_true(db_exec(db, sql));
    assert_true(housekeeping_forget(db, T0) >= 0);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'oud@example.org'"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE id IN (2, 3)"), 2);
    db_close(db);
}

/* The followers of an initiative that ended two years ago are forgotten with its initiator's
 * details: nothing more can happen to it. */
static void followers_of_an_ended_initiative_are_forgotten(void **state)
{
    (void)state;
    struct db *db = open_db();
    initiative(db, 1, "uitgevoerd", "2024-12-01 10:00:00", "", "");
    initiative(db, 2, "uitgevoerd", "2026-12-01 10:00:00", "", "");
    assert_true(db_exec(db, "DELETE FROM co_organisers;"
                            "INSERT INTO follows(id, email, initiative_id, frequency, created_at, "
                            "confirmed_at) VALUES (1, 'oud@example.org', 1, 'direct', "
                            "'2024-01-01 10:00:00', '2024-01-01 10:00:00'), (2, 'nu@example.org', "
                            "2, 'week', '2026-01-01 10:00:00', '2026-01-01 10:00:00');"
                            "INSERT INTO follow_tokens(follow_id, hash, created_at) VALUES "
                            "(1, randomblob(32), '2024-01-01 10:00:00')"));
    assert_int_equal(housekeeping_forget(db, T0), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM follows WHERE initiative_id = 1"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM follow_tokens"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM follows WHERE initiative_id = 2"), 1);
    db_close(db);
}

static void two_year_erasure_forgets_exactly_that(void **state)
{
    (void)state;
    struct db *db = open_db();
    initiative(db, 1, "uitgevoerd", "2024-12-01 10:00:00", "a@example.org", "0546 123456");
    initiative(db, 2, "afgewezen", "2025-02-01 10:00:00", "b@example.org", "0546 123457");
    initiative(db, 3, "open", "2020-01-01 10:00:00", "c@example.org", "");
    initiative(db, 4, "niet_gehaald", "2024-01-01 10:00:00", "", "");
    initiative(db, 5, "ingetrokken", "2025-01-15 07:59:59", "e@example.org", "");
    initiative(db, 6, "ingediend", "2020-01-01 10:00:00", "f@example.org", "");
    initiative(db, 7, "gefinancierd", "2020-01-01 10:00:00", "g@example.org", "");
    initiative(db, 8, "afgewezen", "2025-01-15 08:00:01", "h@example.org", "");
    assert_true(db_exec(db, "DELETE FROM co_organisers WHERE initiative_id = 5"));
    session(db, T0 - 1);
    session(db, T0);
    session(db, T0 + 1);
    assert_true(db_exec(db, "UPDATE initiatives SET initiator_postcode = '7607 AB', "
                            "initiator_house_number = '12'"));

    assert_int_equal(housekeeping_forget(db, T0), 3);
    assert_int_equal(db_depth(db), 0);
    /* 1, 4 and 5 ended more than two years ago: contact details and co-organisers gone. */
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE id IN (1, 4, 5) AND "
                               "initiator_email = '' AND initiator_phone = ''"),
                     3);
    assert_int_equal(count(db, "SELECT count(*) FROM co_organisers WHERE initiative_id IN (1, 4)"),
                     0);
    /* The initiator's address too; the others keep theirs. */
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE initiator_postcode = '' "
                               "AND initiator_house_number = ''"),
                     3);
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE id IN (1, 4, 5) AND "
                               "initiator_postcode <> ''"),
                     0);
    /* Their name, title and state stay: they are public with the initiative. */
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE id = 1 AND "
                               "initiator_name = 'Naam 1' AND title = 'Initiatief 1' AND "
                               "state = 'uitgevoerd' AND updated_at = '2024-12-01 10:00:00'"),
                     1);
    /* Younger ones, and those not ended (whatever their age), keep everything. */
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE id IN (2, 3, 6, 7, 8) "
                               "AND initiator_email <> ''"),
                     5);
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE id = 2 AND "
                               "initiator_phone = '0546 123457'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM co_organisers"), 10);
    assert_int_equal(count(db, "SELECT count(DISTINCT initiative_id) FROM co_organisers WHERE "
                               "initiative_id IN (2, 3, 6, 7, 8)"),
                     5);
    /* One audit entry for each erased initiative, and no other. */
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'privacy-erase'"), 3);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'privacy-erase' "
                               "AND actor = 'systeem' AND subject IN ('initiative:1', "
                               "'initiative:4', 'initiative:5')"),
                     3);
    /* Expired sessions (expires_at <= now) are gone. */
    assert_int_equal(count(db, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM sessions WHERE expires_at = 1800000001"), 1);
    /* Nothing left to forget: a second pass changes nothing. */
    assert_int_equal(housekeeping_forget(db, T0 + 1), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'privacy-erase'"), 3);
    /* A day later initiative 8 is two years past too (5 and 8 straddled the limit). */
    assert_int_equal(housekeeping_forget(db, T0 + 86400), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM co_organisers WHERE initiative_id = 8"), 0);
    db_close(db);
}

static void erasure_is_one_transaction(void **state)
{
    (void)state;
    struct db *db = open_db();
    initiative(db, 1, "uitgevoerd", "2024-12-01 10:00:00", "a@example.org", "0546 123456");
    initiative(db, 2, "afgewezen", "2024-12-01 10:00:00", "b@example.org", "");
    session(db, T0 - 1);
    /* The second audit entry fails: the first initiative keeps its details too. */
    assert_true(db_exec(db, "CREATE TEMP TRIGGER no_second BEFORE INSERT ON audit_log "
                            "WHEN NEW.subject = 'initiative:2' "
                            "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(housekeeping_forget(db, T0), -1);
    assert_int_equal(db_depth(db), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE initiator_email <> ''"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM co_organisers"), 4);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM sessions"), 1);
    assert_true(db_exec(db, "DROP TRIGGER no_second"));
    assert_int_equal(housekeeping_forget(db, T0), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM co_organisers"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM sessions"), 0);
    db_close(db);
}

static void a_large_backlog_goes_at_once(void **state)
{
    (void)state;
    struct db *db = open_db();
    assert_true(db_exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                            "WHERE i < 1234) INSERT INTO initiatives(id, title, summary, "
                            "description, target_cents, initiator_name, initiator_email, state, "
                            "updated_at) SELECT i, 'T', '', '', 100, 'N', 'x@example.org', "
                            "'uitgevoerd', '2020-01-01 00:00:00' FROM n"));
    assert_int_equal(housekeeping_forget(db, T0), 1234);
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE initiator_email <> ''"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'privacy-erase'"),
                     1234);
    db_close(db);
}

/* A whole pass: the erasure, an initiative past its deadline, and its e-mail handed over. */
static void a_pass_does_every_chore(void **state)
{
    (void)state;
    struct db *db = open_db();
    initiative(db, 1, "uitgevoerd", "2024-12-01 10:00:00", "a@example.org", "");
    initiative(db, 2, "open", "2026-12-01 10:00:00", "b@example.org", "");
    assert_true(db_exec(db, "UPDATE initiatives SET deadline = '2027-01-14 00:00:00', "
                            "published_at = '2026-12-01 10:00:00' WHERE id = 2"));
    struct config c;
    config_defaults(&c);
    /* Reads the whole message (a command that exits before reading it fails on a broken pipe). */
    snprintf(c.mail_command, sizeof c.mail_command, "/usr/bin/dd of=/dev/null status=none");
    struct housekeeping_report report;
    assert_true(housekeeping_pass(db, T0, &c, HOUSEKEEPING_MAIL_PER_PASS, &report));
    assert_int_equal(report.forgotten, 1);
    assert_int_equal(report.past_deadline, 1);
    assert_true(report.mail_sent >= 1);
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE id = 2 AND "
                               "state = 'niet_gehaald'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'b@example.org'"), 1);
    assert_int_equal(report.mail_sent, (int)count(db, "SELECT count(*) FROM outbox"));
    /* A mail command that fails: the message stays queued for a retry, the rest still ran. */
    initiative(db, 3, "open", "2026-12-01 10:00:00", "c@example.org", "");
    assert_true(db_exec(db, "UPDATE initiatives SET deadline = '2027-01-14 00:00:00', "
                            "published_at = '2026-12-01 10:00:00' WHERE id = 3"));
    snprintf(c.mail_command, sizeof c.mail_command, "/bin/false");
    assert_true(housekeeping_pass(db, T0 + 60, &c, HOUSEKEEPING_MAIL_PER_PASS, &report));
    assert_int_equal(report.past_deadline, 1);
    assert_int_equal(report.mail_sent, 0);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 1);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_year_erasure_forgets_exactly_that),
        cmocka_unit_test(erasure_is_one_transaction),
        cmocka_unit_test(a_large_backlog_goes_at_once),
        cmocka_unit_test(a_pass_does_every_chore),
        cmocka_unit_test(sent_mail_is_deleted_after_its_retention),
        cmocka_unit_test(followers_of_an_ended_initiative_are_forgotten),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
