/* Allocation that never returns NULL: running out of memory aborts the process. */
#ifndef BS_ALLOC_H
#define BS_ALLOC_H
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);
/* Makes the libraries that allow it (jansson) allocate through xmalloc, so that their running
 * out of memory aborts as ours does instead of returning NULL that callers rarely check. Call
 * once, before anything is allocated. */
void alloc_init(void);

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
