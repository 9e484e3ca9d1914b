/* The response cache: a hash table of whole answers with clock eviction under one
 * reader-writer lock. A hit takes the lock shared, copies the answer out and marks the entry
 * used; stores, evictions and a new generation take it exclusively. */
#include "http/cache.h"
#include "http/request.h"
#include "util/alloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct cached_header {
    const char *name, *value;
    size_t value_len;
};

/* One mapping of its own: this struct, the header array, then the key, header strings and
 * body. Whole pages from mmap rather than malloc, so that an evicted answer's memory goes back
 * to the system at once: with malloc, answers of every size stored and evicted by many threads
 * left the heap holding twice the bound. */
struct entry {
    struct entry *bucket_next;
    struct entry *prev, *next; /* the clock ring */
    uint64_t hash, generation;
    time_t stored_at;
    atomic_bool used; /* the clock's reference bit, set by hits under the shared lock */
    size_t size;      /* bytes counted against the bound: the whole mapping */
    const char *key;
    const char *body;
    size_t body_len, nheaders;
    struct cached_header headers[];
};

/* A page being rendered on a miss, which others asking for the same key wait for. */
struct fill {
    struct fill *next;
    uint64_t hash, generation;
    char *key;
};

struct http_cache {
    pthread_rwlock_t lock;
    size_t max_bytes, max_entry, bytes, entries;
    int ttl;
    struct entry **buckets;
    size_t nbuckets;    /* a power of two */
    struct entry *hand; /* the clock's hand: the next candidate for eviction */
    _Atomic uint64_t generation;
    _Atomic uint64_t hits, misses, stores, evictions;
    /* The pages being filled, apart from the entries: only misses take this lock. */
    pthread_mutex_t fills_lock;
    pthread_cond_t filled; /* broadcast whenever a fill ends */
    struct fill *fills;
};

/* FNV-1a: keys are paths of our own site, not chosen to collide with a secret seed. */
static uint64_t key_hash(const char *key)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    return h;
}

struct http_cache *http_cache_new(size_t max_bytes, int ttl_seconds)
{
    struct http_cache *c = xcalloc(1, sizeof *c);
    pthread_rwlock_init(&c->lock, NULL);
    pthread_mutex_init(&c->fills_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->filled, &attr);
    pthread_condattr_destroy(&attr);
    c->max_bytes = max_bytes;
    /* One answer may take an eighth of the room, so a few large ones cannot empty it. */
    c->max_entry = max_bytes / 8;
    c->ttl = ttl_seconds;
    c->nbuckets = 64;
    while (c->nbuckets < max_bytes / 4096 && c->nbuckets < (1u << 20))
        c->nbuckets *= 2;
    c->buckets = xcalloc(c->nbuckets, sizeof *c->buckets);
    atomic_init(&c->generation, 1);
    return c;
}

/* Takes e out of its bucket and the ring and frees it; the exclusive lock is held. */
static void entry_remove(struct http_cache *c, struct entry *e)
{
    struct entry **p = &c->buckets[e->hash & (c->nbuckets - 1)];
    while (*p != e)
        p = &(*p)->bucket_next;
    *p = e->bucket_next;
    if (e->next == e) {
        c->hand = NULL;
    } else {
        e->prev->next = e->next;
        e->next->prev = e->prev;
        if (c->hand == e)
            c->hand = e->next;
    }
    c->bytes -= e->size;
    c->entries--;
    munmap(e, e->size);
}

static void remove_all(struct http_cache *c)
{
    while (c->hand)
        entry_remove(c, c->hand);
}

void http_cache_free(struct http_cache *cache)
{
    if (!cache)
        return;
    remove_all(cache);
    free(cache->buckets);
    while (cache->fills) {
        struct fill *f = cache->fills;
        cache->fills = f->next;
        free(f->key);
        free(f);
    }
    pthread_cond_destroy(&cache->filled);
    pthread_mutex_destroy(&cache->fills_lock);
    pthread_rwlock_destroy(&cache->lock);
    free(cache);
}

uint64_t http_cache_generation(struct http_cache *cache, int64_t *seen, int64_t version)
{
    if (*seen != version) {
        *seen = version;
        pthread_rwlock_wrlock(&cache->lock);
        atomic_fetch_add(&cache->generation, 1);
        remove_all(cache);
        pthread_rwlock_unlock(&cache->lock);
    }
    return atomic_load(&cache->generation);
}

static struct entry *find(const struct http_cache *c, const char *key, uint64_t hash)
{
    for (struct entry *e = c->buckets[hash & (c->nbuckets - 1)]; e; e = e->bucket_next)
        if (e->hash == hash && strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

/* http_cache_answer without counting the hit or miss. */
static bool answer_from(struct http_cache *cache, const char *key, uint64_t hash,
                        uint64_t generation, time_t now, struct request *req)
{
    pthread_rwlock_rdlock(&cache->lock);
    struct entry *e = find(cache, key, hash);
    bool hit =
        e && e->generation == generation && now - e->stored_at < cache->ttl && now >= e->stored_at;
    if (hit) {
        atomic_store_explicit(&e->used, true, memory_order_relaxed);
        req->resp.status = 200;
        /* Copies: the entry may be evicted once the lock is released, before the front has
         * sent the answer. */
        for (size_t i = 0; i < e->nheaders; i++)
            fields_add(&req->arena, &req->resp.headers,
                       arena_strdup(&req->arena, e->headers[i].name),
                       arena_strndup(&req->arena, e->headers[i].value, e->headers[i].value_len),
                       e->headers[i].value_len);
        buf_reset(&req->resp.body);
        buf_append(&req->resp.body, e->body, e->body_len);
    }
    pthread_rwlock_unlock(&cache->lock);
    return hit;
}

static bool counted(struct http_cache *cache, bool hit)
{
    atomic_fetch_add_explicit(hit ? &cache->hits : &cache->misses, 1, memory_order_relaxed);
    return hit;
}

/* The outcome of a single-flight look-up, counted as a hit or a miss. */
static enum http_cache_lookup counted_lookup(struct http_cache *cache, enum http_cache_lookup l)
{
    counted(cache, l == HTTP_CACHE_HIT);
    return l;
}

bool http_cache_answer(struct http_cache *cache, const char *key, uint64_t generation, time_t now,
                       struct request *req)
{
    return counted(cache, answer_from(cache, key, key_hash(key), generation, now, req));
}

static struct fill **fill_slot(struct http_cache *c, const char *key, uint64_t hash,
                               uint64_t generation)
{
    struct fill **f = &c->fills;
    while (*f &&
           !((*f)->hash == hash && (*f)->generation == generation && strcmp((*f)->key, key) == 0))
        f = &(*f)->next;
    return f;
}

enum http_cache_lookup http_cache_answer_or_fill(struct http_cache *cache, const char *key,
                                                 uint64_t generation, time_t now,
                                                 struct request *req, int wait_ms)
{
    uint64_t hash = key_hash(key);
    if (answer_from(cache, key, hash, generation, now, req))
        return counted_lookup(cache, HTTP_CACHE_HIT);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += wait_ms / 1000;
    until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&cache->fills_lock);
    if (!*fill_slot(cache, key, hash, generation)) {
        /* Stored between the look-up and here: answered after all. */
        pthread_mutex_unlock(&cache->fills_lock);
        if (answer_from(cache, key, hash, generation, now, req))
            return counted_lookup(cache, HTTP_CACHE_HIT);
        pthread_mutex_lock(&cache->fills_lock);
        if (!*fill_slot(cache, key, hash, generation)) {
            struct fill *f = xcalloc(1, sizeof *f);
            f->hash = hash;
            f->generation = generation;
            f->key = xstrdup(key);
            f->next = cache->fills;
            cache->fills = f;
            pthread_mutex_unlock(&cache->fills_lock);
            return counted_lookup(cache, HTTP_CACHE_FILL);
        }
    }
    /* Another renders it: wait for its end, or give up at the deadline. */
    bool ended = false;
    for (;;) {
        if (!*fill_slot(cache, key, hash, generation)) {
            ended = true;
            break;
        }
        if (pthread_cond_timedwait(&cache->filled, &cache->fills_lock, &until) == ETIMEDOUT) {
            ended = !*fill_slot(cache, key, hash, generation);
            break;
        }
    }
    pthread_mutex_unlock(&cache->fills_lock);
    if (ended && answer_from(cache, key, hash, generation, now, req))
        return counted_lookup(cache, HTTP_CACHE_HIT);
    return counted_lookup(cache, HTTP_CACHE_MISS);
}

void http_cache_fill_done(struct http_cache *cache, const char *key, uint64_t generation)
{
    pthread_mutex_lock(&cache->fills_lock);
    struct fill **slot = fill_slot(cache, key, key_hash(key), generation);
    struct fill *f = *slot;
    if (f) {
        *slot = f->next;
        free(f->key);
        free(f);
    }
    pthread_cond_broadcast(&cache->filled);
    pthread_mutex_unlock(&cache->fills_lock);
}

/* True when the answer is the same for every client and may be kept. */
static bool shareable(const struct request *req)
{
    if (req->resp.status != 200 || req->resp.file_fd > 0)
        return false;
    /* A page that handed out a CSRF token holds a form of this client's; staff pages know
     * who asks. */
    if (req->csrf_token || req->set_csrf_cookie || req->user)
        return false;
    if (response_get_header(req, "Set-Cookie"))
        return false;
    const char *cc = response_get_header(req, "Cache-Control");
    if (cc && (strstr(cc, "no-store") || strstr(cc, "private")))
        return false;
    return true;
}

/* Makes room for need more bytes: entries used since the hand last passed get another round,
 * the others go. The exclusive lock is held. */
static void evict_for(struct http_cache *c, size_t need)
{
    while (c->hand && c->bytes + need > c->max_bytes) {
        struct entry *e = c->hand;
        if (atomic_exchange_explicit(&e->used, false, memory_order_relaxed)) {
            c->hand = e->next;
            continue;
        }
        entry_remove(c, e);
        atomic_fetch_add_explicit(&c->evictions, 1, memory_order_relaxed);
    }
}

bool http_cache_store(struct http_cache *cache, const char *key, uint64_t generation, time_t now,
                      const struct request *req)
{
    if (!shareable(req))
        return false;
    const char *body = req->resp.static_body ? req->resp.static_body : req->resp.body.data;
    size_t body_len = req->resp.static_body ? req->resp.static_len : req->resp.body.len;
    const struct fields *h = &req->resp.headers;
    size_t key_len = strlen(key) + 1;
    size_t size =
        sizeof(struct entry) + h->count * sizeof(struct cached_header) + key_len + body_len;
    for (size_t i = 0; i < h->count; i++)
        size += strlen(h->items[i].name) + 1 + h->items[i].value_len + 1;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size = (size + page - 1) / page * page;
    if (size > cache->max_entry)
        return false;

    /* Fresh anonymous pages are zero-filled: the reference bit and links start cleared. */
    struct entry *e = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (e == MAP_FAILED)
        return false;
    e->hash = key_hash(key);
    e->generation = generation;
    e->stored_at = now;
    e->size = size;
    e->nheaders = h->count;
    char *p = (char *)&e->headers[h->count];
    memcpy(p, key, key_len);
    e->key = p;
    p += key_len;
    for (size_t i = 0; i < h->count; i++) {
        size_t n = strlen(h->items[i].name) + 1;
        memcpy(p, h->items[i].name, n);
        e->headers[i].name = p;
        p += n;
        memcpy(p, h->items[i].value, h->items[i].value_len);
        p[h->items[i].value_len] = '\0';
        e->headers[i].value = p;
        e->headers[i].value_len = h->items[i].value_len;
        p += h->items[i].value_len + 1;
    }
    if (body_len)
        memcpy(p, body, body_len);
    e->body = p;
    e->body_len = body_len;

    pthread_rwlock_wrlock(&cache->lock);
    /* A page begun before the data changed holds the old data: not kept. */
    if (generation != atomic_load(&cache->generation)) {
        pthread_rwlock_unlock(&cache->lock);
        munmap(e, size);
        return false;
    }
    struct entry *old = find(cache, key, e->hash);
    if (old)
        entry_remove(cache, old);
    evict_for(cache, size);
    struct entry **bucket = &cache->buckets[e->hash & (cache->nbuckets - 1)];
    e->bucket_next = *bucket;
    *bucket = e;
    /* Into the ring just behind the hand: the last the hand reaches. */
    if (!cache->hand) {
        e->prev = e->next = e;
        cache->hand = e;
    } else {
        e->next = cache->hand;
        e->prev = cache->hand->prev;
        e->prev->next = e;
        cache->hand->prev = e;
    }
    cache->bytes += size;
    cache->entries++;
    pthread_rwlock_unlock(&cache->lock);
    atomic_fetch_add_explicit(&cache->stores, 1, memory_order_relaxed);
    return true;
}

void http_cache_stats(struct http_cache *cache, struct http_cache_stats *out)
{
    pthread_rwlock_rdlock(&cache->lock);
    out->bytes = cache->bytes;
    out->entries = cache->entries;
    out->max_bytes = cache->max_bytes;
    pthread_rwlock_unlock(&cache->lock);
    out->hits = atomic_load(&cache->hits);
    out->misses = atomic_load(&cache->misses);
    out->stores = atomic_load(&cache->stores);
    out->evictions = atomic_load(&cache->evictions);
    out->generation = atomic_load(&cache->generation);
}
