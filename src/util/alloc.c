/* Allocation helpers and the per-request arena. */
#include "util/alloc.h"

#include <jansson.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define REQUEST_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) /* clang */
#define REQUEST_ARENA_ASAN 1
#endif
#endif
#if defined(REQUEST_ARENA_ASAN)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(addr, size)   ((void)(addr), (void)(size))
#define ASAN_UNPOISON_MEMORY_REGION(addr, size) ((void)(addr), (void)(size))
#define REQUEST_ARENA_ASAN                      0
#endif

static void out_of_memory(size_t size)
{
    fprintf(stderr, "buurtsamen: out of memory (%zu bytes)\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

/* ---- jansson's memory while a request is answered ----
 *
 * A page builds hundreds of small jansson values per list and frees them all at its end;
 * through malloc that was about a third of a staff page's CPU. While a thread answers a
 * request its jansson values come from the thread's slot of one reserved region instead:
 * taking memory moves a pointer, giving it back does nothing, and the end of the request
 * makes the whole slot free again for the next request of the thread. Because the slots lie
 * in one region, whether a pointer is arena memory is two comparisons, from any thread.
 *
 * Nothing made in a request may outlive it: what a cache keeps is made between
 * alloc_heap_begin and alloc_heap_end. Under AddressSanitizer a slot is poisoned when it is
 * taken, each allocation when jansson gives it back (its size is kept in a header in the
 * poisoned gap before it) and the rest when the request ends; and a request goes on where the
 * thread's last one ended, starting over only once half the slot is used, so that a value of
 * one request read during the next is reported too. */
enum {
    SLOT_BYTES = 16 << 20,   /* a request that needs more takes the rest from malloc */
    SLOT_COUNT = 64,         /* threads beyond these use malloc throughout */
    SLOT_RESIDENT = 1 << 20, /* kept in memory after a request; the rest goes back */
    SLOT_ALIGN = 16,         /* what malloc gives on x86-64 and arm64 */
    /* Under ASan, poisoned before each allocation: the allocation's size, and a gap that
     * catches an overrun of the allocation before it. */
    SLOT_HEADER = REQUEST_ARENA_ASAN ? 16 : 0,
    SLOT_QUARANTINE = SLOT_BYTES / 2, /* under ASan, a request that begins past this wraps */
};

static _Atomic(char *) region; /* SLOT_COUNT * SLOT_BYTES, reserved once */
static pthread_once_t region_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static bool slot_taken[SLOT_COUNT];
static pthread_key_t slot_key;

struct request_arena {
    char *base;   /* this thread's slot; NULL until its first request (or none to be had) */
    size_t start; /* where this request began in the slot (0 but under ASan) */
    size_t used;  /* where the next allocation goes in the slot */
    size_t peak;  /* the most of the slot any request of this thread reached: may be resident */
    int depth;    /* alloc_request_begin calls not yet ended: only the outermost pair counts */
    int heap;     /* alloc_heap_begin calls not yet ended */
    bool running; /* the outermost request took the arena */
    bool active;  /* jansson allocates here: running and no heap section open */
    bool no_slot; /* the region or a slot could not be had, or was given back: malloc it is */
};
static _Thread_local struct request_arena arena_here;

static void *json_alloc(size_t size);
static void json_release(void *p);

static void slot_give_back(void *p)
{
    /* The thread ends: its slot's pages go back and it may serve another thread. */
    char *base = p;
    struct request_arena *a = &arena_here;
    /* A destructor that runs after this one and begins a request uses malloc: the slot may
     * be another thread's by then. */
    if (a->base == base) {
        a->base = NULL;
        a->running = a->active = false;
        a->no_slot = true;
    }
    madvise(base, SLOT_BYTES, MADV_DONTNEED);
    ASAN_POISON_MEMORY_REGION(base, SLOT_BYTES);
    pthread_mutex_lock(&slots_lock);
    slot_taken[(size_t)(base - atomic_load(&region)) / SLOT_BYTES] = false;
    pthread_mutex_unlock(&slots_lock);
}

static void region_reserve(void)
{
    /* Address space only: a page costs memory when a request first writes it. */
    void *p = mmap(NULL, (size_t)SLOT_COUNT * SLOT_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return;
    if (pthread_key_create(&slot_key, slot_give_back) != 0) {
        munmap(p, (size_t)SLOT_COUNT * SLOT_BYTES);
        return;
    }
    atomic_store(&region, (char *)p);
}

static bool slot_take(struct request_arena *a)
{
    pthread_once(&region_once, region_reserve);
    char *r = atomic_load(&region);
    if (!r)
        return false;
    pthread_mutex_lock(&slots_lock);
    size_t i = 0;
    while (i < SLOT_COUNT && slot_taken[i])
        i++;
    if (i < SLOT_COUNT)
        slot_taken[i] = true;
    pthread_mutex_unlock(&slots_lock);
    if (i == SLOT_COUNT)
        return false;
    char *base = r + i * (size_t)SLOT_BYTES;
    if (pthread_setspecific(slot_key, base) != 0) {
        /* Without the key the slot would not go back when the thread ends. */
        pthread_mutex_lock(&slots_lock);
        slot_taken[i] = false;
        pthread_mutex_unlock(&slots_lock);
        return false;
    }
    ASAN_POISON_MEMORY_REGION(base, SLOT_BYTES);
    a->base = base;
    a->start = a->used = a->peak = 0;
    return true;
}

void alloc_request_begin(void)
{
    struct request_arena *a = &arena_here;
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    if (a->depth++ > 0)
        return;
    json_get_alloc_funcs(&m, &f);
    if (m != json_alloc) /* alloc_init was not called: jansson is not ours */
        return;
    if (!a->base && (a->no_slot || !slot_take(a))) {
        a->no_slot = true;
        return;
    }
    if (!REQUEST_ARENA_ASAN || a->used > SLOT_QUARANTINE)
        a->used = 0;
    a->start = a->used;
    a->running = true;
    a->active = a->heap == 0;
}

void alloc_request_end(void)
{
    struct request_arena *a = &arena_here;
    if (a->depth == 0 || --a->depth > 0 || !a->running)
        return;
    a->running = a->active = false;
    ASAN_POISON_MEMORY_REGION(a->base + a->start, a->used - a->start);
    if (a->used > a->peak)
        a->peak = a->used;
    /* A request that needed much gives the pages beyond the resident part back. */
    if (a->peak > SLOT_RESIDENT) {
        madvise(a->base + SLOT_RESIDENT, a->peak - SLOT_RESIDENT, MADV_DONTNEED);
        a->peak = SLOT_RESIDENT;
    }
    if (!REQUEST_ARENA_ASAN)
        a->used = 0;
}

void alloc_heap_begin(void)
{
    struct request_arena *a = &arena_here;
    a->heap++;
    a->active = false;
}

void alloc_heap_end(void)
{
    /* Whether the arena is used again follows from the state: a request that ended inside the
     * section stays ended, one that began inside it starts now. */
    struct request_arena *a = &arena_here;
    if (a->heap > 0)
        a->heap--;
    a->active = a->running && a->heap == 0;
}

bool alloc_in_request_arena(const void *p)
{
    const char *r = atomic_load_explicit(&region, memory_order_acquire);
    return r && (const char *)p >= r && (const char *)p < r + (size_t)SLOT_COUNT * SLOT_BYTES;
}

static void *json_alloc(size_t size)
{
    struct request_arena *a = &arena_here;
    if (a->active && size < SLOT_BYTES) {
        size_t need = SLOT_HEADER + (size + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN;
        if (need && need <= SLOT_BYTES - a->used) {
            char *p = a->base + a->used + SLOT_HEADER;
            a->used += need;
#if REQUEST_ARENA_ASAN
            ASAN_UNPOISON_MEMORY_REGION(p - SLOT_HEADER, sizeof(size_t));
            memcpy(p - SLOT_HEADER, &size, sizeof(size_t));
            ASAN_POISON_MEMORY_REGION(p - SLOT_HEADER, sizeof(size_t));
#endif
            ASAN_UNPOISON_MEMORY_REGION(p, size);
            return p;
        }
    }
    return xmalloc(size);
}

static void json_release(void *p)
{
    if (!alloc_in_request_arena(p)) {
        free(p);
        return;
    }
#if REQUEST_ARENA_ASAN
    /* Giving back does nothing, but what is given back is poisoned at once. A value whose
     * header is not poisoned, or that is poisoned itself, is no live allocation (given back
     * twice, or its request is over): its bytes may be another's now, so leave them. */
    char *h = (char *)p - SLOT_HEADER;
    if (!__asan_address_is_poisoned(h) || __asan_address_is_poisoned(p))
        return;
    size_t size;
    ASAN_UNPOISON_MEMORY_REGION(h, sizeof(size_t));
    memcpy(&size, h, sizeof(size_t));
    ASAN_POISON_MEMORY_REGION(h, sizeof(size_t));
    ASAN_POISON_MEMORY_REGION(p, (size + SLOT_ALIGN - 1) / SLOT_ALIGN * SLOT_ALIGN);
#endif
}

void alloc_init(void)
{
    json_set_alloc_funcs(json_alloc, json_release);
}

char *xstrndup(const char *s, size_t len)
{
    char *p = xmalloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
};

enum { ARENA_BLOCK = 16 * 1024 };

void *arena_alloc(struct arena *arena, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    struct arena_block *b = arena->head;
    if (!b || b->size - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = xmalloc(sizeof(*b) + cap);
        b->size = cap;
        b->used = 0;
        b->next = arena->head;
        arena->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

char *arena_strndup(struct arena *arena, const char *s, size_t len)
{
    char *p = arena_alloc(arena, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(struct arena *arena, const char *s)
{
    return arena_strndup(arena, s, strlen(s));
}

char *arena_printf(struct arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(arena, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_free(struct arena *arena)
{
    struct arena_block *b = arena->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    arena->head = NULL;
}
