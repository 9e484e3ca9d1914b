/* Outgoing e-mail, the queue: the outbox rows, queueing inside the caller's transaction,
 * claiming a due message and recording how its hand-over went, with backoff. */
#include "domain/mail_queue.h"
#include "db/db.h"
#include "domain/mail_format.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* While one sender hands a message over, other senders leave it alone for this long. Longer
 * than the command's timeout, so a claim only runs out when its sender died halfway. */
static const int CLAIM_SECONDS = 5 * 60;
static const int64_t BACKOFF_FIRST_SECONDS = 60;
static const int64_t BACKOFF_MAX_SECONDS = 6 * 3600;

static bool queue(struct db *db, time_t now, const char *to, const char *reply_to,
                  const char *list_unsubscribe, const char *subject, const char *body)
{
    if (!to || !subject || !body || !mail_address_usable(to) || !mail_subject_usable(subject))
        return false;
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO outbox(created_at, to_addr, subject, body, "
                                     "next_attempt_at, reply_to, list_unsubscribe) "
                                     "VALUES (?1, ?2, ?3, ?4, ?1, ?5, ?6)");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, (int64_t)now);
    sqlite3_bind_text(s, 2, to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, subject, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, body, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, reply_to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, list_unsubscribe, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    if (!ok)
        log_error("mail: queueing failed: %s", sqlite3_errmsg(db_handle(db)));
    sqlite3_reset(s);
    return ok;
}

bool mail_queue(struct db *db, time_t now, const char *to, const char *subject, const char *body)
{
    return queue(db, now, to, "", "", subject, body);
}

bool mail_queue_follower(struct db *db, time_t now, const char *to, const char *unsubscribe_url,
                         const char *subject, const char *body)
{
    if (!mail_unsubscribe_usable(unsubscribe_url))
        return false;
    return queue(db, now, to, "", unsubscribe_url, subject, body);
}

bool mail_queue_reply(struct db *db, time_t now, const char *to, const char *reply_name,
                      const char *reply_addr, const char *subject, const char *body)
{
    if (!reply_addr || !mail_address_usable(reply_addr) || !reply_name ||
        !mail_subject_usable(reply_name) || strchr(reply_name, '<') || strchr(reply_name, '>'))
        return false;
    struct buf mailbox = {0};
    buf_printf(&mailbox, "%s%s<%s>", reply_name, *reply_name ? " " : "", reply_addr);
    bool ok = queue(db, now, to, mailbox.data, "", subject, body);
    buf_free(&mailbox);
    return ok;
}

int64_t mail_queue_waiting(struct db *db)
{
    int64_t waiting = -1;
    return db_get_int(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", &waiting) ? waiting
                                                                                         : -1;
}

void mail_outgoing_free(struct mail_outgoing *msg)
{
    free(msg->to);
    free(msg->subject);
    free(msg->body);
    free(msg->reply_to);
    free(msg->list_unsubscribe);
}

static char *column_copy(sqlite3_stmt *s, int column)
{
    const char *text = (const char *)sqlite3_column_text(s, column);
    return xstrdup(text ? text : "");
}

/* Claims the oldest due message by moving its next attempt past the claim time: 1 with msg
 * filled, 0 when nothing is due, -1 on a database error. */
int mail_queue_claim(struct db *db, time_t now, struct mail_outgoing *msg)
{
    if (!db_begin(db))
        return -1;
    sqlite3_stmt *s = db_prepare(db, "SELECT id, created_at, to_addr, subject, body, attempts, "
                                     "reply_to, list_unsubscribe FROM outbox WHERE sent_at IS NULL AND "
                                     "next_attempt_at <= ?1 "
                                     "ORDER BY next_attempt_at, id LIMIT 1");
    if (!s) {
        db_rollback(db);
        return -1;
    }
    sqlite3_bind_int64(s, 1, (int64_t)now);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        msg->id = sqlite3_column_int64(s, 0);
        msg->created_at = (time_t)sqlite3_column_int64(s, 1);
        msg->to = column_copy(s, 2);
        msg->subject = column_copy(s, 3);
        msg->body = column_copy(s, 4);
        msg->attempts = sqlite3_column_int64(s, 5);
        msg->reply_to = column_copy(s, 6);
        msg->list_unsubscribe = column_copy(s, 7);
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return db_commit(db) ? 0 : -1;
    if (rc != SQLITE_ROW) {
        log_error("mail: reading the outbox failed: %s", sqlite3_errmsg(db_handle(db)));
        db_rollback(db);
        return -1;
    }
    sqlite3_stmt *u = db_prepare(db, "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1");
    bool ok = u != NULL;
    if (u) {
        sqlite3_bind_int64(u, 1, msg->id);
        sqlite3_bind_int64(u, 2, (int64_t)now + CLAIM_SECONDS);
        ok = sqlite3_step(u) == SQLITE_DONE;
        sqlite3_reset(u);
    }
    if (!ok)
        db_rollback(db);
    if (!ok || !db_commit(db)) {
        mail_outgoing_free(msg);
        return -1;
    }
    return 1;
}

/* 1 minute after the first failed attempt, doubling each time, at most 6 hours. */
int64_t mail_queue_backoff(int64_t attempts)
{
    int64_t delay = BACKOFF_FIRST_SECONDS;
    for (int64_t i = 1; i < attempts && delay < BACKOFF_MAX_SECONDS; i++)
        delay *= 2;
    return delay < BACKOFF_MAX_SECONDS ? delay : BACKOFF_MAX_SECONDS;
}

/* A management link is a secret that only its hash in the initiatives table should keep; so
 * are a follower's confirmation and unsubscribe links. The message that carries one must hold
 * it until it is handed over (the token cannot be made again from its hash, and the queue must
 * survive a restart), so once sent the body is scrubbed: every token after one of these paths
 * is cut out. secure_delete zeroes the old bytes in the page and the checkpoint after it
 * truncates the WAL that still held them. */
static const char *const SECRET_PATHS[] = {"/mijn-initiatief/", "/volgen/bevestigen/",
                                           "/afmelden/"};

/* The first secret path in p, its length in *len; NULL when none. */
static const char *next_secret_path(const char *p, size_t *len)
{
    const char *first = NULL;
    for (size_t i = 0; i < sizeof SECRET_PATHS / sizeof SECRET_PATHS[0]; i++) {
        const char *hit = strstr(p, SECRET_PATHS[i]);
        if (hit && (!first || hit < first)) {
            first = hit;
            *len = strlen(SECRET_PATHS[i]);
        }
    }
    return first;
}

char *mail_queue_scrubbed(const char *body)
{
    struct buf out = {0};
    const char *p = body ? body : "";
    const char *hit;
    size_t path_len = 0;
    while ((hit = next_secret_path(p, &path_len))) {
        hit += path_len;
        buf_append(&out, p, (size_t)(hit - p));
        size_t token = 0;
        while (isalnum((unsigned char)hit[token]) || hit[token] == '-' || hit[token] == '_')
            token++;
        if (token)
            buf_puts(&out, "(verwijderd na verzending)");
        p = hit + token;
    }
    buf_puts(&out, p);
    buf_puts(&out, ""); /* never NULL, even for an empty body */
    return buf_detach(&out);
}

/* Attempts counts every hand-over, the successful one included. */
bool mail_queue_record(struct db *db, time_t now, const struct mail_outgoing *msg, bool sent,
                       const char *error)
{
    bool outermost = db_depth(db) == 0;
    if (sent && outermost)
        db_exec(db, "PRAGMA secure_delete = ON");
    if (!db_begin(db))
        return false;
    sqlite3_stmt *s;
    char *scrubbed = NULL;
    if (sent) {
        scrubbed = mail_queue_scrubbed(msg->body);
        /* A relayed message (it has a Reply-To) keeps neither the resident's text nor
         * address once it was handed over. */
        s = db_prepare(db, "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, "
                           "last_error = '', body = CASE WHEN reply_to <> '' THEN "
                           "'(doorgestuurd bericht, verwijderd na verzending)' ELSE ?3 END, "
                           "reply_to = '', list_unsubscribe = '' WHERE id = ?1");
        if (s) {
            sqlite3_bind_int64(s, 2, (int64_t)now);
            sqlite3_bind_text(s, 3, scrubbed, -1, SQLITE_TRANSIENT);
        }
    } else {
        s = db_prepare(db, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, "
                           "next_attempt_at = ?3 WHERE id = ?1");
        if (s) {
            sqlite3_bind_text(s, 2, error, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 3, (int64_t)now + mail_queue_backoff(msg->attempts + 1));
        }
    }
    bool ok = s != NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, msg->id);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    free(scrubbed);
    if (!ok) {
        log_error("mail: recording message %lld failed: %s", msg->id,
                  sqlite3_errmsg(db_handle(db)));
        db_rollback(db);
        return false;
    }
    if (!db_commit(db))
        return false;
    /* Best effort: a reader holding an old snapshot keeps the WAL until the next send. */
    if (sent && outermost)
        db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    return true;
}
