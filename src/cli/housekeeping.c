/* housekeeping: periodic chores, run every minute inside serve and fcgi, and as a command for
 * cron. For now: forget failed attempts older than an hour (the privacy statement says so). */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/throttle.h"
#include "util/log.h"

#include <stdio.h>
#include <time.h>

enum { THROTTLE_KEEP_SECONDS = 3600 };

static bool run(struct db *db, time_t now)
{
    if (!db_begin(db))
        return false;
    throttle_purge(db, now, THROTTLE_KEEP_SECONDS);
    return db_commit(db);
}

void housekeeping_pass(const struct app *app)
{
    /* The main thread's own connection, kept between passes. */
    static struct db *db;
    if (!db) {
        char err[256];
        db = db_open(app->config.db_path, false, err, sizeof err);
        if (!db) {
            log_error("housekeeping: %s", err);
            return;
        }
    }
    if (!run(db, time(NULL)))
        log_error("housekeeping: the pass failed; it runs again in a minute");
}

int cli_housekeeping(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc != 1) {
        printf("usage: buurtsamen housekeeping\n"
               "Runs the periodic chores once (serve and fcgi run them every minute).\n");
        return cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    bool ok = run(db, time(NULL));
    db_close(db);
    if (!ok) {
        fprintf(stderr, "buurtsamen housekeeping: the pass failed\n");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}
