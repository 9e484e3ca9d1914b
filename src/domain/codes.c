/* Voucher codes and the secret key that hashes them. */
#include "domain/codes.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/printfiles.h"
#include "util/buf.h"
#include "util/text.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int char_value(char c)
{
    const char *p = strchr(CODE_ALPHABET, c);
    return c && p ? (int)(p - CODE_ALPHABET) : -1;
}

char code_check_char(const char *code)
{
    unsigned sum = 0;
    for (int i = 0; i < CODE_RANDOM_CHARS; i++)
        sum += (unsigned)(i + 1) * (unsigned)char_value(code[i]);
    return CODE_ALPHABET[sum % 31];
}

void code_generate(char out[CODE_CHARS + 1])
{
    for (int i = 0; i < CODE_RANDOM_CHARS; i++)
        out[i] = CODE_ALPHABET[randombytes_uniform(31)];
    out[CODE_RANDOM_CHARS] = code_check_char(out);
    out[CODE_CHARS] = '\0';
}

enum code_status code_normalize(const char *input, char out[CODE_CHARS + 1])
{
    size_t n = 0;
    bool bad_char = false;
    for (const char *p = input; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t' || c == '.' || c == '\r' || c == '\n')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (char_value(c) < 0)
            bad_char = true;
        if (n < CODE_CHARS)
            out[n] = c;
        n++;
    }
    out[n < CODE_CHARS ? n : CODE_CHARS] = '\0';
    if (n == 0)
        return CODE_EMPTY;
    if (bad_char)
        return CODE_BAD_CHAR;
    if (n != CODE_CHARS)
        return CODE_BAD_LENGTH;
    return code_check_char(out) == out[CODE_RANDOM_CHARS] ? CODE_OK : CODE_BAD_CHECK;
}

void code_format(const char *code, char out[CODE_DISPLAY])
{
    size_t n = 0;
    for (int i = 0; i < CODE_CHARS && code[i]; i++) {
        if (i && i % 4 == 0)
            out[n++] = '-';
        out[n++] = code[i];
    }
    out[n] = '\0';
}

void code_hash(const unsigned char secret[SECRET_BYTES], const char *code,
               unsigned char out[CODE_HASH_BYTES])
{
    crypto_generichash(out, CODE_HASH_BYTES, (const unsigned char *)code, strlen(code), secret,
                       SECRET_BYTES);
}

void secret_sign_id(const unsigned char secret[SECRET_BYTES], const char *context, long long id,
                    char out[21])
{
    char msg[96];
    int len = snprintf(msg, sizeof msg, "%s:%lld", context, id);
    unsigned char mac[10];
    crypto_generichash(mac, sizeof mac, (const unsigned char *)msg, (size_t)len, secret,
                       SECRET_BYTES);
    sodium_bin2hex(out, 21, mac, sizeof mac);
}

bool secret_load(const char *path, bool may_create, unsigned char secret[SECRET_BYTES], char *err,
                 size_t err_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && may_create) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            snprintf(err, err_size, "cannot create key file %s: %s", path, strerror(errno));
            return false;
        }
        randombytes_buf(secret, SECRET_BYTES);
        bool ok = write(fd, secret, SECRET_BYTES) == SECRET_BYTES && fsync(fd) == 0;
        close(fd);
        if (!ok) {
            unlink(path);
            snprintf(err, err_size, "cannot write key file %s", path);
        }
        return ok;
    }
    if (fd < 0) {
        snprintf(err, err_size, "cannot read key file %s: %s", path, strerror(errno));
        return false;
    }
    /* One byte more than a key: a longer file is not a key file either. */
    unsigned char buf[SECRET_BYTES + 1];
    ssize_t got = read(fd, buf, sizeof buf);
    close(fd);
    memcpy(secret, buf, SECRET_BYTES);
    sodium_memzero(buf, sizeof buf);
    if (got != SECRET_BYTES) {
        snprintf(err, err_size, "key file %s is damaged (expected %d bytes)", path, SECRET_BYTES);
        return false;
    }
    return true;
}

void secret_fingerprint(const unsigned char secret[SECRET_BYTES],
                        unsigned char out[SECRET_FINGERPRINT_BYTES])
{
    static const char text[] = "buurtsamen key fingerprint v1";
    crypto_generichash(out, SECRET_FINGERPRINT_BYTES, (const unsigned char *)text, sizeof text - 1,
                       secret, SECRET_BYTES);
}

/* 1 and the stored fingerprint in out, 0 when there is none (or no table for it yet, in a
 * database that has not been migrated), -1 on a database error. */
static int stored_fingerprint(struct db *db, unsigned char out[SECRET_FINGERPRINT_BYTES])
{
    int64_t has_table = 0;
    if (!db_get_int(db,
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                    "AND name = 'key_fingerprint'",
                    &has_table))
        return -1;
    if (!has_table)
        return 0;
    sqlite3_stmt *s = db_prepare(db, "SELECT fingerprint FROM key_fingerprint WHERE id = 1");
    if (!s)
        return -1;
    int rc = sqlite3_step(s), found = rc == SQLITE_DONE ? 0 : -1;
    if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 0) == SECRET_FINGERPRINT_BYTES) {
        memcpy(out, sqlite3_column_blob(s, 0), SECRET_FINGERPRINT_BYTES);
        found = 1;
    }
    sqlite3_reset(s);
    return found;
}

bool secret_in_use(struct db *db)
{
    unsigned char stored[SECRET_FINGERPRINT_BYTES];
    int64_t vouchers = 0, files = 0;
    int found = stored_fingerprint(db, stored);
    /* On a database error, assume the worst: a new key is never made by mistake. */
    if (found != 0 || !db_get_int(db, "SELECT count(*) FROM vouchers", &vouchers) ||
        !db_get_int(db, "SELECT count(*) FROM issued_files", &files))
        return true;
    return vouchers > 0 || files > 0;
}

/* For a database without a fingerprint: what can be known about the key without one. */
static enum secret_match match_without_fingerprint(struct db *db,
                                                   const unsigned char secret[SECRET_BYTES])
{
    int64_t vouchers = 0, file = 0;
    if (!db_get_int(db, "SELECT count(*) FROM vouchers", &vouchers) ||
        !db_get_int(db, "SELECT coalesce(min(id), 0) FROM issued_files", &file))
        return SECRET_DB_ERROR;
    if (file) {
        /* The issuance files are encrypted with a key derived from the key file: one that
         * opens was made with this key, one that does not was made with another. */
        bool csv;
        struct buf content = {0};
        int status = printfile_read(db, secret, file, &csv, &content);
        buf_free(&content);
        if (status == 500)
            return SECRET_MISMATCH;
        if (status == 0)
            return SECRET_RECORDED_CHECKED;
    }
    return vouchers ? SECRET_RECORDED_UNCHECKED : SECRET_RECORDED;
}

enum secret_match secret_match_db(struct db *db, const unsigned char secret[SECRET_BYTES],
                                  bool record, time_t now)
{
    unsigned char mine[SECRET_FINGERPRINT_BYTES], stored[SECRET_FINGERPRINT_BYTES];
    secret_fingerprint(secret, mine);
    int found = stored_fingerprint(db, stored);
    if (found < 0)
        return SECRET_DB_ERROR;
    if (found)
        return sodium_memcmp(mine, stored, sizeof mine) == 0 ? SECRET_MATCH : SECRET_MISMATCH;
    enum secret_match result = match_without_fingerprint(db, secret);
    if (result == SECRET_MISMATCH || result == SECRET_DB_ERROR)
        return result;
    if (!record)
        return SECRET_UNRECORDED;
    static const char *const how[] = {
        [SECRET_RECORDED] = "new database",
        [SECRET_RECORDED_CHECKED] = "checked against a stored issuance file",
        [SECRET_RECORDED_UNCHECKED] = "vouchers issued before fingerprints; not checked",
    };
    char when[20];
    utc_text(now, when);
    /* ON CONFLICT: another command may record at the same moment; the re-read decides. */
    bool ok = db_begin(db);
    sqlite3_stmt *s = ok ? db_prepare(db, "INSERT INTO key_fingerprint(id, fingerprint, "
                                          "recorded_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING")
                         : NULL;
    ok = s && sqlite3_bind_blob(s, 1, mine, sizeof mine, SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_bind_text(s, 2, when, -1, SQLITE_TRANSIENT) == SQLITE_OK &&
         sqlite3_step(s) == SQLITE_DONE;
    bool inserted = ok && sqlite3_changes(db_handle(db)) == 1;
    if (s)
        sqlite3_reset(s);
    if (ok && inserted)
        ok = audit_add(db, now, "system", "key-fingerprint", "key", "", "", how[result]);
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        return SECRET_DB_ERROR;
    }
    if (stored_fingerprint(db, stored) != 1)
        return SECRET_DB_ERROR;
    if (sodium_memcmp(mine, stored, sizeof mine) != 0)
        return SECRET_MISMATCH;
    return inserted ? result : SECRET_MATCH;
}
