/* Households: one row per address, imported from the municipality's address file. */
#ifndef BS_HOUSEHOLDS_H
#define BS_HOUSEHOLDS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;

enum {
    IMPORT_MAX_BYTES = 32 * 1024 * 1024,
    IMPORT_MAX_ROWS = 250000,
    IMPORT_MAX_ERRORS = 200,
    IMPORT_MAX_LISTED = 200 /* addresses listed per kind of change; all are counted */
};

/* "7607ab", "7607 AB" → "7607 AB"; false when it is not a Dutch postcode. */
bool postcode_normalize(const char *in, char out[8]);
/* House number 1..99999 and an addition of letters/digits (upper-cased, at most 10), also
 * from "12a" in the number column with an empty addition; false when not an address. */
bool house_number_normalize(const char *number, const char *addition, int64_t *out_number,
                            char out_addition[11]);
/* "12", "12a", "12-II": how an address is written on a letter. */
void house_number_format(int64_t number, const char *addition, char out[24]);

struct import_error {
    long line;
    char message[160];
};

/* One address that an import adds, moves or does not find, as a person reads it. */
struct import_change {
    char address[200]; /* "Schermstraat 12a, 7607 AB Almelo" */
    char from[84];     /* the area it is in now (moved, missing) */
    char to[84];       /* the area the file puts it in (added, moved) */
};

/* The addresses of one kind of change: the first IMPORT_MAX_LISTED, by postcode. */
struct import_changes {
    struct import_change *list; /* malloc'ed */
    size_t n;
};

struct import_report {
    long rows;                    /* data rows read */
    long added, updated, unchanged;
    long moved;   /* of updated: now in another wijk or dorp, so its vouchers go elsewhere */
    long missing; /* in the register but not in the file: kept (an import removes nothing) */
    struct import_changes added_list, moved_list, missing_list;
    struct import_error *errors;  /* malloc'ed; count in nerrors (capped) */
    size_t nerrors;
    long total_errors;
};

/* Imports a CSV (header: postcode, huisnummer, toevoeging, straat, woonplaats, wijk; ';' or
 * ','). Every line is checked first; with any error nothing is written. Importing the same
 * file again changes nothing. Returns false when nothing was written. */
bool households_import(struct db *db, const char *data, size_t len, struct import_report *report);
/* The same checks and counts without keeping anything (for a preview). */
bool households_preview(struct db *db, const char *data, size_t len, struct import_report *report);
void import_report_free(struct import_report *report);

/* How many households the register holds; -1 on an error. */
int64_t households_count(struct db *db);

enum households_result {
    HOUSEHOLDS_IMPORTED,
    HOUSEHOLDS_NO_UPLOAD, /* no pending upload with this id (imported or never made) */
    HOUSEHOLDS_REFUSED,   /* the file has errors (in the report); nothing written */
    HOUSEHOLDS_DB
};

/* Imports a pending upload (see printfiles.h), removes it and writes the audit row, in one
 * transaction; the report says what was found, as households_import's. */
enum households_result households_import_upload(struct db *db, int64_t upload_id,
                                                const char *actor, time_t now,
                                                struct import_report *report);

#endif
