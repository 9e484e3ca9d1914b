/* FastCGI front on libfcgi: several threads accept on one socket, each with its own request
 * and database connection, and turn FastCGI parameters into the same request context. */
#include "app.h"
#include "front/front.h"
#include "http/proxy.h"
#include "http/request.h"
#include "util/log.h"
#include "util/text.h"

#include <errno.h>
#include <fastcgi.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What every worker shares, read-only while serving. */
struct server {
    const struct app *app;
    struct proxies trusted;
    int socket; /* listening, non-blocking */
    bool local; /* a unix socket: an answer's connection closes at once (see serve_connection) */
    int epoll;  /* the listening socket and the connections waiting for a request */
    int wake;   /* an eventfd in that set, readable once the stop has begun */
    atomic_bool stopping;
    /* idle[fd] for each connection fd below idle_count (one past it is left to the end of the
     * process at a stop): IDLE while it waits in the set, SHUT once the stop has ended it. */
    atomic_uchar *idle;
    size_t idle_count;
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

/* A FastCGI record header (fastcgi.h spells out the same layout field by field). */
static void record_header(unsigned char *h, int type, int request_id, size_t length)
{
    h[0] = FCGI_VERSION_1;
    h[1] = (unsigned char)type;
    h[2] = (unsigned char)(request_id >> 8);
    h[3] = (unsigned char)request_id;
    h[4] = (unsigned char)(length >> 8);
    h[5] = (unsigned char)length;
    h[6] = 0; /* no padding */
    h[7] = 0;
}

enum {
    RECORD_MAX = 65535,   /* content bytes in one record */
    RECORDS_AT_ONCE = 16, /* an answer up to 16 records (1 MiB) goes out in one write */
};

/* The whole answer in one writev: head and body as stdout records, the end of stdout and the
 * end of the request. libfcgi's own writer sends 8 KiB records, a write each, and the end in
 * one more. Returns false, having written nothing, when the answer is too large for it. */
static bool send_whole(FCGX_Request *fr, const char *head, size_t head_len, const char *body,
                       size_t body_len)
{
    if (head_len > RECORD_MAX || (body_len + RECORD_MAX - 1) / RECORD_MAX > RECORDS_AT_ONCE - 1)
        return false;
    unsigned char headers[RECORDS_AT_ONCE][FCGI_HEADER_LEN];
    unsigned char end[2 * FCGI_HEADER_LEN + sizeof(FCGI_EndRequestBody)] = {0};
    struct iovec iov[2 * RECORDS_AT_ONCE + 1];
    int n = 0, records = 0;
    record_header(headers[records], FCGI_STDOUT, fr->requestId, head_len);
    iov[n++] = (struct iovec){headers[records++], FCGI_HEADER_LEN};
    iov[n++] = (struct iovec){(void *)head, head_len};
    for (size_t off = 0; off < body_len; off += RECORD_MAX) {
        size_t len = body_len - off < RECORD_MAX ? body_len - off : RECORD_MAX;
        record_header(headers[records], FCGI_STDOUT, fr->requestId, len);
        iov[n++] = (struct iovec){headers[records++], FCGI_HEADER_LEN};
        iov[n++] = (struct iovec){(void *)(body + off), len};
    }
    record_header(end, FCGI_STDOUT, fr->requestId, 0);
    record_header(end + FCGI_HEADER_LEN, FCGI_END_REQUEST, fr->requestId,
                  sizeof(FCGI_EndRequestBody));
    /* appStatus 0, protocolStatus FCGI_REQUEST_COMPLETE: all zero bytes */
    iov[n++] = (struct iovec){end, sizeof end};

    int error = 0;
    struct iovec *next = iov;
    while (n > 0) {
        ssize_t w = writev(fr->ipcFd, next, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            error = errno;
            break;
        }
        while (n > 0 && (size_t)w >= next->iov_len) {
            w -= (ssize_t)next->iov_len;
            next++, n--;
        }
        if (n > 0) {
            next->iov_base = (char *)next->iov_base + w;
            next->iov_len -= (size_t)w;
        }
    }
    /* Both output streams are done: libfcgi must add nothing at FCGX_Finish_r, and closes the
     * connection there when the write failed. */
    FCGX_Stream *streams[] = {fr->out, fr->err};
    for (size_t i = 0; i < 2; i++) {
        streams[i]->wasFCloseCalled = 1;
        streams[i]->isClosed = 1;
        streams[i]->FCGI_errno = error;
    }
    return true;
}

/* The answer; the request's stdin must have been read to its end (a kept connection carries the
 * next request right after the end of this one). */
static void send_response(struct request *req, FCGX_Request *fr)
{
    struct buf head = {0};
    buf_printf(&head, "Status: %d %s\r\n", req->resp.status, status_reason(req->resp.status));
    /* Appended piece by piece: a cached answer carries a dozen headers. */
    for (size_t i = 0; i < req->resp.headers.count; i++) {
        buf_puts(&head, req->resp.headers.items[i].name);
        buf_append(&head, ": ", 2);
        buf_puts(&head, req->resp.headers.items[i].value);
        buf_append(&head, "\r\n", 2);
    }
    const char *body = req->resp.static_body ? req->resp.static_body : req->resp.body.data;
    size_t len = req->resp.file_fd > 0    ? req->resp.file_len
                 : req->resp.static_body ? req->resp.static_len
                                         : req->resp.body.len;
    if (req->resp.status == 304)
        len = 0;
    buf_printf(&head, "Content-Length: %zu\r\n\r\n", len);
    bool send_body = len && req->method != M_HEAD;
    if (req->resp.file_fd > 0 && send_body) {
        /* A download: copied in chunks, never whole in memory. */
        FCGX_PutStr(head.data, (int)head.len, fr->out);
        char chunk[65536];
        ssize_t n;
        while ((n = read(req->resp.file_fd, chunk, sizeof chunk)) > 0)
            FCGX_PutStr(chunk, (int)n, fr->out);
    } else if (!send_whole(fr, head.data, head.len, body, send_body ? len : 0)) {
        FCGX_PutStr(head.data, (int)head.len, fr->out);
        if (send_body)
            FCGX_PutStr(body, (int)len, fr->out);
    }
    buf_free(&head);
}

/* A worker never blocks in accept nor on an idle connection: the listening socket and every
 * connection waiting for its next request sit in one epoll set that all workers share, each
 * registered one-shot, so that exactly one worker gets it when it is ready and it is out of
 * the set until that worker puts it back. nginx may keep a connection open between requests
 * (fastcgi_keep_conn with an upstream keepalive): it then costs a file descriptor, not a
 * thread. */
enum { BUSY, IDLE, SHUT };

/* Before connection fd goes (back) into the set. */
static void mark_idle(const struct server *server, int fd)
{
    if (fd >= 0 && (size_t)fd < server->idle_count)
        atomic_store(&server->idle[fd], IDLE);
}

/* A worker that epoll handed connection fd takes it, unless the stop took it first. */
static bool take_idle(const struct server *server, int fd)
{
    unsigned char expected = IDLE;
    return fd < 0 || (size_t)fd >= server->idle_count ||
           atomic_compare_exchange_strong(&server->idle[fd], &expected, BUSY);
}

static bool watch(const struct server *server, int fd, int op)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.fd = fd};
    return epoll_ctl(server->epoll, op, fd, &ev) == 0;
}

/* Takes a connection off the listening socket (it is non-blocking) and puts the socket back
 * into the set for the next worker. Returns the connection, or -1 when none waited. */
static int accept_connection(const struct server *server)
{
    int fd = accept4(server->socket, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
        /* The queue stays readable: a pause instead of a spin, until descriptors free up. */
        log_error("fcgi: cannot accept: %s", strerror(errno));
        usleep(10 * 1000);
    }
    watch(server, server->socket, EPOLL_CTL_MOD);
    if (fd >= 0) {
        /* A peer that sends nothing more, or reads nothing, holds a worker at most this long
         * per read or write (nginx sends a request whole and buffers the answer). */
        const struct timeval timeout = {.tv_sec = FRONT_CONNECTION_TIMEOUT};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        if (!server->local) {
            /* As libfcgi's own accept does: an answer's last record goes out at once. */
            int on = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        }
    }
    return fd;
}

/* One request on connection fd, which this worker owns until it is back in the set or
 * closed. Returns after the answer. */
static void serve_connection(const struct server *server, FCGX_Request *fr, int fd)
{
    fr->ipcFd = fd;
    /* FCGX_Accept_r first finishes the previous request, closing its connection unless it
     * is kept: this connection is not that one. */
    fr->keepConnection = 1;
    /* A connection nginx closed, or one that breaks the protocol, libfcgi closes and then
     * accepts on listen_sock, which is -1 here: it fails at once instead of blocking.
     * On a unix socket nothing needs the graceful close (see below). */
    fr->detached = server->local;
    if (FCGX_Accept_r(fr) < 0) {
        fr->ipcFd = -1;
        return;
    }
    fr->detached = 0;
    struct request req;
    request_init(&req);
    struct front_peer peer = {0};
    fill_request(&req, fr, &peer);
    front_prepare(&req, server->app, &server->trusted, &peer);
    server->app->handle(&req);
    /* The rest of the request (the end of its stdin) is read before the answer ends it, so
     * that a kept connection starts clean at the next request and a closed one ends in a plain
     * end of stream. */
    char rest[512];
    while (FCGX_GetStr(rest, sizeof rest, fr->in) > 0)
        ;
    send_response(&req, fr);
    bool keep = fr->keepConnection && !atomic_load(&server->stopping);
    fr->keepConnection = keep;
    if (!keep && server->local) {
        /* libfcgi closes a connection "gracefully": it shuts down its side and waits for the
         * web server to read the answer and close (up to 2 s), so that TCP sends no reset
         * that could cost the answer. That wait held the thread a round trip per request. A
         * unix socket sends no resets, and what was written stays readable after the close. */
        FCGX_Detach(fr);
    }
    /* Closes the connection unless kept (or broken). */
    FCGX_Finish_r(fr);
    /* Back into the set (a connection served straight from accept is not in it yet). */
    if (fr->ipcFd >= 0) {
        mark_idle(server, fr->ipcFd);
        if (!watch(server, fr->ipcFd, EPOLL_CTL_MOD) &&
            !(errno == ENOENT && watch(server, fr->ipcFd, EPOLL_CTL_ADD)) &&
            take_idle(server, fr->ipcFd))
            close(fr->ipcFd); /* (unless the stop has just taken it) */
    }
    fr->ipcFd = -1;
    size_t body_len = req.body_len;
    request_free(&req);
    front_after_request(body_len);
}

static void *worker_main(void *arg)
{
    struct server *server = arg;
    FCGX_Request fr;
    /* No listening socket of its own: this worker accepts (see accept_connection). */
    FCGX_InitRequest(&fr, -1, 0);
    /* At a stop (server->wake becomes readable, and stays so) the worker still serves what
     * is ready, the listening queue included, and ends once nothing is. */
    for (;;) {
        bool stopping = atomic_load(&server->stopping);
        struct epoll_event events[2];
        int n = epoll_wait(server->epoll, events, stopping ? 2 : 1, stopping ? 0 : -1);
        if (n < 0 && errno != EINTR) {
            log_error("fcgi: epoll_wait: %s", strerror(errno));
            break;
        }
        int served = 0;
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == server->wake)
                continue;
            served++;
            if (fd != server->socket && !take_idle(server, fd))
                continue;
            if (fd == server->socket) {
                fd = accept_connection(server);
                /* A new connection whose request is there is served at once; one whose web
                 * server has not written yet waits in the set instead of holding this worker
                 * (but not at a stop, when the workers end as soon as nothing is ready). */
                struct pollfd ready = {.fd = fd, .events = POLLIN};
                if (fd >= 0 && !stopping && poll(&ready, 1, 0) == 0) {
                    mark_idle(server, fd);
                    if (!watch(server, fd, EPOLL_CTL_ADD) && take_idle(server, fd))
                        close(fd);
                    continue;
                }
            }
            if (fd >= 0)
                serve_connection(server, &fr, fd);
        }
        if (stopping && n >= 0 && served == 0)
            break;
    }
    FCGX_Free(&fr, 1);
    return NULL;
}

/* The stop: no new connections where that can be had (the socket's name goes), what is queued
 * or ready is still served, kept connections close after their answer, and every worker is
 * joined. Returns the number of workers still busy at the deadline. */
static int stop_workers(struct server *server, const char *socket_spec, pthread_t *ids, int threads)
{
    if (socket_spec && socket_spec[0] == '/')
        unlink(socket_spec);
    atomic_store(&server->stopping, true);
    /* Idle kept connections end now, so that nginx stops sending on them early. One taken
     * out of the set with nothing to read is shut down, and closed once the workers have
     * gone (so that its number is not reused meanwhile); a request nginx sends on it from
     * now on is never read, so it changes nothing. One with a request waiting goes back for
     * a worker to answer, and is closed after the answer. */
    for (size_t fd = 0; fd < server->idle_count; fd++) {
        unsigned char expected = IDLE;
        if (!atomic_compare_exchange_strong(&server->idle[fd], &expected, SHUT))
            continue;
        epoll_ctl(server->epoll, EPOLL_CTL_DEL, (int)fd, NULL);
        struct pollfd pending = {.fd = (int)fd, .events = POLLIN};
        if (poll(&pending, 1, 0) == 1 && !(pending.revents & (POLLHUP | POLLERR))) {
            atomic_store(&server->idle[fd], IDLE);
            if (watch(server, (int)fd, EPOLL_CTL_ADD))
                continue;
            atomic_store(&server->idle[fd], SHUT);
        }
        shutdown((int)fd, SHUT_RDWR);
    }
    uint64_t one = 1;
    if (write(server->wake, &one, sizeof one) != (ssize_t)sizeof one)
        log_error("fcgi: cannot wake the workers: %s", strerror(errno));
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
        usleep(20 * 1000);
    }
    free(joined);
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
    /* The workers accept from epoll's word that a connection waits; past a race with another
     * worker or an aborted connection, accept must not block. */
    fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK);
    server.epoll = epoll_create1(EPOLL_CLOEXEC);
    server.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct rlimit files;
    server.idle_count = getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                            ? (size_t)files.rlim_cur
                            : 4096;
    if (server.idle_count > 1 << 20)
        server.idle_count = 1 << 20;
    server.idle = xcalloc(server.idle_count, sizeof *server.idle);
    struct epoll_event wake_event = {.events = EPOLLIN, .data.fd = server.wake};
    if (server.epoll < 0 || server.wake < 0 || !watch(&server, sock, EPOLL_CTL_ADD) ||
        epoll_ctl(server.epoll, EPOLL_CTL_ADD, server.wake, &wake_event) != 0) {
        fprintf(stderr, "buurtsamen: cannot watch the FastCGI socket: %s\n", strerror(errno));
        return 1;
    }
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

    int left = stop_workers(&server, socket_spec, ids, threads);
    free(ids);
    if (left) {
        /* Returning would free what they still use: leave at once instead (the ledger is
         * safe: every acknowledged donation is committed). */
        log_error("stop: %d worker%s still busy after %d s; exiting without them", left,
                  left == 1 ? "" : "s", FRONT_DRAIN_SECONDS);
        _exit(0);
    }
    for (size_t fd = 0; fd < server.idle_count; fd++)
        if (atomic_load(&server.idle[fd]) == SHUT)
            close((int)fd);
    close(server.epoll);
    close(server.wake);
    free(server.idle);
    close(sock);
    front_checkpoint(app);
    log_info("buurtsamen stopped");
    return 0;
}
