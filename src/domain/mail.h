/* Outgoing e-mail: a queue in the database (mail_queue.h), the message format (mail_format.h),
 * handed to the system's sendmail command (mail_command.h) by the sender here. */
#ifndef BS_MAIL_H
#define BS_MAIL_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "domain/mail_format.h"
#include "domain/mail_queue.h"

struct db;
struct config;

struct mail_config {
    const char *command; /* e.g. "/usr/sbin/sendmail -t -i": program and arguments split on spaces,
                            run without a shell */
    const char *from;    /* "Almelo Buurt Samen <buurtsamen@almelo.example>" */
};

/* Sends up to max due messages (next_attempt_at <= now, not sent) by piping each to the command;
 * exit status 0 marks it sent; anything else (cannot start, non-zero exit, killed, timeout of
 * 30 s) keeps it queued with attempts+1, last_error set and next_attempt_at = now + backoff
 * (1 min, 2, 4, 8 ... capped at 6 hours). Returns the number sent, -1 on a database error. Each
 * message's bookkeeping is its own short write transaction (db_begin/db_commit), and the command
 * runs OUTSIDE any transaction so a slow mail system never blocks the database. Call it outside
 * any transaction. A message is claimed before it is handed over, so two processes never send
 * the same one; delivery is at least once (a crash between sending and recording resends it). */
int mail_send_due(struct db *db, const struct mail_config *config, time_t now, int max);

/* The sender for outgoing mail: config's mail_from when set, else "site name <contact
 * address>" from the settings, with config's values where a setting is missing. */
void mail_sender_from(struct db *db, const struct config *config, char *out, size_t size);

#endif
