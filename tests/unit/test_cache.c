/* Unit tests for the response cache: what it keeps and replays, its bound, clock eviction, a
 * new data version, the time limit, and many threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/cache.h"
#include "http/request.h"

enum { NOW = 1000000, TTL = 10 };

/* A finished GET answer with this body and the headers a page sets. */
static void answer(struct request *req, const char *body)
{
    request_init(req);
    req->method = M_GET;
    response_header(req, "Content-Type", "text/html; charset=utf-8");
    response_header(req, "Last-Modified", "Tue, 01 Dec 2026 12:00:00 GMT");
    response_header(req, "Cache-Control", "no-cache");
    response_header(req, "ETag", "\"abc-1\"");
    buf_puts(&req->resp.body, body);
}

static bool store(struct http_cache *c, const char *key, uint64_t gen, const char *body)
{
    struct request req;
    answer(&req, body);
    bool kept = http_cache_store(c, key, gen, NOW, &req);
    request_free(&req);
    return kept;
}

/* The body the cache answers key with, or NULL on a miss (into out). */
static const char *lookup(struct http_cache *c, const char *key, uint64_t gen, time_t now,
                          char *out, size_t size)
{
    struct request req;
    request_init(&req);
    bool hit = http_cache_answer(c, key, gen, now, &req);
    if (hit)
        snprintf(out, size, "%.*s", (int)req.resp.body.len,
                 req.resp.body.data ? req.resp.body.data : "");
    request_free(&req);
    return hit ? out : NULL;
}

static uint64_t generation(struct http_cache *c, int64_t *seen, int64_t version)
{
    return http_cache_generation(c, seen, version);
}

static void replays_status_headers_and_body(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(1 << 20, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    uint64_t g = generation(c, &seen, 7);
    assert_true(store(c, "h/", g, "<p>hallo</p>"));

    struct request req;
    request_init(&req);
    req.resp.status = 500; /* whatever was there is replaced */
    assert_true(http_cache_answer(c, "h/", g, NOW + 1, &req));
    assert_int_equal(req.resp.status, 200);
    assert_int_equal(req.resp.body.len, strlen("<p>hallo</p>"));
    assert_memory_equal(req.resp.body.data, "<p>hallo</p>", req.resp.body.len);
    assert_string_equal(response_get_header(&req, "Content-Type"), "text/html; charset=utf-8");
    assert_string_equal(response_get_header(&req, "Last-Modified"),
                        "Tue, 01 Dec 2026 12:00:00 GMT");
    assert_string_equal(response_get_header(&req, "Cache-Control"), "no-cache");
    assert_string_equal(response_get_header(&req, "ETag"), "\"abc-1\"");
    request_free(&req);

    char out[64];
    assert_null(lookup(c, "h/other", g, NOW, out, sizeof out));
    assert_null(lookup(c, "s/", g, NOW, out, sizeof out)); /* the key is exact */
    struct http_cache_stats st;
    http_cache_stats(c, &st);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.misses, 2);
    assert_int_equal(st.entries, 1);
    http_cache_free(c);
}

static void keeps_only_what_may_be_shared(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(1 << 20, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    uint64_t g = generation(c, &seen, 1);
    struct request req;

    answer(&req, "niet gevonden");
    req.resp.status = 404;
    assert_false(http_cache_store(c, "h/a", g, NOW, &req));
    request_free(&req);

    answer(&req, "<form>");
    req.csrf_token = "abcdefghijklmnopqrstuvwxyz012345"; /* the page holds a form */
    assert_false(http_cache_store(c, "h/b", g, NOW, &req));
    request_free(&req);

    answer(&req, "cookie");
    response_header(&req, "Set-Cookie", "x=1");
    assert_false(http_cache_store(c, "h/c", g, NOW, &req));
    request_free(&req);

    answer(&req, "private");
    response_set_header(&req, "Cache-Control", "private, no-store");
    assert_false(http_cache_store(c, "h/d", g, NOW, &req));
    request_free(&req);

    const struct user *someone = (const struct user *)&seen; /* any staff member */
    answer(&req, "staff");
    req.user = someone;
    assert_false(http_cache_store(c, "h/e", g, NOW, &req));
    request_free(&req);

    struct http_cache_stats st;
    http_cache_stats(c, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.bytes, 0);
    http_cache_free(c);

    /* Switched off: nothing is kept. */
    c = http_cache_new(0, TTL);
    g = generation(c, &seen, 2);
    assert_false(store(c, "h/", g, "x"));
    http_cache_free(c);
}

static void bound_is_respected_and_clock_evicts_the_unused(void **state)
{
    (void)state;
    enum { BOUND = 128 * 1024 }; /* entries are whole pages: 4000 bytes take 8 KiB */
    struct http_cache *c = http_cache_new(BOUND, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    uint64_t g = generation(c, &seen, 1);
    char body[4000];
    memset(body, 'x', sizeof body - 1);
    body[sizeof body - 1] = '\0';
    char key[32], out[4096];
    struct http_cache_stats st;

    /* A page larger than an eighth of the bound is not kept. */
    static char big[BOUND / 8 + 1];
    memset(big, 'y', sizeof big - 1);
    assert_false(store(c, "h/big", g, big));

    for (int i = 0; i < 100; i++) {
        snprintf(key, sizeof key, "h/page/%d", i);
        assert_true(store(c, key, g, body));
        http_cache_stats(c, &st);
        assert_true(st.bytes <= BOUND);
        /* Page 0 is asked for all the time: the clock keeps it. */
        assert_non_null(lookup(c, "h/page/0", g, NOW, out, sizeof out));
    }
    http_cache_stats(c, &st);
    assert_true(st.evictions > 0);
    assert_true(st.entries < 100);
    assert_true(st.entries >= 10);
    assert_true(st.bytes > BOUND / 2); /* the room is used, not emptied */
    assert_non_null(lookup(c, "h/page/99", g, NOW, out, sizeof out)); /* the newest stays */
    assert_null(lookup(c, "h/page/1", g, NOW, out, sizeof out));      /* an early one went */
    assert_string_equal(lookup(c, "h/page/0", g, NOW, out, sizeof out), body);

    /* Storing a key again replaces the answer and counts its bytes once. */
    size_t before = st.bytes;
    assert_true(store(c, "h/page/99", g, body));
    http_cache_stats(c, &st);
    assert_int_equal(st.bytes, before);
    http_cache_free(c);
}

static void a_new_version_invalidates(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(1 << 20, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    char out[64];
    uint64_t g1 = generation(c, &seen, 41);
    assert_true(store(c, "h/", g1, "voor"));
    /* The same version: the same generation, the answer stays. */
    assert_int_equal(generation(c, &seen, 41), g1);
    assert_string_equal(lookup(c, "h/", g1, NOW, out, sizeof out), "voor");

    /* A page begun before a donation and finished after it is not kept. */
    uint64_t g2 = generation(c, &seen, 42);
    assert_true(g2 != g1);
    assert_false(store(c, "h/x", g1, "oud"));
    assert_null(lookup(c, "h/", g1, NOW, out, sizeof out));
    assert_null(lookup(c, "h/", g2, NOW, out, sizeof out));
    struct http_cache_stats st;
    http_cache_stats(c, &st);
    assert_int_equal(st.entries, 0); /* the old generation's memory is given back at once */
    assert_true(store(c, "h/", g2, "na"));
    assert_string_equal(lookup(c, "h/", g2, NOW, out, sizeof out), "na");

    /* Another connection's first look moves the generation on too: it may have seen a change
     * the others have not looked for yet. */
    int64_t other = HTTP_CACHE_UNSEEN;
    uint64_t g3 = generation(c, &other, 42);
    assert_true(g3 != g2);
    assert_null(lookup(c, "h/", g3, NOW, out, sizeof out));
    http_cache_free(c);
}

static void answers_expire(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(1 << 20, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    uint64_t g = generation(c, &seen, 1);
    char out[64];
    assert_true(store(c, "h/", g, "nu"));
    assert_non_null(lookup(c, "h/", g, NOW + TTL - 1, out, sizeof out));
    assert_null(lookup(c, "h/", g, NOW + TTL, out, sizeof out));
    assert_null(lookup(c, "h/", g, NOW - 5, out, sizeof out)); /* the clock went back */
    http_cache_free(c);
}

/* Threads storing, answering and changing the version at once: every answer must be a whole
 * one of the right page. Built with -fsanitize=thread this also finds any unlocked access. */
struct worker {
    struct http_cache *cache;
    int id;
    int bad;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    int64_t seen = HTTP_CACHE_UNSEEN;
    char key[32], body[600], out[700];
    for (int i = 0; i < 4000; i++) {
        int version = i / 500; /* every thread sees a few changes */
        uint64_t g = http_cache_generation(w->cache, &seen, version);
        int page = (i * 7 + w->id) % 40;
        snprintf(key, sizeof key, "h/p/%d", page);
        /* A page's body says which page it is, filled to a length that depends on it. */
        int n = snprintf(body, sizeof body, "page %d ", page);
        memset(body + n, 'a' + page % 26, (size_t)(100 + page * 10));
        body[n + 100 + page * 10] = '\0';
        const char *got = lookup(w->cache, key, g, NOW, out, sizeof out);
        if (got && strcmp(got, body) != 0)
            w->bad++;
        if (!got)
            store(w->cache, key, g, body);
    }
    return NULL;
}

static void concurrent_use(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(64 * 1024, TTL); /* small: evictions all along */
    enum { THREADS = 4 };
    pthread_t t[THREADS];
    struct worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){c, i, 0};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
    struct http_cache_stats st;
    http_cache_stats(c, &st);
    assert_true(st.bytes <= 64 * 1024);
    assert_true(st.hits > 0);
    assert_true(st.evictions > 0);
    http_cache_free(c);
}

/* Single flight: 64 clients ask for the same page just after a data change; one renders it,
 * the others wait for its answer. */
struct asker {
    struct http_cache *cache;
    uint64_t generation;
    int wait_ms, render_ms;
    bool store; /* the page rendered may be kept */
    pthread_barrier_t *start;
    atomic_int *renders, *hits, *misses;
    double waited_ms; /* how long this asker took to learn what to do */
};

static double clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *ask(void *arg)
{
    struct asker *a = arg;
    if (a->start)
        pthread_barrier_wait(a->start);
    struct request req;
    request_init(&req);
    double t0 = clock_ms();
    enum http_cache_lookup got =
        http_cache_answer_or_fill(a->cache, "h/", a->generation, NOW, &req, a->wait_ms);
    a->waited_ms = clock_ms() - t0;
    if (got == HTTP_CACHE_HIT) {
        atomic_fetch_add(a->hits, 1);
        assert_int_equal(req.resp.body.len, strlen("<p>de pagina</p>"));
    } else {
        atomic_fetch_add(got == HTTP_CACHE_FILL ? a->renders : a->misses, 1);
        request_free(&req);
        answer(&req, "<p>de pagina</p>");
        usleep((useconds_t)a->render_ms * 1000);
        if (got == HTTP_CACHE_FILL) {
            if (a->store)
                http_cache_store(a->cache, "h/", a->generation, NOW, &req);
            http_cache_fill_done(a->cache, "h/", a->generation);
        }
    }
    request_free(&req);
    return NULL;
}

enum { ASKERS = 64 };

/* Runs ASKERS at once against c; fills in the counts. */
static void ask_together(struct http_cache *c, uint64_t g, int wait_ms, int render_ms, bool store,
                         int *renders, int *hits, int *misses, double *slowest_ms)
{
    pthread_t t[ASKERS];
    struct asker a[ASKERS];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, ASKERS);
    atomic_int r = 0, h = 0, m = 0;
    for (int i = 0; i < ASKERS; i++) {
        a[i] = (struct asker){c, g, wait_ms, render_ms, store, &start, &r, &h, &m, 0};
        pthread_create(&t[i], NULL, ask, &a[i]);
    }
    *slowest_ms = 0;
    for (int i = 0; i < ASKERS; i++) {
        pthread_join(t[i], NULL);
        if (a[i].waited_ms > *slowest_ms)
            *slowest_ms = a[i].waited_ms;
    }
    pthread_barrier_destroy(&start);
    *renders = r, *hits = h, *misses = m;
}

static void a_miss_is_rendered_once_while_the_others_wait(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(1 << 20, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    generation(c, &seen, 1);
    assert_true(store(c, "h/", generation(c, &seen, 1), "<p>oud</p>"));
    uint64_t g = generation(c, &seen, 2); /* the data changed: the page is gone */
    int renders, hits, misses;
    double slowest;
    ask_together(c, g, 5000, 200, true, &renders, &hits, &misses, &slowest);
    assert_int_equal(renders, 1);
    assert_int_equal(misses, 0);
    assert_int_equal(hits, ASKERS - 1);
    assert_true(slowest < 4000); /* woken by the answer, not by the deadline */
    struct http_cache_stats st;
    http_cache_stats(c, &st);
    assert_int_equal(st.stores, 2);
    http_cache_free(c);
}

static void the_wait_is_bounded(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(1 << 20, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    uint64_t g = generation(c, &seen, 1);
    /* Someone began filling and takes far longer than the others will wait. */
    struct request req;
    request_init(&req);
    assert_int_equal(http_cache_answer_or_fill(c, "h/", g, NOW, &req, 100), HTTP_CACHE_FILL);
    request_free(&req);
    int renders, hits, misses;
    double slowest;
    double t0 = clock_ms();
    ask_together(c, g, 100, 0, true, &renders, &hits, &misses, &slowest);
    double took = clock_ms() - t0;
    assert_int_equal(renders, 0);
    assert_int_equal(hits, 0);
    assert_int_equal(misses, ASKERS); /* each renders the page itself */
    assert_true(took >= 100 && took < 3000);
    /* A fill of another generation is not waited for. */
    uint64_t next = generation(c, &seen, 2);
    request_init(&req);
    assert_int_equal(http_cache_answer_or_fill(c, "h/", next, NOW, &req, 5000), HTTP_CACHE_FILL);
    request_free(&req);
    http_cache_fill_done(c, "h/", next);
    http_cache_fill_done(c, "h/", g);
    http_cache_free(c);
}

static void an_answer_that_is_not_kept_wakes_the_waiters(void **state)
{
    (void)state;
    struct http_cache *c = http_cache_new(1 << 20, TTL);
    int64_t seen = HTTP_CACHE_UNSEEN;
    uint64_t g = generation(c, &seen, 1);
    int renders, hits, misses;
    double slowest;
    ask_together(c, g, 5000, 100, false, &renders, &hits, &misses, &slowest);
    assert_int_equal(renders, 1);
    assert_int_equal(hits, 0);
    assert_int_equal(misses, ASKERS - 1);
    assert_true(slowest < 3000); /* they went on as soon as the filler was done */
    http_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replays_status_headers_and_body),
        cmocka_unit_test(keeps_only_what_may_be_shared),
        cmocka_unit_test(bound_is_respected_and_clock_evicts_the_unused),
        cmocka_unit_test(a_new_version_invalidates),
        cmocka_unit_test(answers_expire),
        cmocka_unit_test(concurrent_use),
        cmocka_unit_test(a_miss_is_rendered_once_while_the_others_wait),
        cmocka_unit_test(the_wait_is_bounded),
        cmocka_unit_test(an_answer_that_is_not_kept_wakes_the_waiters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
