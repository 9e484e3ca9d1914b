/* What an admin changes about staff accounts and settings, each change with its audit row in
 * one transaction: add a user, disable or enable one, reset a password, save settings. */
#ifndef BS_STAFF_ADMIN_H
#define BS_STAFF_ADMIN_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct db;

enum staff_result {
    STAFF_OK,
    STAFF_INVALID,   /* the username, role, password or an area is refused, or the name is taken */
    STAFF_BAD_EMAIL, /* not an e-mail address */
    STAFF_NO_USER,   /* no such account */
    STAFF_SELF,      /* an admin may not disable their own account */
    STAFF_BUSY,      /* the database could not take it now; nothing changed */
};

/* Adds an account (user_add: area slugs for a wijkregisseur), its e-mail address when
 * email is neither NULL nor "", and the audit row "user-add" (subject the username, to the
 * role) by actor at `now`: all or nothing. On STAFF_INVALID err has user_add's reason (in
 * English, for the command line). */
enum staff_result staff_user_add(struct db *db, const char *actor, const char *username,
                                 const char *role, const char *password,
                                 const char *const *area_slugs, size_t nareas, const char *email,
                                 time_t now, char *err, size_t err_size);
/* What staff_user_add would refuse in these values, field by field, without writing (for a
 * form that says what to fix where): false when anything is wrong. */
struct staff_add_check {
    bool bad_name;            /* not 2-40 characters a-z, 0-9, . _ - */
    bool name_taken;          /* an account with this name exists */
    bool bad_role;            /* neither wijkregisseur nor admin */
    bool bad_email;           /* given, but not an e-mail address */
    const char *unknown_area; /* the first area slug that does not exist, else NULL */
};
bool staff_user_add_check(struct db *db, const char *username, const char *role,
                          const char *const *area_slugs, size_t nareas, const char *email,
                          struct staff_add_check *out);
/* Disables (ending the account's sessions) or enables an account, with the audit row
 * "user-disable" or "user-enable". Refuses an actor disabling their own account. */
enum staff_result staff_user_set_disabled(struct db *db, const char *actor, const char *username,
                                          bool disabled, time_t now);
/* Sets a new password (ending the account's sessions) with the audit row "user-passwd". */
enum staff_result staff_user_reset_password(struct db *db, const char *actor, const char *username,
                                            const char *password, time_t now);
/* The wijken and dorpen to assign to a wijkregisseur, by name: slug, name. NULL on an error. */
json_t *staff_area_choices(struct db *db);

/* Saves settings: keys[i] gets values[i] where it differs from the stored value (a missing
 * one counts as ""), each change with its audit row "setting" (subject the key, from the old
 * value to the new) — all in one transaction. The values are checked by the caller. */
enum staff_result staff_settings_save(struct db *db, const char *actor, const char *const *keys,
                                      const char *const *values, size_t n, time_t now);

#endif
