/* Following an initiative or an area by e-mail, without an account: a request with double
 * opt-in, the messages (each event at once, or a daily or weekly digest), each with its own
 * unsubscribe link, and nothing kept after unsubscribing but a count per day. */
#ifndef BS_FOLLOW_H
#define BS_FOLLOW_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/submission.h" /* field_getter */

struct db;

enum {
    FOLLOW_TOKEN_CHARS = 32,      /* 24 random bytes, URL-safe base64: a short List-Unsubscribe */
    FOLLOW_PENDING_DAYS = 7,      /* an unconfirmed request is forgotten after this */
    FOLLOW_TOKEN_KEEP_DAYS = 400, /* older unsubscribe links go, the newest of each stays */
    FOLLOW_DIGESTS_PER_PASS = 200,
};

enum follow_frequency { FOLLOW_DIRECT, FOLLOW_DAILY, FOLLOW_WEEKLY };

enum follow_result {
    FOLLOW_OK,
    FOLLOW_NOT_FOUND, /* no such public initiative or area; an unknown or expired link */
    FOLLOW_BUSY,      /* the database failed; nothing changed */
};

/* What is followed: one initiative (open or funded) or one area, with what the messages and
 * pages call it. */
struct follow_target {
    int64_t initiative_id, area_id; /* one of them is 0 */
    char title[512];
    char path[160]; /* "/initiatieven/5", "/wijken/de-riet" */
};
/* The followable initiative (initiative_id > 0) or area (by slug); false when there is none. */
bool follow_target_find(struct db *db, int64_t initiative_id, const char *area_slug,
                        struct follow_target *out);

struct follow_form {
    char email[256];
    enum follow_frequency frequency;
};
/* The fields email and frequentie (direct, dag, week); errors gets field → Dutch message.
 * The address is kept in lower case. True when there are none. */
bool follow_validate(field_getter get, void *ctx, struct follow_form *out, json_t *errors);

/* Records the request (a new follow, or a change of frequency of an existing one, which waits
 * for confirmation as well) and queues the confirmation message, in one transaction. The same
 * answer whether or not the address already follows it, so the form tells nobody who does. */
enum follow_result follow_request(struct db *db, const struct follow_target *target,
                                  const struct follow_form *form, time_t now);
/* Whether token is a pending confirmation link (what it is for in *what); for the page that
 * asks to press the button. */
bool follow_pending(struct db *db, const char *token, time_t now, struct follow_target *what);
/* Confirms: from now on the follow gets messages at the requested frequency. */
enum follow_result follow_confirm(struct db *db, const char *token, time_t now,
                                  struct follow_target *what);
/* Whether token is an unsubscribe link of a follow (what it is for in *what). */
bool follow_by_link(struct db *db, const char *token, struct follow_target *what);
/* Deletes the follow of an unsubscribe link with its links and waiting digest lines; counts
 * one unsubscribe for the day (a confirmed one). FOLLOW_NOT_FOUND for an unknown link. */
enum follow_result follow_unsubscribe(struct db *db, const char *token, time_t now,
                                      struct follow_target *what);

/* Events, inside the caller's transaction, for the confirmed followers: a message each for
 * those who want every event at once, a line in the next digest for the others. headline is
 * one line of text, path the page it is about. False on an error. */
bool follow_event_initiative(struct db *db, int64_t initiative_id, const char *headline,
                             const char *path, time_t now);
/* For the followers of the area and of the wijk or dorp it belongs to. */
bool follow_event_area(struct db *db, int64_t area_id, const char *headline, const char *path,
                       time_t now);

/* Housekeeping, inside the caller's transaction: requests not confirmed within
 * FOLLOW_PENDING_DAYS go (a new follow with its row, a change of frequency with its link), and
 * unsubscribe links older than FOLLOW_TOKEN_KEEP_DAYS but the newest of each follow. False on
 * an error. */
bool follow_expire(struct db *db, time_t now);
/* Housekeeping: queues the due digests (a day or a week after the last one, with lines
 * waiting), each listing its lines, which then go. How many were queued, -1 on an error (then
 * nothing changed). Call it outside any transaction. */
int follow_send_digests(struct db *db, time_t now);

/* Counts for the dashboard, never people. */
struct follow_counts {
    int64_t following;      /* confirmed follows now */
    int64_t pending;        /* waiting for confirmation */
    int64_t confirmed_days; /* confirmed in the last `days` days */
    int64_t unsubscribed_days;
};
bool follow_counts(struct db *db, time_t now, int days, struct follow_counts *out);

#endif
