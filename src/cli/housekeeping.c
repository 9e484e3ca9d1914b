/* housekeeping: periodic chores, run every minute by serve and fcgi in a thread of their own,
 * and as a command for cron: deadlines (niet_gehaald, reminders), sending the queued e-mail,
 * and forgetting failed attempts older than an hour (the privacy statement says so). */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/mail.h"
#include "domain/settings.h"
#include "domain/throttle.h"
#include "domain/workflow.h"
#include "util/log.h"
#include "util/text.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { THROTTLE_KEEP_SECONDS = 3600, MAIL_PER_PASS = 50 };

/* Expired sessions go; and two years after an initiative ended, its initiator's e-mail address,
 * phone number and co-organisers are erased, as the privacy statement promises. */
static bool forget_old(struct db *db, time_t now)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM sessions WHERE expires_at <= ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, (int64_t)now);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    char limit[20];
    utc_text(now - 730 * 86400, limit);
    s = db_prepare(db, "DELETE FROM co_organisers WHERE initiative_id IN (SELECT id FROM "
                       "initiatives WHERE state IN ('uitgevoerd', 'afgewezen', 'ingetrokken', "
                       "'niet_gehaald') AND updated_at < ?)");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, limit, -1, SQLITE_STATIC);
    ok = ok && sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    s = db_prepare(db, "UPDATE initiatives SET initiator_email = '', initiator_phone = '' "
                       "WHERE state IN ('uitgevoerd', 'afgewezen', 'ingetrokken', 'niet_gehaald') "
                       "AND updated_at < ? AND (initiator_email <> '' OR initiator_phone <> '')");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, limit, -1, SQLITE_STATIC);
    ok = ok && sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

static bool run(const struct app *app, struct db *db, time_t now, bool verbose)
{
    bool ok = true;
    if (db_begin(db)) {
        throttle_purge(db, now, THROTTLE_KEEP_SECONDS);
        ok = forget_old(db, now) && db_commit(db);
        if (!ok)
            db_rollback(db);
    }
    int changed = workflow_deadlines(db, now);
    if (changed < 0)
        ok = false;
    else if (changed && verbose)
        printf("%d initiative%s past the deadline\n", changed, changed == 1 ? "" : "s");
    /* E-mail last, outside any transaction: a slow mail system holds up nothing else. */
    char from[512];
    if (app->config.mail_from[0]) {
        snprintf(from, sizeof from, "%s", app->config.mail_from);
    } else {
        json_t *settings = settings_all(db);
        snprintf(from, sizeof from, "%s <%s>",
                 json_string_value(json_object_get(settings, "site_naam")) ?: app->config.site_naam,
                 json_string_value(json_object_get(settings, "contact_email"))
                     ?: app->config.contact_email);
        json_decref(settings);
    }
    struct mail_config mail = {.command = app->config.mail_command, .from = from};
    int sent = mail_send_due(db, &mail, now, MAIL_PER_PASS);
    if (sent < 0)
        ok = false;
    else if (sent && verbose)
        printf("%d e-mail%s sent\n", sent, sent == 1 ? "" : "s");
    return ok;
}

static void *housekeeping_thread(void *arg)
{
    const struct app *app = arg;
    char err[256];
    struct db *db = db_open(app->config.db_path, false, err, sizeof err);
    if (!db) {
        log_error("housekeeping: %s", err);
        return NULL;
    }
    for (;;) {
        if (!run(app, db, time(NULL), false))
            log_error("housekeeping: a pass failed; it runs again in a minute");
        sleep(60);
    }
    return NULL;
}

void housekeeping_start(const struct app *app)
{
    pthread_t id;
    if (pthread_create(&id, NULL, housekeeping_thread, (void *)app) == 0)
        pthread_detach(id);
    else
        log_error("housekeeping: cannot start its thread");
}

int cli_housekeeping(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc != 1) {
        printf("usage: buurtsamen housekeeping\n"
               "Runs the periodic chores once: initiatives past their deadline, reminders, the\n"
               "e-mail queue, old throttling records. serve and fcgi run them every minute.\n");
        return cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    bool ok = run(app, db, time(NULL), true);
    db_close(db);
    if (!ok) {
        fprintf(stderr, "buurtsamen housekeeping: a part of the pass failed (see above)\n");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

int cli_mail(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc != 2 || strcmp(argv[1], "send") != 0) {
        printf("usage: buurtsamen mail send\n"
               "Hands the due messages of the e-mail queue to the mail command (config [mail]\n"
               "command, default /usr/sbin/sendmail -t -i). Failed messages stay queued and are\n"
               "retried with growing intervals.\n");
        return cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    char from[512];
    json_t *settings = settings_all(db);
    snprintf(from, sizeof from, "%s",
             app->config.mail_from[0] ? app->config.mail_from : "");
    if (!*from)
        snprintf(from, sizeof from, "%s <%s>",
                 json_string_value(json_object_get(settings, "site_naam")) ?: app->config.site_naam,
                 json_string_value(json_object_get(settings, "contact_email"))
                     ?: app->config.contact_email);
    json_decref(settings);
    struct mail_config mail = {.command = app->config.mail_command, .from = from};
    int sent = mail_send_due(db, &mail, time(NULL), 10000);
    int64_t waiting = 0;
    db_get_int(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", &waiting);
    db_close(db);
    if (sent < 0) {
        fprintf(stderr, "buurtsamen mail send: database error\n");
        return EXIT_FAIL;
    }
    printf("%d sent, %lld waiting\n", sent, (long long)waiting);
    return EXIT_OK;
}
