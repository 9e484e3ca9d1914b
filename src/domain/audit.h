/* The audit log: who changed what, when, from what to what, and why. Append-only. */
#ifndef BS_AUDIT_H
#define BS_AUDIT_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

bool audit_add(struct db *db, time_t at, const char *actor, const char *action,
               const char *subject, const char *from, const char *to, const char *reason);
/* An initiative's change of state, ordered against the ledger (see audit_log.ledger_seq). */
bool audit_state_change(struct db *db, time_t at, const char *actor, int64_t initiative_id,
                        const char *from, const char *to, const char *reason);

#endif
