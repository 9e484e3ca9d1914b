/* Following by e-mail: the fields, double opt-in (nothing before confirmation, unconfirmed
 * requests forgotten after a week), tokens only as hashes, a message per event with its own
 * unsubscribe link and headers, digests, and nothing left after unsubscribing but a count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/follow.h"
#include "domain/notify.h"
#include "domain/settings.h"
#include "util/config.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0  ((time_t)1800000000)
#define DAY 86400

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    struct config c;
    config_defaults(&c);
    assert_true(settings_seed(db, &c));
    assert_true(db_exec(
        db, "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
            "(1, NULL, 'wijk', 'de-riet', 'De Riet'), (2, 1, 'buurt', 'riet-noord', 'Riet-Noord');"
            "INSERT INTO initiatives(id, area_id, title, summary, description, target_cents, "
            "initiator_name, initiator_email, state, updated_at) VALUES "
            "(1, 2, 'Buurttuin', '', '', 10000, 'Ria', 'ria@example.org', 'open', "
            "'2026-12-01 10:00:00'),"
            "(2, 1, 'Onder beoordeling', '', '', 10000, 'Jan', 'jan@example.org', 'ingediend', "
            "'2026-12-01 10:00:00')"));
    return db;
}

struct form {
    const char *names[3], *values[3];
};
static const char *getter(void *ctx, const char *name)
{
    struct form *f = ctx;
    for (int i = 0; i < 3 && f->names[i]; i++)
        if (!strcmp(f->names[i], name))
            return f->values[i];
    return NULL;
}

static bool validate(const char *email, const char *frequency, struct follow_form *out,
                     json_t **errors)
{
    struct form f = {{"email", "frequentie"}, {email, frequency}};
    *errors = json_object();
    return follow_validate(getter, &f, out, *errors);
}

static void fields_are_validated(void **state)
{
    (void)state;
    struct follow_form out;
    json_t *errors;
    assert_true(validate("  Anna@Example.ORG ", "week", &out, &errors));
    assert_string_equal(out.email, "anna@example.org");
    assert_int_equal(out.frequency, FOLLOW_WEEKLY);
    json_decref(errors);
    char longest[300];
    memset(longest, 'a', 250);
    strcpy(longest + 250, "@x.nl");
    const char *bad[][2] = {{"", "direct"},        {"geen-adres", "direct"},
                            {longest, "direct"},   {"a@b.nl\nBcc: c@d.nl", "direct"},
                            {"a@b.nl", "elk uur"}, {"a@b.nl", NULL}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(validate(bad[i][0], bad[i][1], &out, &errors));
        assert_true(json_object_size(errors) == 1);
        assert_non_null(json_object_get(errors, i < 4 ? "email" : "frequentie"));
        json_decref(errors);
    }
}

/* The token after path in the newest message to `to`, from the outbox (malloc'ed). */
static char *token_in_mail(struct db *db, const char *to, const char *path)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT body FROM outbox WHERE to_addr = ? ORDER BY id DESC "
                                     "LIMIT 1");
    sqlite3_bind_text(s, 1, to, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *body = (const char *)sqlite3_column_text(s, 0);
    const char *hit = strstr(body, path);
    assert_non_null(hit);
    hit += strlen(path);
    char *token = calloc(1, FOLLOW_TOKEN_CHARS + 1);
    memcpy(token, hit, FOLLOW_TOKEN_CHARS);
    sqlite3_reset(s);
    return token;
}

static int64_t mails_to(struct db *db, const char *to)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE to_addr = '%s'", to);
    return count(db, sql);
}

static void request(struct db *db, int64_t initiative, const char *slug, const char *email,
                    enum follow_frequency frequency, time_t now)
{
    struct follow_target t;
    assert_true(follow_target_find(db, initiative, slug, &t));
    struct follow_form f = {.frequency = frequency};
    snprintf(f.email, sizeof f.email, "%s", email);
    assert_int_equal(follow_request(db, &t, &f, now), FOLLOW_OK);
}

static bool event(struct db *db, int64_t initiative, const char *headline, time_t now)
{
    assert_true(db_begin(db));
    bool ok = follow_event_initiative(db, initiative, headline, "/initiatieven/1", now);
    assert_true(db_commit(db));
    return ok;
}

static void only_public_targets(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct follow_target t;
    assert_true(follow_target_find(db, 1, NULL, &t));
    assert_string_equal(t.title, "Buurttuin");
    assert_string_equal(t.path, "/initiatieven/1");
    assert_false(follow_target_find(db, 2, NULL, &t)); /* under review */
    assert_false(follow_target_find(db, 9, NULL, &t));
    assert_true(follow_target_find(db, 0, "de-riet", &t));
    assert_string_equal(t.title, "De Riet");
    assert_string_equal(t.path, "/wijken/de-riet");
    assert_false(follow_target_find(db, 0, "nergens", &t));
    db_close(db);
}

static void double_opt_in_then_a_message_per_event_then_nothing_left(void **state)
{
    (void)state;
    struct db *db = open_db();
    request(db, 1, NULL, "anna@example.org", FOLLOW_DIRECT, T0);
    assert_int_equal(mails_to(db, "anna@example.org"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE list_unsubscribe LIKE "
                               "'http%/afmelden/%' AND body LIKE '%/volgen/bevestigen/%'"),
                     1);
    char *confirm = token_in_mail(db, "anna@example.org", "/volgen/bevestigen/");
    /* Nothing before confirmation. */
    assert_true(event(db, 1, "Nieuwe update bij \"Buurttuin\"", T0 + 10));
    assert_int_equal(mails_to(db, "anna@example.org"), 1);
    /* The tokens are nowhere in the database but in the unsent message. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM follows f WHERE instr(f.email || coalesce(hex(f.confirm_hash), "
             "''), '%s') OR EXISTS (SELECT 1 FROM follow_tokens t WHERE instr(hex(t.hash), '%s'))",
             confirm, confirm);
    assert_int_equal(count(db, sql), 0);

    struct follow_target what;
    assert_true(follow_pending(db, confirm, T0 + 20, &what));
    assert_string_equal(what.title, "Buurttuin");
    assert_int_equal(follow_confirm(db, confirm, T0 + 20, &what), FOLLOW_OK);
    /* A link is good once. */
    assert_false(follow_pending(db, confirm, T0 + 21, &what));
    assert_int_equal(follow_confirm(db, confirm, T0 + 21, &what), FOLLOW_NOT_FOUND);

    assert_true(event(db, 1, "\"Buurttuin\" heeft het streefbedrag gehaald", T0 + 30));
    assert_int_equal(mails_to(db, "anna@example.org"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'anna@example.org' "
                               "AND subject LIKE '%streefbedrag%' AND list_unsubscribe <> '' "
                               "AND instr(body, list_unsubscribe) > 0"),
                     1);
    char *unsubscribe = token_in_mail(db, "anna@example.org", "/afmelden/");
    assert_true(follow_by_link(db, unsubscribe, &what));
    assert_int_equal(follow_unsubscribe(db, unsubscribe, T0 + 40, &what), FOLLOW_OK);
    assert_string_equal(what.title, "Buurttuin");
    assert_int_equal(count(db, "SELECT count(*) FROM follows"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM follow_tokens"), 0);
    assert_int_equal(follow_unsubscribe(db, unsubscribe, T0 + 41, &what), FOLLOW_NOT_FOUND);
    struct follow_counts c;
    assert_true(follow_counts(db, T0 + 50, 30, &c));
    assert_int_equal(c.following, 0);
    assert_int_equal(c.confirmed_days, 1);
    assert_int_equal(c.unsubscribed_days, 1);
    /* No later event reaches the address. */
    assert_true(event(db, 1, "Nieuwe update", T0 + 60));
    assert_int_equal(mails_to(db, "anna@example.org"), 2);
    free(confirm);
    free(unsubscribe);
    db_close(db);
}

static void the_confirmation_mail_can_unsubscribe_too(void **state)
{
    (void)state;
    struct db *db = open_db();
    request(db, 0, "de-riet", "niet-gevraagd@example.org", FOLLOW_DIRECT, T0);
    char *unsubscribe = token_in_mail(db, "niet-gevraagd@example.org", "/afmelden/");
    struct follow_target what;
    assert_int_equal(follow_unsubscribe(db, unsubscribe, T0 + 5, &what), FOLLOW_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM follows"), 0);
    struct follow_counts c;
    assert_true(follow_counts(db, T0 + 5, 30, &c));
    assert_int_equal(c.unsubscribed_days, 0); /* never confirmed: no unfollow */
    free(unsubscribe);
    db_close(db);
}

/* The day counts behind the dashboard: confirmations and unsubscriptions each count in their
 * own column, however many there are, and counting them keeps no statement per call. */
static void confirmations_and_unsubscriptions_counted_apart(void **state)
{
    (void)state;
    struct db *db = open_db();
    size_t kept = 0;
    for (int i = 0; i < 4; i++) {
        char email[64];
        snprintf(email, sizeof email, "teller%d@example.org", i);
        request(db, 1, NULL, email, FOLLOW_DIRECT, T0 + i * 10);
        char *confirm = token_in_mail(db, email, "/volgen/bevestigen/");
        struct follow_target what;
        assert_int_equal(follow_confirm(db, confirm, T0 + i * 10 + 1, &what), FOLLOW_OK);
        char *unsubscribe = token_in_mail(db, email, "/afmelden/");
        assert_int_equal(follow_unsubscribe(db, unsubscribe, T0 + i * 10 + 2, &what), FOLLOW_OK);
        free(confirm);
        free(unsubscribe);
        if (i == 0)
            kept = db_prepared_count(db);
        else
            assert_int_equal(db_prepared_count(db), kept);
    }
    struct follow_counts c;
    assert_true(follow_counts(db, T0 + 100, 30, &c));
    assert_int_equal(c.confirmed_days, 4);
    assert_int_equal(c.unsubscribed_days, 4);
    db_close(db);
}

static void asking_again_is_one_follow_and_tells_nobody(void **state)
{
    (void)state;
    struct db *db = open_db();
    request(db, 1, NULL, "bert@example.org", FOLLOW_DIRECT, T0);
    char *first = token_in_mail(db, "bert@example.org", "/volgen/bevestigen/");
    struct follow_target what;
    assert_int_equal(follow_confirm(db, first, T0 + 1, &what), FOLLOW_OK);
    /* Someone else asks a weekly digest for Bert: it waits for Bert's confirmation. */
    request(db, 1, NULL, "bert@example.org", FOLLOW_WEEKLY, T0 + 2);
    assert_int_equal(count(db, "SELECT count(*) FROM follows"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM follows WHERE frequency = 'direct'"), 1);
    char *second = token_in_mail(db, "bert@example.org", "/volgen/bevestigen/");
    assert_string_not_equal(first, second);
    assert_int_equal(follow_confirm(db, second, T0 + 3, &what), FOLLOW_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM follows WHERE frequency = 'week'"), 1);
    struct follow_counts c;
    assert_true(follow_counts(db, T0 + 5, 30, &c));
    assert_int_equal(c.following, 1);
    assert_int_equal(c.confirmed_days, 1);
    free(first);
    free(second);
    db_close(db);
}

static void digests_list_the_events_once_due(void **state)
{
    (void)state;
    struct db *db = open_db();
    request(db, 1, NULL, "dag@example.org", FOLLOW_DAILY, T0);
    char *confirm = token_in_mail(db, "dag@example.org", "/volgen/bevestigen/");
    struct follow_target what;
    assert_int_equal(follow_confirm(db, confirm, T0, &what), FOLLOW_OK);
    assert_true(event(db, 1, "Eerste nieuws", T0 + 100));
    assert_true(event(db, 1, "Tweede nieuws", T0 + 200));
    assert_int_equal(mails_to(db, "dag@example.org"), 1); /* only the confirmation */
    assert_int_equal(follow_send_digests(db, T0 + DAY - 1), 0);
    assert_int_equal(follow_send_digests(db, T0 + DAY), 1);
    assert_int_equal(mails_to(db, "dag@example.org"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'dag@example.org' "
                               "AND body LIKE '%Eerste nieuws%Tweede nieuws%' AND "
                               "list_unsubscribe LIKE '%/afmelden/%'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM follow_events"), 0);
    /* Nothing new, no digest. */
    assert_int_equal(follow_send_digests(db, T0 + 3 * DAY), 0);
    free(confirm);
    db_close(db);
}

static void area_events_reach_the_wijk_followers(void **state)
{
    (void)state;
    struct db *db = open_db();
    request(db, 0, "de-riet", "wijk@example.org", FOLLOW_DIRECT, T0);
    char *confirm = token_in_mail(db, "wijk@example.org", "/volgen/bevestigen/");
    struct follow_target what;
    assert_int_equal(follow_confirm(db, confirm, T0, &what), FOLLOW_OK);
    assert_true(db_begin(db));
    assert_true(follow_event_area(db, 2, "Nieuw initiatief in Riet-Noord: Buurttuin",
                                  "/initiatieven/1", T0 + 1));
    assert_true(db_commit(db));
    assert_int_equal(mails_to(db, "wijk@example.org"), 2);
    free(confirm);
    db_close(db);
}

static void unconfirmed_requests_are_forgotten_after_a_week(void **state)
{
    (void)state;
    struct db *db = open_db();
    request(db, 1, NULL, "laat@example.org", FOLLOW_DIRECT, T0);
    char *confirm = token_in_mail(db, "laat@example.org", "/volgen/bevestigen/");
    struct follow_target what;
    assert_true(db_begin(db));
    assert_true(follow_expire(db, T0 + FOLLOW_PENDING_DAYS * DAY - 1));
    assert_true(db_commit(db));
    assert_int_equal(count(db, "SELECT count(*) FROM follows"), 1);
    assert_true(db_begin(db));
    assert_true(follow_expire(db, T0 + FOLLOW_PENDING_DAYS * DAY + 1));
    assert_true(db_commit(db));
    assert_int_equal(count(db, "SELECT count(*) FROM follows"), 0);
    assert_int_equal(follow_confirm(db, confirm, T0 + 8 * DAY, &what), FOLLOW_NOT_FOUND);
    free(confirm);
    db_close(db);
}

/* The hooks of notify.c: funded and carried out reach the initiative's followers, a published
 * initiative and news reach the area's (news only when it was published just now). */
static void the_events_reach_their_followers(void **state)
{
    (void)state;
    struct db *db = open_db();
    request(db, 1, NULL, "initiatief@example.org", FOLLOW_DIRECT, T0);
    request(db, 0, "de-riet", "wijk@example.org", FOLLOW_DIRECT, T0);
    struct follow_target what;
    char *a = token_in_mail(db, "initiatief@example.org", "/volgen/bevestigen/");
    char *b = token_in_mail(db, "wijk@example.org", "/volgen/bevestigen/");
    assert_int_equal(follow_confirm(db, a, T0, &what), FOLLOW_OK);
    assert_int_equal(follow_confirm(db, b, T0, &what), FOLLOW_OK);
    assert_true(db_begin(db));
    assert_true(notify_funded(db, 1, T0 + 1));
    assert_true(notify_state(db, 1, "uitgevoerd", "Klaar", T0 + 2));
    assert_true(notify_update(db, 1, T0 + 3));
    assert_true(notify_state(db, 2, "open", "", T0 + 4));
    assert_true(db_exec(db, "INSERT INTO news(id, area_id, title, body, published, published_at, "
                            "author_name, created_at) VALUES (1, 2, 'Snoeidag', 'Tekst', 1, "
                            "'2027-01-15 08:00:05', 'Ria', '2027-01-15 08:00:05')"));
    assert_true(notify_news(db, 1, "2027-01-15 08:00:05", T0 + 5));
    assert_true(notify_news(db, 1, "2027-01-15 09:00:00", T0 + 3600)); /* an edit: no news */
    assert_true(db_commit(db));
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = "
                               "'initiatief@example.org' AND (subject LIKE '%streefbedrag%' OR "
                               "subject LIKE '%uitgevoerd%' OR subject LIKE 'Nieuwe update%')"),
                     3);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'wijk@example.org' "
                               "AND (subject LIKE 'Nieuw initiatief in De Riet%' OR subject = "
                               "'Nieuw bericht: \"Snoeidag\"')"),
                     2);
    free(a);
    free(b);
    db_close(db);
}

int main(void)
{
    log_set_quiet(true);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_are_validated),
        cmocka_unit_test(only_public_targets),
        cmocka_unit_test(double_opt_in_then_a_message_per_event_then_nothing_left),
        cmocka_unit_test(the_confirmation_mail_can_unsubscribe_too),
        cmocka_unit_test(confirmations_and_unsubscriptions_counted_apart),
        cmocka_unit_test(asking_again_is_one_follow_and_tells_nobody),
        cmocka_unit_test(digests_list_the_events_once_due),
        cmocka_unit_test(area_events_reach_the_wijk_followers),
        cmocka_unit_test(unconfirmed_requests_are_forgotten_after_a_week),
        cmocka_unit_test(the_events_reach_their_followers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
