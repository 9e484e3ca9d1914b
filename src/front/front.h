/* The two fronts: bytes in from a client or web server, a request context out, and back. */
#ifndef BS_FRONT_H
#define BS_FRONT_H
#include <stdbool.h>

struct app;

/* Built-in HTTP server (libmicrohttpd), until SIGINT or SIGTERM. Returns an exit status. */
int front_mhd_run(const struct app *app, const char *listen, int threads);
/* FastCGI (libfcgi) on a unix socket path or ADDR:PORT, or on the listening socket passed as
 * standard input when socket is NULL. Returns an exit status. */
int front_fcgi_run(const struct app *app, const char *socket, int threads);

/* Shared by both: the calling thread's own database connection, opened on first use. */
struct db *front_thread_db(const struct app *app);
/* Blocks SIGINT, SIGTERM (and ignores SIGPIPE) so that worker threads never see them; the
 * main thread then waits for one with front_wait_signal. */
void front_block_signals(void);
/* Starts the app's housekeeping, then waits for SIGINT or SIGTERM. */
int front_wait_signal(const struct app *app);
/* Number of worker threads: the option, else one per core with at least 2. */
int front_thread_count(int requested);

#endif
