/* Staff accounts (wijkregisseurs and admins): argon2id passwords, areas, sessions. */
#ifndef BS_USERS_H
#define BS_USERS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;

enum { PASSWORD_MIN = 12, PASSWORD_MAX = 200, SESSION_TOKEN_CHARS = 43, SESSION_HOURS = 12 };

struct user {
    int64_t id;
    char username[41];
    char display_name[101];
    char email[255];
    char role[16]; /* "wijkregisseur" or "admin" */
    bool disabled;
};

/* NULL when acceptable, else a Dutch reason (too short, too common, the username). */
const char *password_weakness(const char *password, const char *username);
/* argon2id with at least OWASP's minimum (t=2, m=19 MiB); at most two hashes run at once so
 * that a burst of logins cannot exhaust memory. */
bool password_hash(const char *password, char out[128]);
bool password_verify(const char *hash, const char *password);
/* A random password of 20 characters from the voucher alphabet, for --generate. */
void password_generate(char out[21]);

/* Adds a user; area slugs only for wijkregisseurs. Returns false with a reason. */
bool user_add(struct db *db, const char *username, const char *role, const char *password,
              const char *const *area_slugs, size_t nareas, char *err, size_t err_size);
bool user_set_password(struct db *db, const char *username, const char *password);
bool user_set_email(struct db *db, const char *username, const char *email);
bool user_set_disabled(struct db *db, const char *username, bool disabled);
bool user_get(struct db *db, const char *username, struct user *out);
/* All users with their areas (array of objects). */
json_t *users_list(struct db *db);

/* Checks a login; on success fills the user. Disabled users and wrong passwords fail alike. */
bool user_authenticate(struct db *db, const char *username, const char *password, struct user *out);

/* A new session (the token, for the cookie, goes to token_out); removes the old one given. */
bool session_create(struct db *db, int64_t user_id, time_t now, const char *old_token,
                    char token_out[SESSION_TOKEN_CHARS + 1]);
/* The user of a valid, unexpired session of an enabled account. */
bool session_user(struct db *db, const char *token, time_t now, struct user *out);
void session_delete(struct db *db, const char *token);

/* May this user act on an initiative in area_id (0: city-wide, admins only)? */
bool user_may_act(struct db *db, const struct user *user, int64_t area_id);

/* Is this staff member an admin (else a wijkregisseur)? The one place the role is compared. */
bool user_is_admin(const struct user *user);

#endif
