/* Staff accounts (wijkregisseurs and admins): adding and changing them, checking a login, and
 * the areas they may act on. Passwords are in passwords.h, sessions in sessions.h. */
#ifndef BS_USERS_H
#define BS_USERS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Accounts are made and re-keyed with passwords under these rules (PASSWORD_MAX, the
 * weakness check, password_generate), so callers of user_add get them here too. */
#include "domain/passwords.h"

struct db;

struct user {
    int64_t id;
    char username[41];
    char display_name[101];
    char email[255];
    char role[16]; /* "wijkregisseur" or "admin" */
    bool disabled;
};

/* Adds a user; area slugs only for wijkregisseurs. Returns false with a reason. */
bool user_add(struct db *db, const char *username, const char *role, const char *password,
              const char *const *area_slugs, size_t nareas, char *err, size_t err_size);
bool user_set_password(struct db *db, const char *username, const char *password);
bool user_set_email(struct db *db, const char *username, const char *email);
bool user_set_disabled(struct db *db, const char *username, bool disabled);
bool user_get(struct db *db, const char *username, struct user *out);
/* The account with this id, disabled or not. */
bool user_get_by_id(struct db *db, int64_t id, struct user *out);
/* All users with their areas (array of objects). */
json_t *users_list(struct db *db);

/* Checks a login; on success fills the user. Disabled users and wrong passwords fail alike. */
bool user_authenticate(struct db *db, const char *username, const char *password, struct user *out);

/* May this user act on an initiative in area_id (0: city-wide, admins only)? */
bool user_may_act(struct db *db, const struct user *user, int64_t area_id);

/* Is this staff member an admin (else a wijkregisseur)? The one place the role is compared. */
bool user_is_admin(const struct user *user);
/* The same for a role not yet a user's, such as a form value; false for NULL. */
bool role_is_admin(const char *role);
/* A username: 2-40 characters a-z, 0-9, '.', '_', '-', starting with a letter or digit. */
bool user_name_valid(const char *username);

#endif
