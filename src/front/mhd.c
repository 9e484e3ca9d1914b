/* Built-in HTTP server on libmicrohttpd: a thread pool, each thread with its own epoll loop
 * and database connection. */
#include "app.h"
#include "front/front.h"
#include "http/proxy.h"
#include "http/request.h"
#include "util/log.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* What every connection's callbacks share: read-only while serving, except the counters. */
struct server {
    const struct app *app;
    struct proxies trusted;
    atomic_int in_flight; /* requests begun (URI seen) and not yet completed */
    atomic_bool stopping; /* a stop is draining: answers close their connection */
};

/* Per-connection state while a request comes in. */
struct pending {
    char *target; /* raw request target, from the URI log callback */
    struct buf body;
    bool started;
    bool too_large;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)conn;
    struct server *server = cls;
    atomic_fetch_add(&server->in_flight, 1);
    struct pending *p = xcalloc(1, sizeof *p);
    p->target = xstrdup(uri ? uri : "/");
    return p;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)conn, (void)code;
    struct server *server = cls;
    struct pending *p = *con_cls;
    if (p) {
        free(p->target);
        buf_free(&p->body);
        free(p);
        *con_cls = NULL;
        atomic_fetch_sub(&server->in_flight, 1);
    }
}

struct header_walk {
    struct request *req;
    size_t count, bytes;
};

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct header_walk *w = cls;
    w->count++;
    w->bytes += strlen(key) + (value ? strlen(value) : 0);
    if (w->count > LIMIT_HEADER_COUNT)
        return MHD_YES; /* counted, for the refusal, but not kept */
    fields_add(&w->req->arena, &w->req->headers, arena_strdup(&w->req->arena, key),
               arena_strdup(&w->req->arena, value ? value : ""), value ? strlen(value) : 0);
    return MHD_YES;
}

static void client_address(struct MHD_Connection *conn, char *out, size_t size)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, size, "unknown");
    if (!info || !info->client_addr)
        return;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

static enum MHD_Result send_response(struct server *server, struct MHD_Connection *conn,
                                     struct request *req)
{
    struct MHD_Response *resp;
    if (req->resp.file_fd > 0) {
        resp = MHD_create_response_from_fd(req->resp.file_len, req->resp.file_fd);
        req->resp.file_fd = 0; /* libmicrohttpd closes it */
    } else if (req->resp.static_body)
        resp = MHD_create_response_from_buffer(req->resp.static_len, (void *)req->resp.static_body,
                                               MHD_RESPMEM_PERSISTENT);
    else {
        size_t len = req->resp.body.len;
        resp = MHD_create_response_from_buffer(len, buf_detach(&req->resp.body),
                                               MHD_RESPMEM_MUST_FREE);
    }
    if (!resp)
        return MHD_NO;
    for (size_t i = 0; i < req->resp.headers.count; i++)
        MHD_add_response_header(resp, req->resp.headers.items[i].name,
                                req->resp.headers.items[i].value);
    if (atomic_load(&server->stopping))
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)req->resp.status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)url;
    struct server *server = cls;
    struct pending *p = *con_cls;
    if (!p)
        return MHD_NO;
    if (!p->started) {
        p->started = true;
        /* The first call has only the head. Answering now is an early answer, after which
         * libmicrohttpd closes the connection: so wait for the next call (which comes at once
         * when there is no body), except for a body too large to read at all. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (!(cl && strtoull(cl, NULL, 10) > LIMIT_BODY))
            return MHD_YES;
        p->too_large = true;
    } else if (*upload_size) {
        if (!p->too_large && p->body.len + *upload_size <= LIMIT_BODY)
            buf_append(&p->body, upload_data, *upload_size);
        else
            p->too_large = true;
        *upload_size = 0;
        return MHD_YES;
    }

    struct request req;
    request_init(&req);
    req.method_name = method;
    req.target = p->target;
    req.body = p->body.data;
    req.body_len = p->body.len;
    req.body_too_large = p->too_large;
    char peer[64];
    client_address(conn, peer, sizeof peer);
    struct header_walk walk = {&req, 0, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, on_header, &walk);
    struct front_peer fp = {
        .address = peer,
        .https = false,
        .needs_host = strcmp(version, MHD_HTTP_VERSION_1_1) == 0, /* RFC 9112, 3.2 */
        .header_count = walk.count,
        .header_bytes = walk.bytes,
    };
    front_prepare(&req, server->app, &server->trusted, &fp);
    server->app->handle(&req);
    enum MHD_Result ret = send_response(server, conn, &req);
    request_free(&req);
    return ret;
}

/* ADDR:PORT, [ADDR6]:PORT or :PORT into a socket address. */
static bool parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon - listen >= (long)sizeof host)
        return false;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || colon[1] == '\0')
        return false;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 2 || host[n - 1] != ']')
            return false;
        host[n - 1] = '\0';
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
            return false;
        *len = sizeof *s6;
        return true;
    }
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    if (host[0] == '\0')
        s4->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
        return false;
    *len = sizeof *s4;
    return true;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    log_error("http: %s", line);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int front_mhd_run(const struct app *app, const char *listen, int threads)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (!parse_listen(listen, &ss, &sslen)) {
        fprintf(stderr, "buurtsamen: cannot read listen address '%s' (expected ADDR:PORT)\n",
                listen);
        return 2;
    }
    struct server *server = xcalloc(1, sizeof *server);
    server->app = app;
    if (!front_proxies(app, &server->trusted)) {
        free(server);
        return 2;
    }
    threads = front_thread_count(threads, 2);
    front_block_signals();
    /* ITC: so that a stop can quiesce (stop accepting) while the threads finish. */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The memory per connection holds the head; well above LIMIT_HEADERS so that our own
     * check (and answer) comes first and libmicrohttpd's bare 431 only for gross abuse. */
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, server, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, server, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
        server, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(4 * LIMIT_HEADERS + 16 * 1024),
        MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT, 2000u,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)SOMAXCONN, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "buurtsamen: cannot listen on %s (in use, or no permission)\n", listen);
        free(server);
        return 1;
    }
    log_info("buurtsamen serving http://%s/ (database %s, %d threads)", listen,
             app->config.db_path, threads);
    int sig = front_wait_signal(app);
    log_info("buurtsamen stopping (signal %d): finishing the requests in flight", sig);

    /* Stop accepting; requests under way (also a next one on a kept-alive connection) are
     * answered, with Connection: close, for at most FRONT_DRAIN_SECONDS. */
    atomic_store(&server->stopping, true);
    MHD_socket listener = MHD_quiesce_daemon(d);
    if (listener != MHD_INVALID_SOCKET) {
        /* Connections the kernel queued but nobody accepted yet: served too, not reset. */
        fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK);
        for (;;) {
            struct sockaddr_storage peer;
            socklen_t plen = sizeof peer;
            int fd = accept(listener, (struct sockaddr *)&peer, &plen);
            if (fd < 0)
                break;
            if (MHD_add_connection(d, fd, (struct sockaddr *)&peer, plen) != MHD_YES)
                close(fd);
        }
        close(listener);
    }
    /* Done when no request is under way for a moment (a connection just taken has its
     * request read within that) or no connection is left. */
    double start = now_seconds(), quiet_since = start;
    for (;;) {
        double now = now_seconds();
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (info && info->num_connections == 0)
            break;
        if (atomic_load(&server->in_flight) > 0)
            quiet_since = now;
        else if (now - quiet_since >= 0.2)
            break;
        if (now - start >= FRONT_DRAIN_SECONDS)
            break;
        usleep(10 * 1000);
    }
    int left = atomic_load(&server->in_flight);
    if (left > 0)
        log_error("stop: %d request%s still unfinished after %d s; closing", left,
                  left == 1 ? "" : "s", FRONT_DRAIN_SECONDS);
    /* Joins every thread of the pool; their database connections close as they end. */
    MHD_stop_daemon(d);
    front_checkpoint(app);
    free(server);
    log_info("buurtsamen stopped");
    return 0;
}
