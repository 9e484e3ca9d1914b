/* Lent or sponsored materials ("Ik kan iets lenen"): a resident offers to lend or give what one
 * budget line pays for; the initiator accepts or declines. An accepted offer covers the line and
 * lowers the amount still to raise by its amount, in one transaction with its audit row, and
 * funds the initiative when what was raised already reaches the lowered target. The people are
 * for the initiator only; the public sees a covered line as "gedekt door een buurtgenoot". */
#ifndef BS_OFFERS_H
#define BS_OFFERS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/submission.h" /* field_getter */

struct db;

enum {
    OFFERS_FIRST_NAME_MAX = 60, /* characters */
    OFFERS_MESSAGE_MAX = 300,
};

enum offers_result {
    OFFERS_OK,
    OFFERS_NOT_FOUND, /* no such public initiative, or no such offer or line on it */
    OFFERS_CLOSED,    /* the initiative is not open (any more): no offers, no decisions */
    OFFERS_COVERED,   /* the budget line is covered already */
    OFFERS_DECIDED,   /* the offer was accepted or declined already */
    OFFERS_INVALID,   /* a field was refused */
    OFFERS_BUSY,      /* the database failed; nothing changed */
};

struct offer {
    int64_t line_id; /* budget_lines.id, of this initiative */
    bool give;       /* give (sponsor) rather than lend */
    char first_name[4 * OFFERS_FIRST_NAME_MAX + 1];
    char email[256];
    char message[4 * OFFERS_MESSAGE_MAX + 1];
};

/* The fields onderdeel (a line id), soort (lenen or geven), voornaam, email and bericht
 * (optional); errors gets field → Dutch message (a field already there is kept). True when
 * there are none. Whether the line belongs to the initiative is offers_add's to say. */
bool offers_validate(field_getter get, void *ctx, struct offer *out, json_t *errors);

/* Stores the offer on an open initiative's uncovered line, with its audit entry (that someone
 * offered, not who) and the e-mail to the initiator (Reply-To the offerer), in one transaction;
 * *offer_id (when not NULL) gets the new offer's id. */
enum offers_result offers_add(struct db *db, int64_t initiative_id, const struct offer *offer,
                              time_t now, int64_t *offer_id);
/* The initiator accepts offer_id of this open initiative: the line is covered, the target
 * still to raise drops by its amount, an audit row, and 'gefinancierd' (ledger_fund) when the
 * total raised reaches the lowered target, all in one transaction. */
enum offers_result offers_accept(struct db *db, int64_t initiative_id, int64_t offer_id,
                                 time_t now);
/* The initiator declines an offer that is still open; audited. */
enum offers_result offers_decline(struct db *db, int64_t initiative_id, int64_t offer_id,
                                  time_t now);

/* Whether the initiative takes offers now (public and open, before its deadline). */
bool offers_open(struct db *db, int64_t initiative_id, time_t now);
/* The budget lines of an initiative for the public: id, item, amount_cents, covered (bool),
 * by position. An empty array on error. */
json_t *offers_lines(struct db *db, int64_t initiative_id);
/* The offers of an initiative for its initiator: id, first_name, email, kind, message, state,
 * item, amount_cents, created_at, oldest first (erased ones left out). */
json_t *offers_list(struct db *db, int64_t initiative_id);

/* Counts for staff and exports: never the people. */
struct offers_counts {
    int64_t offered, accepted, declined;
};
bool offers_count(struct db *db, int64_t initiative_id, struct offers_counts *out);

/* Housekeeping, inside the caller's transaction: empties the personal data of the offers of one
 * initiative (the rows stay, so the covered lines and counts do). False on an error. */
bool offers_erase(struct db *db, int64_t initiative_id);

#endif
