/* Taking part beyond the voucher: volunteer and question fields through the one validator,
 * offers and questions only where the initiative takes them, the relay with Reply-To the
 * resident and scrubbed once sent, and the volunteers' data erased with the initiator's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/housekeeping.h"
#include "domain/mail_format.h"
#include "domain/mail_queue.h"
#include "domain/settings.h"
#include "domain/takingpart.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0 ((time_t)1800000000)

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    struct config c;
    config_defaults(&c);
    assert_true(settings_seed(db, &c));
    assert_true(db_exec(db,
                        "INSERT INTO initiatives(id, title, summary, description, target_cents, "
                        "initiator_name, initiator_email, state, help_wanted, help_text, "
                        "updated_at) VALUES "
                        "(1, 'Buurttuin', '', '', 10000, 'Ria', 'ria@example.org', 'open', 1, "
                        "'Scheppen en harken', '2026-12-01 10:00:00'),"
                        "(2, 'Zonder hulp', '', '', 10000, 'Kees', 'kees@example.org', 'open', "
                        "0, '', '2026-12-01 10:00:00'),"
                        "(3, 'Onder beoordeling', '', '', 10000, 'Jan', 'jan@example.org', "
                        "'ingediend', 1, '', '2026-12-01 10:00:00')"));
    return db;
}

struct form {
    const char *names[4], *values[4];
};
static const char *getter(void *ctx, const char *name)
{
    struct form *f = ctx;
    for (int i = 0; i < 4 && f->names[i]; i++)
        if (!strcmp(f->names[i], name))
            return f->values[i];
    return NULL;
}

static void fields_are_validated(void **state)
{
    (void)state;
    struct volunteer_offer v;
    json_t *errors = json_object();
    struct form ok = {{"voornaam", "email", "bericht"}, {" Anna ", "anna@example.org", ""}};
    assert_true(takingpart_volunteer_validate(getter, &ok, &v, errors));
    assert_string_equal(v.first_name, "Anna");
    char long_name[80];
    memset(long_name, 'a', 61);
    long_name[61] = '\0';
    struct form bad = {{"voornaam", "email", "bericht"}, {long_name, "geen-adres", "regel\neen"}};
    assert_false(takingpart_volunteer_validate(getter, &bad, &v, errors));
    assert_non_null(json_object_get(errors, "voornaam"));
    assert_non_null(json_object_get(errors, "email"));
    assert_non_null(json_object_get(errors, "bericht"));
    json_object_clear(errors);
    struct form ctl = {{"voornaam", "email", "bericht"}, {"An\x01na", "a@example.org", ""}};
    assert_false(takingpart_volunteer_validate(getter, &ctl, &v, errors));
    assert_non_null(json_object_get(errors, "voornaam"));
    json_object_clear(errors);
    struct question q;
    struct form empty = {{"naam", "email", "vraag"}, {"", "", ""}};
    assert_false(takingpart_question_validate(getter, &empty, &q, errors));
    assert_int_equal(json_object_size(errors), 3);
    json_object_clear(errors);
    struct form good = {{"naam", "email", "vraag"}, {"Piet", "piet@example.org", "Mag de hond mee?"}};
    assert_true(takingpart_question_validate(getter, &good, &q, errors));
    json_decref(errors);
}

static void offers_only_where_help_is_wanted(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct volunteer_offer v = {"Anna", "anna@example.org", "Ik heb een kruiwagen"};
    assert_int_equal(takingpart_volunteer_add(db, 1, &v, T0), TAKINGPART_OK);
    assert_int_equal(takingpart_volunteer_add(db, 2, &v, T0), TAKINGPART_CLOSED);
    assert_int_equal(takingpart_volunteer_add(db, 3, &v, T0), TAKINGPART_NOT_FOUND);
    assert_int_equal(takingpart_volunteer_add(db, 99, &v, T0), TAKINGPART_NOT_FOUND);
    assert_int_equal(count(db, "SELECT count(*) FROM volunteers"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'ria@example.org' "
                               "AND reply_to = 'Anna <anna@example.org>'"),
                     1);
    struct takingpart_public p;
    assert_true(takingpart_public_get(db, 1, &p));
    assert_int_equal(p.volunteers, 1);
    assert_true(p.accepts_help);
    assert_string_equal(p.help_text, "Scheppen en harken");
    json_t *list = takingpart_volunteers(db, 1);
    assert_int_equal(json_array_size(list), 1);
    json_decref(list);
    /* Turned off by the initiator: no more offers; questions likewise. */
    assert_int_equal(takingpart_set_help(db, 1, false, "", T0), TAKINGPART_OK);
    assert_int_equal(takingpart_volunteer_add(db, 1, &v, T0), TAKINGPART_CLOSED);
    assert_int_equal(takingpart_set_help(db, 1, true, "regel\neen", T0), TAKINGPART_INVALID);
    db_close(db);
}

static void questions_are_relayed_and_keep_nobody(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct question q = {"Piet \"de Bouwer\", Almelo", "piet@example.org", "Mag de hond mee?"};
    assert_int_equal(takingpart_question_send(db, 2, &q, T0), TAKINGPART_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM questions WHERE initiative_id = 2"), 1);
    assert_int_equal(takingpart_set_questions(db, 2, false, T0), TAKINGPART_OK);
    assert_int_equal(takingpart_question_send(db, 2, &q, T0), TAKINGPART_CLOSED);
    struct mail_outgoing msg;
    assert_int_equal(mail_queue_claim(db, T0, &msg), 1);
    assert_string_equal(msg.to, "kees@example.org");
    struct buf out = {0};
    mail_format_reply(&out, "Site <site@example.org>", msg.reply_to, T0, msg.id, msg.to,
                      msg.subject, msg.body);
    /* One mailbox, the name quoted: the comma does not make a second one. */
    assert_non_null(strstr(out.data, "\r\nReply-To: \"Piet \\\"de Bouwer\\\", Almelo\" "
                                     "<piet@example.org>\r\n"));
    buf_free(&out);
    assert_true(mail_queue_record(db, T0, &msg, true, ""));
    mail_outgoing_free(&msg);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE body LIKE '%hond%' OR "
                               "body LIKE '%piet@%' OR reply_to <> ''"),
                     0);
    db_close(db);
}

static void reply_to_is_one_clean_mailbox(void **state)
{
    (void)state;
    struct buf out = {0};
    mail_format_reply(&out, NULL, "Evil <a@b.example>\r\nBcc: x@y.example", T0, 1,
                      "to@example.org", "S", "b");
    assert_null(strstr(out.data, "Bcc:"));
    buf_free(&out);
    struct buf plain = {0};
    mail_format_reply(&plain, NULL, "", T0, 1, "to@example.org", "S", "b");
    assert_null(strstr(plain.data, "Reply-To"));
    buf_free(&plain);
    struct db *db = open_db();
    assert_false(mail_queue_reply(db, T0, "to@example.org", "A", "a@b.example, c@d.example", "S",
                                  "b"));
    assert_false(mail_queue_reply(db, T0, "to@example.org", "A\nBcc: c@d.example", "a@b.example",
                                  "S", "b"));
    db_close(db);
}

static void housekeeping_erases_volunteers(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct volunteer_offer v = {"Anna", "anna@example.org", "Kruiwagen"};
    assert_int_equal(takingpart_volunteer_add(db, 1, &v, T0), TAKINGPART_OK);
    /* Still running: nothing is erased. */
    assert_true(housekeeping_forget(db, T0) >= 0);
    assert_int_equal(count(db, "SELECT count(*) FROM volunteers WHERE email <> ''"), 1);
    /* Carried out more than two years ago: erased, the count stays. */
    assert_true(db_exec(db, "UPDATE initiatives SET state = 'uitgevoerd', "
                            "updated_at = '2020-01-01 00:00:00', initiator_email = '' WHERE id = 1"));
    assert_int_equal(housekeeping_forget(db, T0), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM volunteers WHERE email <> '' OR "
                               "first_name <> '' OR message <> ''"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM volunteers"), 1);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_are_validated),
        cmocka_unit_test(offers_only_where_help_is_wanted),
        cmocka_unit_test(questions_are_relayed_and_keep_nobody),
        cmocka_unit_test(reply_to_is_one_clean_mailbox),
        cmocka_unit_test(housekeeping_erases_volunteers),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
