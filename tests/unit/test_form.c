/* Unit tests for percent-decoding, query/form/multipart parsing and cookies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "pages/beheer_common.h"
#include "util/text.h"

static void decodes_percent_and_plus(void **state)
{
    (void)state;
    struct arena a = {0};
    char *out;
    size_t len;
    assert_int_equal(url_decode(&a, "a%20b+c%C3%A9", 13, true, &out, &len), FORM_OK);
    assert_string_equal(out, "a b c\xc3\xa9");
    assert_int_equal(len, 7);
    assert_int_equal(url_decode(&a, "a+b", 3, false, &out, &len), FORM_OK);
    assert_string_equal(out, "a+b");
    arena_free(&a);
}

static void rejects_broken_escapes_and_utf8(void **state)
{
    (void)state;
    struct arena a = {0};
    char *out;
    size_t len;
    const char *bad_escape[] = {"%", "%4", "%zz", "%G1", "abc%", "%%41"};
    for (size_t i = 0; i < sizeof bad_escape / sizeof bad_escape[0]; i++)
        assert_int_equal(url_decode(&a, bad_escape[i], strlen(bad_escape[i]), true, &out, &len),
                         FORM_BAD_ESCAPE);
    const char *bad_utf8[] = {"%c3%28", "%ff", "%00", "%ed%a0%80", "%c0%af", "%f4%90%80%80",
                              "%e2%82"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++)
        assert_int_equal(url_decode(&a, bad_utf8[i], strlen(bad_utf8[i]), true, &out, &len),
                         FORM_BAD_UTF8);
    arena_free(&a);
}

static void parses_urlencoded(void **state)
{
    (void)state;
    struct arena a = {0};
    struct fields f = {0};
    const char *q = "wijk=de-riet&q=barbecue+zomer&empty=&flag&&x=%26%3D";
    assert_int_equal(form_parse_urlencoded(&a, q, strlen(q), &f), FORM_OK);
    assert_int_equal(f.count, 5);
    assert_string_equal(fields_value(&f, "wijk"), "de-riet");
    assert_string_equal(fields_value(&f, "q"), "barbecue zomer");
    assert_string_equal(fields_value(&f, "empty"), "");
    assert_string_equal(fields_value(&f, "flag"), "");
    assert_string_equal(fields_value(&f, "x"), "&=");
    assert_null(fields_value(&f, "missing"));
    arena_free(&a);
}

static void limits_field_count(void **state)
{
    (void)state;
    struct arena a = {0};
    struct fields f = {0};
    char q[4096] = "";
    for (int i = 0; i < LIMIT_FIELDS + 1; i++)
        strcat(q, "a=1&");
    assert_int_equal(form_parse_urlencoded(&a, q, strlen(q), &f), FORM_TOO_MANY);
    arena_free(&a);
}

static void parses_multipart(void **state)
{
    (void)state;
    struct arena a = {0};
    struct fields f = {0};
    const char body[] = "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
                        "Buurtbarbecue\r\n"
                        "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n"
                        "Content-Type: image/png\r\n\r\n"
                        "\x89PNG\r\n\x1a\n\x00\xff\r\n"
                        "--XyZ--\r\n";
    size_t len = sizeof body - 1;
    assert_int_equal(
        form_parse_multipart(&a, "multipart/form-data; boundary=XyZ", body, len, &f), FORM_OK);
    assert_int_equal(f.count, 2);
    assert_string_equal(fields_value(&f, "title"), "Buurtbarbecue");
    const struct field *photo = fields_get(&f, "photo");
    assert_non_null(photo);
    assert_string_equal(photo->filename, "a.png");
    assert_string_equal(photo->content_type, "image/png");
    assert_int_equal(photo->value_len, 10);
    assert_memory_equal(photo->value, "\x89PNG\r\n\x1a\n\x00\xff", 10);
    arena_free(&a);
}

static void rejects_bad_multipart(void **state)
{
    (void)state;
    struct arena a = {0};
    struct fields f = {0};
    const char *no_close = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue";
    assert_int_equal(form_parse_multipart(&a, "multipart/form-data; boundary=b", no_close,
                                          strlen(no_close), &f),
                     FORM_BAD_MULTIPART);
    assert_int_equal(form_parse_multipart(&a, "multipart/form-data", "x", 1, &f),
                     FORM_BAD_MULTIPART);
    const char *no_name = "--b\r\nContent-Type: text/plain\r\n\r\nv\r\n--b--";
    assert_int_equal(form_parse_multipart(&a, "multipart/form-data; boundary=b", no_name,
                                          strlen(no_name), &f),
                     FORM_BAD_MULTIPART);
    const char *bad_text = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\xff\r\n--b--";
    /* Invalid UTF-8 in a value marks the field; the form is read on. */
    struct fields g = {0};
    assert_int_equal(form_parse_multipart(&a, "multipart/form-data; boundary=\"b\"", bad_text,
                                          strlen(bad_text), &g),
                     FORM_OK);
    assert_true(fields_get(&g, "x")->bad_text);
    assert_string_equal(fields_value(&g, "x"), "");
    assert_int_equal(form_parse_multipart(&a, "multipart/form-data; boundary=b", "", 0, &f),
                     FORM_BAD_MULTIPART);
    arena_free(&a);
}

static void parses_cookies(void **state)
{
    (void)state;
    struct arena a = {0};
    struct fields f = {0};
    cookies_parse(&a, "bs_csrf=abc123; theme=\"dark\";junk; =novalue; last = x ", &f);
    assert_string_equal(fields_value(&f, "bs_csrf"), "abc123");
    assert_string_equal(fields_value(&f, "theme"), "dark");
    assert_string_equal(fields_value(&f, "last"), "x");
    assert_null(fields_value(&f, "junk"));
    struct fields many = {0};
    char header[2048] = "";
    for (int i = 0; i < 100; i++) {
        char one[24];
        snprintf(one, sizeof one, "c%d=v; ", i);
        strcat(header, one);
    }
    cookies_parse(&a, header, &many);
    assert_int_equal(many.count, LIMIT_COOKIES);
    arena_free(&a);
}

/* The one text check: tab always, LF (and CR in CRLF) in multi-line text; no other C0 or C1
 * control, no DEL, no noncharacter; valid UTF-8. */
static void text_check_refuses_controls_and_noncharacters(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool multiline;
        enum text_problem want;
    } cases[] = {
        {"gewoon tekst", false, TEXT_OK},
        {"met\ttab", false, TEXT_OK},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", false, TEXT_OK},
        {"regel\nregel", true, TEXT_OK},
        {"regel\r\nregel", true, TEXT_OK},
        {"regel\nregel", false, TEXT_CONTROL},
        {"regel\rregel", true, TEXT_CONTROL},
        {"eind\r", true, TEXT_CONTROL},
        {"a\x0b", true, TEXT_CONTROL},
        {"a\x01", true, TEXT_CONTROL},
        {"a\x1b[31m", true, TEXT_CONTROL},
        {"a\x7f", true, TEXT_CONTROL},
        {"a\xc2\x85", true, TEXT_CONTROL},       /* U+0085, C1 */
        {"a\xc2\x9f", true, TEXT_CONTROL},       /* U+009F, C1 */
        {"a\xc2\xa0", true, TEXT_OK},            /* U+00A0 no-break space */
        {"a\xef\xbf\xbe", true, TEXT_NONCHARACTER}, /* U+FFFE */
        {"a\xef\xbf\xbf", true, TEXT_NONCHARACTER}, /* U+FFFF */
        {"a\xef\xb7\x90", true, TEXT_NONCHARACTER}, /* U+FDD0 */
        {"a\xef\xb7\xaf", true, TEXT_NONCHARACTER}, /* U+FDEF */
        {"a\xef\xb7\xb0", true, TEXT_OK},           /* U+FDF0 */
        {"a\xf0\x9f\xbf\xbe", true, TEXT_NONCHARACTER}, /* U+1FFFE */
        {"a\xf4\x8f\xbf\xbf", true, TEXT_NONCHARACTER}, /* U+10FFFF */
        {"a\xc3", true, TEXT_BAD_UTF8},
        {"a\xed\xa0\x80", true, TEXT_BAD_UTF8},     /* a surrogate */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum text_problem got = text_check(cases[i].s, strlen(cases[i].s), cases[i].multiline);
        if (got != cases[i].want)
            fail_msg("case %zu: got %d, want %d", i, got, cases[i].want);
    }
    char lines[] = "a\r\nb\r\n\rc";
    size_t n = text_crlf_to_lf(lines, strlen(lines));
    assert_int_equal(n, 6);
    assert_string_equal(lines, "a\nb\n\rc");
}

/* Every form field passes the text check: CRLF arrives as LF; a control, a noncharacter or
 * invalid UTF-8 in a value marks that field (its value shown back without them), the parse
 * goes on so that the form can say which field; a bad name still refuses the whole form. */
static void form_fields_pass_the_text_check(void **state)
{
    (void)state;
    struct arena a = {0};
    struct fields f = {0};
    const char ok[] = "tekst=een%0D%0Atwee&titel=caf%C3%A9";
    assert_int_equal(form_parse_urlencoded(&a, ok, sizeof ok - 1, &f), FORM_OK);
    assert_string_equal(fields_value(&f, "tekst"), "een\ntwee");
    assert_int_equal(fields_get(&f, "tekst")->value_len, 8);
    assert_false(fields_get(&f, "tekst")->bad_text);
    assert_false(fields_any_bad(&f));
    static const struct {
        const char *in, *shown;
    } bad[] = {{"tekst=a%0Bb", "ab"},         {"tekst=a%01", "a"},
               {"tekst=%1B%5B31m", "[31m"},   {"tekst=a%EF%BF%BE", "a"},
               {"tekst=a%0Db", "ab"},         {"tekst=%C2%85x", "x"},
               {"tekst=a%FFb%C3", "ab"},      {"tekst=a%00b", "ab"},
               {"tekst=%ED%A0%80z", "z"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct fields g = {0};
        const char *body = arena_printf(&a, "naam=Anna&%s&plaats=Almelo", bad[i].in);
        if (form_parse_urlencoded(&a, body, strlen(body), &g) != FORM_OK)
            fail_msg("refused the whole form for %s", bad[i].in);
        const struct field *t = fields_get(&g, "tekst");
        assert_non_null(t);
        if (!t->bad_text)
            fail_msg("accepted %s", bad[i].in);
        assert_string_equal(t->value, bad[i].shown);
        assert_int_equal(t->value_len, strlen(bad[i].shown));
        assert_false(fields_get(&g, "naam")->bad_text);
        assert_string_equal(fields_value(&g, "plaats"), "Almelo");
        assert_true(fields_any_bad(&g));
    }
    struct fields n = {0};
    assert_int_equal(form_parse_urlencoded(&a, "t%01=a", 6, &n), FORM_BAD_TEXT);
    const char body[] = "--XyZ\r\n"
                        "Content-Disposition: form-data; name=\"tekst\"\r\n\r\n"
                        "regel\r\nregel\r\n"
                        "--XyZ--\r\n";
    struct fields m = {0};
    assert_int_equal(form_parse_multipart(&a, "multipart/form-data; boundary=XyZ", body,
                                          sizeof body - 1, &m),
                     FORM_OK);
    assert_string_equal(fields_value(&m, "tekst"), "regel\nregel");
    const char vt[] = "--XyZ\r\n"
                      "Content-Disposition: form-data; name=\"tekst\"\r\n\r\n"
                      "a\x0b\x01\x1b\xff\r\n"
                      "--XyZ--\r\n";
    struct fields v = {0};
    assert_int_equal(
        form_parse_multipart(&a, "multipart/form-data; boundary=XyZ", vt, sizeof vt - 1, &v),
        FORM_OK);
    assert_true(fields_get(&v, "tekst")->bad_text);
    assert_string_equal(fields_value(&v, "tekst"), "a");
    arena_free(&a);
}

/* Text is kept in NFC, so that what looks the same compares the same: a decomposed é from one
 * keyboard equals the composed one from another. */
static void text_is_normalised_to_nfc(void **state)
{
    (void)state;
    static const struct {
        const char *in, *nfc;
    } cases[] = {
        {"Cafe\xcc\x81", "Caf\xc3\xa9"},                 /* e + combining acute */
        {"Caf\xc3\xa9", "Caf\xc3\xa9"},                   /* already composed */
        {"\xe2\x84\xab", "\xc3\x85"},                     /* ANGSTROM SIGN → Å */
        {"Scho\xcc\x88ppe", "Sch\xc3\xb6ppe"},             /* de Schöppe */
        {"Mo\xcc\x88ll'nwiek", "M\xc3\xb6ll'nwiek"},       /* Möll'nwiek */
        {"IJ ij \xc4\xb2", "IJ ij \xc4\xb2"},              /* compatibility forms stay */
        {"plain ascii", "plain ascii"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = 99;
        char *out = text_nfc(cases[i].in, strlen(cases[i].in), &n);
        assert_non_null(out);
        assert_string_equal(out, cases[i].nfc);
        assert_int_equal(n, strlen(cases[i].nfc));
        free(out);
    }
    size_t n;
    assert_null(text_nfc("a\xff", 2, &n));
    /* Through the form: the field arrives composed. */
    struct arena a = {0};
    struct fields f = {0};
    const char body[] = "naam=Jose%CC%81&email=jose%CC%81%40example.org";
    assert_int_equal(form_parse_urlencoded(&a, body, sizeof body - 1, &f), FORM_OK);
    assert_string_equal(fields_value(&f, "naam"), "Jos\xc3\xa9");
    assert_int_equal(fields_get(&f, "naam")->value_len, 5);
    assert_false(fields_get(&f, "naam")->bad_text);
    assert_string_equal(fields_value(&f, "email"), "jos\xc3\xa9@example.org");
    arena_free(&a);
}

static void text_clean_takes_out_what_the_check_refuses(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
        bool multiline;
    } cases[] = {
        {"a\x0b\x01" "b", "ab", true},      {"een\ntwee", "een\ntwee", true},
        {"een\ntwee", "eentwee", false},  {"a\r\nb\rc", "a\r\nbc", true},
        {"t\tab", "t\tab", false},        {"\xef\xb7\x90x\xef\xbf\xbf", "x", false},
        {"\xc2\x9f\xc3\xa9", "\xc3\xa9", false}, {"\xe2\x82", "", false},
        {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%s", cases[i].in);
        size_t n = text_clean(buf, strlen(buf), cases[i].multiline);
        assert_string_equal(buf, cases[i].out);
        assert_int_equal(n, strlen(cases[i].out));
        assert_int_equal(text_check(buf, n, cases[i].multiline), TEXT_OK);
    }
}

/* A staff form copied for another row of a list is the form beheer_form_show builds for that
 * row: its own ids, and a hint described by its own id. */
static void a_copied_staff_form_is_the_form_of_its_prefix(void **state)
{
    (void)state;
    static const struct beheer_field fields[] = {
        {"bedrag", "Bedrag", "text", 16, "In euro's", "decimal"},
        {"kenmerk", "Kenmerk", "text", 100, NULL, NULL},
    };
    json_t *shown[2];
    const char *prefixes[2] = {"p1-", "p2-"};
    for (int i = 0; i < 2; i++) {
        struct beheer_form f;
        json_t *view = json_object();
        beheer_form_init(&f, fields, 2, prefixes[i]);
        beheer_form_show(&f, view, "pay");
        shown[i] = json_incref(json_object_get(view, "pay"));
        json_decref(view);
    }
    json_t *copy = beheer_form_copy(shown[0], fields, 2, "p2-");
    assert_true(json_equal(copy, shown[1]));
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(copy, "bedrag"), "describedby")),
        "p2-bedrag-hint");
    json_decref(copy);
    json_decref(shown[0]);
    json_decref(shown[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_percent_and_plus), cmocka_unit_test(rejects_broken_escapes_and_utf8),
        cmocka_unit_test(parses_urlencoded),        cmocka_unit_test(limits_field_count),
        cmocka_unit_test(parses_multipart),         cmocka_unit_test(rejects_bad_multipart),
        cmocka_unit_test(parses_cookies),
        cmocka_unit_test(a_copied_staff_form_is_the_form_of_its_prefix),
        cmocka_unit_test(text_check_refuses_controls_and_noncharacters),
        cmocka_unit_test(form_fields_pass_the_text_check),
        cmocka_unit_test(text_is_normalised_to_nfc),
        cmocka_unit_test(text_clean_takes_out_what_the_check_refuses),
    };
    return cmocka_run_group_tests_name("forms, query strings and cookies", tests, NULL, NULL);
}
