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
/* An update posted on an initiative: for its followers. */
bool notify_update(struct db *db, int64_t initiative_id, time_t now);
/* A news post that was published at published_now (its published_at; a later save of a
 * post published before is no news): for the followers of its area. */
bool notify_news(struct db *db, int64_t news_id, const char *published_now, time_t now);
/* For the wijkregisseurs of an initiative's area (admins for city-wide ones). */
bool notify_staff_submitted(struct db *db, int64_t initiative_id, time_t now);

#endif
