/* Unit tests for the amount parser: what residents type the Dutch way, and what is refused
 * with which reason; the written form for messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "util/amount.h"
#include "util/text.h"

static void dutch_amounts(void **state)
{
    (void)state;
    static const struct {
        const char *typed;
        int64_t cents;
    } good[] = {
        {"1250", 125000},
        {"1.250", 125000},
        {"1250,00", 125000},
        {"\xe2\x82\xac 1.250", 125000},
        {"\xe2\x82\xac"
         "1250",
         125000},
        {"\xe2\x82\xac\xc2\xa0"
         "1.250",
         125000},
        {" 1250 ", 125000},
        {"1250,-", 125000},
        {"1250,--", 125000},
        {"1.250,50", 125050},
        {"49,95", 4995},
        {"49.95", 4995},
        {"7,5", 750},
        {"7.5", 750},
        {"0", 0},
        {"12.500.000", 1250000000},
        {"1.000.000,01", 100000001},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t cents = -1;
        assert_int_equal(amount_parse(good[i].typed, false, INT64_MAX, &cents), AMOUNT_OK);
        assert_int_equal(cents, good[i].cents);
    }
}

static void refused_with_a_reason(void **state)
{
    (void)state;
    static const struct {
        const char *typed;
        enum amount_result why;
    } bad[] = {
        {"", AMOUNT_EMPTY},
        {"   ", AMOUNT_EMPTY},
        {NULL, AMOUNT_EMPTY},
        {"veel", AMOUNT_INVALID},
        {"-250", AMOUNT_INVALID},
        {"1,234", AMOUNT_INVALID},
        {"1.2500", AMOUNT_INVALID},
        {"1250.000", AMOUNT_INVALID},
        {"1.250.50", AMOUNT_INVALID},
        {"12,", AMOUNT_INVALID},
        {"2.5e2", AMOUNT_INVALID},
        {"1 250", AMOUNT_INVALID},
        {"\xe2\x82\xac", AMOUNT_INVALID},
        {"12,5 euro", AMOUNT_INVALID},
        {"12.34,5", AMOUNT_INVALID},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t cents = -1;
        assert_int_equal(amount_parse(bad[i].typed, false, INT64_MAX, &cents), bad[i].why);
        assert_int_equal(cents, -1); /* untouched */
    }
    int64_t cents = -1; /* an amount, only far too high */
    assert_int_equal(amount_parse("1.234.567.890.123", false, 100000000, &cents), AMOUNT_TOO_LARGE);
    assert_int_equal(amount_parse("12345678901234567", false, INT64_MAX, &cents), AMOUNT_TOO_LARGE);
    assert_int_equal(cents, -1);
}

static void whole_euros(void **state)
{
    (void)state;
    int64_t cents = 0;
    assert_int_equal(amount_parse("1250,00", true, INT64_MAX, &cents), AMOUNT_OK);
    assert_int_equal(cents, 125000);
    assert_int_equal(amount_parse("1.250", true, INT64_MAX, &cents), AMOUNT_OK);
    assert_int_equal(amount_parse("12,5", true, INT64_MAX, &cents), AMOUNT_HAS_CENTS);
    assert_int_equal(amount_parse("1250,50", true, INT64_MAX, &cents), AMOUNT_HAS_CENTS);
    assert_int_equal(amount_parse("49.95", true, INT64_MAX, &cents), AMOUNT_HAS_CENTS);
    assert_int_equal(cents, 125000);
}

static void limits(void **state)
{
    (void)state;
    int64_t cents = 0;
    assert_int_equal(amount_parse("5.000", true, 500000, &cents), AMOUNT_OK);
    assert_int_equal(amount_parse("5.000,01", false, 500000, &cents), AMOUNT_TOO_LARGE);
    assert_int_equal(amount_parse("999999999999", false, 500000, &cents), AMOUNT_TOO_LARGE);
    /* The helper every other amount field uses reads the same way. */
    assert_true(parse_cents("1.250", 1000000, &cents));
    assert_int_equal(cents, 125000);
    assert_false(parse_cents("1,234", 1000000, &cents));
}

static void written_back(void **state)
{
    (void)state;
    char out[40];
    amount_format(5000, out, sizeof out);
    assert_string_equal(out, "\xe2\x82\xac\xc2\xa0"
                             "50");
    amount_format(500000, out, sizeof out);
    assert_string_equal(out, "\xe2\x82\xac\xc2\xa0"
                             "5.000");
    amount_format(125050, out, sizeof out);
    assert_string_equal(out, "\xe2\x82\xac\xc2\xa0"
                             "1.250,50");
    amount_format(100000000, out, sizeof out);
    assert_string_equal(out, "\xe2\x82\xac\xc2\xa0"
                             "1.000.000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dutch_amounts), cmocka_unit_test(refused_with_a_reason),
        cmocka_unit_test(whole_euros),   cmocka_unit_test(limits),
        cmocka_unit_test(written_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
