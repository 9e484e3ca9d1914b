/* Growable byte buffer (string builder); always NUL-terminated. */
#ifndef BS_BUF_H
#define BS_BUF_H
#include <stddef.h>

struct buf {
    char *data;
    size_t len, cap;
};

void buf_grow(struct buf *b, size_t extra);
void buf_append(struct buf *b, const char *s, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hands the data to the caller (to free) and leaves the buffer empty. */
char *buf_detach(struct buf *b);

#endif
