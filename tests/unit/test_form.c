/* Unit tests for percent-decoding, query/form/multipart parsing and cookies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/form.h"

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
    assert_int_equal(form_parse_multipart(&a, "multipart/form-data; boundary=\"b\"", bad_text,
                                          strlen(bad_text), &f),
                     FORM_BAD_UTF8);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_percent_and_plus), cmocka_unit_test(rejects_broken_escapes_and_utf8),
        cmocka_unit_test(parses_urlencoded),        cmocka_unit_test(limits_field_count),
        cmocka_unit_test(parses_multipart),         cmocka_unit_test(rejects_bad_multipart),
        cmocka_unit_test(parses_cookies),
    };
    return cmocka_run_group_tests_name("forms, query strings and cookies", tests, NULL, NULL);
}
