/* Throttling of failed attempts per client address, shared by every process and thread
 * through the database. */
#ifndef BS_THROTTLE_H
#define BS_THROTTLE_H
#include <stdint.h>
#include <time.h>

struct db;

struct throttle_rule {
    const char *name;   /* bucket prefix: "voucher", "login" */
    int max_failures;   /* allowed within the window */
    int window_seconds;
};

/* Seconds the client must wait before trying again; 0 when it may try now. */
int64_t throttle_wait(struct db *db, const struct throttle_rule *rule, const char *client,
                      time_t now);
/* Records a failed attempt. */
void throttle_fail(struct db *db, const struct throttle_rule *rule, const char *client, time_t now);
/* Forgets attempts older than max_age seconds (housekeeping). */
void throttle_purge(struct db *db, time_t now, int max_age);

#endif
