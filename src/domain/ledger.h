/* The donation ledger: vouchers looked up by code, donated in one BEGIN IMMEDIATE transaction
 * each, released or returned when an initiative ends unfunded. Money is int64 cents. */
#ifndef BS_LEDGER_H
#define BS_LEDGER_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/codes.h"

struct db;

enum voucher_status {
    VOUCHER_OK,        /* valid, unused, its round open */
    VOUCHER_TYPO,      /* the check character or length says: mistyped (not a failed try) */
    VOUCHER_UNKNOWN,   /* well-formed, but no such code (a failed try) */
    VOUCHER_VOIDED,    /* replaced by a new letter */
    VOUCHER_NOT_YET,   /* its round has not opened */
    VOUCHER_CLOSED,    /* its round has closed */
    VOUCHER_USED,      /* donated already (to donated_to) */
};

struct voucher_info {
    int64_t voucher_id, round_id, value_cents;
    int64_t home_area_id; /* the household's wijk or dorp (a buurt's parent) */
    char round_name[96];
    char opens_at[20], closes_at[20];
    int64_t donation_id, donated_to; /* the standing donation, if any */
    char donated_title[160];
};

/* Looks a typed code up at time `now` (no writes). code gets the normalised code. */
enum voucher_status voucher_lookup(struct db *db, const unsigned char secret[SECRET_BYTES],
                                   const char *input, time_t now, struct voucher_info *info,
                                   char code[CODE_CHARS + 1]);

enum donate_status {
    DONATE_OK,
    DONATE_REPEAT,             /* the same code for the same initiative again: same receipt */
    DONATE_VOUCHER,            /* the voucher is not usable: see the voucher status */
    DONATE_NO_INITIATIVE,      /* no such initiative */
    DONATE_INITIATIVE_CLOSED,  /* not open, past its deadline, or its target reached */
    DONATE_NOT_ELIGIBLE,       /* outside the household's wijk/dorp and not city-wide */
    DONATE_BUSY,               /* the database could not take it now; nothing changed */
    DONATE_UNAVAILABLE,        /* the database cannot be written (read-only, disk full, I/O
                                  error): no donation until an operator acts; nothing changed */
};

struct receipt {
    int64_t ledger_id, initiative_id, amount_cents, raised_cents;
    int64_t target_cents; /* the target less the budget lines that accepted offers cover */
    bool funded; /* the initiative is funded (now or already) */
    char title[160];
    char at[20];
};

/* Donates the voucher with this code to the initiative, at `now`, in one BEGIN IMMEDIATE
 * transaction: checks voucher, round, initiative state, deadline, eligibility and that the
 * total before is below the target (less the covered budget lines); appends the ledger row, updates the cached total, and
 * turns the initiative 'gefinancierd' when this donation reaches the target. */
enum donate_status ledger_donate(struct db *db, const unsigned char secret[SECRET_BYTES],
                                 const char *input, int64_t initiative_id, time_t now,
                                 const char *actor, enum voucher_status *vstatus,
                                 struct voucher_info *info, struct receipt *receipt);

/* Gives back every standing donation of an initiative: 'release' (the voucher may be used
 * again) while the voucher's round is open at `now`, else 'return' (the money goes back to
 * the area's budget). Must run inside the caller's write transaction. Returns the number of
 * rows written, or -1 on error. */
int ledger_release_initiative(struct db *db, int64_t initiative_id, time_t now, const char *actor);

enum money_result { MONEY_OK, MONEY_NO_INITIATIVE, MONEY_WRONG_STATE, MONEY_TOO_MUCH, MONEY_BAD,
                   MONEY_BUSY };

/* A partner (a housing corporation, a fund) adds money to an open or funded initiative; it
 * counts towards the target, and reaching the target makes the initiative 'gefinancierd' in
 * the same transaction. */
enum money_result ledger_contribution(struct db *db, int64_t initiative_id, int64_t cents,
                                      const char *partner, const char *actor, time_t now);
/* The municipality pays a funded (or carried out) initiative; refused above what it raised
 * minus what was paid already. */
enum money_result ledger_payout(struct db *db, int64_t initiative_id, int64_t cents,
                                const char *reference, const char *actor, time_t now);

/* Inside the caller's write transaction: turns open initiative `initiative_id` 'gefinancierd',
 * with its audit row (ordered against the ledger) and the notices. The one path by which the
 * last donation, a partner's contribution or an accepted offer funds an initiative; false
 * when it was not open or the database failed. */
bool ledger_fund(struct db *db, int64_t initiative_id, time_t now, const char *actor,
                 const char *reason);

/* A receipt for a ledger row (a donation), or false when there is none. */
bool ledger_receipt(struct db *db, int64_t ledger_id, struct receipt *receipt);


/* (Open initiatives for a home area: initiatives_open_for_area in initiatives.h.) */
/* True when an initiative in `area_id` (0: city-wide) accepts vouchers from `home_area_id`. */
bool ledger_area_eligible(struct db *db, int64_t initiative_area_id, int64_t home_area_id);

#endif
