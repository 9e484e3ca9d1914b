/* Unit tests for voucher codes: alphabet, length, check character (every single-character
 * typo and every adjacent swap is caught), normalisation, keyed hashing, address rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/codes.h"
#include "domain/households.h"
#include "util/text.h"

static void alphabet_and_length(void **state)
{
    (void)state;
    assert_int_equal(strlen(CODE_ALPHABET), 31);
    for (const char *bad = "0O1IL"; *bad; bad++)
        assert_null(strchr(CODE_ALPHABET, *bad));
    for (int i = 0; i < 2000; i++) {
        char code[CODE_CHARS + 1];
        code_generate(code);
        assert_int_equal(strlen(code), CODE_CHARS);
        for (int k = 0; k < CODE_CHARS; k++)
            assert_non_null(strchr(CODE_ALPHABET, code[k]));
        char out[CODE_CHARS + 1];
        assert_int_equal(code_normalize(code, out), CODE_OK);
        assert_string_equal(out, code);
    }
}

static void codes_are_random(void **state)
{
    (void)state;
    /* 74 bits: two equal codes in a few thousand would mean a broken generator. */
    enum { N = 4000 };
    static char seen[N][CODE_CHARS + 1];
    for (int i = 0; i < N; i++) {
        code_generate(seen[i]);
        for (int k = 0; k < i; k++)
            assert_string_not_equal(seen[i], seen[k]);
    }
}

static void every_single_typo_is_caught(void **state)
{
    (void)state;
    for (int round = 0; round < 200; round++) {
        char code[CODE_CHARS + 1], out[CODE_CHARS + 1];
        code_generate(code);
        for (int pos = 0; pos < CODE_CHARS; pos++) {
            for (const char *c = CODE_ALPHABET; *c; c++) {
                if (*c == code[pos])
                    continue;
                char typo[CODE_CHARS + 1];
                memcpy(typo, code, sizeof typo);
                typo[pos] = *c;
                assert_int_equal(code_normalize(typo, out), CODE_BAD_CHECK);
            }
        }
    }
}

static void every_adjacent_swap_is_caught(void **state)
{
    (void)state;
    for (int round = 0; round < 2000; round++) {
        char code[CODE_CHARS + 1], out[CODE_CHARS + 1];
        code_generate(code);
        for (int pos = 0; pos + 1 < CODE_CHARS; pos++) {
            if (code[pos] == code[pos + 1])
                continue;
            char swapped[CODE_CHARS + 1];
            memcpy(swapped, code, sizeof swapped);
            swapped[pos] = code[pos + 1];
            swapped[pos + 1] = code[pos];
            assert_int_equal(code_normalize(swapped, out), CODE_BAD_CHECK);
        }
    }
}

static void normalisation(void **state)
{
    (void)state;
    char code[CODE_CHARS + 1], shown[CODE_DISPLAY], out[CODE_CHARS + 1];
    code_generate(code);
    code_format(code, shown);
    assert_int_equal(strlen(shown), 19);
    assert_int_equal(shown[4], '-');
    assert_int_equal(code_normalize(shown, out), CODE_OK);
    assert_string_equal(out, code);
    char lower[40];
    for (size_t i = 0; i <= strlen(shown); i++)
        lower[i] = (char)((shown[i] >= 'A' && shown[i] <= 'Z') ? shown[i] - 'A' + 'a' : shown[i]);
    assert_int_equal(code_normalize(lower, out), CODE_OK);
    char spaced[48];
    snprintf(spaced, sizeof spaced, "  %.4s %.4s\t%.4s %.4s ", code, code + 4, code + 8, code + 12);
    assert_int_equal(code_normalize(spaced, out), CODE_OK);
    assert_int_equal(code_normalize("", out), CODE_EMPTY);
    assert_int_equal(code_normalize(" - ", out), CODE_EMPTY);
    assert_int_equal(code_normalize("ABCD", out), CODE_BAD_LENGTH);
    assert_int_equal(code_normalize("ABCD-EFGH-JKMN-PQRST", out), CODE_BAD_LENGTH);
    assert_int_equal(code_normalize("0BCD-EFGH-JKMN-PQRS", out), CODE_BAD_CHAR);
    assert_int_equal(code_normalize("<script>", out), CODE_BAD_CHAR);
    assert_int_equal(code_normalize("ÄBCD-EFGH-JKMN-PQRS", out), CODE_BAD_CHAR);
}

static void keyed_hash(void **state)
{
    (void)state;
    unsigned char k1[SECRET_BYTES], k2[SECRET_BYTES], h1[CODE_HASH_BYTES], h2[CODE_HASH_BYTES],
        h3[CODE_HASH_BYTES];
    randombytes_buf(k1, sizeof k1);
    randombytes_buf(k2, sizeof k2);
    code_hash(k1, "ABCDEFGHJKMNPQRS", h1);
    code_hash(k1, "ABCDEFGHJKMNPQRS", h2);
    assert_memory_equal(h1, h2, sizeof h1);
    code_hash(k2, "ABCDEFGHJKMNPQRS", h3);
    assert_memory_not_equal(h1, h3, sizeof h1); /* another key, another hash */
    code_hash(k1, "ABCDEFGHJKMNPQRT", h3);
    assert_memory_not_equal(h1, h3, sizeof h1);
    char s1[21], s2[21];
    secret_sign_id(k1, "receipt", 12, s1);
    secret_sign_id(k1, "receipt", 13, s2);
    assert_string_not_equal(s1, s2);
    assert_int_equal(strlen(s1), 20);
}

static void secret_file(void **state)
{
    (void)state;
    char path[64], err[256];
    snprintf(path, sizeof path, "/tmp/bs-key-%d", (int)getpid());
    unlink(path);
    unsigned char a[SECRET_BYTES], b[SECRET_BYTES];
    assert_false(secret_load(path, false, a, err, sizeof err));
    assert_true(secret_load(path, true, a, err, sizeof err));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_true(secret_load(path, true, b, err, sizeof err)); /* never overwritten */
    assert_memory_equal(a, b, sizeof a);
    unlink(path);
}

static void addresses(void **state)
{
    (void)state;
    char pc[8], add[11];
    int64_t n;
    assert_true(postcode_normalize("7607ab", pc));
    assert_string_equal(pc, "7607 AB");
    assert_true(postcode_normalize(" 7607 Ab ", pc));
    assert_string_equal(pc, "7607 AB");
    assert_false(postcode_normalize("0607 AB", pc));
    assert_false(postcode_normalize("7607 A", pc));
    assert_false(postcode_normalize("7607 ABC", pc));
    assert_false(postcode_normalize("76A7 AB", pc));
    assert_false(postcode_normalize("", pc));
    assert_true(house_number_normalize("12", "a", &n, add));
    assert_int_equal(n, 12);
    assert_string_equal(add, "A");
    assert_true(house_number_normalize("12a", "", &n, add));
    assert_string_equal(add, "A");
    assert_true(house_number_normalize("12", "-II", &n, add));
    assert_string_equal(add, "II");
    assert_false(house_number_normalize("0", "", &n, add));
    assert_false(house_number_normalize("123456", "", &n, add));
    assert_false(house_number_normalize("a12", "", &n, add));
    assert_false(house_number_normalize("12", "<b>", &n, add));
    char shown[24];
    house_number_format(12, "A", shown);
    assert_string_equal(shown, "12a");
    house_number_format(12, "II", shown);
    assert_string_equal(shown, "12-II");
    house_number_format(7, "", shown);
    assert_string_equal(shown, "7");
    int64_t cents;
    assert_true(parse_cents("7,50", 100000, &cents));
    assert_int_equal(cents, 750);
    assert_true(parse_cents("7.5", 100000, &cents));
    assert_int_equal(cents, 750);
    assert_true(parse_cents("\xe2\x82\xac 12", 100000, &cents));
    assert_int_equal(cents, 1200);
    assert_false(parse_cents("-1", 100000, &cents));
    assert_false(parse_cents("1,234", 100000, &cents));
    assert_false(parse_cents("99999999999999", 100000, &cents));
    assert_false(parse_cents("", 100000, &cents));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alphabet_and_length), cmocka_unit_test(codes_are_random),
        cmocka_unit_test(every_single_typo_is_caught), cmocka_unit_test(every_adjacent_swap_is_caught),
        cmocka_unit_test(normalisation),       cmocka_unit_test(keyed_hash),
        cmocka_unit_test(secret_file),         cmocka_unit_test(addresses),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("voucher codes and addresses", tests, NULL, NULL);
}
