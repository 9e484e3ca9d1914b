/* Outgoing e-mail, the queue: rows of the outbox table, waiting until the sendmail command took
 * them; nothing is lost while mail is down. */
#ifndef BS_MAIL_QUEUE_H
#define BS_MAIL_QUEUE_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

/* Queues a plain-text message (UTF-8). Works inside the caller's transaction. False when the
 * address or subject is unusable (see mail_address_usable, mail_subject_usable) or the insert
 * fails. */
bool mail_queue(struct db *db, time_t now, const char *to, const char *subject, const char *body);
/* As mail_queue, with a Reply-To mailbox: reply_name (one line; may be empty) and reply_addr
 * (mail_address_usable). For messages relayed from a resident: once sent, their body and
 * Reply-To are scrubbed (the relayed text is the resident's, not the platform's to keep). */
bool mail_queue_reply(struct db *db, time_t now, const char *to, const char *reply_name,
                      const char *reply_addr, const char *subject, const char *body);
/* As mail_queue, for a message to a follower: unsubscribe_url (mail_unsubscribe_usable) goes
 * into the List-Unsubscribe headers when it is sent; once sent the URL is emptied and the
 * tokens of the links in the body cut out (mail_queue_scrubbed). */
bool mail_queue_follower(struct db *db, time_t now, const char *to, const char *unsubscribe_url,
                         const char *subject, const char *body);
/* How many messages are not sent yet (due or waiting for a retry), -1 on an error. */
int64_t mail_queue_waiting(struct db *db);

/* A claimed message, its strings malloc'ed. */
struct mail_outgoing {
    long long id;
    time_t created_at; /* the queueing time: Date and Message-ID, the same for every retry */
    int64_t attempts;  /* hand-overs so far */
    char *to, *subject, *body;
    char *reply_to; /* "Name <address>" or "" */
    char *list_unsubscribe; /* a follower's unsubscribe URL or "" */
};
void mail_outgoing_free(struct mail_outgoing *msg);

/* Claims the oldest due message (next_attempt_at <= now, not sent) in its own short write
 * transaction, by moving its next attempt five minutes on, so that two senders never hand
 * over the same one: 1 with msg filled (to mail_outgoing_free), 0 when none is due, -1 on a
 * database error. Call it outside any transaction. */
int mail_queue_claim(struct db *db, time_t now, struct mail_outgoing *msg);
/* Records a hand-over in its own short write transaction: sent (the body scrubbed of secrets,
 * see mail_queue_scrubbed), or kept with attempts+1,
 * last_error and the next attempt after mail_queue_backoff. False on a database error. */
bool mail_queue_record(struct db *db, time_t now, const struct mail_outgoing *msg, bool sent,
                       const char *error);
/* The body with every secret link's token (management, follow confirmation, unsubscribe) cut
 * out (malloc'ed): what stays of a message once
 * it was sent. */
char *mail_queue_scrubbed(const char *body);
/* Seconds until the next attempt after `attempts` failed ones: 1 minute after the first,
 * doubling, at most 6 hours. */
int64_t mail_queue_backoff(int64_t attempts);

#endif
