/* Unit tests for voucher codes: alphabet, length, check character (every single-character
 * typo and every adjacent swap is caught), normalisation, keyed hashing, the key file and its
 * fingerprint in the database, address rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"
#include "domain/codes.h"
#include "domain/households.h"
#include "domain/printfiles.h"
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

static void secret_file_exact_size(void **state)
{
    (void)state;
    char path[64], err[256];
    snprintf(path, sizeof path, "/tmp/bs-key-long-%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < SECRET_BYTES + 1; i++)
        fputc(i, f);
    fclose(f);
    unsigned char a[SECRET_BYTES];
    assert_false(secret_load(path, false, a, err, sizeof err)); /* not a key file */
    assert_non_null(strstr(err, path));
    assert_false(secret_load(path, true, a, err, sizeof err)); /* and never replaced */
    unlink(path);
}

static struct db *fresh_db(const char *path)
{
    char err[256];
    unlink(path);
    struct db *db = db_open(path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    return db;
}

static void fingerprint(void **state)
{
    (void)state;
    unsigned char k1[SECRET_BYTES], k2[SECRET_BYTES];
    unsigned char f1[SECRET_FINGERPRINT_BYTES], f1b[SECRET_FINGERPRINT_BYTES],
        f2[SECRET_FINGERPRINT_BYTES];
    randombytes_buf(k1, sizeof k1);
    randombytes_buf(k2, sizeof k2);
    secret_fingerprint(k1, f1);
    secret_fingerprint(k1, f1b);
    secret_fingerprint(k2, f2);
    assert_memory_equal(f1, f1b, sizeof f1);
    assert_memory_not_equal(f1, f2, sizeof f1);
    assert_memory_not_equal(f1, k1, sizeof f1); /* never the key itself */

    char path[64];
    snprintf(path, sizeof path, "/tmp/bs-fp-%d.db", (int)getpid());
    struct db *db = fresh_db(path);
    assert_false(secret_in_use(db));
    /* Asked only to check: nothing is written. */
    assert_int_equal(secret_match_db(db, k1, false, 1000), SECRET_UNRECORDED);
    int64_t n = -1;
    assert_true(db_get_int(db, "SELECT count(*) FROM key_fingerprint", &n));
    assert_int_equal(n, 0);
    /* The first key is recorded, with an audit row; then it matches and another does not. */
    assert_int_equal(secret_match_db(db, k1, true, 1000), SECRET_RECORDED);
    assert_true(secret_in_use(db));
    assert_true(
        db_get_int(db, "SELECT count(*) FROM audit_log WHERE action = 'key-fingerprint'", &n));
    assert_int_equal(n, 1);
    assert_int_equal(secret_match_db(db, k1, true, 1001), SECRET_MATCH);
    assert_int_equal(secret_match_db(db, k2, true, 1002), SECRET_MISMATCH);
    assert_int_equal(secret_match_db(db, k2, false, 1002), SECRET_MISMATCH);
    assert_true(db_get_int(db, "SELECT count(*) FROM audit_log", &n));
    assert_int_equal(n, 1);
    db_close(db);
    unlink(path);
}

/* A database from before fingerprints, with a round and an issuance file made with k1. */
static struct db *legacy_db(const char *path, const unsigned char *k1, bool with_file)
{
    struct db *db = fresh_db(path);
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'a', 'A');"
                            "INSERT INTO households(id, postcode, house_number, street, city, "
                            "area_id) VALUES (1, '7607 AB', 1, 'Straat', 'Almelo', 1);"
                            "INSERT INTO rounds(id, name, opens_at, closes_at, voucher_cents) "
                            "VALUES (1, 'R', '2026-01-01 00:00:00', '2026-02-01 00:00:00', 750);"
                            "INSERT INTO vouchers(round_id, household_id, code_hash, value_cents,"
                            " issued_at) VALUES (1, 1, randomblob(32), 750, '2026-01-01');"));
    if (with_file)
        assert_true(printfile_store(db, k1, 1, "csv", "Codes", "code\n", 5, "test"));
    return db;
}

static void fingerprint_for_an_old_database(void **state)
{
    (void)state;
    unsigned char k1[SECRET_BYTES], k2[SECRET_BYTES];
    randombytes_buf(k1, sizeof k1);
    randombytes_buf(k2, sizeof k2);
    char path[64];
    snprintf(path, sizeof path, "/tmp/bs-fp-old-%d.db", (int)getpid());

    /* Vouchers and an issuance file: the file tells the right key from a wrong one. */
    struct db *db = legacy_db(path, k1, true);
    assert_true(secret_in_use(db)); /* init must not make a new key for it */
    assert_int_equal(secret_match_db(db, k2, true, 1000), SECRET_MISMATCH);
    int64_t n = -1;
    assert_true(db_get_int(db, "SELECT count(*) FROM key_fingerprint", &n));
    assert_int_equal(n, 0); /* a wrong key is never recorded */
    assert_int_equal(secret_match_db(db, k1, false, 1000), SECRET_UNRECORDED);
    assert_int_equal(secret_match_db(db, k1, true, 1000), SECRET_RECORDED_CHECKED);
    assert_int_equal(secret_match_db(db, k1, true, 1000), SECRET_MATCH);
    assert_int_equal(secret_match_db(db, k2, true, 1000), SECRET_MISMATCH);
    db_close(db);

    /* Vouchers only: nothing to check the key against; recorded, and said so. */
    db = legacy_db(path, k1, false);
    assert_int_equal(secret_match_db(db, k2, true, 1000), SECRET_RECORDED_UNCHECKED);
    assert_int_equal(secret_match_db(db, k2, true, 1000), SECRET_MATCH);
    assert_int_equal(secret_match_db(db, k1, true, 1000), SECRET_MISMATCH);
    db_close(db);
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

/* Amounts as staff type them: Dutch grouping and decimals, each refusal with its reason. */
static void euro_amounts(void **state)
{
    (void)state;
    int64_t c = -1;
    assert_int_equal(parse_euros("7,50", 1, 100000, &c), EUROS_OK);
    assert_int_equal(c, 750);
    assert_int_equal(parse_euros("1.250", 1, 1000000, &c), EUROS_OK);
    assert_int_equal(c, 125000);
    assert_int_equal(parse_euros("1.250,5", 1, 1000000, &c), EUROS_OK);
    assert_int_equal(c, 125050);
    assert_int_equal(parse_euros("\xe2\x82\xac\xc2\xa0" "1.000.000", 1, 100000000, &c), EUROS_OK);
    assert_int_equal(c, 100000000);
    assert_int_equal(parse_euros(" 12,- ", 1, 100000, &c), EUROS_OK);
    assert_int_equal(c, 1200);
    assert_int_equal(parse_euros("7.5", 1, 100000, &c), EUROS_OK);
    assert_int_equal(c, 750);
    assert_int_equal(parse_euros("1250", 1, 1000000, &c), EUROS_OK);
    assert_int_equal(c, 125000);
    c = -1;
    assert_int_equal(parse_euros("", 1, 100000, &c), EUROS_EMPTY);
    assert_int_equal(parse_euros("  ", 1, 100000, &c), EUROS_EMPTY);
    assert_int_equal(parse_euros(NULL, 1, 100000, &c), EUROS_EMPTY);
    assert_int_equal(parse_euros("tien", 1, 100000, &c), EUROS_NOT_AMOUNT);
    assert_int_equal(parse_euros("1.25.0", 1, 100000, &c), EUROS_NOT_AMOUNT);
    assert_int_equal(parse_euros("12.50,00", 1, 100000, &c), EUROS_NOT_AMOUNT);
    assert_int_equal(parse_euros("1e3", 1, 100000, &c), EUROS_NOT_AMOUNT);
    assert_int_equal(parse_euros("-5", 1, 100000, &c), EUROS_NEGATIVE);
    assert_int_equal(parse_euros("\xe2\x82\xac -5,00", 1, 100000, &c), EUROS_NEGATIVE);
    assert_int_equal(parse_euros("7,505", 1, 100000, &c), EUROS_TOO_PRECISE);
    assert_int_equal(parse_euros("0", 1, 100000, &c), EUROS_TOO_LOW);
    assert_int_equal(parse_euros("0,99", 100, 100000, &c), EUROS_TOO_LOW);
    assert_int_equal(parse_euros("99.999.999", 1, 100000000, &c), EUROS_TOO_HIGH);
    assert_int_equal(parse_euros("99999999999999999999999", 1, 100000000, &c), EUROS_TOO_HIGH);
    assert_int_equal(parse_euros("1.000,01", 1, 100000, &c), EUROS_TOO_HIGH);
    assert_int_equal(c, -1); /* untouched by every refusal */
    /* The limits themselves are in. */
    assert_int_equal(parse_euros("1.000", 1, 100000, &c), EUROS_OK);
    assert_int_equal(parse_euros("0,01", 1, 100000, &c), EUROS_OK);
    /* parse_cents is the same parser, 0 allowed. */
    assert_true(parse_cents("1.250", 1000000, &c));
    assert_int_equal(c, 125000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alphabet_and_length),
        cmocka_unit_test(codes_are_random),
        cmocka_unit_test(every_single_typo_is_caught),
        cmocka_unit_test(every_adjacent_swap_is_caught),
        cmocka_unit_test(normalisation),
        cmocka_unit_test(keyed_hash),
        cmocka_unit_test(secret_file),
        cmocka_unit_test(secret_file_exact_size),
        cmocka_unit_test(fingerprint),
        cmocka_unit_test(fingerprint_for_an_old_database),
        cmocka_unit_test(addresses),
        cmocka_unit_test(euro_amounts),
    };
    if (sodium_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("voucher codes and addresses", tests, NULL, NULL);
}
