/* What both fronts share: per-thread database connections, signals, thread counts. */
#include "front/front.h"
#include "app.h"
#include "db/db.h"
#include "util/log.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static _Thread_local struct db *thread_db;

struct db *front_thread_db(const struct app *app)
{
    if (!thread_db) {
        char err[256];
        thread_db = db_open(app->config.db_path, false, err, sizeof err);
        if (!thread_db)
            log_error("%s", err);
    }
    return thread_db;
}

void front_block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int front_wait_signal(const struct app *app)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (app->housekeeping)
        app->housekeeping(app);
    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) == 0 && (sig == SIGINT || sig == SIGTERM))
            return sig;
    }
}

int front_thread_count(int requested)
{
    if (requested > 0)
        return requested > 256 ? 256 : requested;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 2 ? 2 : (int)cores;
}
