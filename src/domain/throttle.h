/* Throttling of failed attempts (voucher codes, logins) and of actions that send mail or
 * create rows, per client address or per account, shared by every process and thread
 * through the database. */
#ifndef BS_THROTTLE_H
#define BS_THROTTLE_H
#include <stdint.h>
#include <time.h>

struct db;

/* After free_failures attempts in the window, each further one waits first_delay seconds,
 * doubling per attempt up to max_delay: a delay that grows for whoever keeps failing, never
 * a lock. Rows older than window_seconds no longer count. */
struct throttle_rule {
    const char *name; /* bucket prefix: "voucher", "login", "submit" */
    int free_failures;
    int first_delay;
    int max_delay;
    int window_seconds;
};

/* Seconds the client must wait before trying again; 0 when it may try now. */
int64_t throttle_wait(struct db *db, const struct throttle_rule *rule, const char *client,
                      time_t now);
/* Attempts recorded for client in the window. */
int throttle_count(struct db *db, const struct throttle_rule *rule, const char *client,
                   time_t now);
/* Records an attempt; its row id (0 on error), for throttle_forgive. */
int64_t throttle_fail(struct db *db, const struct throttle_rule *rule, const char *client,
                      time_t now);
/* Records a failed attempt; when it makes the client wait, an audit row (throttle,
 * "vertraagd N s") tells staff that someone is being held back. */
int64_t throttle_fail_audited(struct db *db, const struct throttle_rule *rule, const char *client,
                              time_t now);
/* Rate limiting: checks n buckets and, when none makes the client wait, records an attempt in
 * each, all in one write transaction, so that parallel requests each see the ones before them.
 * Returns the longest wait (nothing recorded) or 0 with the new row ids in ids[0..n-1]. */
int64_t throttle_take(struct db *db, const struct throttle_rule *const rules[],
                      const char *const clients[], int n, time_t now, int64_t ids[]);
/* A key for personal data (an e-mail address): its keyed hash in hex (33 bytes), so that the
 * throttle table holds no address in plain text. */
void throttle_key_hash(const char *text, char out[33]);
/* Removes one recorded attempt (it turned out to be a success). */
void throttle_forgive(struct db *db, int64_t id);
/* Forgets attempts older than max_age seconds (housekeeping). */
void throttle_purge(struct db *db, time_t now, int max_age);

#endif
