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
struct photo;

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
    char theme[164]; /* one of themes_list (themes.h); "overig" when none was chosen */
    /* Whether help is wanted, and what (public: "Hulp gezocht: …"); only a new submission
     * stores these, the management page changes them afterwards. */
    bool help_wanted;
    char help_text[4 * 200 + 1]; /* TAKINGPART_HELP_TEXT_MAX characters */
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
/* As submission_create, for the form whose token is form_token in the browser whose CSRF
 * token is binding: the management token is derived from both, and the initiative remembers
 * the form, so the same form sent again makes no second initiative (submission_by_form finds
 * the first; two at the same moment: one fails here and submission_by_form finds the other). */
bool submission_create_from_form(struct db *db, const unsigned char *secret,
                                 const struct submission *s, int64_t photo_id,
                                 const char *base_url, const char *binding,
                                 const char *form_token, time_t now, int64_t *id_out,
                                 char token_out[MANAGE_TOKEN_CHARS + 1]);
/* The initiative that the form form_token sent in the browser of binding made, 0 when none;
 * token_out then gets its management token. */
int64_t submission_by_form(struct db *db, const unsigned char *secret, const char *binding,
                           const char *form_token, char token_out[MANAGE_TOKEN_CHARS + 1]);
/* A new random token for a submission form, and the check of one that comes back. */
void submission_form_token(char out[MANAGE_TOKEN_CHARS + 1]);
bool submission_form_token_valid(const char *token);

/* For submission_update: take the photo off the initiative. */
enum { SUBMISSION_PHOTO_REMOVE = -1 };
/* Replaces an initiative's content while it is 'ingediend' or 'wijziging_gevraagd'; photo_id
 * 0 keeps its photo, SUBMISSION_PHOTO_REMOVE takes it off. */
bool submission_update(struct db *db, int64_t id, const struct submission *s, int64_t photo_id,
                       time_t now);
/* The initiative a management token belongs to, 0 when none. */
int64_t submission_by_token(struct db *db, const unsigned char *secret, const char *token);

/* ---- The initiator's management page ---- */

enum { SUBMISSION_TEXT_MAX = 5000 }; /* characters of an answer, an update or a report */

/* What an initiator's action came to; the pages say it in Dutch. */
enum submission_result {
    SUBMISSION_OK,
    SUBMISSION_NOT_FOUND,    /* no such initiative */
    SUBMISSION_NOT_ALLOWED,  /* its state does not allow this (any more) */
    SUBMISSION_TEXT_INVALID, /* empty where a text is needed, or above SUBMISSION_TEXT_MAX */
    SUBMISSION_BUSY,         /* the database failed; nothing changed, try again */
};

/* The initiative as its initiator sees it: its own fields (with area_slug, 'gemeentebreed'
 * for city-wide, area_name, theme, initiator_postcode and initiator_house_number) plus "budget_lines" (item, amount_cents), "co_organisers"
 * (name, postcode, house_number), "messages" (author_role, author_name, body, created_at)
 * and "history" (its changes of state: at, from_value, to_value, reason), each in order.
 * NULL when there is none. */
json_t *submission_load(struct db *db, int64_t id);
/* The edit form's values (names as in templates/submit.html) from submission_load's object;
 * *lines and *co_organisers get how many budget lines and co-organisers it holds. */
json_t *submission_form_values(const json_t *item, int *lines, int *co_organisers);

/* Whether a text for an answer (required false: may be empty), an update or a report
 * (required true) is acceptable: SUBMISSION_OK or SUBMISSION_TEXT_INVALID. Leading blanks do
 * not count. */
enum submission_result submission_check_text(const char *text, bool required);

/* wijziging_gevraagd → ingediend with the initiator's answer (may be empty) as a message:
 * the state change, its audit entry, the e-mails and the message in one transaction. */
enum submission_result submission_resubmit(struct db *db, int64_t id, const char *answer,
                                           time_t now);
/* → ingetrokken, by the initiator (while under review or open). */
enum submission_result submission_withdraw(struct db *db, int64_t id, time_t now);
/* An update on the public page of an open or funded initiative, with an optional photo
 * (NULL: none), and its audit entry, in one transaction: a refused update stores no photo. */
enum submission_result submission_post_update(struct db *db, int64_t id, const char *body,
                                              const struct photo *photo, time_t now);
/* gefinancierd → uitgevoerd with the report, which also becomes an update on the public page
 * (with the optional photo): state, audit entry, photo and update in one transaction. */
enum submission_result submission_complete(struct db *db, int64_t id, const char *report,
                                           const struct photo *photo, time_t now);

#endif
