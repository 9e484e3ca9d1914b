/* Passwords of staff accounts: the strength rules, argon2id hashes and generated passwords. */
#ifndef BS_PASSWORDS_H
#define BS_PASSWORDS_H
#include <stdbool.h>

enum { PASSWORD_MIN = 12, PASSWORD_MAX = 200 };

/* NULL when acceptable, else a Dutch reason (too short, too common, the username). */
const char *password_weakness(const char *password, const char *username);
/* argon2id with at least OWASP's minimum (t=2, m=19 MiB); at most two hashes run at once so
 * that a burst of logins cannot exhaust memory. */
bool password_hash(const char *password, char out[128]);
bool password_verify(const char *hash, const char *password);
/* A random password of 20 characters from the voucher alphabet, for --generate. */
/* 20 random code characters that password_weakness accepts for `username` (NULL: none). */
void password_generate(char out[21], const char *username);

#endif
