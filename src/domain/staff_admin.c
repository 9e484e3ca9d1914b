/* Staff accounts and settings changed by an admin, each with its audit row; see staff_admin.h. */
#include "domain/staff_admin.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/areas.h"
#include "domain/audit.h"
#include "domain/settings.h"
#include "domain/submission.h"
#include "domain/users.h"

#include <stdio.h>
#include <string.h>

/* Ends the transaction: commits when ok, else rolls back; STAFF_BUSY when nothing landed. */
static enum staff_result finish(struct db *db, bool ok, enum staff_result failure)
{
    if (ok && db_commit(db))
        return STAFF_OK;
    db_rollback(db); /* harmless after a failed commit */
    return ok ? STAFF_BUSY : failure;
}

enum staff_result staff_user_add(struct db *db, const char *actor, const char *username,
                                 const char *role, const char *password,
                                 const char *const *area_slugs, size_t nareas, const char *email,
                                 time_t now, char *err, size_t err_size)
{
    if (err_size)
        err[0] = '\0';
    bool with_email = email && *email;
    if (with_email && !email_valid(email))
        return STAFF_BAD_EMAIL;
    if (!db_begin(db))
        return STAFF_BUSY;
    /* user_add's own transaction nests in this one. */
    if (!user_add(db, username, role, password, area_slugs, nareas, err, err_size)) {
        db_rollback(db);
        return STAFF_INVALID;
    }
    bool ok = (!with_email || user_set_email(db, username, email)) &&
              audit_add(db, now, actor, "user-add", username, "", role, "");
    return finish(db, ok, STAFF_BUSY);
}

bool staff_user_add_check(struct db *db, const char *username, const char *role,
                          const char *const *area_slugs, size_t nareas, const char *email,
                          struct staff_add_check *out)
{
    *out = (struct staff_add_check){0};
    out->bad_name = !username || !user_name_valid(username);
    struct user existing;
    out->name_taken = !out->bad_name && user_get(db, username, &existing);
    out->bad_role = !role || (strcmp(role, "wijkregisseur") && !role_is_admin(role));
    out->bad_email = email && *email && !email_valid(email);
    for (size_t i = 0; i < nareas && !out->unknown_area; i++) {
        json_t *area = area_by_slug(db, area_slugs[i]);
        if (!area)
            out->unknown_area = area_slugs[i];
        json_decref(area);
    }
    return !out->bad_name && !out->name_taken && !out->bad_role && !out->bad_email &&
           !out->unknown_area;
}

enum staff_result staff_user_set_disabled(struct db *db, const char *actor, const char *username,
                                          bool disabled, time_t now)
{
    if (disabled && strcmp(actor, username) == 0)
        return STAFF_SELF;
    if (!db_begin(db))
        return STAFF_BUSY;
    struct user target;
    if (!user_get(db, username, &target)) {
        db_rollback(db);
        return STAFF_NO_USER;
    }
    bool ok = user_set_disabled(db, target.username, disabled) &&
              audit_add(db, now, actor, disabled ? "user-disable" : "user-enable", target.username,
                        "", "", "");
    return finish(db, ok, STAFF_BUSY);
}

enum staff_result staff_user_reset_password(struct db *db, const char *actor, const char *username,
                                            const char *password, time_t now)
{
    if (!db_begin(db))
        return STAFF_BUSY;
    struct user target;
    if (!user_get(db, username, &target)) {
        db_rollback(db);
        return STAFF_NO_USER;
    }
    bool ok = user_set_password(db, target.username, password) &&
              audit_add(db, now, actor, "user-passwd", target.username, "", "", "");
    return finish(db, ok, STAFF_BUSY);
}

json_t *staff_area_choices(struct db *db)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT slug, name FROM areas WHERE parent_id IS NULL "
                                     "ORDER BY name");
    return s ? db_rows_array(s) : NULL;
}

enum staff_result staff_settings_save(struct db *db, const char *actor, const char *const *keys,
                                      const char *const *values, size_t n, time_t now)
{
    if (!db_begin(db))
        return STAFF_BUSY;
    json_t *old = settings_all(db);
    bool ok = old != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        const char *was = json_string_value(json_object_get(old, keys[i]));
        was = was ? was : "";
        if (strcmp(values[i], was) == 0)
            continue;
        ok = settings_set(db, keys[i], values[i]) &&
             audit_add(db, now, actor, "setting", keys[i], was, values[i], "");
    }
    json_decref(old);
    return finish(db, ok, STAFF_BUSY);
}
