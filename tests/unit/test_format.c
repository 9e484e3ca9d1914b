/* Unit tests for Dutch formatting: money, dates, slugs, paragraphs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <time.h>

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

/* The amounts as snprintf wrote them, to hold format_money to, cut short alike. */
static void money_by_snprintf(int64_t cents, char *out, size_t size)
{
    uint64_t v = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    char digits[32], grouped[48];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
    int g = 0;
    for (int i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            grouped[g++] = '.';
        grouped[g++] = digits[i];
    }
    grouped[g] = '\0';
    if (v % 100 || cents < 0)
        snprintf(out, size, "%s\xe2\x82\xac\xc2\xa0%s,%02llu", cents < 0 ? "-" : "", grouped,
                 (unsigned long long)(v % 100));
    else
        snprintf(out, size, "\xe2\x82\xac\xc2\xa0%s", grouped);
}

static void money_many(void **state)
{
    (void)state;
    int64_t samples[] = {0, 1, 9, 10, 99, 100, 101, 999, 1000, 99999, 100000, 100001, 123456789,
                         -1, -99, -100, -101, -100000, -123456789, INT64_MAX, INT64_MIN,
                         INT64_MIN + 1};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        for (int64_t d = -3; d <= 3; d++)
            for (size_t size = 1; size <= 40; size++) {
                int64_t c = samples[i];
                if ((d < 0 && c < INT64_MIN - d) || (d > 0 && c > INT64_MAX - d))
                    continue;
                c += d;
                char want[48], got[48];
                money_by_snprintf(c, want, size);
                memset(got, 'x', sizeof got);
                format_money(got, size, c);
                if (strcmp(want, got) != 0)
                    fail_msg("%lld in %zu bytes: \"%s\", expected \"%s\"", (long long)c, size,
                             got, want);
            }
    for (int64_t c = -250000; c <= 250000; c += 7) {
        char want[48], got[48];
        money_by_snprintf(c, want, sizeof want);
        format_money(got, sizeof got, c);
        if (strcmp(want, got) != 0)
            fail_msg("%lld: \"%s\", expected \"%s\"", (long long)c, got, want);
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

/* What parse_utc accepts and refuses, pinned: the stored form, the date alone, and the looser
 * inputs the parser has always taken (short fields, leading blanks, text after a whole date or
 * a whole time) or refused (a partial time, a field too long, values out of range). */
static void utc_parsing(void **state)
{
    (void)state;
    struct {
        const char *text;
        long long t; /* -1: refused */
    } cases[] = {
        {"2026-11-03 23:30:00", 1793748600},
        {"2026-02-01", 1769904000},
        {"2026-02-01 10:00:00", 1769940000},
        {"2026-02-31", 1772496000},          /* no month check: 3 March */
        {"2026-12-01 23:59:60", 1796169600}, /* a leap second: the next minute */
        {"2026-02-01 10:00", -1},
        {"2026-02-01 10", -1},
        {"2026-02-01 ", 1769904000},
        {"2026-02-01junk", 1769904000},
        {"2026-02-01T10:00:00", 1769904000},
        {"2026-02-01 10:00:00junk", 1769940000},
        {"2026-02-01 10:00:00.123", 1769940000},
        {"2026-02-01\n10:00:00", 1769940000},
        {"2026-2-1", 1769904000},
        {"2026-02-01 1:2:3", 1769907723},
        {" 2026-02-01", 1769904000},
        {"2026- 02-01", 1769904000},
        {"2026-+2-01", 1769904000},
        {"26-02-01", -61344000000LL},
        {"20261-02-01", -1},
        {"2026-021-01", -1},
        {"2026-02-011", -1},
        {"-2026-02-01", -1},
        {"+2026-02-01", -1},
        {"2026-02-01 -1:00:00", 1769900400},
        {"2026-02-01 10:00:-5", 1769939995},
        {"2026-00-10", -1},
        {"2026-13-01", -1},
        {"2026-12-00", -1},
        {"2026-12-32", -1},
        {"2026-12-01 24:00:00", -1},
        {"2026-12-01 23:60:00", -1},
        {"2026-12-01 23:59:61", -1},
        {"2026-12", -1},
        {"2026", -1},
        {"x2026-12-01", -1},
        {"", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long got = (long long)parse_utc(cases[i].text);
        if (got != cases[i].t)
            fail_msg("parse_utc(\"%s\") = %lld, expected %lld", cases[i].text, got, cases[i].t);
    }
    assert_true(parse_utc(NULL) == (time_t)-1);
}

/* local_midnight takes a whole date only, from 2000 to 2200, and refuses a day the month does
 * not have. */
static void local_midnights(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    struct {
        const char *text;
        long long t;
    } cases[] = {
        {"2026-02-01", 1769904000 - 3600},
        {"2026-03-29", 1774742400 - 3600}, /* the day the clocks go forward: still CET */
        {"2026-03-30", 1774828800 - 7200},
        {"2026-10-25", 1792886400 - 7200}, /* the day they go back: still CEST */
        {"2026-10-26", 1792972800 - 3600},
        {"2028-02-29", 1835395200 - 3600},
        {"2026-2-1", 1769904000 - 3600},
        {" 2026-02-01", 1769904000 - 3600},
        {"2026-+2-01", 1769904000 - 3600},
        {"2000-01-01", 946684800 - 3600},
        {"2200-12-31", 7289568000LL - 3600},
        {"2026-02-29", -1},
        {"2026-02-31", -1},
        {"2026-04-31", -1},
        {"2026-02-01 ", -1},
        {"2026-02-01x", -1},
        {"2026-02-01 00:00:00", -1},
        {"1999-12-31", -1},
        {"2201-01-01", -1},
        {"2026-13-01", -1},
        {"2026-00-01", -1},
        {"2026-01-00", -1},
        {"2026-01-32", -1},
        {"2026-01--1", -1},
        {"2026-01", -1},
        {"20261-01-01", -1},
        {"", -1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long got = (long long)local_midnight(cases[i].text);
        if (got != cases[i].t)
            fail_msg("local_midnight(\"%s\") = %lld, expected %lld", cases[i].text, got,
                     cases[i].t);
    }
    assert_true(local_midnight(NULL) == (time_t)-1);
}

/* format_date and format_datetime against strftime of localtime_r, minute by minute across the
 * changes of the clock, in the order rows come (newest first and oldest first), also in a zone
 * whose change falls on a half hour of UTC, and after the zone itself changes. */
static void check_local_range(const char *zone, time_t from, time_t to, time_t step)
{
    setenv("TZ", zone, 1);
    tzset();
    for (int direction = 0; direction < 2; direction++) {
        for (time_t i = 0; from + i <= to; i += step) {
            time_t t = direction ? to - i : from + i;
            struct tm tm;
            localtime_r(&t, &tm);
            char want[64], got[64], day[64];
            static const char *const months[] = {
                "januari", "februari", "maart",     "april",   "mei",      "juni",
                "juli",    "augustus", "september", "oktober", "november", "december"};
            snprintf(want, sizeof want, "%d %s %d om %02d:%02d", tm.tm_mday, months[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
            format_datetime(got, sizeof got, t);
            if (strcmp(want, got) != 0)
                fail_msg("%s at %lld: \"%s\", expected \"%s\"", zone, (long long)t, got, want);
            format_date(day, sizeof day, t);
            if (strncmp(want, day, strlen(day)) != 0 || want[strlen(day)] != ' ')
                fail_msg("%s at %lld: date \"%s\" of \"%s\"", zone, (long long)t, day, want);
        }
    }
}

static void local_times(void **state)
{
    (void)state;
    char out[64];
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    format_datetime(out, sizeof out, 1774745999); /* 2026-03-29 00:59:59 UTC */
    assert_string_equal(out, "29 maart 2026 om 01:59");
    format_datetime(out, sizeof out, 1774746000); /* 01:00 UTC: summer time */
    assert_string_equal(out, "29 maart 2026 om 03:00");
    format_datetime(out, sizeof out, 1792888200); /* 2026-10-25 00:30 UTC */
    assert_string_equal(out, "25 oktober 2026 om 02:30");
    format_datetime(out, sizeof out, 1792891800); /* 01:30 UTC: winter time again */
    assert_string_equal(out, "25 oktober 2026 om 02:30");
    format_date(out, sizeof out, 1798757999); /* 2026-12-31 22:59:59 UTC */
    assert_string_equal(out, "31 december 2026");
    format_date(out, sizeof out, 1798758000); /* 23:00 UTC: new year in Amsterdam */
    assert_string_equal(out, "1 januari 2027");
    setenv("TZ", "America/New_York", 1); /* the same moment, another zone */
    tzset();
    format_date(out, sizeof out, 1798758000);
    assert_string_equal(out, "31 december 2026");
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    format_date(out, sizeof out, 1798758000);
    assert_string_equal(out, "1 januari 2027");
    check_local_range("Europe/Amsterdam", 1774735200, 1774756800, 60);
    check_local_range("Europe/Amsterdam", 1792882800, 1792904400, 60);
    check_local_range("Australia/Adelaide", 1775320200 - 7200, 1775320200 + 7200, 60);
    check_local_range("America/New_York", 1772953200 - 86400, 1772953200 + 86400, 420);
    check_local_range("UTC", 0, 86400 * 3, 3607);
    check_local_range("Europe/Amsterdam", 1735689600, 1735689600 + 86400 * 800, 86400 / 7 + 60);
    check_local_range("Europe/Amsterdam", -86400 * 400, 86400 * 400, 86400 / 7);
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
}

/* utc_text and utc_iso8601 against strftime of gmtime_r, across days, leap years, before 1970
 * and years of other than four digits. */
static void utc_texts(void **state)
{
    (void)state;
    time_t samples[] = {0, -1, 1, 86399, 86400, 951782399, 951782400, 1709164800,
                        1793748600, -2208988800LL, 253402300799LL,
                        -62135596800LL, -30610224000LL - 1};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        time_t t = samples[i];
        struct tm tm;
        gmtime_r(&t, &tm);
        char want[64], got[32];
        strftime(want, sizeof want, "%Y-%m-%d %H:%M:%S", &tm);
        utc_text(t, got);
        assert_string_equal(got, want);
        strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
        utc_iso8601(t, got);
        assert_string_equal(got, want);
    }
    for (time_t t = -86400LL * 800; t < 86400LL * 800; t += 7919) {
        struct tm tm;
        gmtime_r(&t, &tm);
        char want[64], got[32];
        strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
        utc_iso8601(t, got);
        assert_string_equal(got, want);
    }
    char out[32];
    utc_text(1793748600, out);
    assert_string_equal(out, "2026-11-03 23:30:00");
    utc_iso8601(1793748600, out);
    assert_string_equal(out, "2026-11-03T23:30:00Z");
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
        cmocka_unit_test(money_many),
        cmocka_unit_test(dates),
        cmocka_unit_test(utc_parsing),
        cmocka_unit_test(local_midnights),
        cmocka_unit_test(local_times),
        cmocka_unit_test(utc_texts),
        cmocka_unit_test(slugs),
        cmocka_unit_test(paragraphs),
    };
    return cmocka_run_group_tests_name("formatting", tests, NULL, NULL);
}
