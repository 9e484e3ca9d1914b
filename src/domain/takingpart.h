/* Taking part beyond the voucher: residents who offer to help ("Ik help mee") and questions
 * relayed to the initiator. The public sees only counts and the initiator's own "help wanted"
 * text; the people are for the initiator, by e-mail and on the management page. */
#ifndef BS_TAKINGPART_H
#define BS_TAKINGPART_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/submission.h" /* field_getter */

struct db;

enum {
    TAKINGPART_FIRST_NAME_MAX = 60,  /* characters */
    TAKINGPART_NAME_MAX = 100,       /* an asker's name */
    TAKINGPART_MESSAGE_MAX = 300,    /* a volunteer's line */
    TAKINGPART_QUESTION_MIN = 5,
    TAKINGPART_QUESTION_MAX = 2000,
    TAKINGPART_HELP_TEXT_MAX = 200,  /* "Hulp gezocht: …" */
};

/* What a resident's offer or question came to; the pages say it in Dutch. */
enum takingpart_result {
    TAKINGPART_OK,
    TAKINGPART_NOT_FOUND, /* no such public initiative */
    TAKINGPART_CLOSED,    /* it takes no help / no questions (any more) */
    TAKINGPART_INVALID,   /* a field was refused (the messages in errors) */
    TAKINGPART_BUSY,      /* the database failed; nothing changed */
};

struct volunteer_offer {
    char first_name[4 * TAKINGPART_FIRST_NAME_MAX + 1];
    char email[256];
    char message[4 * TAKINGPART_MESSAGE_MAX + 1];
};
struct question {
    char name[4 * TAKINGPART_NAME_MAX + 1];
    char email[256];
    char text[4 * TAKINGPART_QUESTION_MAX + 1];
};

/* The fields voornaam, email and bericht (optional), each through the one text validator and
 * its length; errors gets field → Dutch message. True when there are none. */
bool takingpart_volunteer_validate(field_getter get, void *ctx, struct volunteer_offer *out,
                                   json_t *errors);
/* The fields naam, email and vraag, likewise. */
bool takingpart_question_validate(field_getter get, void *ctx, struct question *out,
                                  json_t *errors);

/* Stores the offer for an open or funded initiative that asks for help, with its audit entry
 * and the e-mail to the initiator (Reply-To the volunteer), in one transaction. */
enum takingpart_result takingpart_volunteer_add(struct db *db, int64_t initiative_id,
                                                const struct volunteer_offer *offer, time_t now);
/* Relays the question to the initiator of an open, funded or carried-out initiative that takes
 * questions: the message (Reply-To the asker) and a row that counts it, in one transaction.
 * Nothing of the asker is kept outside the outbox message. */
enum takingpart_result takingpart_question_send(struct db *db, int64_t initiative_id,
                                                const struct question *q, time_t now);

/* What the public page shows: help_wanted, help_text, volunteer_count, accepts_help (open or
 * funded and help wanted), accepts_questions; false when the initiative is not there. */
struct takingpart_public {
    bool help_wanted, questions_open, accepts_help, accepts_questions;
    char help_text[4 * TAKINGPART_HELP_TEXT_MAX + 1];
    int64_t volunteers, questions;
};
bool takingpart_public_get(struct db *db, int64_t initiative_id, struct takingpart_public *out);

/* Whether a "help wanted" text is acceptable (one line, at most TAKINGPART_HELP_TEXT_MAX
 * characters; empty is fine). */
bool takingpart_help_text_valid(const char *text);
/* The initiator's choices, from the management page, each with an audit entry. */
enum takingpart_result takingpart_set_help(struct db *db, int64_t initiative_id, bool wanted,
                                           const char *text, time_t now);
enum takingpart_result takingpart_set_questions(struct db *db, int64_t initiative_id, bool open,
                                                time_t now);
/* The volunteers of an initiative for its initiator: first_name, email, message, created_at,
 * oldest first (erased ones left out). An empty array on error. */
json_t *takingpart_volunteers(struct db *db, int64_t initiative_id);

/* Housekeeping, inside the caller's transaction: empties the personal data of the volunteers
 * of one initiative (the rows stay, so the counts do). False on an error. */
bool takingpart_erase(struct db *db, int64_t initiative_id);

#endif
