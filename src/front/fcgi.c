/* FastCGI front on libfcgi: several threads accept on one socket, each with its own request
 * and database connection, and turn FastCGI parameters into the same request context. */
#include "app.h"
#include "front/front.h"
#include "http/request.h"
#include "util/log.h"
#include "util/text.h"

#include <fcgiapp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct worker {
    const struct app *app;
    int socket;
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

static void fill_request(struct request *req, FCGX_Request *fr)
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
    snprintf(req->client_addr, sizeof req->client_addr, "%s", addr ? addr : "unknown");
    const char *https = FCGX_GetParam("HTTPS", fr->envp);
    req->https = https && (ascii_ieq(https, "on") || strcmp(https, "1") == 0);

    int count = 0;
    for (char **e = fr->envp; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        const char *name = NULL;
        size_t len = 0;
        if (strncmp(*e, "HTTP_", 5) == 0) {
            name = *e + 5;
            len = (size_t)(eq - name);
        } else if (strncmp(*e, "CONTENT_TYPE=", 13) == 0 ||
                   strncmp(*e, "CONTENT_LENGTH=", 15) == 0) {
            name = *e;
            len = (size_t)(eq - name);
        }
        if (!name || ++count > LIMIT_HEADER_COUNT)
            continue;
        fields_add(&req->arena, &req->headers, header_name(&req->arena, name, len),
                   arena_strdup(&req->arena, eq + 1), strlen(eq + 1));
    }

    const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
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
    struct worker *w = arg;
    FCGX_Request fr;
    if (FCGX_InitRequest(&fr, w->socket, 0) != 0) {
        log_error("fcgi: cannot initialise a request");
        return NULL;
    }
    while (FCGX_Accept_r(&fr) >= 0) {
        struct request req;
        request_init(&req);
        req.app = w->app;
        fill_request(&req, &fr);
        req.db = front_thread_db(w->app);
        if (!req.db) {
            req.resp.status = 503;
            buf_puts(&req.resp.body, "De database is niet bereikbaar.\n");
        } else {
            w->app->handle(&req);
        }
        send_response(&req, &fr);
        FCGX_Finish_r(&fr);
        request_free(&req);
    }
    return NULL;
}

int front_fcgi_run(const struct app *app, const char *socket_spec, int threads)
{
    if (FCGX_Init() != 0) {
        fprintf(stderr, "buurtsamen: cannot initialise FastCGI\n");
        return 1;
    }
    int sock = 0; /* the listening socket a web server or spawn-fcgi hands over on stdin */
    if (socket_spec) {
        if (socket_spec[0] == '/')
            unlink(socket_spec);
        sock = FCGX_OpenSocket(socket_spec, 128);
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
    }
    threads = front_thread_count(threads);
    front_block_signals();
    struct worker w = {app, sock};
    pthread_t *ids = xcalloc((size_t)threads, sizeof *ids);
    for (int i = 0; i < threads; i++)
        if (pthread_create(&ids[i], NULL, worker_main, &w) != 0) {
            fprintf(stderr, "buurtsamen: cannot start worker threads\n");
            return 1;
        }
    log_info("buurtsamen serving FastCGI on %s (database %s, %d threads)",
             socket_spec ? socket_spec : "standard input", app->config.db_path, threads);
    int sig = front_wait_signal(app);
    log_info("buurtsamen stopping (signal %d)", sig);
    FCGX_ShutdownPending();
    if (socket_spec && socket_spec[0] == '/')
        unlink(socket_spec);
    free(ids);
    return 0;
}
