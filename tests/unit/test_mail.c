/* Unit tests for outgoing mail: refusal of unusable headers when queueing, and the outbox run
 * against fake sendmail scripts (one that delivers into a spool directory, ones that fail).
 * The message format has its own tests (test_mail_format.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "domain/mail.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/text.h"

static char db_path[64];
static char dir[64];   /* scripts */
static char spool[80]; /* where the working fake delivers, one file per message */
static char command_ok[128], command_fail[128], command_quit[128], command_quit_ok[128],
    command_killed[128], command_missing[128];

static const char from[] = "Almelo Buurt Samen <buurtsamen@almelo.example>";
static const char dutch_subject[] = "Uw initiatief is goedgekeurd – één stap verder";

/* ---- Fixtures ---- */

static void write_script(const char *name, const char *text, char *command, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
    snprintf(command, size, "%s -t -i", path);
}

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/bs-mail-%d.db", (int)getpid());
    snprintf(dir, sizeof dir, "/tmp/bs-mail-%d", (int)getpid());
    snprintf(spool, sizeof spool, "%s/spool", dir);
    unlink(db_path);
    mkdir(dir, 0700);
    mkdir(spool, 0700);
    char text[512];
    /* Delivers only when called exactly as "sendmail -t -i" would be. */
    snprintf(text, sizeof text,
             "#!/bin/sh\n"
             "[ $# -eq 2 ] && [ \"$1\" = -t ] && [ \"$2\" = -i ] || exit 64\n"
             "f=$(mktemp %s/msg.XXXXXX) || exit 73\n"
             "cat > \"$f\"\n",
             spool);
    write_script("ok.sh", text, command_ok, sizeof command_ok);
    write_script("fail.sh", "#!/bin/sh\ncat > /dev/null\nexit 1\n", command_fail,
                 sizeof command_fail);
    write_script("quit.sh", "#!/bin/sh\nexit 75\n", command_quit, sizeof command_quit);
    write_script("quit-ok.sh", "#!/bin/sh\nexit 0\n", command_quit_ok, sizeof command_quit_ok);
    write_script("killed.sh", "#!/bin/sh\nkill -KILL $$\n", command_killed, sizeof command_killed);
    snprintf(command_missing, sizeof command_missing, "%s/no-such-sendmail -t -i", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[512];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
    DIR *d = opendir(spool);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(p, sizeof p, "%s/%s", spool, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(spool);
    static const char *const scripts[] = {"ok.sh", "fail.sh", "quit.sh", "quit-ok.sh", "killed.sh"};
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, scripts[i]);
        unlink(p);
    }
    rmdir(dir);
    return 0;
}

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(db_path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    return db;
}

static int64_t one_int(struct db *db, const char *sql)
{
    int64_t v = -12345;
    assert_true(db_get_int(db, sql, &v));
    return v;
}

static char *one_text(struct db *db, const char *sql)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    assert_non_null(s);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    char *text = xstrdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    return text;
}

/* The spooled messages, each as a NUL-terminated string; returns how many. */
static size_t read_spool(char **messages, size_t max)
{
    size_t count = 0;
    DIR *d = opendir(spool);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        assert_true(count < max);
        char p[512];
        snprintf(p, sizeof p, "%s/%s", spool, e->d_name);
        FILE *f = fopen(p, "rb");
        assert_non_null(f);
        struct buf b = {0};
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
            buf_append(&b, chunk, n);
        fclose(f);
        buf_putc(&b, '\0');
        b.len--;
        messages[count++] = buf_detach(&b);
    }
    closedir(d);
    return count;
}

static size_t spool_count(void)
{
    char *messages[16];
    size_t n = read_spool(messages, 16);
    for (size_t i = 0; i < n; i++)
        free(messages[i]);
    return n;
}

#include "mail_decode.h"

/* ---- Refusal ---- */

static void unusable_headers_are_refused(void **state)
{
    (void)state;
    struct db *db = open_db();
    assert_false(mail_queue(db, 1000, "piet@example.nl\r\nBcc: x@evil.example", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl\nBcc: x@evil.example", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl\r\n", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl\x7f", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl", "Hoi\nBcc: x@evil.example", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl", "Hoi\rdaar", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl", "Hoi\tdaar", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl", "Hoi \xc2\x85 daar", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl", "Hoi \xff daar", "b"));
    assert_false(mail_queue(db, 1000, "piet.example.nl", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "@example.nl", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "piet@", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "piet@example.nl, x@evil.example", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "Piet <piet@example.nl>", "Hoi", "b"));
    assert_false(mail_queue(db, 1000, "", "Hoi", "b"));
    char address[300];
    memset(address, 'a', sizeof address);
    memcpy(address + 240, "@example.nl", 12); /* 251 bytes */
    assert_true(mail_queue(db, 1000, address, "Hoi", "b"));
    memset(address, 'a', sizeof address);
    memcpy(address + 244, "@example.nl", 12); /* 255 bytes */
    assert_false(mail_queue(db, 1000, address, "Hoi", "b"));
    char subject[202];
    memset(subject, 's', sizeof subject);
    subject[200] = '\0';
    assert_true(mail_queue(db, 1000, "piet@example.nl", subject, "b"));
    subject[200] = 's';
    subject[201] = '\0';
    assert_false(mail_queue(db, 1000, "piet@example.nl", subject, "b"));
    assert_int_equal(one_int(db, "SELECT count(*) FROM outbox"), 2);
    db_close(db);
}

/* ---- The outbox ---- */

static void check_delivered(char **messages, size_t count, const char *to, const char *body)
{
    for (size_t i = 0; i < count; i++) {
        /* Toward the pipe, LF line ends only. */
        assert_null(strchr(messages[i], '\r'));
        char *value = header_value(messages[i], "To", "\n");
        bool match = value && strcmp(value, to) == 0;
        free(value);
        if (!match)
            continue;
        char *decoded = qp_decode(strstr(messages[i], "\n\n") + 2);
        assert_string_equal(decoded, body);
        free(decoded);
        return;
    }
    fail_msg("no message to %s", to);
}

static void queued_mail_is_sent_exactly_once(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct mail_config config = {.command = command_ok, .from = from};
    assert_true(db_begin(db));
    assert_true(mail_queue(db, 1000, "piet@example.nl", dutch_subject, "Beste Piet,\nHet is één."));
    assert_true(mail_queue(db, 1000, "anna@example.nl", "Nieuws", "Beste Anna = welkom\n"));
    assert_true(mail_queue(db, 1001, "joost@example.nl", "Later", "Tot morgen"));
    assert_true(db_commit(db));
    /* Not yet due at 999. */
    assert_int_equal(mail_send_due(db, &config, 999, 10), 0);
    assert_int_equal(spool_count(), 0);
    assert_int_equal(mail_send_due(db, &config, 1001, 2), 2);
    assert_int_equal(mail_send_due(db, &config, 1001, 10), 1);
    assert_int_equal(mail_send_due(db, &config, 5000, 10), 0);

    char *messages[16];
    size_t n = read_spool(messages, 16);
    assert_int_equal(n, 3);
    check_delivered(messages, n, "piet@example.nl", "Beste Piet,\nHet is één.\n");
    check_delivered(messages, n, "anna@example.nl", "Beste Anna = welkom\n");
    check_delivered(messages, n, "joost@example.nl", "Tot morgen\n");
    for (size_t i = 0; i < n; i++)
        free(messages[i]);

    assert_int_equal(one_int(db, "SELECT count(*) FROM outbox WHERE sent_at = 1001 "
                                 "AND attempts = 1 AND last_error = ''"),
                     3);
    db_close(db);
}

/* A message to a follower goes out with its one-click unsubscribe headers; once sent, neither
 * the header's URL nor the links in its body keep their tokens. */
static void follower_message_carries_unsubscribe_and_is_scrubbed(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct mail_config config = {.command = command_ok, .from = from};
    static const char url[] = "https://buurt.example/afmelden/Tok3nTok3nTok3nTok3nTok3nTok3n12";
    assert_true(db_begin(db));
    assert_true(mail_queue_follower(db, 1000, "volger@example.nl", url, "Nieuws",
                                    "Bevestig: https://buurt.example/volgen/bevestigen/Conf1rm_-x\n"
                                    "Afmelden: https://buurt.example/afmelden/Tok3nTok3nTok3nTok3n"
                                    "Tok3nTok3n12\n"));
    /* A URL that would break the header is refused when queueing. */
    assert_false(mail_queue_follower(db, 1000, "volger@example.nl", "https://x.example/a\r\nBcc: y",
                                     "Nieuws", "b"));
    assert_true(db_commit(db));
    assert_int_equal(mail_send_due(db, &config, 1001, 10), 1);
    char *messages[4];
    size_t n = read_spool(messages, 4);
    assert_int_equal(n, 1);
    char *v = header_value(messages[0], "List-Unsubscribe", "\n");
    assert_non_null(v);
    assert_string_equal(v, "<https://buurt.example/afmelden/Tok3nTok3nTok3nTok3nTok3nTok3n12>");
    free(v);
    v = header_value(messages[0], "List-Unsubscribe-Post", "\n");
    assert_string_equal(v, "List-Unsubscribe=One-Click");
    free(v);
    free(messages[0]);
    assert_int_equal(one_int(db, "SELECT count(*) FROM outbox WHERE list_unsubscribe = '' AND "
                                 "body NOT LIKE '%Tok3n%' AND body NOT LIKE '%Conf1rm%' AND "
                                 "body LIKE '%/afmelden/(verwijderd na verzending)%'"),
                     1);
    db_close(db);
}

static void failing_command_loses_nothing(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct mail_config config = {.command = command_fail, .from = from};
    assert_true(mail_queue(db, 1000, "piet@example.nl", "Hoi", "Hallo"));

    assert_int_equal(mail_send_due(db, &config, 1000, 10), 0);
    assert_int_equal(one_int(db, "SELECT attempts FROM outbox"), 1);
    assert_int_equal(one_int(db, "SELECT next_attempt_at FROM outbox"), 1000 + 60);
    assert_int_equal(one_int(db, "SELECT sent_at IS NULL FROM outbox"), 1);
    char *error = one_text(db, "SELECT last_error FROM outbox");
    assert_non_null(strstr(error, "exit status 1"));
    free(error);

    /* Before the next attempt is due nothing happens. */
    assert_int_equal(mail_send_due(db, &config, 1059, 10), 0);
    assert_int_equal(one_int(db, "SELECT attempts FROM outbox"), 1);

    assert_int_equal(mail_send_due(db, &config, 1060, 10), 0);
    assert_int_equal(one_int(db, "SELECT attempts FROM outbox"), 2);
    assert_int_equal(one_int(db, "SELECT next_attempt_at FROM outbox"), 1060 + 120);
    assert_int_equal(mail_send_due(db, &config, 1180, 10), 0);
    assert_int_equal(one_int(db, "SELECT next_attempt_at FROM outbox"), 1180 + 240);
    assert_int_equal(spool_count(), 0);

    /* The mail system is back (spaces in the command are only separators). */
    char command[160];
    snprintf(command, sizeof command, "  %s/ok.sh   -t  -i ", dir);
    config.command = command;
    assert_int_equal(mail_send_due(db, &config, 1419, 10), 0);
    assert_int_equal(mail_send_due(db, &config, 1420, 10), 1);
    assert_int_equal(mail_send_due(db, &config, 99999, 10), 0);
    assert_int_equal(spool_count(), 1);
    assert_int_equal(one_int(db, "SELECT sent_at FROM outbox"), 1420);
    assert_int_equal(one_int(db, "SELECT attempts FROM outbox"), 4);
    db_close(db);
}

static void backoff_is_capped_at_six_hours(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct mail_config config = {.command = command_fail, .from = from};
    assert_true(mail_queue(db, 1000, "piet@example.nl", "Hoi", "Hallo"));
    assert_true(db_exec(db, "UPDATE outbox SET attempts = 8"));
    assert_int_equal(mail_send_due(db, &config, 2000, 10), 0);
    assert_int_equal(one_int(db, "SELECT next_attempt_at FROM outbox"), 2000 + 60 * 256);
    assert_int_equal(mail_send_due(db, &config, 2000 + 60 * 256, 10), 0);
    assert_int_equal(one_int(db, "SELECT next_attempt_at FROM outbox"), 2000 + 60 * 256 + 6 * 3600);
    assert_true(db_exec(db, "UPDATE outbox SET attempts = 1000, next_attempt_at = 0"));
    assert_int_equal(mail_send_due(db, &config, 3000, 10), 0);
    assert_int_equal(one_int(db, "SELECT next_attempt_at FROM outbox"), 3000 + 6 * 3600);
    db_close(db);
}

/* A failure of the given command keeps the message queued with a reason containing want. */
static void check_failure(const char *command, const char *body, const char *want)
{
    struct db *db = open_db();
    struct mail_config config = {.command = command, .from = from};
    assert_true(mail_queue(db, 1000, "piet@example.nl", "Hoi", body));
    assert_int_equal(mail_send_due(db, &config, 1000, 10), 0);
    assert_int_equal(one_int(db, "SELECT attempts FROM outbox"), 1);
    assert_int_equal(one_int(db, "SELECT sent_at IS NULL FROM outbox"), 1);
    assert_int_equal(one_int(db, "SELECT next_attempt_at FROM outbox"), 1060);
    char *error = one_text(db, "SELECT last_error FROM outbox");
    if (!strstr(error, want))
        fail_msg("last_error \"%s\" does not say \"%s\"", error, want);
    free(error);
    db_close(db);
    unlink(db_path);
}

static void failures_of_every_kind_keep_the_message(void **state)
{
    (void)state;
    check_failure(command_missing, "Hallo", "cannot start");
    check_failure(command_missing, "Hallo", "No such file");
    check_failure(command_killed, "Hallo", "signal 9");
    check_failure(NULL, "Hallo", "no mail command");
    check_failure("", "Hallo", "no mail command");
    /* A command that exits without reading a big message: the write fails with EPIPE, which
     * must not kill this process (it does not ignore SIGPIPE). */
    struct buf big = {0};
    for (int i = 0; i < 20000; i++)
        buf_puts(&big, "Een lange regel tekst.\n");
    check_failure(command_quit, big.data, "exit status 75");
    check_failure(command_quit_ok, big.data, "did not read the whole message");
    buf_free(&big);
    assert_int_equal(spool_count(), 0);
}

static void database_errors_are_reported(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct mail_config config = {.command = command_ok, .from = from};
    assert_true(db_exec(db, "DROP TABLE outbox"));
    assert_false(mail_queue(db, 1000, "piet@example.nl", "Hoi", "Hallo"));
    assert_int_equal(mail_send_due(db, &config, 1000, 10), -1);
    db_close(db);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(unusable_headers_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(queued_mail_is_sent_exactly_once, setup, teardown),
        cmocka_unit_test_setup_teardown(follower_message_carries_unsubscribe_and_is_scrubbed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(failing_command_loses_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(backoff_is_capped_at_six_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_of_every_kind_keep_the_message, setup, teardown),
        cmocka_unit_test_setup_teardown(database_errors_are_reported, setup, teardown),
    };
    return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
