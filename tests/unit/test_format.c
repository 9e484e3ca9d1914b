/* Unit tests for Dutch formatting: money, dates, slugs, paragraphs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/format.h"

static void money(void **state)
{
    (void)state;
    struct {
        int64_t cents;
        const char *text;
    } cases[] = {
        {0, "\xe2\x82\xac\xc2\xa0" "0"},
        {750, "\xe2\x82\xac\xc2\xa0" "7,50"},
        {5, "\xe2\x82\xac\xc2\xa0" "0,05"},
        {100, "\xe2\x82\xac\xc2\xa0" "1"},
        {125050, "\xe2\x82\xac\xc2\xa0" "1.250,50"},
        {125000, "\xe2\x82\xac\xc2\xa0" "1.250"},
        {100000000, "\xe2\x82\xac\xc2\xa0" "1.000.000"},
        {-500, "-\xe2\x82\xac\xc2\xa0" "5,00"},
        {-1, "-\xe2\x82\xac\xc2\xa0" "0,01"},
        {INT64_MAX, "\xe2\x82\xac\xc2\xa0" "92.233.720.368.547.758,07"},
        {INT64_MIN, "-\xe2\x82\xac\xc2\xa0" "92.233.720.368.547.758,08"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        format_money(out, sizeof out, cases[i].cents);
        assert_string_equal(out, cases[i].text);
    }
}

static void dates(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Amsterdam", 1);
    char out[64];
    time_t t = parse_utc("2026-11-03 23:30:00");
    assert_true(t != (time_t)-1);
    format_date(out, sizeof out, t); /* 00:30 on 4 November in Amsterdam */
    assert_string_equal(out, "4 november 2026");
    format_datetime(out, sizeof out, parse_utc("2026-07-01 10:05:00"));
    assert_string_equal(out, "1 juli 2026 om 12:05");
    assert_true(format_calendar_date(out, sizeof out, "2027-03-15"));
    assert_string_equal(out, "15 maart 2027");
    assert_false(format_calendar_date(out, sizeof out, "15-03-2027"));
    assert_true(parse_utc("2026-13-01") == (time_t)-1);
    assert_true(parse_utc("") == (time_t)-1);
    assert_true(parse_utc(NULL) == (time_t)-1);
    assert_int_equal(days_until(1000 + 86400 * 3, 1000), 3);
    assert_int_equal(days_until(1000 + 86400 * 3 - 10, 1000), 3);
    assert_int_equal(days_until(1000 + 10, 1000), 1);
    assert_int_equal(days_until(1000 - 86400 * 2, 1000), -2);
}

static void slugs(void **state)
{
    (void)state;
    char out[80];
    format_slug(out, sizeof out, "Buurtbarbecue De Riet!");
    assert_string_equal(out, "buurtbarbecue-de-riet");
    format_slug(out, sizeof out, "  Café & Möll'nwiek  ");
    assert_string_equal(out, "cafe-moll-nwiek");
    format_slug(out, sizeof out, "");
    assert_string_equal(out, "");
    char tiny[8];
    format_slug(tiny, sizeof tiny, "abcdefghijkl");
    assert_true(strlen(tiny) < sizeof tiny);
}

static void paragraphs(void **state)
{
    (void)state;
    struct buf out = {0};
    format_paragraphs(&out, "Eerste <b>alinea</b>\nregel twee\n\nTweede: zie https://example.org/a?b=1&c=2.");
    assert_string_equal(out.data, "<p>Eerste &lt;b&gt;alinea&lt;/b&gt;<br>\nregel twee</p>\n"
                                  "<p>Tweede: zie <a href=\"https://example.org/a?b=1&amp;c=2\" "
                                  "rel=\"nofollow noopener\">https://example.org/a?b=1&amp;c=2</a>"
                                  ".</p>\n");
    buf_reset(&out);
    format_paragraphs(&out, "javascript:alert(1) \"https://x.org\"onmouseover=1");
    assert_null(strstr(out.data, "href=\"javascript"));
    assert_null(strstr(out.data, "\"onmouseover"));
    buf_reset(&out);
    format_paragraphs(&out, "");
    assert_true(out.len == 0);
    format_paragraphs(&out, NULL);
    assert_true(out.len == 0);
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(money),
        cmocka_unit_test(dates),
        cmocka_unit_test(slugs),
        cmocka_unit_test(paragraphs),
    };
    return cmocka_run_group_tests_name("formatting", tests, NULL, NULL);
}
