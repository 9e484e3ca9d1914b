/* An initiative as a resident submits or edits it: every field validated with a Dutch message
 * for the field it concerns, then stored with its budget lines and co-organisers. */
#ifndef BS_SUBMISSION_H
#define BS_SUBMISSION_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;

enum { MAX_BUDGET_LINES = 12, MAX_CO_ORGANISERS = 8, MANAGE_TOKEN_CHARS = 43 };

/* Reads a form field by name; NULL when absent. */
typedef const char *(*field_getter)(void *ctx, const char *name);

struct budget_line {
    char item[808]; /* 200 characters of up to four bytes */
    int64_t amount_cents;
};

struct co_organiser {
    char name[404], postcode[8], house_number[24];
};

struct submission {
    char title[512], summary[1280], area_slug[64];
    char *description; /* malloc'ed */
    int64_t area_id;   /* 0: city-wide */
    int64_t target_cents;
    struct budget_line lines[MAX_BUDGET_LINES];
    int nlines;
    char planned_date[11];
    char name[416], email[256], phone[32], postcode[8], house_number[24];
    struct co_organiser co[MAX_CO_ORGANISERS];
    int nco;
};

/* Validates the fields (names as in templates/submit.html) against the settings' rules at
 * `now`. Fills `errors` with field name → Dutch message; true when there are none. `rows` and
 * `co_rows` say how many budget and co-organiser rows the form had. */
bool submission_validate(struct db *db, field_getter get, void *ctx, int rows, int co_rows,
                         time_t now, struct submission *out, json_t *errors);
void submission_free(struct submission *s);
/* A plausible e-mail address: one '@', a domain with a dot, no spaces or quotes. */
bool email_valid(const char *email);

/* Stores a new initiative in state 'ingediend' with its lines, co-organisers and optional
 * photo (photo_id 0: none) in one transaction, with the audit entry and the e-mails.
 * token_out gets the private management token, for the link. */
bool submission_create(struct db *db, const unsigned char *secret, const struct submission *s,
                       int64_t photo_id, const char *base_url, time_t now, int64_t *id_out,
                       char token_out[MANAGE_TOKEN_CHARS + 1]);
/* Replaces an initiative's content while it is 'ingediend' or 'wijziging_gevraagd'. */
bool submission_update(struct db *db, int64_t id, const struct submission *s, int64_t photo_id,
                       time_t now);
/* The initiative a management token belongs to, 0 when none. */
int64_t submission_by_token(struct db *db, const unsigned char *secret, const char *token);
/* Stores a JPEG (already re-encoded) and returns its id, 0 on failure. */
int64_t photo_store(struct db *db, const unsigned char *jpeg, size_t len, int width, int height);

#endif
