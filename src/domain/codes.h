/* Voucher codes: random, typeable, with a check character, and stored only as a keyed hash. */
#ifndef BS_CODES_H
#define BS_CODES_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* No 0/O, 1/I/L: 31 characters, a prime, so a weighted check character catches every single
 * wrong character and every swap of two neighbours. */
#define CODE_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
enum {
    CODE_RANDOM_CHARS = 15, /* 15 × log2(31) ≈ 74 bits */
    CODE_CHARS = 16,        /* plus one check character */
    CODE_DISPLAY = 20,      /* XXXX-XXXX-XXXX-XXXX and NUL */
    SECRET_BYTES = 32,
    CODE_HASH_BYTES = 32,
};

enum code_status {
    CODE_OK,
    CODE_EMPTY,
    CODE_BAD_LENGTH, /* too few or too many characters */
    CODE_BAD_CHAR,   /* a character that never occurs in a code */
    CODE_BAD_CHECK,  /* the check character does not match: a typo */
};

/* A new random code (CSPRNG), CODE_CHARS characters and NUL. */
void code_generate(char out[CODE_CHARS + 1]);
/* What a person typed, made canonical: upper case, spaces and hyphens dropped. */
enum code_status code_normalize(const char *input, char out[CODE_CHARS + 1]);
/* XXXX-XXXX-XXXX-XXXX for letters and screens. */
void code_format(const char *code, char out[CODE_DISPLAY]);
/* The check character for the first CODE_RANDOM_CHARS characters. */
char code_check_char(const char *code);

/* The keyed hash stored in the database (BLAKE2b keyed with the secret). */
void code_hash(const unsigned char secret[SECRET_BYTES], const char *code,
               unsigned char out[CODE_HASH_BYTES]);
/* Reads the secret key file; when it is missing and may_create is set, creates it (mode 0600,
 * never overwriting). Returns false with a reason in err. */
bool secret_load(const char *path, bool may_create, unsigned char secret[SECRET_BYTES], char *err,
                 size_t err_size);
/* A fingerprint of the key that may be stored in the open: a keyed hash of a fixed text, which
 * tells whether a key is the right one and reveals nothing about it. */
enum { SECRET_FINGERPRINT_BYTES = 32 };
void secret_fingerprint(const unsigned char secret[SECRET_BYTES],
                        unsigned char out[SECRET_FINGERPRINT_BYTES]);

struct db;
enum secret_match {
    SECRET_MATCH,              /* the database's fingerprint is this key's */
    SECRET_RECORDED,           /* it had none and nothing made with a key yet: recorded now */
    SECRET_RECORDED_CHECKED,   /* it had none; a stored issuance file opens with it: recorded */
    SECRET_RECORDED_UNCHECKED, /* it had none; vouchers exist that it cannot be checked
                                * against: recorded all the same */
    SECRET_UNRECORDED,         /* it had none and record was not asked: nothing written */
    SECRET_MISMATCH,           /* the fingerprint or a stored file belongs to another key */
    SECRET_DB_ERROR,
};
/* Compares the key with the database's fingerprint. A database without one (made before
 * fingerprints existed) gets this key's when record is set, unless a stored issuance file
 * shows that another key made it. */
enum secret_match secret_match_db(struct db *db, const unsigned char secret[SECRET_BYTES],
                                  bool record, time_t now);
/* True when the database already depends on a key (a fingerprint, vouchers or stored files),
 * so that a new key must never be made for it. */
bool secret_in_use(struct db *db);

/* A short keyed signature of a number (receipt links), as hex into out (21 bytes). */
void secret_sign_id(const unsigned char secret[SECRET_BYTES], const char *context, long long id,
                    char out[21]);

#endif
