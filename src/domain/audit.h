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

/* A search of the log; NULL, "" or 0 in a field matches anything. from is a date
 * 'YYYY-MM-DD' or a moment 'YYYY-MM-DD HH:MM:SS' (UTC, included); to is a date (UTC, the
 * whole day included); before is a moment (UTC, excluded), for a local day's end. */
struct audit_filter {
    const char *actor;  /* exactly this actor */
    const char *action; /* exactly this action ("user-add", "setting", "state" ...) */
    const char *from, *to, *before;
    int64_t initiative_id; /* entries about this initiative */
    int64_t round_id;      /* entries about this round and its printer files */
    int64_t before_id;     /* only entries older than this one (0: none); a page further back */
    int64_t after_id;      /* only entries newer than this one (0: none); a page nearer now */
};
/* The `limit` entries that match nearest to the bounds (with after_id: the oldest `limit` after
 * it, otherwise the newest), always in the order newest first; read by id in that order, so a
 * page costs its rows, however far back it is: id, at, actor, action, subject,
 * from_value, to_value, reason, and what the subject names: subject_kind ("initiative",
 * "round", "news", "area", "file", "user" or ""), subject_id (its number, 0 for none),
 * subject_title (the initiative's or news item's title, the round's, area's or file's name;
 * null when it no longer exists) and, for a printer file, file_round_id. NULL on a database
 * error. */
json_t *audit_search(struct db *db, const struct audit_filter *filter, int limit);
/* What the log's filters offer: {initiatives: [{id, title}], rounds: [{id, name}]}, newest
 * first. NULL on a database error. */
json_t *audit_filter_choices(struct db *db);
/* The same with the 100 newest initiatives only, and `chosen` (0: none) among them. */
json_t *audit_filter_choices_for(struct db *db, int64_t chosen);

#endif
