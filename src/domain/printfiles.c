/* Printer files and pending uploads. */
#include "domain/printfiles.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/audit.h"
#include "util/alloc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void file_key(const unsigned char *secret, unsigned char key[crypto_secretbox_KEYBYTES])
{
    crypto_kdf_derive_from_key(key, crypto_secretbox_KEYBYTES, 1, "uitgifte", secret);
}

static bool store(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t round_id,
                  const char *kind, const char *title, const char *data, size_t len,
                  const char *actor, long letters)
{
    unsigned char key[crypto_secretbox_KEYBYTES], nonce[crypto_secretbox_NONCEBYTES];
    file_key(secret, key);
    randombytes_buf(nonce, sizeof nonce);
    size_t clen = len + crypto_secretbox_MACBYTES;
    unsigned char *cipher = xmalloc(clen);
    crypto_secretbox_easy(cipher, (const unsigned char *)data, len, nonce, key);
    sodium_memzero(key, sizeof key);
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO issued_files(round_id, kind, title, nonce, data, "
                                     "created_at, created_by, letters) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_int64(s, 1, round_id);
        sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, title, -1, SQLITE_TRANSIENT);
        sqlite3_bind_blob(s, 4, nonce, sizeof nonce, SQLITE_TRANSIENT);
        sqlite3_bind_blob(s, 5, cipher, (int)clen, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, (int64_t)time(NULL));
        sqlite3_bind_text(s, 7, actor, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 8, letters);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    free(cipher);
    return ok;
}

bool printfile_store(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t round_id,
                     const char *kind, const char *title, const char *data, size_t len,
                     const char *actor)
{
    return store(db, secret, round_id, kind, title, data, len, actor, 0);
}

bool printfiles_store_codes(struct db *db, const unsigned char secret[SECRET_BYTES],
                            int64_t round_id, const char *title, long nletters,
                            const struct buf *codes, const char *actor)
{
    char full[240];
    snprintf(full, sizeof full, "%s, %ld %s", title, nletters, nletters == 1 ? "brief" : "brieven");
    return store(db, secret, round_id, "codes", full, codes->data ? codes->data : "", codes->len,
                 actor, nletters);
}

bool printfile_info(struct db *db, int64_t id, struct printfile_info *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = db_prepare(db, "SELECT kind, round_id, letters FROM issued_files WHERE id = ?");
    if (!s || id <= 0)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        snprintf(out->kind, sizeof out->kind, "%s", (const char *)sqlite3_column_text(s, 0));
        out->round_id = sqlite3_column_int64(s, 1);
        out->letters = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    return found;
}

json_t *printfiles_of_round(struct db *db, int64_t round_id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id FROM issued_files WHERE round_id = ? "
                                     "AND kind = 'codes' ORDER BY id");
    json_t *ids = json_array();
    if (!s)
        return ids;
    sqlite3_bind_int64(s, 1, round_id);
    while (sqlite3_step(s) == SQLITE_ROW)
        json_array_append_new(ids, json_integer(sqlite3_column_int64(s, 0)));
    sqlite3_reset(s);
    return ids;
}

int printfile_read(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t id, bool *csv,
                   struct buf *out)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT kind, nonce, data FROM issued_files WHERE id = ?");
    if (!s || id <= 0)
        return 404;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return 404;
    }
    *csv = !strcmp((const char *)sqlite3_column_text(s, 0), "csv");
    const unsigned char *nonce = sqlite3_column_blob(s, 1), *cipher = sqlite3_column_blob(s, 2);
    size_t clen = (size_t)sqlite3_column_bytes(s, 2);
    unsigned char key[crypto_secretbox_KEYBYTES];
    file_key(secret, key);
    bool ok = clen >= crypto_secretbox_MACBYTES &&
              sqlite3_column_bytes(s, 1) == crypto_secretbox_NONCEBYTES;
    if (ok) {
        buf_reset(out);
        buf_grow(out, clen);
        ok = crypto_secretbox_open_easy((unsigned char *)out->data, cipher, clen, nonce, key) == 0;
        if (ok) {
            out->len = clen - crypto_secretbox_MACBYTES;
            out->data[out->len] = '\0';
        } else {
            buf_reset(out);
        }
    }
    sodium_memzero(key, sizeof key);
    sqlite3_reset(s);
    return ok ? 0 : 500;
}

json_t *printfiles_list(struct db *db)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT f.id, f.kind, f.title, r.name AS round_name, f.letters, "
                                     "f.kind = 'codes' AS codes, "
                                     "datetime(f.created_at, 'unixepoch') AS created, f.created_by "
                                     "FROM issued_files f JOIN rounds r ON r.id = f.round_id "
                                     "ORDER BY f.id DESC");
    json_t *rows = s ? db_rows_array(s) : NULL;
    return rows ? rows : json_array();
}

bool printfile_delete(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM issued_files WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool deleted = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
    sqlite3_reset(s);
    return deleted;
}

int64_t upload_store(struct db *db, const char *data, size_t len, const char *actor)
{
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO pending_imports(data, created_at, created_by) "
                                     "VALUES (?, ?, ?)");
    if (!s)
        return 0;
    sqlite3_bind_blob(s, 1, data, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (int64_t)time(NULL));
    sqlite3_bind_text(s, 3, actor, -1, SQLITE_STATIC);
    int64_t id = sqlite3_step(s) == SQLITE_DONE ? sqlite3_last_insert_rowid(db_handle(db)) : 0;
    sqlite3_reset(s);
    return id;
}

char *upload_take(struct db *db, int64_t id, size_t *len)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT data FROM pending_imports WHERE id = ?");
    if (!s || id <= 0)
        return NULL;
    sqlite3_bind_int64(s, 1, id);
    char *data = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *len = (size_t)sqlite3_column_bytes(s, 0);
        data = xmalloc(*len + 1);
        memcpy(data, sqlite3_column_blob(s, 0), *len);
        data[*len] = '\0';
    }
    sqlite3_reset(s);
    return data;
}

bool upload_delete(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM pending_imports WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool deleted = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(db_handle(db)) == 1;
    sqlite3_reset(s);
    return deleted;
}

bool printfiles_store_issue(struct db *db, const unsigned char secret[SECRET_BYTES],
                            int64_t round_id, const char *title, size_t nletters,
                            const struct buf *csv, const struct buf *html, const char *actor)
{
    char full[240];
    snprintf(full, sizeof full, "%s, %zu brief/brieven", title, nletters);
    return printfile_store(db, secret, round_id, "csv", full, csv->data ? csv->data : "",
                           csv->len, actor) &&
           printfile_store(db, secret, round_id, "html", full, html->data ? html->data : "",
                           html->len, actor);
}

static bool audit_file(struct db *db, const char *actor, time_t now, const char *action,
                       int64_t id)
{
    char subject[40];
    snprintf(subject, sizeof subject, "file:%lld", (long long)id);
    return audit_add(db, now, actor, action, subject, "", "", "");
}

enum printfile_result printfile_download(struct db *db, const unsigned char secret[SECRET_BYTES],
                                         int64_t id, const char *actor, time_t now, bool *csv,
                                         struct buf *out)
{
    /* A GET that writes: who saw the codes is audited, so the read snapshot ends here. */
    db_read_end(db);
    if (!db_begin(db))
        return PRINTFILE_DB;
    int status = printfile_read(db, secret, id, csv, out);
    enum printfile_result r = status == 404   ? PRINTFILE_NOT_FOUND
                              : status        ? PRINTFILE_UNREADABLE
                              : audit_file(db, actor, now, "file-download", id) ? PRINTFILE_OK
                                                                                 : PRINTFILE_DB;
    if (r != PRINTFILE_OK) {
        db_rollback(db);
    } else if (!db_commit(db)) {
        r = PRINTFILE_DB;
    }
    if (r != PRINTFILE_OK && out->len) {
        sodium_memzero(out->data, out->len);
        buf_reset(out);
    }
    return r;
}

enum printfile_result printfile_remove(struct db *db, int64_t id, const char *actor, time_t now)
{
    if (id <= 0)
        return PRINTFILE_NOT_FOUND;
    if (!db_begin(db))
        return PRINTFILE_DB;
    enum printfile_result r = !printfile_delete(db, id)                          ? PRINTFILE_NOT_FOUND
                              : audit_file(db, actor, now, "file-delete", id) ? PRINTFILE_OK
                                                                                : PRINTFILE_DB;
    if (r != PRINTFILE_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? PRINTFILE_OK : PRINTFILE_DB;
}
