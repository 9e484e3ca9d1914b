/* housekeeping and mail send: the periodic chores (domain/housekeeping) run once as a command
 * for cron, and every minute by serve and fcgi in a thread of their own. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/housekeeping.h"
#include "domain/mail.h"
#include "util/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The one housekeeping thread of a serving process, and how it is told to stop: it sleeps on
 * the condition between passes, so that a stop need not wait out the minute. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping, running;
    pthread_t id;
} chores = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, 0};

static void *housekeeping_thread(void *arg)
{
    const struct app *app = arg;
    char err[256];
    struct db *db = db_open(app->config.db_path, false, err, sizeof err);
    if (!db) {
        log_error("housekeeping: %s", err);
        return NULL;
    }
    pthread_mutex_lock(&chores.lock);
    while (!chores.stopping) {
        pthread_mutex_unlock(&chores.lock);
        struct housekeeping_report report;
        if (!housekeeping_pass(db, time(NULL), &app->config, HOUSEKEEPING_MAIL_PER_PASS, &report))
            log_error("housekeeping: a pass failed; it runs again in a minute");
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 60;
        pthread_mutex_lock(&chores.lock);
        while (!chores.stopping &&
               pthread_cond_timedwait(&chores.wake, &chores.lock, &until) == 0)
            ;
    }
    pthread_mutex_unlock(&chores.lock);
    db_close(db);
    return NULL;
}

void housekeeping_start(const struct app *app)
{
    if (pthread_create(&chores.id, NULL, housekeeping_thread, (void *)app) == 0)
        chores.running = true;
    else
        log_error("housekeeping: cannot start its thread");
}

void housekeeping_stop(void)
{
    if (!chores.running)
        return;
    pthread_mutex_lock(&chores.lock);
    chores.stopping = true;
    pthread_cond_signal(&chores.wake);
    pthread_mutex_unlock(&chores.lock);
    pthread_join(chores.id, NULL);
    chores.running = false;
}

static void print_count(int n, const char *one, const char *many)
{
    if (n > 0)
        printf("%d %s\n", n, n == 1 ? one : many);
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
    struct housekeeping_report report;
    bool ok = housekeeping_pass(db, time(NULL), &app->config, HOUSEKEEPING_MAIL_PER_PASS, &report);
    db_close(db);
    print_count(report.forgotten, "initiative's contact details erased",
                "initiatives' contact details erased");
    print_count(report.past_deadline, "initiative past the deadline",
                "initiatives past the deadline");
    print_count(report.digests, "digest for followers queued", "digests for followers queued");
    print_count(report.mail_sent, "e-mail sent", "e-mails sent");
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
    mail_sender_from(db, &app->config, from, sizeof from);
    struct mail_config mail = {.command = app->config.mail_command, .from = from};
    int sent = mail_send_due(db, &mail, time(NULL), 10000);
    int64_t waiting = mail_queue_waiting(db);
    db_close(db);
    if (sent < 0 || waiting < 0) {
        fprintf(stderr, "buurtsamen mail send: database error\n");
        return EXIT_FAIL;
    }
    printf("%d sent, %lld waiting\n", sent, (long long)waiting);
    return EXIT_OK;
}
