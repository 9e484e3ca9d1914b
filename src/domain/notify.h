/* The e-mails the platform sends, in Dutch plain text, queued in the outbox. Each works inside
 * the caller's transaction, so a message exists exactly when the change it reports does. */
#ifndef BS_NOTIFY_H
#define BS_NOTIFY_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

bool notify_submitted(struct db *db, int64_t initiative_id, const char *manage_url, time_t now);
bool notify_state(struct db *db, int64_t initiative_id, const char *state, const char *message,
                  time_t now);
bool notify_funded(struct db *db, int64_t initiative_id, time_t now);
bool notify_reminder(struct db *db, int64_t initiative_id, time_t now);
/* For the wijkregisseurs of an initiative's area (admins for city-wide ones). */
bool notify_staff_submitted(struct db *db, int64_t initiative_id, time_t now);

#endif
