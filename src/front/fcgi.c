/* FastCGI front on libfcgi: several threads accept on one socket, each with its own request
 * and database connection, and turn FastCGI parameters into the same request context. */
#include "app.h"
#include "front/front.h"
#include "http/proxy.h"
#include "http/request.h"
#include "util/log.h"
#include "util/text.h"

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What every worker shares, read-only while serving. */
struct server {
    const struct app *app;
    struct proxies trusted;
    int socket;
    bool local; /* a unix socket: an answer's connection closes at once (see worker_main) */
};

static const char *status_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return status >= 500 ? "Internal Server Error" : "Status";
    }
}

/* HTTP_USER_AGENT → User-Agent */
static char *header_name(struct arena *arena, const char *env, size_t len)
{
    char *name = arena_strndup(arena, env, len);
    bool upper = true;
    for (char *p = name; *p; p++) {
        if (*p == '_') {
            *p = '-';
            upper = true;
        } else {
            if (!upper && *p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
            upper = false;
        }
    }
    return name;
}

/* The request from the FastCGI parameters: headers are the HTTP_* ones (counted like the
 * header lines libmicrohttpd sees, so that both fronts refuse alike). */
static void fill_request(struct request *req, FCGX_Request *fr, struct front_peer *peer)
{
    const char *method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
    req->method_name = arena_strdup(&req->arena, method ? method : "GET");
    const char *uri = FCGX_GetParam("REQUEST_URI", fr->envp);
    if (!uri) {
        /* A web server that sends no REQUEST_URI: rebuild it from the CGI variables. */
        const char *script = FCGX_GetParam("SCRIPT_NAME", fr->envp);
        const char *info = FCGX_GetParam("PATH_INFO", fr->envp);
        const char *query = FCGX_GetParam("QUERY_STRING", fr->envp);
        uri = arena_printf(&req->arena, "%s%s%s%s", script ? script : "", info ? info : "",
                           query && *query ? "?" : "", query ? query : "");
        if (!*uri)
            uri = "/";
    }
    req->target = arena_strdup(&req->arena, uri);
    const char *addr = FCGX_GetParam("REMOTE_ADDR", fr->envp);
    peer->address = addr ? arena_strdup(&req->arena, addr) : NULL;
    /* A web server that terminates TLS itself says so. */
    const char *https = FCGX_GetParam("HTTPS", fr->envp);
    peer->https = https && (ascii_ieq(https, "on") || strcmp(https, "1") == 0);
    const char *protocol = FCGX_GetParam("SERVER_PROTOCOL", fr->envp);
    peer->needs_host = protocol && strcmp(protocol, "HTTP/1.1") == 0;

    bool have_type = false, have_length = false;
    for (char **e = fr->envp; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || strncmp(*e, "HTTP_", 5) != 0)
            continue;
        const char *name = *e + 5;
        size_t len = (size_t)(eq - name);
        peer->header_count++;
        peer->header_bytes += len + strlen(eq + 1);
        if (peer->header_count > LIMIT_HEADER_COUNT)
            continue; /* counted, for the refusal, but not kept */
        have_type = have_type || strncmp(*e, "HTTP_CONTENT_TYPE=", 18) == 0;
        have_length = have_length || strncmp(*e, "HTTP_CONTENT_LENGTH=", 20) == 0;
        fields_add(&req->arena, &req->headers, header_name(&req->arena, name, len),
                   arena_strdup(&req->arena, eq + 1), strlen(eq + 1));
    }
    /* The CGI names, when the web server did not pass the header itself as well. */
    const char *ctype = FCGX_GetParam("CONTENT_TYPE", fr->envp);
    if (!have_type && ctype && *ctype)
        fields_add(&req->arena, &req->headers, "Content-Type", arena_strdup(&req->arena, ctype),
                   strlen(ctype));
    const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
    if (!have_length && cl && *cl)
        fields_add(&req->arena, &req->headers, "Content-Length", arena_strdup(&req->arena, cl),
                   strlen(cl));

    int64_t length = 0;
    if (cl && *cl && !parse_int64(cl, 0, INT64_MAX, &length))
        length = 0;
    if (length > LIMIT_BODY) {
        req->body_too_large = true;
    } else if (length > 0) {
        char *body = arena_alloc(&req->arena, (size_t)length + 1);
        int got = FCGX_GetStr(body, (int)length, fr->in);
        body[got > 0 ? got : 0] = '\0';
        req->body = body;
        req->body_len = got > 0 ? (size_t)got : 0;
    }
}

static void send_response(struct request *req, FCGX_Request *fr)
{
    struct buf head = {0};
    buf_printf(&head, "Status: %d %s\r\n", req->resp.status, status_reason(req->resp.status));
    for (size_t i = 0; i < req->resp.headers.count; i++)
        buf_printf(&head, "%s: %s\r\n", req->resp.headers.items[i].name,
                   req->resp.headers.items[i].value);
    const char *body = req->resp.static_body ? req->resp.static_body : req->resp.body.data;
    size_t len = req->resp.file_fd > 0    ? req->resp.file_len
                 : req->resp.static_body ? req->resp.static_len
                                         : req->resp.body.len;
    if (req->resp.status == 304)
        len = 0;
    buf_printf(&head, "Content-Length: %zu\r\n\r\n", len);
    FCGX_PutStr(head.data, (int)head.len, fr->out);
    if (len && req->method != M_HEAD && req->resp.file_fd > 0) {
        /* A download: copied in chunks, never whole in memory. */
        char chunk[65536];
        ssize_t n;
        while ((n = read(req->resp.file_fd, chunk, sizeof chunk)) > 0)
            FCGX_PutStr(chunk, (int)n, fr->out);
    } else if (len && req->method != M_HEAD) {
        FCGX_PutStr(body, (int)len, fr->out);
    }
    buf_free(&head);
}

static void *worker_main(void *arg)
{
    const struct server *server = arg;
    FCGX_Request fr;
    if (FCGX_InitRequest(&fr, server->socket, 0) != 0) {
        log_error("fcgi: cannot initialise a request");
        return NULL;
    }
    /* Ends when accept fails: at a stop the listening socket is non-blocking, so a worker
     * takes what is still queued and then ends. */
    while (FCGX_Accept_r(&fr) >= 0) {
        struct request req;
        request_init(&req);
        struct front_peer peer = {0};
        fill_request(&req, &fr, &peer);
        front_prepare(&req, server->app, &server->trusted, &peer);
        server->app->handle(&req);
        send_response(&req, &fr);
        if (server->local) {
            /* libfcgi closes a connection "gracefully": it shuts down its side and waits
             * for the web server to read the answer and close (up to 2 s), so that TCP
             * sends no reset that could cost the answer. That wait held the thread a round
             * trip per request. A unix socket sends no resets, and what was written stays
             * readable after the close; the rest of the request (the end of its stdin) is
             * read first, so that the web server sees a plain end of stream. */
            char rest[512];
            while (FCGX_GetStr(rest, sizeof rest, fr.in) > 0)
                ;
            FCGX_Detach(&fr); /* no graceful close */
        }
        FCGX_Finish_r(&fr);
        size_t body_len = req.body_len;
        request_free(&req);
        front_after_request(body_len);
    }
    FCGX_Free(&fr, 1);
    return NULL;
}

/* Wakes workers blocked in accept: one empty connection each, which they drop. */
static void wake_workers(const struct sockaddr_storage *ss, socklen_t len, int count)
{
    for (int i = 0; i < count; i++) {
        int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return;
        int rc = connect(fd, (const struct sockaddr *)ss, len);
        close(fd);
        if (rc != 0)
            return;
    }
}

/* The stop: no new connections where that can be had (the socket's name goes), the queue
 * is still served, then accept fails instead of waiting, and every worker is joined.
 * Returns the number of workers still busy at the deadline. */
static int stop_workers(int sock, const char *socket_spec, pthread_t *ids, int threads)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(sock, (struct sockaddr *)&ss, &len) != 0)
        len = 0;
    /* A second name for the socket, to wake the workers once the public one has gone. */
    char wake_path[sizeof ((struct sockaddr_un *)0)->sun_path] = "";
    if (socket_spec && socket_spec[0] == '/' && ss.ss_family == AF_UNIX &&
        strlen(socket_spec) + 10 < sizeof wake_path) {
        snprintf(wake_path, sizeof wake_path, "%s.stopping", socket_spec);
        unlink(wake_path);
        if (link(socket_spec, wake_path) == 0) {
            struct sockaddr_un *un = (struct sockaddr_un *)&ss;
            snprintf(un->sun_path, sizeof un->sun_path, "%s", wake_path);
            len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(wake_path) + 1);
            unlink(socket_spec);
        } else {
            wake_path[0] = '\0';
        }
    }
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
    bool *joined = xcalloc((size_t)threads, sizeof *joined);
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int left = threads;
    for (;;) {
        for (int i = 0; i < threads; i++)
            if (!joined[i] && pthread_tryjoin_np(ids[i], NULL) == 0)
                joined[i] = true, left--;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (left == 0 || now.tv_sec - start.tv_sec >= FRONT_DRAIN_SECONDS)
            break;
        /* One worker may take every wake-up connection: so again until all have gone. */
        if (len)
            wake_workers(&ss, len, left);
        usleep(20 * 1000);
    }
    free(joined);
    if (wake_path[0])
        unlink(wake_path);
    else if (socket_spec && socket_spec[0] == '/')
        unlink(socket_spec);
    return left;
}

int front_fcgi_run(const struct app *app, const char *socket_spec, int threads)
{
    struct server server = {.app = app};
    if (!front_proxies(app, &server.trusted))
        return 2;
    if (FCGX_Init() != 0) {
        fprintf(stderr, "buurtsamen: cannot initialise FastCGI\n");
        return 1;
    }
    /* A burst (a few hundred residents confirming at once) waits in this queue rather than
     * being refused; the kernel caps it at net.core.somaxconn. */
    int backlog = app->config.fcgi_backlog > 0 ? app->config.fcgi_backlog : SOMAXCONN;
    int sock = 0; /* the listening socket a web server or spawn-fcgi hands over on stdin */
    if (socket_spec) {
        if (socket_spec[0] == '/')
            unlink(socket_spec);
        sock = FCGX_OpenSocket(socket_spec, backlog);
        if (sock < 0) {
            fprintf(stderr, "buurtsamen: cannot open FastCGI socket %s\n", socket_spec);
            return 1;
        }
        /* Access is governed by the socket's directory; the web server's user must write. */
        if (socket_spec[0] == '/')
            chmod(socket_spec, 0666);
    } else if (FCGX_IsCGI()) {
        fprintf(stderr, "buurtsamen: standard input is not a FastCGI listening socket; "
                        "use --socket PATH|ADDR:PORT or start it from a web server\n");
        return 2;
    } else {
        listen(sock, backlog); /* a larger queue than whoever opened it may have asked */
    }
    server.socket = sock;
    struct sockaddr_storage bound;
    socklen_t bound_len = sizeof bound;
    server.local =
        getsockname(sock, (struct sockaddr *)&bound, &bound_len) == 0 && bound.ss_family == AF_UNIX;
    /* Workers block on the database and on slow pages; more of them than cores keeps the
     * queue moving under a burst. */
    threads = front_thread_count(threads, 8);
    front_limit_memory(threads);
    /* Half the workers at most wait for the write lock: the others stay free for readers. */
    front_writer_lane(threads / 2);
    front_block_signals();
    pthread_t *ids = xcalloc((size_t)threads, sizeof *ids);
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create(&ids[started], NULL, worker_main, &server) != 0)
            break;
    if (started < threads) {
        fprintf(stderr, "buurtsamen: cannot start worker threads\n");
        if (started == 0) {
            free(ids);
            return 1;
        }
        threads = started;
    }
    log_info("buurtsamen serving FastCGI on %s (database %s, %d threads, backlog %d)",
             socket_spec ? socket_spec : "standard input", app->config.db_path, threads,
             backlog);
    int sig = front_wait_signal(app);
    log_info("buurtsamen stopping (signal %d): finishing the requests in flight", sig);

    int left = stop_workers(sock, socket_spec, ids, threads);
    free(ids);
    if (left) {
        /* Returning would free what they still use: leave at once instead (the ledger is
         * safe: every acknowledged donation is committed). */
        log_error("stop: %d worker%s still busy after %d s; exiting without them", left,
                  left == 1 ? "" : "s", FRONT_DRAIN_SECONDS);
        _exit(0);
    }
    close(sock);
    front_checkpoint(app);
    log_info("buurtsamen stopped");
    return 0;
}
