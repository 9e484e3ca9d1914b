/* Allocation that never returns NULL: running out of memory aborts the process. */
#ifndef BS_ALLOC_H
#define BS_ALLOC_H
#include <stdbool.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
/* Makes the libraries that allow it (jansson) allocate through xmalloc, so that their running
 * out of memory aborts as ours does instead of returning NULL that callers rarely check, or
 * from the request arena below. Call once, before anything is allocated. */
void alloc_init(void);

/* Between these two, jansson's memory on this thread comes from the thread's request arena:
 * no malloc, no free, and all of it reused by the thread's next request. Every jansson value
 * made in between dies at alloc_request_end, and so does a string jansson returned
 * (json_dumps), which must therefore never reach free(): write with json_dump_callback
 * instead. Under ASan a value is poisoned when jansson gives it back (json_decref) and the
 * rest when the request ends, and stays poisoned through the thread's next requests. Without
 * alloc_init, or without room for one more arena, jansson uses malloc. Pairs nest: only the
 * outermost takes the arena and ends it. */
void alloc_request_begin(void);
void alloc_request_end(void);
/* What must outlive the request (a value a cache keeps) is made between these two; sections
 * nest, and the arena is in use again only when the outermost has ended inside a request
 * that is still running (one that began inside the section takes from the arena from then
 * on). */
void alloc_heap_begin(void);
void alloc_heap_end(void);
/* p lies in some thread's request arena (for asserts: a cache never keeps such a value). */
bool alloc_in_request_arena(const void *p);

/* Arena: many small allocations freed together at the end of a request. */
struct arena_block;
struct arena {
    struct arena_block *head;
};
void *arena_alloc(struct arena *arena, size_t size);
char *arena_strndup(struct arena *arena, const char *s, size_t len);
char *arena_strdup(struct arena *arena, const char *s);
char *arena_printf(struct arena *arena, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *arena);

#endif
