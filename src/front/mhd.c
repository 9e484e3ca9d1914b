/* Built-in HTTP server on libmicrohttpd: a thread pool, each thread with its own epoll loop
 * and database connection, and a writer lane beside it for the requests that may write. */
#include "app.h"
#include "front/front.h"
#include "http/proxy.h"
#include "http/request.h"
#include "util/log.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct pending;

/* Requests that may write (every method but GET and HEAD) wait for the database's write lock;
 * a libmicrohttpd thread serves every connection it accepted, so a writer waiting there would
 * keep those readers waiting too. They run in the writer lane instead: a bounded queue and
 * threads of its own, the connection suspended meanwhile. */
struct lane {
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    struct pending *head, *tail;
    int queued, capacity;
    bool stopping;
    pthread_t *ids;
    int threads;
};

/* Open connections per client address (an IPv6 client by its /64), for the cap. */
struct address_count {
    unsigned char key[16];
    unsigned count;
    struct address_count *next;
};
enum { ADDRESS_BUCKETS = 1024 };

/* Where a connection is in its request, for the watchdog. */
enum link_phase {
    LINK_HEAD, /* waiting for a whole request head: since it opened, or since its last answer */
    LINK_BODY, /* the head is in; the body comes */
    LINK_BUSY, /* being answered (or waiting in the writer lane) */
};

/* Every open connection, from libmicrohttpd's start to its close: what the address cap and the
 * watchdog need. The connection's own thread writes the phase and counters, the watchdog only
 * reads them (and keeps its window). */
struct link {
    struct link *prev, *next; /* all open connections, under links_mutex */
    unsigned char key[16];
    bool counted; /* in the address counts */
    int fd;
    atomic_int phase;
    atomic_llong since_ms;                        /* when the phase began */
    atomic_llong body_bytes;                      /* of the body in LINK_BODY */
    long long window_ms, window_bytes, window_of; /* the watchdog's: where the window began */
};

/* What every connection's callbacks share: read-only while serving, except the counters. */
struct server {
    const struct app *app;
    struct proxies trusted;
    atomic_int in_flight; /* requests begun (URI seen) and not yet completed */
    atomic_bool stopping; /* a stop is draining: answers close their connection */
    atomic_size_t body_bytes; /* request bodies held in memory, all connections together */
    unsigned per_address;     /* connections one address may have open; 0: no cap */
    pthread_mutex_t addresses_mutex;
    struct address_count *addresses[ADDRESS_BUCKETS];
    struct lane lane;
    /* The watchdog: drops connections whose head is not in within head_ms, or whose body
     * advances less than FRONT_BODY_MIN_RATE over a window of window_ms. */
    pthread_mutex_t links_mutex;
    struct link *links;
    long long head_ms, window_ms;
    pthread_t watchdog;
    bool watchdog_running;
    pthread_mutex_t watchdog_mutex;
    pthread_cond_t watchdog_wake;
    bool watchdog_stopping;
    atomic_ullong dropped_heads, dropped_bodies;
};

/* Per-connection state while a request comes in, and while it waits in the writer lane. */
struct pending {
    char *target; /* raw request target, from the URI log callback */
    struct buf body;
    size_t reserved; /* bytes of body counted in server->body_bytes */
    bool started;
    bool too_large;
    bool no_room;           /* the bodies of all connections took FRONT_BODY_MEMORY */
    struct request *req;    /* built once the request is complete */
    bool handled;           /* the writer lane answered req: send it on the next call */
    struct MHD_Connection *conn;
    double queued_at;
    struct pending *next;   /* in the writer lane's queue */
};

static const char busy_message[] =
    "Het is op dit moment erg druk; probeer het over een paar seconden opnieuw.";

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void link_phase(struct link *l, enum link_phase phase)
{
    if (!l)
        return;
    atomic_store(&l->body_bytes, 0);
    atomic_store(&l->since_ms, now_ms());
    atomic_store(&l->phase, (int)phase);
}

static struct link *link_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* The key an address is counted under: IPv4 as ::ffff:a.b.c.d, IPv6 by its first 64 bits
 * (one subscriber usually has a whole /64). False for other families. */
static bool address_key(const struct sockaddr *sa, unsigned char key[16])
{
    memset(key, 0, 16);
    if (sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const unsigned char *a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        memcpy(key, a, memcmp(a, mapped, 12) == 0 ? 16 : 8);
        return true;
    }
    return false;
}

static void address_text(const struct sockaddr *sa, char *out, size_t size)
{
    snprintf(out, size, "unknown");
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

static struct address_count **address_slot(struct server *server, const unsigned char key[16])
{
    unsigned h = 2166136261u;
    for (int i = 0; i < 16; i++)
        h = (h ^ key[i]) * 16777619u;
    struct address_count **slot = &server->addresses[h % ADDRESS_BUCKETS];
    while (*slot && memcmp((*slot)->key, key, 16) != 0)
        slot = &(*slot)->next;
    return slot;
}

/* Whether a connection from sa is counted against the cap: not a trusted proxy's, since
 * behind a proxy every client comes from its address (the proxy caps its clients itself). */
static bool address_capped(const struct server *server, const struct sockaddr *sa)
{
    if (!server->per_address)
        return false;
    char text[64];
    address_text(sa, text, sizeof text);
    return !proxies_contains(&server->trusted, text);
}

/* Before a connection is taken on: refused (closed at once) when its address has its share. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)addrlen;
    struct server *server = cls;
    unsigned char key[16];
    if (!address_capped(server, addr) || !address_key(addr, key))
        return MHD_YES;
    pthread_mutex_lock(&server->addresses_mutex);
    struct address_count *c = *address_slot(server, key);
    bool full = c && c->count >= server->per_address;
    pthread_mutex_unlock(&server->addresses_mutex);
    return full ? MHD_NO : MHD_YES;
}

/* Keeps every open connection in the watchdog's list, and counts the connections open per
 * address (the count is what on_accept looks at). libmicrohttpd tells of the close before it
 * closes the socket, so the watchdog never touches a descriptor that was given to another. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *server = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        struct link *l = xcalloc(1, sizeof *l);
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
        l->fd = fd ? fd->connect_fd : -1;
        link_phase(l, LINK_HEAD);
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (info && info->client_addr && address_capped(server, info->client_addr) &&
            address_key(info->client_addr, l->key)) {
            pthread_mutex_lock(&server->addresses_mutex);
            struct address_count **slot = address_slot(server, l->key);
            if (!*slot) {
                *slot = xcalloc(1, sizeof **slot);
                memcpy((*slot)->key, l->key, 16);
            }
            (*slot)->count++;
            pthread_mutex_unlock(&server->addresses_mutex);
            l->counted = true;
        }
        pthread_mutex_lock(&server->links_mutex);
        l->next = server->links;
        if (l->next)
            l->next->prev = l;
        server->links = l;
        pthread_mutex_unlock(&server->links_mutex);
        *socket_context = l;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        struct link *l = *socket_context;
        pthread_mutex_lock(&server->links_mutex);
        if (l->prev)
            l->prev->next = l->next;
        else
            server->links = l->next;
        if (l->next)
            l->next->prev = l->prev;
        pthread_mutex_unlock(&server->links_mutex);
        if (l->counted) {
            pthread_mutex_lock(&server->addresses_mutex);
            struct address_count **slot = address_slot(server, l->key);
            if (*slot && --(*slot)->count == 0) {
                struct address_count *gone = *slot;
                *slot = gone->next;
                free(gone);
            }
            pthread_mutex_unlock(&server->addresses_mutex);
        }
        free(l);
        *socket_context = NULL;
    }
}

/* Whether l is past its deadline: a head not in within head_ms, or a body that advanced less
 * than FRONT_BODY_MIN_RATE over the last window. */
static bool link_overdue(struct server *server, struct link *l, long long now)
{
    int phase = atomic_load(&l->phase);
    long long since = atomic_load(&l->since_ms);
    if (phase == LINK_HEAD)
        return now - since > server->head_ms;
    if (phase != LINK_BODY)
        return false;
    long long bytes = atomic_load(&l->body_bytes);
    if (l->window_of != since) { /* a new body: its first window begins with it */
        l->window_of = since;
        l->window_ms = since;
        l->window_bytes = 0;
    }
    if (now - l->window_ms < server->window_ms)
        return false;
    if ((bytes - l->window_bytes) * 1000 < FRONT_BODY_MIN_RATE * (now - l->window_ms))
        return true;
    l->window_ms = now;
    l->window_bytes = bytes;
    return false;
}

/* Looks at every connection a few times a second and shuts down the overdue ones' sockets:
 * libmicrohttpd then sees the end of the stream on its own thread and closes them as it
 * closes any connection the client left. libmicrohttpd's own timeout cannot do this: it is
 * one of no progress, and a byte now and then is progress. */
static void *watchdog_main(void *arg)
{
    struct server *server = arg;
    pthread_mutex_lock(&server->watchdog_mutex);
    while (!server->watchdog_stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += 250 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&server->watchdog_wake, &server->watchdog_mutex, &until);
        if (server->watchdog_stopping)
            break;
        long long now = now_ms();
        pthread_mutex_lock(&server->links_mutex);
        for (struct link *l = server->links; l; l = l->next) {
            if (l->fd < 0 || !link_overdue(server, l, now))
                continue;
            atomic_fetch_add(atomic_load(&l->phase) == LINK_HEAD ? &server->dropped_heads
                                                                 : &server->dropped_bodies,
                             1);
            shutdown(l->fd, SHUT_RDWR);
            atomic_store(&l->phase, (int)LINK_BUSY); /* once */
        }
        pthread_mutex_unlock(&server->links_mutex);
    }
    pthread_mutex_unlock(&server->watchdog_mutex);
    return NULL;
}

static bool watchdog_start(struct server *server)
{
    pthread_mutex_init(&server->links_mutex, NULL);
    pthread_mutex_init(&server->watchdog_mutex, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&server->watchdog_wake, &attr);
    pthread_condattr_destroy(&attr);
    server->watchdog_running = pthread_create(&server->watchdog, NULL, watchdog_main, server) == 0;
    return server->watchdog_running;
}

static void watchdog_stop(struct server *server)
{
    if (!server->watchdog_running)
        return;
    pthread_mutex_lock(&server->watchdog_mutex);
    server->watchdog_stopping = true;
    pthread_cond_signal(&server->watchdog_wake);
    pthread_mutex_unlock(&server->watchdog_mutex);
    pthread_join(server->watchdog, NULL);
    server->watchdog_running = false;
}

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
    (void)code;
    struct server *server = cls;
    struct pending *p = *con_cls;
    if (p) {
        if (p->req) {
            request_free(p->req);
            free(p->req);
        }
        free(p->target);
        buf_free(&p->body);
        atomic_fetch_sub(&server->body_bytes, p->reserved);
        free(p);
        *con_cls = NULL;
        atomic_fetch_sub(&server->in_flight, 1);
    }
    link_phase(link_of(conn), LINK_HEAD);
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
    if (info && info->client_addr)
        address_text(info->client_addr, out, size);
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

/* Takes n more bytes of body into memory, if all connections' bodies together stay within
 * FRONT_BODY_MEMORY. */
static bool body_reserve(struct server *server, struct pending *p, size_t n)
{
    size_t before = atomic_fetch_add(&server->body_bytes, n);
    if (before + n > FRONT_BODY_MEMORY) {
        atomic_fetch_sub(&server->body_bytes, n);
        return false;
    }
    p->reserved += n;
    return true;
}

/* A body that will not be used (too large, or no room for it): what was kept of it goes, and
 * the rest is read and dropped until the refusal can be answered. */
static void body_drop(struct server *server, struct pending *p)
{
    buf_free(&p->body);
    atomic_fetch_sub(&server->body_bytes, p->reserved);
    p->reserved = 0;
}

/* The request context from what came in; marks what the front itself refuses. */
static struct request *build_request(struct server *server, struct MHD_Connection *conn,
                                     struct pending *p, const char *method, const char *version)
{
    struct request *req = xmalloc(sizeof *req);
    request_init(req);
    req->method_name = method;
    req->target = p->target;
    req->body = p->body.data;
    req->body_len = p->body.len;
    req->body_too_large = p->too_large;
    if (p->no_room && !p->too_large) {
        req->refusal_status = 503;
        req->refusal_message = busy_message;
    }
    char peer[64];
    client_address(conn, peer, sizeof peer);
    struct header_walk walk = {req, 0, 0};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, on_header, &walk);
    struct front_peer fp = {
        .address = peer,
        .https = false,
        .needs_host = strcmp(version, MHD_HTTP_VERSION_1_1) == 0, /* RFC 9112, 3.2 */
        .header_count = walk.count,
        .header_bytes = walk.bytes,
    };
    front_prepare(req, server->app, &server->trusted, &fp);
    return req;
}

/* Runs the dispatcher; a refusal for being busy tells when to try again. */
static void handle(struct server *server, struct request *req)
{
    server->app->handle(req);
    if (req->refusal_message == busy_message)
        response_set_header(req, "Retry-After", "2");
}

/* Into the writer lane's queue, the connection suspended until the lane answers; false when
 * the queue is full (or the server stops), for an answer at once. */
static bool lane_enter(struct server *server, struct MHD_Connection *conn, struct pending *p)
{
    struct lane *lane = &server->lane;
    pthread_mutex_lock(&lane->mutex);
    bool room = lane->threads > 0 && !lane->stopping && lane->queued < lane->capacity;
    if (room) {
        /* Suspended before anyone can take it from the queue and resume it. */
        MHD_suspend_connection(conn);
        p->conn = conn;
        p->queued_at = now_seconds();
        p->next = NULL;
        if (lane->tail)
            lane->tail->next = p;
        else
            lane->head = p;
        lane->tail = p;
        lane->queued++;
        pthread_cond_signal(&lane->wake);
    }
    pthread_mutex_unlock(&lane->mutex);
    return room;
}

static void *lane_main(void *arg)
{
    struct server *server = arg;
    struct lane *lane = &server->lane;
    for (;;) {
        pthread_mutex_lock(&lane->mutex);
        while (!lane->head && !lane->stopping)
            pthread_cond_wait(&lane->wake, &lane->mutex);
        struct pending *p = lane->head;
        if (p) {
            lane->head = p->next;
            if (!lane->head)
                lane->tail = NULL;
            lane->queued--;
        }
        pthread_mutex_unlock(&lane->mutex);
        if (!p)
            return NULL; /* stopping, and the queue is empty */
        struct request *req = p->req;
        req->db = front_thread_db(server->app); /* this thread's own connection */
        if (now_seconds() - p->queued_at > FRONT_WRITE_WAIT_MS / 1000.0) {
            req->refusal_status = 503; /* waited its share in the queue: nothing was done */
            req->refusal_message = busy_message;
        } else if (!req->db) {
            req->refusal_status = 503;
            req->refusal_message = "De database is even niet bereikbaar. Probeer het over een "
                                   "ogenblik opnieuw.";
        }
        handle(server, req);
        front_after_request(req->body_len);
        p->handled = true;
        MHD_resume_connection(p->conn); /* libmicrohttpd calls on_request again to send it */
    }
}

static bool lane_start(struct server *server, int threads)
{
    struct lane *lane = &server->lane;
    pthread_mutex_init(&lane->mutex, NULL);
    pthread_cond_init(&lane->wake, NULL);
    lane->capacity = FRONT_LANE_QUEUE * threads;
    lane->ids = xcalloc((size_t)threads, sizeof *lane->ids);
    for (; lane->threads < threads; lane->threads++)
        if (pthread_create(&lane->ids[lane->threads], NULL, lane_main, server) != 0)
            break;
    return lane->threads > 0;
}

/* Lets the lane finish its queue, then joins its threads. */
static void lane_stop(struct server *server)
{
    struct lane *lane = &server->lane;
    pthread_mutex_lock(&lane->mutex);
    lane->stopping = true;
    pthread_cond_broadcast(&lane->wake);
    pthread_mutex_unlock(&lane->mutex);
    for (int i = 0; i < lane->threads; i++)
        pthread_join(lane->ids[i], NULL);
    free(lane->ids);
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
    if (p->handled) { /* back from the writer lane */
        enum MHD_Result ret = send_response(server, conn, p->req);
        request_free(p->req);
        free(p->req);
        p->req = NULL;
        return ret;
    }
    if (!p->started) {
        p->started = true;
        /* The first call has only the head. Answering now is an early answer, after which
         * libmicrohttpd closes the connection: so wait for the next call (which comes at once
         * when there is no body), except for a body too large to read at all, or one that
         * would not fit beside the bodies held now. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        unsigned long long length = cl ? strtoull(cl, NULL, 10) : 0;
        bool chunked = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding");
        link_phase(link_of(conn), length > 0 || chunked ? LINK_BODY : LINK_BUSY);
        if (length > LIMIT_BODY)
            p->too_large = true;
        else if (length > 0 &&
                 atomic_load(&server->body_bytes) + length > FRONT_BODY_MEMORY)
            p->no_room = true;
        else {
            if (length > 0)
                buf_grow(&p->body, (size_t)length); /* one allocation, paged in as it fills */
            return MHD_YES;
        }
    } else if (*upload_size) {
        struct link *l = link_of(conn);
        if (l)
            atomic_fetch_add(&l->body_bytes, (long long)*upload_size);
        if (p->too_large || p->no_room) {
            /* read and dropped */
        } else if (p->body.len + *upload_size > LIMIT_BODY) {
            p->too_large = true;
            body_drop(server, p);
        } else if (!body_reserve(server, p, *upload_size)) {
            p->no_room = true;
            body_drop(server, p);
        } else {
            buf_append(&p->body, upload_data, *upload_size);
        }
        *upload_size = 0;
        return MHD_YES;
    }

    link_phase(link_of(conn), LINK_BUSY); /* the whole request is in */
    struct request *req = build_request(server, conn, p, method, version);
    p->req = req;
    bool writes = strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
    if (writes && !req->refusal_status) {
        if (lane_enter(server, conn, p))
            return MHD_YES;
        req->refusal_status = 503;
        req->refusal_message = busy_message;
    }
    handle(server, req);
    enum MHD_Result ret = send_response(server, conn, req);
    request_free(req);
    free(req);
    p->req = NULL;
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
    server->per_address = app->config.connections_per_address;
    /* Bodies of megabytes each get their own mapping and give it back when freed: with glibc's
     * sliding threshold they would come from the heap after the first, and a burst of uploads
     * would leave the process that large for good. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    front_limit_memory(threads);
    pthread_mutex_init(&server->addresses_mutex, NULL);
    front_block_signals();
    /* The head must be in within FRONT_HEAD_SECONDS, and a body must keep its pace over
     * windows as long; neither longer than the timeout of no progress. */
    long long limit_ms =
        1000LL * (app->config.connection_timeout > 0 ? app->config.connection_timeout
                                                     : FRONT_CONNECTION_TIMEOUT);
    server->head_ms =
        1000LL * FRONT_HEAD_SECONDS < limit_ms ? 1000LL * FRONT_HEAD_SECONDS : limit_ms;
    server->window_ms = server->head_ms;
    if (!watchdog_start(server)) {
        fprintf(stderr, "buurtsamen: cannot start the watchdog thread\n");
        free(server);
        return 1;
    }
    /* As many writer threads as readers; each may wait for the write lock (the lane's queue
     * and FRONT_WRITE_WAIT_MS bound them), and one more for the chores of the process. */
    if (!lane_start(server, threads)) {
        fprintf(stderr, "buurtsamen: cannot start the writer threads\n");
        watchdog_stop(server);
        free(server);
        return 1;
    }
    front_writer_lane(threads + 1);
    /* ITC: so that a stop can quiesce (stop accepting) while the threads finish, and so that
     * a connection back from the writer lane is picked up at once. */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* The memory per connection holds the head, the read buffer (a body passes through it
     * in pieces; it is not the body's memory) and the answer's head. Twice LIMIT_HEADERS, so
     * that a head past our limit still comes in whole for our own 431 (libmicrohttpd's bare
     * one only for gross abuse); no larger, since libmicrohttpd zeroes it for every request
     * and every open connection holds it (80 KiB each took 4 MiB under 56 connections).
     * Above 32 KiB libmicrohttpd maps it rather than taking it from the heap, so it goes
     * back to the system whole when the connection closes.
     * The timeout is one of no progress: a client that sends nothing (of its head or body)
     * for that long, or leaves a kept-alive connection idle, is dropped. */
    unsigned timeout = app->config.connection_timeout > 0 ? (unsigned)app->config.connection_timeout
                                                          : FRONT_CONNECTION_TIMEOUT;
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, on_accept, server, on_request, server, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
        NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)threads, MHD_OPTION_URI_LOG_CALLBACK, on_uri, server, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, server, MHD_OPTION_NOTIFY_CONNECTION, on_connection, server,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(2 * LIMIT_HEADERS + 8 * 1024),
        MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)FRONT_CONNECTIONS, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)SOMAXCONN,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "buurtsamen: cannot listen on %s (in use, or no permission)\n", listen);
        lane_stop(server);
        watchdog_stop(server);
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
    /* The lane's last answers were sent during the drain; nothing is suspended after this. */
    lane_stop(server);
    /* Joins every thread of the pool; their database connections close as they end. */
    MHD_stop_daemon(d);
    watchdog_stop(server);
    unsigned long long heads = atomic_load(&server->dropped_heads),
                       bodies = atomic_load(&server->dropped_bodies);
    if (heads || bodies)
        log_info("slow clients dropped: %llu without a whole head in time, %llu with a body "
                 "too slow",
                 heads, bodies);
    front_checkpoint(app);
    free(server);
    log_info("buurtsamen stopped");
    return 0;
}
