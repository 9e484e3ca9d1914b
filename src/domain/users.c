/* Staff accounts: adding, changing and checking them, and the areas they may act on. */
#include "domain/users.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/passwords.h"
#include "domain/sessions.h"

#include <stdio.h>
#include <string.h>

bool user_name_valid(const char *u)
{
    size_t len = strlen(u);
    if (len < 2 || len > 40 || !((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= '0' && u[0] <= '9')))
        return false;
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
              *p == '-'))
            return false;
    return true;
}

bool user_add(struct db *db, const char *username, const char *role, const char *password,
              const char *const *area_slugs, size_t nareas, char *err, size_t err_size)
{
    if (!user_name_valid(username)) {
        snprintf(err, err_size, "a username is 2-40 characters: a-z, 0-9, '.', '_', '-'");
        return false;
    }
    if (strcmp(role, "wijkregisseur") != 0 && !role_is_admin(role)) {
        snprintf(err, err_size, "the role is wijkregisseur or admin");
        return false;
    }
    const char *weak = password_weakness(password, username);
    if (weak) {
        snprintf(err, err_size, "%s", weak);
        return false;
    }
    char hash[128];
    if (!password_hash(password, hash)) {
        snprintf(err, err_size, "hashing the password failed");
        return false;
    }
    if (!db_begin(db)) {
        snprintf(err, err_size, "the database is busy");
        return false;
    }
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO users(username, display_name, role, "
                                     "password_hash) VALUES (?, ?, ?, ?)");
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, username, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, role, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, hash, -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) {
            snprintf(err, err_size, rc == SQLITE_CONSTRAINT_UNIQUE ? "that username exists already"
                                                                   : "the database refused the user");
            ok = false;
        }
    }
    int64_t id = sqlite3_last_insert_rowid(db_handle(db));
    for (size_t i = 0; ok && i < nareas; i++) {
        sqlite3_stmt *a = db_prepare(db, "INSERT INTO user_areas(user_id, area_id) "
                                         "SELECT ?, id FROM areas WHERE slug = ?");
        sqlite3_bind_int64(a, 1, id);
        sqlite3_bind_text(a, 2, area_slugs[i], -1, SQLITE_STATIC);
        ok = sqlite3_step(a) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
        sqlite3_reset(a);
        if (!ok)
            snprintf(err, err_size, "there is no area '%s'", area_slugs[i]);
    }
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    return true;
}

/* The account's id, 0 when there is none. */
static int64_t user_id_of(struct db *db, const char *username)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id FROM users WHERE username = ?");
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return id;
}

bool user_set_password(struct db *db, const char *username, const char *password)
{
    char hash[128];
    if (!password_hash(password, hash))
        return false;
    if (!db_begin(db))
        return false;
    int64_t id = user_id_of(db, username);
    sqlite3_stmt *s = id ? db_prepare(db, "UPDATE users SET password_hash = ? WHERE id = ?") : NULL;
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, id);
        ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
        sqlite3_reset(s);
    }
    /* A new password ends every session of the account, in the same transaction. */
    ok = ok && sessions_end_for_user(db, id);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    return true;
}

bool user_set_email(struct db *db, const char *username, const char *email)
{
    sqlite3_stmt *s = db_prepare(db, "UPDATE users SET email = ? WHERE username = ?");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, email, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, username, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
    sqlite3_reset(s);
    return ok;
}

bool user_set_disabled(struct db *db, const char *username, bool disabled)
{
    if (!db_begin(db))
        return false;
    int64_t id = user_id_of(db, username);
    sqlite3_stmt *s = id ? db_prepare(db, "UPDATE users SET disabled = ? WHERE id = ?") : NULL;
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_int(s, 1, disabled);
        sqlite3_bind_int64(s, 2, id);
        ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
        sqlite3_reset(s);
    }
    /* A disabled account's sessions end with it, and stay ended when it is enabled again. */
    ok = ok && (!disabled || sessions_end_for_user(db, id));
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return false;
    }
    return true;
}

static void fill_user(sqlite3_stmt *s, struct user *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(s, 0);
    snprintf(u->username, sizeof u->username, "%s", (const char *)sqlite3_column_text(s, 1));
    snprintf(u->display_name, sizeof u->display_name, "%s", (const char *)sqlite3_column_text(s, 2));
    snprintf(u->email, sizeof u->email, "%s", (const char *)sqlite3_column_text(s, 3));
    snprintf(u->role, sizeof u->role, "%s", (const char *)sqlite3_column_text(s, 4));
    u->disabled = sqlite3_column_int(s, 5) != 0;
}

bool user_get(struct db *db, const char *username, struct user *out)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id, username, display_name, email, role, disabled "
                                     "FROM users WHERE username = ?");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found)
        fill_user(s, out);
    sqlite3_reset(s);
    return found;
}

bool user_get_by_id(struct db *db, int64_t id, struct user *out)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id, username, display_name, email, role, disabled "
                                     "FROM users WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found)
        fill_user(s, out);
    sqlite3_reset(s);
    return found;
}

json_t *users_list(struct db *db)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT u.id, u.username, u.display_name, u.role, u.disabled, "
            "coalesce((SELECT group_concat(a.slug, ', ') FROM user_areas ua JOIN areas a "
            "ON a.id = ua.area_id WHERE ua.user_id = u.id), '') AS areas "
            "FROM users u ORDER BY u.username");
    json_t *rows = s ? db_rows_array(s) : NULL;
    return rows ? rows : json_array();
}

bool user_authenticate(struct db *db, const char *username, const char *password, struct user *out)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id, username, display_name, email, role, disabled, "
                                     "password_hash FROM users WHERE username = ?");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
    char hash[256] = "";
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        fill_user(s, out);
        snprintf(hash, sizeof hash, "%s", (const char *)sqlite3_column_text(s, 6));
    }
    sqlite3_reset(s);
    if (!found) {
        /* Spend the same time as a real check, so timing does not reveal which names exist. */
        static const char dummy[] =
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
            "0000000000000000000000000000000000000000000";
        password_verify(dummy, password);
        return false;
    }
    return password_verify(hash, password) && !out->disabled;
}

bool user_may_act(struct db *db, const struct user *user, int64_t area_id)
{
    if (user_is_admin(user))
        return true;
    if (area_id == 0)
        return false;
    sqlite3_stmt *s = db_prepare(
        db, "SELECT 1 FROM user_areas ua JOIN areas a ON a.id = ?2 "
            "WHERE ua.user_id = ?1 AND (ua.area_id = a.id OR ua.area_id = a.parent_id)");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, user->id);
    sqlite3_bind_int64(s, 2, area_id);
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return ok;
}

bool role_is_admin(const char *role)
{
    return role && strcmp(role, "admin") == 0;
}

bool user_is_admin(const struct user *user)
{
    return role_is_admin(user->role);
}
