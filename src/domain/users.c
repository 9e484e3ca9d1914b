/* Staff accounts, passwords and sessions. */
#include "domain/users.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/codes.h"
#include "util/text.h"

#include <ctype.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
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

bool password_hash(const char *password, char out[128])
{
    pthread_once(&hash_once, init_slots);
    sem_wait(&hash_slots);
    bool ok = crypto_pwhash_str_alg(out, password, strlen(password), PW_OPS, PW_MEM,
                                    crypto_pwhash_ALG_ARGON2ID13) == 0;
    sem_post(&hash_slots);
    return ok;
}

bool password_verify(const char *hash, const char *password)
{
    char stored[crypto_pwhash_STRBYTES] = "";
    if (strlen(hash) >= sizeof stored)
        return false;
    memcpy(stored, hash, strlen(hash));
    pthread_once(&hash_once, init_slots);
    sem_wait(&hash_slots);
    bool ok = crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
    sem_post(&hash_slots);
    return ok;
}

void password_generate(char out[21])
{
    for (int i = 0; i < 20; i++)
        out[i] = CODE_ALPHABET[randombytes_uniform(31)];
    out[20] = '\0';
}

static bool valid_username(const char *u)
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
    if (!valid_username(username)) {
        snprintf(err, err_size, "a username is 2-40 characters: a-z, 0-9, '.', '_', '-'");
        return false;
    }
    if (strcmp(role, "wijkregisseur") != 0 && strcmp(role, "admin") != 0) {
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

bool user_set_password(struct db *db, const char *username, const char *password)
{
    char hash[128];
    if (!password_hash(password, hash))
        return false;
    sqlite3_stmt *s = db_prepare(db, "UPDATE users SET password_hash = ? WHERE username = ?");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, username, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
    sqlite3_reset(s);
    if (ok) { /* a new password ends every session of the account */
        sqlite3_stmt *d = db_prepare(db, "DELETE FROM sessions WHERE user_id = "
                                         "(SELECT id FROM users WHERE username = ?)");
        sqlite3_bind_text(d, 1, username, -1, SQLITE_STATIC);
        sqlite3_step(d);
        sqlite3_reset(d);
    }
    return ok;
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
    sqlite3_stmt *s = db_prepare(db, "UPDATE users SET disabled = ? WHERE username = ?");
    if (!s)
        return false;
    sqlite3_bind_int(s, 1, disabled);
    sqlite3_bind_text(s, 2, username, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
    sqlite3_reset(s);
    if (ok && disabled) {
        sqlite3_stmt *d = db_prepare(db, "DELETE FROM sessions WHERE user_id = "
                                         "(SELECT id FROM users WHERE username = ?)");
        sqlite3_bind_text(d, 1, username, -1, SQLITE_STATIC);
        sqlite3_step(d);
        sqlite3_reset(d);
    }
    return ok;
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

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

bool session_create(struct db *db, int64_t user_id, time_t now, const char *old_token,
                    char token_out[SESSION_TOKEN_CHARS + 1])
{
    if (old_token)
        session_delete(db, old_token);
    unsigned char raw[32], hash[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(token_out, SESSION_TOKEN_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token_hash(token_out, hash);
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO sessions(token_hash, user_id, created_at, "
                                     "expires_at) VALUES (?, ?, ?, ?)");
    if (!s)
        return false;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, user_id);
    sqlite3_bind_int64(s, 3, (int64_t)now);
    sqlite3_bind_int64(s, 4, (int64_t)now + SESSION_HOURS * 3600);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

bool session_user(struct db *db, const char *token, time_t now, struct user *out)
{
    if (!token || strlen(token) != SESSION_TOKEN_CHARS)
        return false;
    unsigned char hash[32];
    token_hash(token, hash);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT u.id, u.username, u.display_name, u.email, u.role, u.disabled "
            "FROM sessions s JOIN users u ON u.id = s.user_id "
            "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0");
    if (!s)
        return false;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found)
        fill_user(s, out);
    sqlite3_reset(s);
    return found;
}

void session_delete(struct db *db, const char *token)
{
    if (!token)
        return;
    unsigned char hash[32];
    token_hash(token, hash);
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?");
    if (!s)
        return;
    sqlite3_bind_blob(s, 1, hash, sizeof hash, SQLITE_TRANSIENT);
    sqlite3_step(s);
    sqlite3_reset(s);
}

bool user_may_act(struct db *db, const struct user *user, int64_t area_id)
{
    if (strcmp(user->role, "admin") == 0)
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

bool user_is_admin(const struct user *user)
{
    return strcmp(user->role, "admin") == 0;
}
