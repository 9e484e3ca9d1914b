/* The response cache: whole answers kept in memory by key and data generation, as cgit does,
 * shared by every thread of the server and bounded in bytes. */
#ifndef BS_CACHE_H
#define BS_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct request;
struct http_cache;

/* A cache of at most max_bytes (entries, keys, headers and bodies counted), whose entries are
 * served for at most ttl_seconds. max_bytes 0: a cache that stores nothing. */
struct http_cache *http_cache_new(size_t max_bytes, int ttl_seconds);
void http_cache_free(struct http_cache *cache);

/* The generation to key entries by. `seen` is the caller's memory of the database version it
 * saw last (one per database connection, starting at HTTP_CACHE_UNSEEN); when `version`
 * differs from it, the data changed: the generation moves on and every entry of older
 * generations is dropped. Read the version before the snapshot that renders a page begins,
 * so a page is never stored under a generation newer than its data. */
#define HTTP_CACHE_UNSEEN INT64_MIN
uint64_t http_cache_generation(struct http_cache *cache, int64_t *seen, int64_t version);

/* Answers req from the cache when it holds key at this generation and younger than the ttl:
 * status 200, the stored headers and a copy of the body. False (req untouched) otherwise. */
bool http_cache_answer(struct http_cache *cache, const char *key, uint64_t generation, time_t now,
                       struct request *req);

/* Single flight for a miss. When many clients ask for the same page that is not in the cache
 * (after a data change, say), one renders it and the others wait for its answer rather than
 * all rendering at once. */
enum http_cache_lookup {
    HTTP_CACHE_HIT,  /* req answered from the cache, as by http_cache_answer */
    HTTP_CACHE_FILL, /* the caller renders the page for everyone: it calls http_cache_store
                      * (when the answer may be kept) and then http_cache_fill_done */
    HTTP_CACHE_MISS, /* render without being waited for: the one filling took longer than
                      * wait_ms, or its answer could not be kept */
};
/* How long a request waits for another's rendering of the same page before it renders itself:
 * a page takes milliseconds from an indexed query; one still not done after this is stuck. */
enum { HTTP_CACHE_FILL_WAIT_MS = 2000 };
/* Answers req from the cache; on a miss, becomes the one that fills key at this generation,
 * or, when another already does, waits for its answer at most wait_ms. */
enum http_cache_lookup http_cache_answer_or_fill(struct http_cache *cache, const char *key,
                                                 uint64_t generation, time_t now,
                                                 struct request *req, int wait_ms);
/* After HTTP_CACHE_FILL, once the answer is stored (or will not be): wakes those waiting. */
void http_cache_fill_done(struct http_cache *cache, const char *key, uint64_t generation);

/* Keeps req's answer under key when it may be shared: status 200, a body in memory, no
 * Set-Cookie, no CSRF token handed out (a form), not marked no-store or private, and small
 * enough. The generation must be the one current when the page began; a store for an older one
 * is refused. Evicts entries not used recently (clock) to stay within the bound. True when
 * stored. */
bool http_cache_store(struct http_cache *cache, const char *key, uint64_t generation, time_t now,
                      const struct request *req);

struct http_cache_stats {
    size_t bytes, entries, max_bytes;
    uint64_t hits, misses, stores, evictions, generation;
};
void http_cache_stats(struct http_cache *cache, struct http_cache_stats *out);

#endif
