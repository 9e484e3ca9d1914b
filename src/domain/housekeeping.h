/* The periodic chores, one pass at a time: forgetting what the privacy statement promises to
 * forget, initiatives past their deadline and their reminders, and sending the queued e-mail.
 * serve and fcgi run a pass every minute in a thread of their own; cron runs the command. */
#ifndef BS_HOUSEKEEPING_H
#define BS_HOUSEKEEPING_H
#include <stdbool.h>
#include <time.h>

struct db;
struct config;

enum {
    HOUSEKEEPING_KEEP_DAYS = 730,         /* contact details after an initiative ended */
    HOUSEKEEPING_THROTTLE_SECONDS = 3600, /* failed attempts */
    HOUSEKEEPING_MAIL_PER_PASS = 50,
    HOUSEKEEPING_OUTBOX_DAYS = 30, /* sent messages, their addresses and bodies */
};

/* What one pass did; -1 for a part that failed. */
struct housekeeping_report {
    int forgotten;     /* initiatives whose contact details were erased */
    int past_deadline; /* open initiatives that became niet_gehaald */
    int digests; /* daily and weekly digests queued for followers */
    int mail_sent;
};

/* In one transaction: expired sessions, old failed attempts, expired held photos (photo.h) and
 * messages sent more than HOUSEKEEPING_OUTBOX_DAYS ago go, as do follow requests not confirmed
 * in time (follow_expire), and two years after an
 * initiative ended (uitgevoerd, afgewezen, ingetrokken, niet_gehaald: updated_at more than
 * HOUSEKEEPING_KEEP_DAYS ago) its initiator's e-mail address, phone number and address are emptied and
 * its co-organisers and followers deleted and its volunteers' names, addresses and messages emptied, each such initiative with an audit entry. The initiator's name
 * stays: it is public with the initiative. Returns how many initiatives were erased, -1 on an
 * error (then nothing changed). */
int housekeeping_forget(struct db *db, time_t now);

/* One pass at `now`: housekeeping_forget, then workflow_deadlines, then the due digests of
 * followers (follow_send_digests), then up to mail_max due
 * e-mails (with the mail command and sender of config, see mail_sender_from) outside any
 * transaction, so that a slow mail system holds up nothing else. Every part runs even when
 * an earlier one failed; true when all succeeded. Call it outside any transaction. */
bool housekeeping_pass(struct db *db, time_t now, const struct config *config, int mail_max,
                       struct housekeeping_report *report);

#endif
