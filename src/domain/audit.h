/* The audit log: who changed what, when, from what to what, and why. Append-only. */
#ifndef BS_AUDIT_H
#define BS_AUDIT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

bool audit_add(struct db *db, time_t at, const char *actor, const char *action,
               const char *subject, const char *from, const char *to, const char *reason);
/* An initiative's change of state, ordered against the ledger (see audit_log.ledger_seq). */
bool audit_state_change(struct db *db, time_t at, const char *actor, int64_t initiative_id,
                        const char *from, const char *to, const char *reason);

/* A search of the log; NULL or "" in a field matches anything. from and to are dates
 * 'YYYY-MM-DD' (UTC), both days included. */
struct audit_filter {
    const char *actor;  /* exactly this actor */
    const char *action; /* exactly this action ("user-add", "setting", "state" ...) */
    const char *from, *to;
};
/* The newest `limit` entries that match, newest first: at, actor, action, subject,
 * from_value, to_value, reason. NULL on a database error. */
json_t *audit_search(struct db *db, const struct audit_filter *filter, int limit);

#endif
