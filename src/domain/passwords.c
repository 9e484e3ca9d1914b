/* Passwords: the strength rules, argon2id hashes (two at a time at most) and generated ones. */
#include "domain/passwords.h"
#include "domain/codes.h"
#include "util/text.h"

#include <ctype.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

/* The most common passwords (and Dutch favourites), lower case; longer ones that people still
 * choose are caught together with the length rule. */
static const char *const common_passwords[] = {
    "123456789012", "1234567890123", "qwertyuiopas", "password1234", "wachtwoord12",
    "wachtwoord123", "welkom123456", "welkomwelkom", "qwerty123456", "111111111111",
    "000000000000", "123123123123", "abcdefghijkl", "iloveyou1234", "passwordpassword",
    "wachtwoordwachtwoord", "administrator", "adminadmin123", "buurtsamen123", "buurtsamen2026",
    "almelo123456", "gemeente1234", "gemeentealmelo", "voetbal12345", "zomer2026zomer",
    "welkom2026!!", "letmein12345", "changeme1234", "qazwsxedcrfv", "1q2w3e4r5t6y",
    "zaq12wsxcde3", "aaaaaaaaaaaa", "princess1234", "sunshine1234", "football1234",
    "baseball1234", "dragon123456", "monkey123456", "master123456", "whatever1234",
    "trustno11234", "superman1234", "starwars1234", "password!234", "p@ssw0rd1234",
    "p@ssword1234", "passw0rd1234", "hallo1234567", "geheim123456", "ajaxajax1234",
    "feyenoord1234", "psvpsvpsv123",
};

const char *password_weakness(const char *password, const char *username)
{
    size_t len = strlen(password);
    if (len < PASSWORD_MIN)
        return "Het wachtwoord moet minstens 12 tekens hebben.";
    if (len > PASSWORD_MAX || !utf8_valid(password, len))
        return "Het wachtwoord is te lang of bevat ongeldige tekens.";
    char lower[PASSWORD_MAX + 1];
    for (size_t i = 0; i <= len; i++)
        lower[i] = (char)tolower((unsigned char)password[i]);
    for (size_t i = 0; i < sizeof common_passwords / sizeof common_passwords[0]; i++)
        if (strcmp(lower, common_passwords[i]) == 0)
            return "Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden.";
    if (username && *username && strstr(lower, username))
        return "Het wachtwoord mag de gebruikersnaam niet bevatten.";
    bool same = true;
    for (size_t i = 1; i < len; i++)
        if (password[i] != password[0])
            same = false;
    if (same)
        return "Het wachtwoord bestaat uit één teken dat steeds herhaald wordt.";
    return NULL;
}

/* t=2 and 19 MiB is OWASP's minimum for argon2id; two at a time cap the memory at ~40 MiB. */
static const unsigned long long PW_OPS = 2;
static const size_t PW_MEM = 19 * 1024 * 1024;
static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void init_slots(void)
{
    sem_init(&hash_slots, 0, 2);
}

/* A password is hashed in NFC (as RFC 8265 asks), the form every web form delivers, so that
 * one set on the command line from a terminal that sends decomposed accents works in the
 * browser too. NULL when it is not UTF-8 (then it is used as it is). */
static char *password_nfc(const char *password, size_t *len)
{
    return text_nfc(password, strlen(password), len);
}

bool password_hash(const char *password, char out[128])
{
    size_t len = 0;
    char *nfc = password_nfc(password, &len);
    pthread_once(&hash_once, init_slots);
    sem_wait(&hash_slots);
    bool ok = crypto_pwhash_str_alg(out, nfc ? nfc : password, nfc ? len : strlen(password),
                                    PW_OPS, PW_MEM, crypto_pwhash_ALG_ARGON2ID13) == 0;
    sem_post(&hash_slots);
    if (nfc)
        sodium_memzero(nfc, len);
    free(nfc);
    return ok;
}

bool password_verify(const char *hash, const char *password)
{
    char stored[crypto_pwhash_STRBYTES] = "";
    if (strlen(hash) >= sizeof stored)
        return false;
    memcpy(stored, hash, strlen(hash));
    size_t len = 0;
    char *nfc = password_nfc(password, &len);
    pthread_once(&hash_once, init_slots);
    sem_wait(&hash_slots);
    bool ok = crypto_pwhash_str_verify(stored, nfc ? nfc : password,
                                       nfc ? len : strlen(password)) == 0;
    /* A hash made before passwords were normalised, of a password that NFC changes. */
    if (!ok && nfc && (len != strlen(password) || memcmp(nfc, password, len) != 0))
        ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
    sem_post(&hash_slots);
    if (nfc)
        sodium_memzero(nfc, len);
    free(nfc);
    return ok;
}

void password_generate(char out[21], const char *username)
{
    do { /* by chance the letters may spell the user's name: draw again then */
        for (int i = 0; i < 20; i++)
            out[i] = CODE_ALPHABET[randombytes_uniform(31)];
        out[20] = '\0';
    } while (password_weakness(out, username));
}
