/* Unit tests for the mail message: complete headers, encoded-word and folded subjects,
 * quoted-printable bodies that round-trip, usable addresses and subjects, local line ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/mail_format.h"
#include "mail_decode.h"
#include "util/alloc.h"
#include "util/buf.h"

static const char from[] = "Almelo Buurt Samen <buurtsamen@almelo.example>";
static const char dutch_subject[] = "Uw initiatief is goedgekeurd – één stap verder";

static char *format(const char *to, const char *subject, const char *body)
{
    struct buf out = {0};
    mail_format(&out, from, 1795730400, 42, to, subject, body);
    return buf_detach(&out);
}

static void headers_are_complete(void **state)
{
    (void)state;
    char *m = format("piet@example.nl", "Welkom", "Hallo Piet,\n\nTot ziens.\n");
    const char *body = strstr(m, "\r\n\r\n");
    assert_non_null(body);
    assert_string_equal(body + 4, "Hallo Piet,\r\n\r\nTot ziens.\r\n");
    assert_crlf_lines(m, 78);
    static const char *const expected[][2] = {
        {"From", "\"Almelo Buurt Samen\" <buurtsamen@almelo.example>"},
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

/* Parses a From value back as RFC 5322 would: exactly one mailbox, a quoted-string or encoded
 * words for the name, then <address> and nothing after it. */
static void parse_one_mailbox(const char *value, char **name, char **addr)
{
    const char *lt = strrchr(value, '<');
    assert_non_null(lt);
    assert_int_equal(lt[strlen(lt) - 1], '>');
    *addr = xstrndup(lt + 1, strlen(lt) - 2);
    assert_null(strchr(*addr, ','));
    struct buf n = {0};
    if (value[0] == '"') {
        const char *p = value + 1;
        for (; *p && *p != '"'; p++) {
            if (*p == '\\')
                p++;
            buf_putc(&n, *p);
        }
        assert_int_equal(*p, '"');
        p++;
        while (*p == ' ')
            p++;
        assert_ptr_equal(p, lt); /* nothing between the name and the address */
        buf_putc(&n, '\0');
        *name = buf_detach(&n);
    } else {
        char *words = xstrndup(value, (size_t)(lt - value - 1));
        *name = decode_encoded_words(words);
        free(words);
    }
}

static void check_from(const char *site_from, const char *want_name, const char *want_addr)
{
    struct buf out = {0};
    mail_format(&out, site_from, 1795730400, 42, "piet@example.nl", "Welkom", "x");
    char *m = buf_detach(&out);
    assert_crlf_lines(m, 78);
    char *value = header_value(m, "From", "\r\n");
    assert_non_null(value);
    char *name, *addr;
    parse_one_mailbox(value, &name, &addr);
    assert_string_equal(name, want_name);
    assert_string_equal(addr, want_addr);
    free(name);
    free(addr);
    free(value);
    free(m);
}

static void from_is_one_mailbox_with_an_encoded_name(void **state)
{
    (void)state;
    check_from("Buurt Samen, Almelo <buurtsamen@almelo.example>", "Buurt Samen, Almelo",
               "buurtsamen@almelo.example");
    check_from("\"Buurt Samen, Almelo\" <buurtsamen@almelo.example>", "Buurt Samen, Almelo",
               "buurtsamen@almelo.example");
    check_from("Zeg \"hallo\" \\ daar <a@x.example>", "Zeg \"hallo\" \\ daar", "a@x.example");
    check_from("Gemeente Almelo \xe2\x80\x93 Buurt Sam\xc3\xa9n <a@x.example>",
               "Gemeente Almelo \xe2\x80\x93 Buurt Sam\xc3\xa9n", "a@x.example");
    check_from("Is =?dit?= een woord <a@x.example>", "Is =?dit?= een woord", "a@x.example");
    char longname[200];
    memset(longname, 'a', sizeof longname);
    for (int i = 9; i < 140; i += 10)
        longname[i] = ' ';
    longname[150] = '\0';
    char longfrom[260];
    snprintf(longfrom, sizeof longfrom, "%s <buurtsamen@almelo.example>", longname);
    check_from(longfrom, longname, "buurtsamen@almelo.example");
    check_from("Met\x01stuurteken <a@x.example>", "Met stuurteken", "a@x.example");
    /* A bare address stays bare. */
    struct buf out = {0};
    mail_format(&out, "a@x.example", 1795730400, 42, "piet@example.nl", "Welkom", "x");
    char *v = header_value(out.data, "From", "\r\n");
    assert_string_equal(v, "a@x.example");
    free(v);
    buf_free(&out);
    /* A line break in a bare address cannot start a header (found by fuzz_mail_header). */
    mail_format(&out, "a@x.example\r\nBcc: b@y.example", 1795730400, 42, "piet@example.nl",
                "Welkom", "x");
    assert_null(strstr(out.data, "\r\nBcc"));
    assert_crlf_lines(out.data, 78);
    buf_free(&out);
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

/* ---- What may go into a header ---- */

static void usable_addresses_and_subjects(void **state)
{
    (void)state;
    assert_true(mail_address_usable("piet@example.nl"));
    assert_true(mail_address_usable("a@b"));
    static const char *const refused[] = {
        "",
        "ab",
        "piet.example.nl",
        "@example.nl",
        "piet@",
        "piet@a@b",
        "piet@example.nl\r\n",
        "Piet <piet@example.nl>",
        "piet@example.nl, x@evil.example",
        "pi et@example.nl",
        "piet@exämple.nl",
        "\"piet\"@example.nl",
        "piet@example.nl\x7f",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        assert_false(mail_address_usable(refused[i]));
    char address[300];
    memset(address, 'a', sizeof address);
    memcpy(address + 254 - 12, "@example.org", 13); /* 254 bytes */
    assert_true(mail_address_usable(address));
    memset(address, 'a', sizeof address);
    memcpy(address + 255 - 12, "@example.org", 13);
    assert_false(mail_address_usable(address));

    assert_true(mail_subject_usable(dutch_subject));
    assert_true(mail_subject_usable(""));
    assert_false(mail_subject_usable("Hoi\nBcc: x@evil.example"));
    assert_false(mail_subject_usable("Hoi\tdaar"));
    assert_false(mail_subject_usable("Hoi \xc2\x85 daar")); /* C1 control NEL */
    assert_false(mail_subject_usable("Hoi \xff daar"));     /* not UTF-8 */
    char subject[202];
    memset(subject, 'x', sizeof subject);
    subject[200] = '\0';
    assert_true(mail_subject_usable(subject));
    subject[200] = 'x';
    subject[201] = '\0';
    assert_false(mail_subject_usable(subject));
}

/* Even called with what mail_queue refuses, the formatter lets no line break into a header. */
static void no_line_break_into_a_header(void **state)
{
    (void)state;
    char *m = format("piet@example.nl\r\nBcc: x@evil.example", "Hoi\r\nBcc: y@evil.example", "b");
    assert_null(strstr(m, "\nBcc:"));
    assert_crlf_lines(m, 998);
    free(m);
}

/* A message to a follower carries RFC 2369 / RFC 8058 one-click unsubscribe headers, each line
 * under 78 octets; a URL that could break the header or name a second URL gets none. */
static void list_unsubscribe_headers(void **state)
{
    (void)state;
    static const char url[] =
        "https://buurtsamen.almelo.example/afmelden/AbCdEfGhIjKlMnOpQrStUvWxYz012345";
    struct buf out = {0};
    mail_format_message(&out, from, NULL, url, 1795730400, 42, "piet@example.nl", "Nieuws",
                        "Hallo\n");
    char *m = buf_detach(&out);
    assert_crlf_lines(m, 78);
    char *v = header_value(m, "List-Unsubscribe", "\r\n");
    assert_non_null(v);
    assert_string_equal(v, "<https://buurtsamen.almelo.example/afmelden/"
                           "AbCdEfGhIjKlMnOpQrStUvWxYz012345>");
    free(v);
    v = header_value(m, "List-Unsubscribe-Post", "\r\n");
    assert_non_null(v);
    assert_string_equal(v, "List-Unsubscribe=One-Click");
    free(v);
    free(m);

    /* A short one stays on the header's own line. */
    out = (struct buf){0};
    mail_format_message(&out, from, NULL, "https://a.example/afmelden/x", 1795730400, 42,
                        "piet@example.nl", "Nieuws", "Hallo\n");
    m = buf_detach(&out);
    assert_non_null(strstr(m, "\r\nList-Unsubscribe: <https://a.example/afmelden/x>\r\n"));
    free(m);

    static const char *const refused[] = {"https://a.example/x>, <mailto:x@evil.example",
                                          "https://a.example/x\r\nBcc: x@evil.example",
                                          "https://a.example/a b", "mailto:x@a.example", ""};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        out = (struct buf){0};
        mail_format_message(&out, from, NULL, refused[i], 1795730400, 42, "piet@example.nl",
                            "Nieuws", "Hallo\n");
        m = buf_detach(&out);
        assert_null(strstr(m, "List-Unsubscribe"));
        assert_null(strstr(m, "\nBcc:"));
        free(m);
    }
    /* Other messages have none. */
    m = format("piet@example.nl", "Welkom", "Hallo\n");
    assert_null(strstr(m, "List-Unsubscribe"));
    free(m);
}

static void local_line_ends_for_sendmail(void **state)
{
    (void)state;
    char *m = format("piet@example.nl", "Welkom", "Regel een\nRegel twee\n");
    struct buf b = {0};
    buf_puts(&b, m);
    mail_to_local_line_ends(&b);
    /* Exactly the CR of each CRLF is dropped, nothing else. */
    size_t crlf = 0;
    for (const char *p = m; (p = strstr(p, "\r\n")); p += 2)
        crlf++;
    assert_true(crlf > 10);
    assert_null(strchr(b.data, '\r'));
    assert_int_equal(b.len, strlen(m) - crlf);
    assert_int_equal(strlen(b.data), b.len);
    char *value = header_value(b.data, "Subject", "\n");
    assert_string_equal(value, "Welkom");
    free(value);
    assert_non_null(strstr(b.data, "\n\nRegel een\nRegel twee\n"));
    buf_free(&b);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headers_are_complete),
        cmocka_unit_test(from_is_one_mailbox_with_an_encoded_name),
        cmocka_unit_test(subject_with_non_ascii_is_encoded_words),
        cmocka_unit_test(ascii_subject_is_plain_and_folded),
        cmocka_unit_test(quoted_printable_round_trips),
        cmocka_unit_test(usable_addresses_and_subjects),
        cmocka_unit_test(no_line_break_into_a_header),
        cmocka_unit_test(local_line_ends_for_sendmail),
        cmocka_unit_test(list_unsubscribe_headers),
    };
    return cmocka_run_group_tests_name("mail format", tests, NULL, NULL);
}
