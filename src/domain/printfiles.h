/* Files kept for the council between two steps: the issuance output for the printer (codes,
 * so encrypted with a key derived from the key file) and address uploads awaiting confirmation. */
#ifndef BS_PRINTFILES_H
#define BS_PRINTFILES_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/codes.h"
#include "util/buf.h"

struct db;

/* Stores an issuance file ("csv", "html" or "codes") encrypted; works inside the caller's transaction. */
bool printfile_store(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t round_id,
                     const char *kind, const char *title, const char *data, size_t len,
                     const char *actor);
/* Decrypts a stored file into out; *csv says its kind. 0 ok, 404 none, 500 unreadable (the
 * key file was replaced). */
int printfile_read(struct db *db, const unsigned char secret[SECRET_BYTES], int64_t id, bool *csv,
                   struct buf *out);
/* The stored files (without their content), newest first. */
json_t *printfiles_list(struct db *db);
bool printfile_delete(struct db *db, int64_t id);

enum printfile_result {
    PRINTFILE_OK,
    PRINTFILE_NOT_FOUND,  /* no file with this id (deleted already) */
    PRINTFILE_UNREADABLE, /* it does not decrypt: the key file was replaced */
    PRINTFILE_DB
};

/* What renders the letters of one issuance again (letters_codes_add's lines: household id,
 * voucher id, code), stored encrypted with the title "TITLE, N brief/brieven" (the real
 * plural); inside the caller's (the issuance's) transaction. */
bool printfiles_store_codes(struct db *db, const unsigned char secret[SECRET_BYTES],
                            int64_t round_id, const char *title, long nletters,
                            const struct buf *codes, const char *actor);

struct printfile_info {
    char kind[8]; /* "codes"; "csv" or "html" for files stored rendered before */
    int64_t round_id, letters;
};
/* False when there is no such file. */
bool printfile_info(struct db *db, int64_t id, struct printfile_info *out);
/* The ids of a round's stored codes, oldest first (a JSON array of integers). */
json_t *printfiles_of_round(struct db *db, int64_t round_id);

/* Both files of one issuance, the printer's CSV and the letters, stored with the title
 * "TITLE, N brief/brieven"; inside the caller's (the issuance's) transaction. */
bool printfiles_store_issue(struct db *db, const unsigned char secret[SECRET_BYTES],
                            int64_t round_id, const char *title, size_t nletters,
                            const struct buf *csv, const struct buf *html, const char *actor);
/* A download for the council: decrypts the file into out and writes the audit row (the codes
 * were seen) in one transaction. A download is a GET, so this ends the request's read snapshot
 * first, on purpose. */
enum printfile_result printfile_download(struct db *db, const unsigned char secret[SECRET_BYTES],
                                         int64_t id, const char *actor, time_t now, bool *csv,
                                         struct buf *out);
/* Deletes a stored file and writes the audit row, in one transaction. */
enum printfile_result printfile_remove(struct db *db, int64_t id, const char *actor, time_t now);

/* An uploaded address file kept until it is confirmed; returns its id, 0 on failure. */
int64_t upload_store(struct db *db, const char *data, size_t len, const char *actor);
/* The upload's content (malloc'ed, to free), or NULL when there is none. */
char *upload_take(struct db *db, int64_t id, size_t *len);
/* False when nothing was deleted or the database refused. */
bool upload_delete(struct db *db, int64_t id);

#endif
