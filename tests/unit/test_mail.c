/* Unit tests for outgoing mail: message format, refusal of unusable headers, and the outbox
 * run against fake sendmail scripts (one that delivers into a spool directory, ones that fail). */
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

/* ---- Small decoders, independent of the code under test ---- */

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Quoted-printable to bytes; soft breaks may be "=\r\n" (as formatted) or "=\n" (as piped).
 * Only the uppercase hex that RFC 2045 prescribes is accepted. */
static char *qp_decode(const char *s)
{
    struct buf out = {0};
    while (*s) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=' && s[1] == '\n') {
            s += 2;
        } else if (s[0] == '=') {
            int hi = hex_value(s[1]), lo = hex_value(s[2]);
            assert_true(hi >= 0 && lo >= 0);
            buf_putc(&out, (char)(hi * 16 + lo));
            s += 3;
        } else {
            buf_putc(&out, *s++);
        }
    }
    buf_putc(&out, '\0');
    out.len--;
    return buf_detach(&out);
}

/* The value of header name (unfolded, without the leading space), or NULL. */
static char *header_value(const char *message, const char *name, const char *eol)
{
    size_t name_len = strlen(name), eol_len = strlen(eol);
    const char *end_of_headers = strstr(message, eol[1] ? "\r\n\r\n" : "\n\n");
    assert_non_null(end_of_headers);
    for (const char *line = message; line < end_of_headers;) {
        const char *next = strstr(line, eol) + eol_len;
        if (strncmp(line, name, name_len) == 0 && line[name_len] == ':') {
            struct buf v = {0};
            const char *p = line + name_len + 1;
            for (;;) {
                const char *e = strstr(p, eol);
                buf_append(&v, p, (size_t)(e - p));
                p = e + eol_len;
                if (*p != ' ' && *p != '\t')
                    break;
            }
            buf_putc(&v, '\0');
            v.len--;
            char *value = buf_detach(&v);
            if (value[0] == ' ')
                memmove(value, value + 1, strlen(value));
            return value;
        }
        line = next;
    }
    return NULL;
}

/* Decodes a Subject made of =?UTF-8?B?...?= words separated by white space, checking that each
 * word is at most 75 characters and decodes to whole UTF-8 characters. */
static char *decode_encoded_words(const char *value)
{
    struct buf out = {0};
    const char *p = value;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        assert_int_equal(strncmp(p, "=?UTF-8?B?", 10), 0);
        const char *end = strstr(p + 10, "?=");
        assert_non_null(end);
        assert_true(end + 2 - p <= 75);
        unsigned char bin[128];
        size_t bin_len = 0;
        assert_int_equal(sodium_base642bin(bin, sizeof bin, p + 10, (size_t)(end - (p + 10)), NULL,
                                           &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_true(utf8_valid((const char *)bin, bin_len));
        buf_append(&out, (const char *)bin, bin_len);
        p = end + 2;
    }
    buf_putc(&out, '\0');
    out.len--;
    return buf_detach(&out);
}

/* Every line ends with CRLF (no bare CR or LF) and is at most max characters. */
static void assert_crlf_lines(const char *text, size_t max)
{
    size_t col = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\r') {
            assert_int_equal(p[1], '\n');
            p++;
            col = 0;
            continue;
        }
        assert_int_not_equal(*p, '\n');
        col++;
        assert_true(col <= max);
    }
    assert_int_equal(col, 0);
}

static char *format(const char *to, const char *subject, const char *body)
{
    struct mail_config config = {.command = "/usr/sbin/sendmail -t -i", .from = from};
    struct buf out = {0};
    mail_format(&out, &config, 1795730400, 42, to, subject, body);
    return buf_detach(&out);
}

/* ---- Format ---- */

static void headers_are_complete(void **state)
{
    (void)state;
    char *m = format("piet@example.nl", "Welkom", "Hallo Piet,\n\nTot ziens.\n");
    const char *body = strstr(m, "\r\n\r\n");
    assert_non_null(body);
    assert_string_equal(body + 4, "Hallo Piet,\r\n\r\nTot ziens.\r\n");
    assert_crlf_lines(m, 78);
    static const char *const expected[][2] = {
        {"From", "Almelo Buurt Samen <buurtsamen@almelo.example>"},
        {"To", "piet@example.nl"},
        {"Subject", "Welkom"},
        {"Date", "Thu, 26 Nov 2026 22:00:00 +0000"},
        {"Message-ID", "<42.1795730400@almelo.example>"},
        {"MIME-Version", "1.0"},
        {"Content-Type", "text/plain; charset=UTF-8"},
        {"Content-Transfer-Encoding", "quoted-printable"},
        {"Auto-Submitted", "auto-generated"},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        char *v = header_value(m, expected[i][0], "\r\n");
        assert_non_null(v);
        assert_string_equal(v, expected[i][1]);
        free(v);
    }
    assert_int_equal(strncmp(m, "From: ", 6), 0);
    free(m);
}

static void check_subject_round_trip(const char *subject)
{
    char *m = format("piet@example.nl", subject, "x");
    const char *line = strstr(m, "\r\nSubject:");
    assert_non_null(line);
    assert_int_equal(strncmp(line + 2, "Subject: =?UTF-8?B?", 19), 0);
    /* Every physical line holding encoded words is at most 76 characters. */
    assert_crlf_lines(m, 76);
    char *value = header_value(m, "Subject", "\r\n");
    char *decoded = decode_encoded_words(value);
    assert_string_equal(decoded, subject);
    free(decoded);
    free(value);
    free(m);
}

static void subject_with_non_ascii_is_encoded_words(void **state)
{
    (void)state;
    check_subject_round_trip(dutch_subject);
    /* 100 two-byte characters: several words, none may cut a character in half. */
    struct buf s = {0};
    for (int i = 0; i < 100; i++)
        buf_puts(&s, "é");
    check_subject_round_trip(s.data);
    buf_reset(&s);
    /* Mixed widths: 1, 2, 3 and 4 bytes. */
    for (int i = 0; i < 12; i++)
        buf_puts(&s, "a€é😀");
    check_subject_round_trip(s.data);
    buf_free(&s);
    /* ASCII that looks like an encoded word is encoded too, so it reads back as written. */
    check_subject_round_trip("Let op: =?UTF-8?B?SGFsbG8=?= is geen code");
}

static void ascii_subject_is_plain_and_folded(void **state)
{
    (void)state;
    static const char long_subject[] =
        "Herinnering: de stemronde voor de wijk Binnenstad sluit morgen om middernacht, "
        "stem nog op de initiatieven die u steunen";
    char *m = format("piet@example.nl", long_subject, "x");
    assert_crlf_lines(m, 78);
    char *value = header_value(m, "Subject", "\r\n");
    assert_string_equal(value, long_subject);
    free(value);
    assert_null(strstr(m, "=?"));
    free(m);
}

static void quoted_printable_round_trips(void **state)
{
    (void)state;
    static const char body[] =
        "Beste buurtgenoot, wij zijn blij te melden dat uw initiatief \"Groene speeltuin "
        "aan de Boddenkampsingel\" is goedgekeurd door de wijkregisseur; één stap verder! "
        "Rekensom: 2+2=4 en 50% = de helft.   \n"
        "Tab aan het eind\t\r\n"
        ".\n"
        "From the beginning\r"
        "Met vriendelijke groet, het team van Buurt Samen – Almelo =";
    static const char expected[] =
        "Beste buurtgenoot, wij zijn blij te melden dat uw initiatief \"Groene speeltuin "
        "aan de Boddenkampsingel\" is goedgekeurd door de wijkregisseur; één stap verder! "
        "Rekensom: 2+2=4 en 50% = de helft.   \r\n"
        "Tab aan het eind\t\r\n"
        ".\r\n"
        "From the beginning\r\n"
        "Met vriendelijke groet, het team van Buurt Samen – Almelo =\r\n";
    char *m = format("piet@example.nl", "Goedgekeurd", body);
    const char *encoded = strstr(m, "\r\n\r\n") + 4;
    assert_crlf_lines(encoded, 76);
    for (const unsigned char *p = (const unsigned char *)encoded; *p; p++) {
        assert_true(*p < 0x80);
        if (p[0] == '\r')
            assert_true(p == (const unsigned char *)encoded || (p[-1] != ' ' && p[-1] != '\t'));
    }
    assert_non_null(strstr(encoded, "=3D"));
    assert_non_null(strstr(encoded, "=C3=A9"));
    assert_non_null(strstr(encoded, "=20\r\n"));
    assert_non_null(strstr(encoded, "=09\r\n"));
    assert_non_null(strstr(encoded, "\r\n=2E\r\n"));
    assert_non_null(strstr(encoded, "\r\n=46rom the"));
    char *decoded = qp_decode(encoded);
    assert_string_equal(decoded, expected);
    free(decoded);
    free(m);

    /* White space at the very end of the text is a line end too. */
    m = format("piet@example.nl", "x", "Tot ziens \t");
    assert_string_equal(strstr(m, "\r\n\r\n") + 4, "Tot ziens =09\r\n");
    free(m);

    /* A long run of non-ASCII never splits an =XX and still decodes. */
    struct buf many = {0};
    for (int i = 0; i < 200; i++)
        buf_puts(&many, i % 7 ? "ë" : "= ");
    m = format("piet@example.nl", "x", many.data);
    encoded = strstr(m, "\r\n\r\n") + 4;
    assert_crlf_lines(encoded, 76);
    decoded = qp_decode(encoded);
    buf_puts(&many, "\r\n");
    assert_string_equal(decoded, many.data);
    free(decoded);
    free(m);
    buf_free(&many);
}

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

    /* Even called directly, the formatter lets no line break into a header. */
    char *m = format("piet@example.nl\r\nBcc: x@evil.example", "Hoi\r\nBcc: y@evil.example", "b");
    assert_null(strstr(m, "\nBcc:"));
    assert_crlf_lines(m, 998);
    free(m);
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
        cmocka_unit_test(headers_are_complete),
        cmocka_unit_test(subject_with_non_ascii_is_encoded_words),
        cmocka_unit_test(ascii_subject_is_plain_and_folded),
        cmocka_unit_test(quoted_printable_round_trips),
        cmocka_unit_test_setup_teardown(unusable_headers_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(queued_mail_is_sent_exactly_once, setup, teardown),
        cmocka_unit_test_setup_teardown(failing_command_loses_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(backoff_is_capped_at_six_hours, setup, teardown),
        cmocka_unit_test_setup_teardown(failures_of_every_kind_keep_the_message, setup, teardown),
        cmocka_unit_test_setup_teardown(database_errors_are_reported, setup, teardown),
    };
    return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
