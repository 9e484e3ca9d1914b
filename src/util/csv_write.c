/* CSV writing. */
#include "util/csv_write.h"

#include <string.h>

void csv_write_field(struct buf *out, const char *value, char sep)
{
    bool formula = value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                   value[0] == '\t' || value[0] == '\r';
    bool quote = formula || strchr(value, sep) || strchr(value, '"') || strchr(value, '\n') ||
                 strchr(value, '\r');
    if (!quote) {
        buf_puts(out, value);
        return;
    }
    buf_putc(out, '"');
    if (formula)
        buf_putc(out, '\'');
    for (const char *p = value; *p; p++) {
        if (*p == '"')
            buf_putc(out, '"');
        buf_putc(out, *p);
    }
    buf_putc(out, '"');
}

void csv_write_row(struct buf *out, const char *const *fields, int n, char sep)
{
    for (int i = 0; i < n; i++) {
        if (i)
            buf_putc(out, sep);
        csv_write_field(out, fields[i] ? fields[i] : "", sep);
    }
    buf_puts(out, "\r\n");
}
