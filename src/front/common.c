/* What both fronts share: per-thread database connections, signals, thread counts, and the
 * checks every request passes before the dispatcher. */
#include "front/front.h"
#include "app.h"
#include "db/db.h"
#include "http/proxy.h"
#include "http/request.h"
#include "util/log.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

/* A key rather than _Thread_local, so that a thread's connection is closed when it ends. */
static pthread_key_t thread_db_key;
static pthread_once_t thread_db_once = PTHREAD_ONCE_INIT;

static void thread_db_close(void *db)
{
    db_close(db);
}

static void thread_db_init(void)
{
    pthread_key_create(&thread_db_key, thread_db_close);
}

struct db *front_thread_db(const struct app *app)
{
    pthread_once(&thread_db_once, thread_db_init);
    struct db *db = pthread_getspecific(thread_db_key);
    if (!db) {
        char err[256];
        db = db_open(app->config.db_path, false, err, sizeof err);
        if (db)
            pthread_setspecific(thread_db_key, db);
        else
            log_error("%s", err);
    }
    return db;
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
        if (sigwait(&set, &sig) == 0 && (sig == SIGINT || sig == SIGTERM)) {
            /* The chores use the application's state too: they end before it does. */
            if (app->housekeeping_stop)
                app->housekeeping_stop();
            return sig;
        }
    }
}

int front_thread_count(int requested, int least)
{
    if (requested > 0)
        return requested > 256 ? 256 : requested;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < least ? least : (int)cores;
}

void front_writer_lane(int waiters)
{
    db_writer_lane(waiters > 1 ? waiters : 1, FRONT_WRITE_WAIT_MS);
}

bool front_proxies(const struct app *app, struct proxies *out)
{
    char err[160];
    if (proxies_parse(app->config.trusted_proxies, out, err, sizeof err))
        return true;
    fprintf(stderr, "buurtsamen: %s\n", err);
    return false;
}

static void refuse(struct request *req, int status, const char *message)
{
    if (!req->refusal_status) {
        req->refusal_status = status;
        req->refusal_message = message;
    }
}

void front_prepare(struct request *req, const struct app *app, const struct proxies *trusted,
                   const struct front_peer *peer)
{
    req->app = app;
    proxy_apply(req, trusted, peer->address, peer->https);
    if (peer->header_count > LIMIT_HEADER_COUNT)
        refuse(req, 431, "Uw browser stuurt te veel headers mee. Probeer het opnieuw zonder "
                         "extensies of met een andere browser.");
    else if (peer->header_bytes > LIMIT_HEADERS)
        refuse(req, 431, "Uw browser stuurt te grote headers mee (bijvoorbeeld te veel "
                         "cookies). Wis de cookies van deze website en probeer het opnieuw.");
    else if (peer->needs_host && !request_header(req, "Host"))
        refuse(req, 400, "Het verzoek mist de Host-header die HTTP/1.1 vraagt.");
    if (req->refusal_status)
        return;
    req->db = front_thread_db(app);
    if (!req->db)
        refuse(req, 503, "De database is even niet bereikbaar. Probeer het over een ogenblik "
                         "opnieuw.");
}

void front_checkpoint(const struct app *app)
{
    char err[256];
    struct db *db = db_open(app->config.db_path, false, err, sizeof err);
    if (!db) {
        log_error("stop: %s", err);
        return;
    }
    if (!db_checkpoint(db))
        log_error("stop: the WAL could not be checkpointed completely: %s",
                  sqlite3_errmsg(db_handle(db)));
    db_close(db);
}
