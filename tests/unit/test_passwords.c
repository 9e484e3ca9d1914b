/* Passwords: the strength rules, argon2id hashes, generated passwords, and at most two hashes
 * at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/passwords.h"
#include "util/log.h"

static const char good_password[] = "paars konijn fietst door Almelo";

/* ---- Password rules ---- */

static void assert_weak(const char *password, const char *username, const char *reason_part)
{
    const char *why = password_weakness(password, username);
    if (!why)
        fprintf(stderr, "accepted: '%s' (user '%s')\n", password, username ? username : "");
    assert_non_null(why);
    if (reason_part && !strstr(why, reason_part))
        fprintf(stderr, "'%s': reason '%s' lacks '%s'\n", password, why, reason_part);
    if (reason_part)
        assert_non_null(strstr(why, reason_part));
}

static void weak_passwords_are_refused(void **state)
{
    (void)state;
    /* Too short: fewer than 12 characters. */
    assert_weak("", "jan", "12 tekens");
    assert_weak("kort", "jan", "12 tekens");
    assert_weak("Xq7#mVz2pLr", "jan", "12 tekens");        /* 11 */
    assert_null(password_weakness("Xq7#mVz2pLr9", "jan")); /* 12 */
    /* Too long, or not UTF-8. */
    char longer[PASSWORD_MAX + 2];
    memset(longer, 'a', sizeof longer - 1);
    for (size_t i = 0; i + 1 < sizeof longer; i += 2)
        longer[i] = 'b';
    longer[PASSWORD_MAX + 1] = '\0';
    assert_weak(longer, "jan", "te lang");
    longer[PASSWORD_MAX] = '\0';
    assert_null(password_weakness(longer, "jan")); /* exactly the maximum */
    assert_weak("geheim-\xff\xfe-wachtwoord", "jan", "ongeldige");
    /* On the list of common passwords, in any case. */
    assert_weak("wachtwoord123", "jan", "veelgebruikte");
    assert_weak("Wachtwoord123", "jan", "veelgebruikte");
    assert_weak("WACHTWOORD123", "jan", "veelgebruikte");
    assert_weak("WelKom123456", "jan", "veelgebruikte");
    assert_weak("Password1234", "jan", "veelgebruikte");
    assert_weak("123456789012", "jan", "veelgebruikte");
    assert_weak("BuurtSamen2026", "jan", "veelgebruikte");
    assert_weak("P@ssw0rd1234", "jan", "veelgebruikte");
    /* Containing the username, in any case. */
    assert_weak("janssen-heeft-een-fiets", "janssen", "gebruikersnaam");
    assert_weak("mijn naam is JANSSEN 77", "janssen", "gebruikersnaam");
    assert_weak("fiets-janssen", "janssen", "gebruikersnaam");
    assert_null(password_weakness("janssen-heeft-een-fiets", "pietersen"));
    assert_null(password_weakness("janssen-heeft-een-fiets", NULL));
    assert_null(password_weakness("janssen-heeft-een-fiets", ""));
    /* One character over and over. */
    assert_weak("zzzzzzzzzzzzzzzz", "jan", "herhaald");
    assert_weak("################", "jan", "herhaald");
    assert_null(password_weakness("zzzzzzzzzzzzzzzy", "jan"));
    /* A good long passphrase. */
    assert_null(password_weakness(good_password, "jan"));
    assert_null(password_weakness("Één vrolijke fiets op de brug", "jan"));
}

static void hashes_are_argon2id_and_verify(void **state)
{
    (void)state;
    char hash[128], again[128];
    assert_true(password_hash(good_password, hash));
    assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
    assert_non_null(strstr(hash, "m=19456,t=2"));
    assert_null(strstr(hash, good_password));
    assert_true(password_verify(hash, good_password));
    assert_false(password_verify(hash, "paars konijn fietst door almelo"));
    assert_false(password_verify(hash, ""));
    assert_false(password_verify(hash, "paars konijn fietst door Almelo "));
    /* A fresh salt each time. */
    assert_true(password_hash(good_password, again));
    assert_string_not_equal(hash, again);
    assert_true(password_verify(again, good_password));
    /* Garbage and overlong hashes are refused, not crashed on. */
    assert_false(password_verify("", good_password));
    assert_false(password_verify("$argon2id$nonsense", good_password));
    char huge[400];
    memset(huge, 'x', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    assert_false(password_verify(huge, good_password));
    char generated[21];
    password_generate(generated, NULL);
    assert_int_equal(strlen(generated), 20);
    assert_null(password_weakness(generated, NULL));
}

/* Many threads hashing at once all get valid hashes (the two slots are shared, not lost). */
/* The same password typed with a composed or a decomposed accent is the same password. */
static void passwords_compare_in_nfc(void **state)
{
    (void)state;
    const char composed[] = "Caf\xc3\xa9 op de Sch\xc3\xb6ppe 42";
    const char decomposed[] = "Cafe\xcc\x81 op de Scho\xcc\x88ppe 42";
    char hash[128];
    assert_true(password_hash(decomposed, hash));
    assert_true(password_verify(hash, composed));
    assert_true(password_verify(hash, decomposed));
    assert_true(password_hash(composed, hash));
    assert_true(password_verify(hash, decomposed));
    assert_false(password_verify(hash, "Cafe op de Schoppe 42"));
}

static void *hash_in_thread(void *arg)
{
    char *out = arg;
    return password_hash(good_password, out) ? out : NULL;
}

static void concurrent_hashes_all_succeed(void **state)
{
    (void)state;
    enum { N = 5 };
    pthread_t threads[N];
    char hashes[N][128];
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, hash_in_thread, hashes[i]), 0);
    for (int i = 0; i < N; i++) {
        void *r = NULL;
        assert_int_equal(pthread_join(threads[i], &r), 0);
        assert_non_null(r);
        assert_true(password_verify(hashes[i], good_password));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weak_passwords_are_refused),
        cmocka_unit_test(hashes_are_argon2id_and_verify),
        cmocka_unit_test(passwords_compare_in_nfc),
        cmocka_unit_test(concurrent_hashes_all_succeed),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
