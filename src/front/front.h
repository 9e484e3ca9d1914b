/* The two fronts: bytes in from a client or web server, a request context out, and back. */
#ifndef BS_FRONT_H
#define BS_FRONT_H
#include <stdbool.h>
#include <stddef.h>

struct app;
struct proxies;
struct request;

/* How long a stop waits for the requests in flight before it gives up on them. */
enum { FRONT_DRAIN_SECONDS = 10 };

/* Limits of the built-in server (serve); under nginx, nginx's own settings do this work. */
enum {
    FRONT_CONNECTIONS = 2000,      /* open connections in all */
    FRONT_CONNECTION_TIMEOUT = 10, /* seconds without progress before a connection is dropped */
    FRONT_LANE_QUEUE = 64,         /* writes that may queue per writer thread; past it, 503 */
    /* Slow clients: the whole request head within this many seconds of the connection's
     * start or its previous answer (also the longest a kept-alive connection stays idle),
     * and a body at least FRONT_BODY_MIN_RATE bytes per second over windows as long. */
    FRONT_HEAD_SECONDS = 5,
    FRONT_BODY_MIN_RATE = 1024,
};
/* Request bodies held in memory by all connections together; past it, 503. */
#define FRONT_BODY_MEMORY ((size_t)64 * 1024 * 1024)

/* Built-in HTTP server (libmicrohttpd), until SIGINT or SIGTERM. Returns an exit status. */
int front_mhd_run(const struct app *app, const char *listen, int threads);
/* FastCGI (libfcgi) on a unix socket path or ADDR:PORT, or on the listening socket passed as
 * standard input when socket is NULL. Returns an exit status. */
int front_fcgi_run(const struct app *app, const char *socket, int threads);

/* Shared by both: the calling thread's own database connection, opened on first use and
 * closed when the thread ends. */
struct db *front_thread_db(const struct app *app);
/* Blocks SIGINT, SIGTERM (and ignores SIGPIPE) so that worker threads never see them; the
 * main thread then waits for one with front_wait_signal. */
void front_block_signals(void);
/* Starts the app's housekeeping, then waits for SIGINT or SIGTERM. */
int front_wait_signal(const struct app *app);
/* Number of worker threads: the option, else one per core with at least `least`. */
int front_thread_count(int requested, int least);
/* How long a request waits for the write lock before it answers 503 with Retry-After. */
enum { FRONT_WRITE_WAIT_MS = 2000 };
/* Bounds the writer lane: at most `waiters` threads (at least one) wait for the write lock at
 * once, each for at most FRONT_WRITE_WAIT_MS; a write past either answers 503. */
void front_writer_lane(int waiters);
/* The configured trusted proxies; false with a one-line message on stderr when unreadable. */
bool front_proxies(const struct app *app, struct proxies *out);

/* What a front learnt from its transport, beside the headers it put into the request. */
struct front_peer {
    const char *address; /* the TCP peer (or REMOTE_ADDR from the web server) */
    bool https;          /* the connection itself is TLS, or the web server says so */
    bool needs_host;     /* HTTP/1.1: a request without Host is refused */
    size_t header_count; /* every header line the client sent, also those not kept */
    size_t header_bytes; /* their names and values together */
};

/* After the front filled in method, target and headers: takes the client address and scheme
 * (believing a trusted proxy), opens the thread's database and marks what both fronts refuse
 * alike (431, 400 without Host, 503 without a database), for the dispatcher to answer. */
void front_prepare(struct request *req, const struct app *app, const struct proxies *trusted,
                   const struct front_peer *peer);
/* Bounds the memory of a serving process with `threads` workers: malloc arenas as many as
 * cores, and all database connections' memory together (soft: past it, caches shrink). */
void front_limit_memory(int threads);
/* After a request with a body of body_len bytes was answered and its memory freed: gives
 * memory back to the system after a large one. */
enum { FRONT_TRIM_AFTER_BODY = 256 * 1024 };
void front_after_request(size_t body_len);
/* At the end of a stop, once every worker has gone: empties the WAL into the database. */
void front_checkpoint(const struct app *app);

#endif
