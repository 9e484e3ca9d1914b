/* What both fronts share: per-thread database connections, signals, thread counts, and the
 * checks every request passes before the dispatcher. */
#include "front/front.h"
#include "app.h"
#include "db/db.h"
#include "http/proxy.h"
#include "http/request.h"
#include "util/log.h"

#include <malloc.h>
#include <pthread.h>
#include <sqlite3.h>
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

void front_limit_memory(int threads)
{
    /* glibc gives every thread that allocates an arena of its own (up to 8 per core), and
     * each keeps the holes its pages left: the server held the worst moment of every thread
     * at once. As many arenas as cores; the threads seldom meet in malloc, since a page spends
     * its time in SQLite and in writing. */
    mallopt(M_ARENA_MAX, front_thread_count(0, 2));
    /* Every thread's connection has its own page cache (cache_size); together they took the
     * largest share of the memory at scale. Past this bound on all of SQLite's memory a cache
     * reuses its pages rather than growing: a busy thread may have more of it than an idle
     * one, and the system's file cache still holds the file. */
    sqlite3_soft_heap_limit64((sqlite3_int64)(threads + 2) << 20);
}

void front_after_request(size_t body_len)
{
    /* An upload (a photo decoded into a full-size image, row by row) takes tens of MiB in
     * small pieces for a moment; free, they stay in the arena of the thread that decoded it
     * unless they lie at its top. Uploads are rare: give the memory back each time. */
    if (body_len >= FRONT_TRIM_AFTER_BODY)
        malloc_trim(0);
}
