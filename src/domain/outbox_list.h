/* The e-mail outbox as the admin sees it: what waits, what failed and why. */
#ifndef BS_OUTBOX_LIST_H
#define BS_OUTBOX_LIST_H
#include <jansson.h>
#include <stdint.h>

struct db;

/* Up to `limit` messages, unsent first, each part newest first: id, to_addr, subject,
 * attempts, last_error, sent (0 or 1), created and next (the planned attempt), both
 * 'YYYY-MM-DD HH:MM:SS' UTC. NULL on a database error. */
json_t *outbox_list(struct db *db, int limit);
/* How many messages wait to be sent; -1 on a database error. */
int64_t outbox_waiting(struct db *db);

#endif
