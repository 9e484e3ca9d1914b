/* The CSV, XLSX and JSON writer; what it writes is described in export.h. */
#include "domain/export.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/csv_write.h"
#include "util/text.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* XLSX rows are converted here (times to local time and spreadsheet serials, labels, text
 * copied out of the statement's row) and handed in batches to a thread of their own that
 * feeds libxlsxwriter: the SQL and the conversion on one core, libxlsxwriter's number
 * printing on the other. The queue is bounded (XLSX_BATCHES), so is the memory. */
enum xlsx_kind { XLSX_EMPTY, XLSX_NUMBER, XLSX_STRING };

struct xlsx_cell {
    enum xlsx_kind kind;
    lxw_format *format; /* numbers; NULL for none */
    double number;
    size_t text; /* strings: the offset of the NUL-terminated text in the batch's text */
};

enum { XLSX_BATCH_ROWS = 512, XLSX_BATCHES = 4 };

struct xlsx_batch {
    int rows;
    struct xlsx_cell *cells; /* XLSX_BATCH_ROWS rows of ncols cells */
    struct buf text;
};

struct xlsx_pipe {
    struct xlsx_batch batches[XLSX_BATCHES];
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    int head, count; /* the oldest full batch and how many are full, under lock */
    bool closing;    /* no more batches come, under lock */
    int fill;        /* the batch rows go into, the converting side's own */
    bool started;    /* the lock and conditions exist */
    bool threaded;   /* the writing thread runs; else batches are written in place */
    pthread_t thread;
    atomic_bool failed; /* set by the writing side only, with err */
    char err[256];
};

struct export_writer {
    enum export_format format;
    char requested_sep;
    const struct export_column *cols;
    int ncols;
    char sep, decimal;
    FILE *out;
    struct buf line;
    /* XLSX */
    const char *xlsx_path;
    const char *sheet_name;
    lxw_workbook *book;
    lxw_worksheet *sheet;
    lxw_format *bold, *money, *when, *day, *percent;
    lxw_row_t sheet_row; /* the next row to write in the current sheet (the writing side's) */
    int sheets;
    struct xlsx_pipe pipe;
    long rows;
    bool failed;
    char *err;
    size_t err_size;
};

static void writer_fail(struct export_writer *w, const char *what, const char *detail)
{
    if (!w->failed)
        snprintf(w->err, w->err_size, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    w->failed = true;
}

/* Stored UTC text, exactly 'YYYY-MM-DD HH:MM:SS', as local time (the process's TZ). Runs once a
 * row for a million rows: parse_utc reads it without sscanf, and local_tm converts it without
 * localtime_r but for an hour it has not seen before. */
static bool local_time(const char *utc, struct tm *tm)
{
    static const char shape[] = "0000-00-00 00:00:00";
    if (!utc || strlen(utc) != sizeof shape - 1 || memcmp(utc, "1900", 4) < 0)
        return false; /* (a spreadsheet's dates start in 1900) */
    for (size_t i = 0; i < sizeof shape - 1; i++)
        if (shape[i] == '0' ? utc[i] < '0' || utc[i] > '9' : utc[i] != shape[i])
            return false;
    time_t t = parse_utc(utc);
    return t != (time_t)-1 && local_tm(t, tm);
}

/* A failure of the writing side: kept apart from w->err, which the converting side may be
 * writing at the same time, and taken over when the export ends. */
static void xlsx_fail(struct export_writer *w, const char *what, const char *detail)
{
    if (atomic_load(&w->pipe.failed))
        return;
    snprintf(w->pipe.err, sizeof w->pipe.err, "%s%s%s", what, detail ? ": " : "",
             detail ? detail : "");
    atomic_store(&w->pipe.failed, true);
}

static bool xlsx_failed(struct export_writer *w)
{
    return atomic_load_explicit(&w->pipe.failed, memory_order_relaxed);
}

static void sheet_start(struct export_writer *w)
{
    char name[32];
    w->sheets++;
    if (w->sheets == 1)
        snprintf(name, sizeof name, "%s", w->sheet_name);
    else
        snprintf(name, sizeof name, "%s (%d)", w->sheet_name, w->sheets);
    w->sheet = workbook_add_worksheet(w->book, name);
    if (!w->sheet) {
        xlsx_fail(w, "cannot add a worksheet", NULL);
        return;
    }
    for (int c = 0; c < w->ncols; c++) {
        worksheet_set_column(w->sheet, (lxw_col_t)c, (lxw_col_t)c, w->cols[c].width, NULL);
        lxw_error e = worksheet_write_string(w->sheet, 0, (lxw_col_t)c, w->cols[c].header, w->bold);
        if (e != LXW_NO_ERROR)
            xlsx_fail(w, "writing the XLSX header", lxw_strerror(e));
    }
    worksheet_freeze_panes(w->sheet, 1, 0);
    w->sheet_row = 1;
}

static void xlsx_pipe_start(struct export_writer *w);

static bool writer_begin(struct export_writer *w)
{
    w->sep = w->requested_sep == ',' ? ',' : ';';
    w->decimal = w->sep == ',' ? '.' : ',';
    switch (w->format) {
    case EXPORT_CSV:
        buf_puts(&w->line, "\xef\xbb\xbf"); /* BOM: Dutch Excel then reads UTF-8 */
        for (int c = 0; c < w->ncols; c++) {
            if (c)
                buf_putc(&w->line, w->sep);
            csv_write_field(&w->line, w->cols[c].header, w->sep);
        }
        buf_puts(&w->line, "\r\n");
        if (fwrite(w->line.data, 1, w->line.len, w->out) != w->line.len)
            writer_fail(w, "writing failed", NULL);
        buf_reset(&w->line);
        break;
    case EXPORT_JSON:
        if (fputs("[", w->out) == EOF)
            writer_fail(w, "writing failed", NULL);
        break;
    case EXPORT_XLSX: {
        lxw_workbook_options options = {.constant_memory = LXW_TRUE};
        w->book = workbook_new_opt(w->xlsx_path, &options);
        if (!w->book) {
            writer_fail(w, "cannot create the XLSX file", w->xlsx_path);
            break;
        }
        w->bold = workbook_add_format(w->book);
        format_set_bold(w->bold);
        w->money = workbook_add_format(w->book);
        format_set_num_format(w->money, "#,##0.00");
        w->when = workbook_add_format(w->book);
        format_set_num_format(w->when, "yyyy-mm-dd hh:mm");
        w->day = workbook_add_format(w->book);
        format_set_num_format(w->day, "yyyy-mm-dd");
        w->percent = workbook_add_format(w->book);
        format_set_num_format(w->percent, "0.0%");
        sheet_start(w);
        xlsx_pipe_start(w);
        break;
    }
    }
    return !w->failed;
}

/* The decimal digits of v, NUL-terminated, into out (24 bytes); returns the length.
 * By hand, since it runs for most cells of a million rows. */
static size_t put_int(char *out, int64_t v)
{
    char rev[24];
    size_t n = 0, len = 0;
    uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
    do {
        rev[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = rev[--n];
    out[len] = '\0';
    return len;
}

/* "1250,50", "-7,50", "0,05": euros with the decimal mark, no thousands separator. */
static void format_euros(char out[32], int64_t cents, char decimal)
{
    uint64_t v = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    size_t n = 0;
    if (cents < 0)
        out[n++] = '-';
    n += put_int(out + n, (int64_t)(v / 100));
    out[n++] = decimal;
    out[n++] = (char)('0' + v % 100 / 10);
    out[n++] = (char)('0' + v % 10);
    out[n] = '\0';
}

/* "2027-01-15 09:00" */
static void format_minute(char out[20], const struct tm *tm)
{
    int y = tm->tm_year + 1900;
    const int parts[] = {tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min};
    static const char seps[] = "-- :";
    out[0] = (char)('0' + y / 1000 % 10);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    for (int i = 0; i < 4; i++) {
        out[4 + 3 * i] = seps[i];
        out[5 + 3 * i] = (char)('0' + parts[i] / 10 % 10);
        out[6 + 3 * i] = (char)('0' + parts[i] % 10);
    }
    out[16] = '\0';
}

static void csv_cell(struct export_writer *w, const struct export_column *col,
                     const struct export_cell *v)
{
    char text[64];
    const char *s = text;
    struct tm tm;
    text[0] = '\0';
    if (v->null) {
        s = "";
    } else {
        switch (col->type) {
        case EXPORT_TEXT:
        case EXPORT_DATE:
            s = v->text ? v->text : "";
            if (col->label)
                s = col->label(s);
            break;
        case EXPORT_INT:
            put_int(text, v->number);
            break;
        case EXPORT_CENTS:
            format_euros(text, v->number, w->decimal);
            break;
        case EXPORT_PERMILLE:
            snprintf(text, sizeof text, "%" PRId64 "%c%" PRId64, v->number / 10, w->decimal,
                     v->number % 10);
            break;
        case EXPORT_TIME:
            if (local_time(v->text, &tm))
                format_minute(text, &tm);
            else
                s = v->text ? v->text : "";
            break;
        }
    }
    /* A number made here from an integer is never a formula, but csv_write_field would turn
     * a negative one (a release, a return) into text for the spreadsheet; so those go as
     * they are. Everything else, text above all, goes through it. */
    if (s == text && text[0] == '-' && col->type != EXPORT_TEXT && col->type != EXPORT_TIME &&
        col->type != EXPORT_DATE)
        buf_puts(&w->line, text);
    else
        csv_write_field(&w->line, s, w->sep);
}

/* The cell of an XLSX row as libxlsxwriter will be given it; runs on the converting side. */
static struct xlsx_cell xlsx_convert(struct export_writer *w, struct buf *text,
                                     const struct export_column *col, const struct export_cell *v)
{
    struct xlsx_cell cell = {.kind = XLSX_EMPTY};
    const char *s = NULL;
    struct tm tm;
    if (v->null)
        return cell;
    switch (col->type) {
    case EXPORT_TEXT:
        s = v->text ? v->text : "";
        if (col->label)
            s = col->label(s);
        break;
    case EXPORT_INT:
        cell = (struct xlsx_cell){XLSX_NUMBER, NULL, (double)v->number, 0};
        break;
    case EXPORT_CENTS:
        /* Only here does money become a double: a spreadsheet's number, shown to the cent. */
        cell = (struct xlsx_cell){XLSX_NUMBER, w->money, (double)v->number / 100.0, 0};
        break;
    case EXPORT_PERMILLE:
        cell = (struct xlsx_cell){XLSX_NUMBER, w->percent, (double)v->number / 1000.0, 0};
        break;
    case EXPORT_DATE: {
        int y, m, d;
        char end;
        if (v->text && sscanf(v->text, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3) {
            lxw_datetime dt = {.year = y, .month = m, .day = d};
            /* What worksheet_write_datetime writes: the serial, as a number cell. */
            cell = (struct xlsx_cell){XLSX_NUMBER, w->day, lxw_datetime_to_excel_datetime(&dt), 0};
        } else {
            s = v->text;
        }
        break;
    }
    case EXPORT_TIME:
        if (local_time(v->text, &tm)) {
            lxw_datetime dt = {.year = tm.tm_year + 1900,
                               .month = tm.tm_mon + 1,
                               .day = tm.tm_mday,
                               .hour = tm.tm_hour,
                               .min = tm.tm_min,
                               .sec = tm.tm_sec};
            cell = (struct xlsx_cell){XLSX_NUMBER, w->when, lxw_datetime_to_excel_datetime(&dt), 0};
        } else {
            s = v->text;
        }
        break;
    }
    if (s && *s) { /* written with write_string: text, never a formula */
        cell = (struct xlsx_cell){XLSX_STRING, NULL, 0, text->len};
        buf_append(text, s, strlen(s) + 1);
    }
    return cell;
}

/* Writes a batch of rows into the sheet; runs on the writing side. */
static void xlsx_write_batch(struct export_writer *w, const struct xlsx_batch *b)
{
    const struct xlsx_cell *cell = b->cells;
    for (int r = 0; r < b->rows && !xlsx_failed(w); r++) {
        if (w->sheet_row >= LXW_ROW_MAX)
            sheet_start(w);
        for (int c = 0; c < w->ncols && !xlsx_failed(w); c++, cell++) {
            lxw_error e = LXW_NO_ERROR;
            if (cell->kind == XLSX_NUMBER)
                e = worksheet_write_number(w->sheet, w->sheet_row, (lxw_col_t)c, cell->number,
                                           cell->format);
            else if (cell->kind == XLSX_STRING)
                e = worksheet_write_string(w->sheet, w->sheet_row, (lxw_col_t)c,
                                           b->text.data + cell->text, NULL);
            if (e != LXW_NO_ERROR)
                xlsx_fail(w, "writing an XLSX cell", lxw_strerror(e));
        }
        w->sheet_row++;
    }
}

static void *xlsx_writing(void *arg)
{
    struct export_writer *w = arg;
    struct xlsx_pipe *p = &w->pipe;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->count && !p->closing)
            pthread_cond_wait(&p->filled, &p->lock);
        if (!p->count)
            break;
        const struct xlsx_batch *b = &p->batches[p->head];
        pthread_mutex_unlock(&p->lock);
        xlsx_write_batch(w, b);
        pthread_mutex_lock(&p->lock);
        p->head = (p->head + 1) % XLSX_BATCHES;
        p->count--;
        pthread_cond_signal(&p->emptied);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void xlsx_pipe_start(struct export_writer *w)
{
    struct xlsx_pipe *p = &w->pipe;
    for (int i = 0; i < XLSX_BATCHES; i++)
        p->batches[i].cells =
            xcalloc((size_t)XLSX_BATCH_ROWS * (size_t)w->ncols, sizeof *p->batches[i].cells);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->filled, NULL);
    pthread_cond_init(&p->emptied, NULL);
    p->started = true;
    /* Without a thread (none to be had) the batches are written where they fill. */
    p->threaded = !xlsx_failed(w) && pthread_create(&p->thread, NULL, xlsx_writing, w) == 0;
}

/* Hands the filled batch to the writing side and takes the next free one. */
static void xlsx_push(struct export_writer *w)
{
    struct xlsx_pipe *p = &w->pipe;
    if (!p->threaded) {
        xlsx_write_batch(w, &p->batches[p->fill]);
    } else {
        pthread_mutex_lock(&p->lock);
        p->count++;
        pthread_cond_signal(&p->filled);
        while (p->count == XLSX_BATCHES)
            pthread_cond_wait(&p->emptied, &p->lock);
        pthread_mutex_unlock(&p->lock);
        p->fill = (p->fill + 1) % XLSX_BATCHES;
    }
    p->batches[p->fill].rows = 0;
    buf_reset(&p->batches[p->fill].text);
}

static void xlsx_row(struct export_writer *w, const struct export_cell *cells)
{
    struct xlsx_batch *b = &w->pipe.batches[w->pipe.fill];
    struct xlsx_cell *row = b->cells + (size_t)b->rows * (size_t)w->ncols;
    for (int c = 0; c < w->ncols; c++)
        row[c] = xlsx_convert(w, &b->text, &w->cols[c], &cells[c]);
    if (++b->rows == XLSX_BATCH_ROWS)
        xlsx_push(w);
}

/* Writes what is left, ends the writing thread and takes over its failure. */
static void xlsx_pipe_end(struct export_writer *w)
{
    struct xlsx_pipe *p = &w->pipe;
    if (!p->started)
        return;
    if (!w->failed && p->batches[p->fill].rows)
        xlsx_push(w);
    if (p->threaded) {
        pthread_mutex_lock(&p->lock);
        p->closing = true;
        pthread_cond_signal(&p->filled);
        pthread_mutex_unlock(&p->lock);
        pthread_join(p->thread, NULL);
    }
    if (xlsx_failed(w))
        writer_fail(w, p->err, NULL);
    pthread_cond_destroy(&p->emptied);
    pthread_cond_destroy(&p->filled);
    pthread_mutex_destroy(&p->lock);
    for (int i = 0; i < XLSX_BATCHES; i++) {
        free(p->batches[i].cells);
        buf_free(&p->batches[i].text);
    }
    p->started = false;
}

/* The length of the UTF-8 sequence at s (1 to 4), or 0 when it is not one: the rules of
 * jansson's json_string (no overlong forms, no surrogates, nothing beyond U+10FFFF). */
static size_t utf8_sequence(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80)
        return 1;
    if (c < 0xc2 || c > 0xf4)
        return 0;
    n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    v = c & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also the terminating NUL */
            return 0;
        v = v << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
        (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return n;
}

/* A JSON string as jansson writes it compactly (UTF-8 as it is, '/' as it is, control
 * characters escaped); text that is not UTF-8, never expected as input is validated, as "".
 * By hand, since it runs for most cells of a million rows. */
static void json_put_string(struct buf *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0, n; s[i]; i += n) {
        if (!(n = utf8_sequence(s + i))) {
            s = (const unsigned char *)"";
            break;
        }
    }
    buf_putc(b, '"');
    const unsigned char *run = s;
    for (; *s; s++) {
        const char *esc = NULL;
        char seq[8];
        switch (*s) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            if (*s < 0x20) {
                snprintf(seq, sizeof seq, "\\u%04X", (unsigned)*s);
                esc = seq;
            }
        }
        if (esc) {
            buf_append(b, (const char *)run, (size_t)(s - run));
            buf_puts(b, esc);
            run = s + 1;
        }
    }
    buf_append(b, (const char *)run, (size_t)(s - run));
    buf_putc(b, '"');
}

static void json_put_cell(struct buf *b, const struct export_column *col,
                          const struct export_cell *v)
{
    char text[24];
    if (v->null) {
        buf_puts(b, "null");
        return;
    }
    switch (col->type) {
    case EXPORT_TEXT:
    case EXPORT_DATE:
        json_put_string(b, v->text ? v->text : "");
        return;
    case EXPORT_TIME: {
        const char *t = v->text ? v->text : "";
        char iso[21];
        if (strlen(t) == 19 && t[10] == ' ') {
            memcpy(iso, t, 10);
            iso[10] = 'T';
            memcpy(iso + 11, t + 11, 8);
            iso[19] = 'Z';
            iso[20] = '\0';
            t = iso;
        }
        json_put_string(b, t);
        return;
    }
    case EXPORT_INT:
    case EXPORT_CENTS:
    case EXPORT_PERMILLE:
        break;
    }
    buf_append(b, text, put_int(text, v->number));
}

static void writer_row(struct export_writer *w, const struct export_cell *cells)
{
    if (w->failed)
        return;
    switch (w->format) {
    case EXPORT_CSV:
        for (int c = 0; c < w->ncols; c++) {
            if (c)
                buf_putc(&w->line, w->sep);
            csv_cell(w, &w->cols[c], &cells[c]);
        }
        buf_puts(&w->line, "\r\n");
        if (fwrite(w->line.data, 1, w->line.len, w->out) != w->line.len)
            writer_fail(w, "writing failed", NULL);
        buf_reset(&w->line);
        break;
    case EXPORT_JSON:
        /* Written directly rather than built as a jansson object and dumped: the same bytes
         * (see tests/unit/test_export.c) at a third of the cost. One fwrite per row. */
        buf_puts(&w->line, w->rows ? ",\n{" : "\n{");
        for (int c = 0; c < w->ncols; c++) {
            if (c)
                buf_putc(&w->line, ',');
            json_put_string(&w->line, w->cols[c].name);
            buf_putc(&w->line, ':');
            json_put_cell(&w->line, &w->cols[c], &cells[c]);
        }
        buf_putc(&w->line, '}');
        if (fwrite(w->line.data, 1, w->line.len, w->out) != w->line.len)
            writer_fail(w, "writing failed", NULL);
        buf_reset(&w->line);
        break;
    case EXPORT_XLSX:
        if (!xlsx_failed(w))
            xlsx_row(w, cells);
        break;
    }
    w->rows++;
}

static bool writer_end(struct export_writer *w)
{
    switch (w->format) {
    case EXPORT_CSV:
        break;
    case EXPORT_JSON:
        if (!w->failed && fputs("\n]\n", w->out) == EOF)
            writer_fail(w, "writing failed", NULL);
        break;
    case EXPORT_XLSX:
        xlsx_pipe_end(w);
        if (w->book) {
            lxw_error e = workbook_close(w->book); /* frees it, also after a failure */
            w->book = NULL;
            if (e != LXW_NO_ERROR)
                writer_fail(w, "writing the XLSX file failed", lxw_strerror(e));
            if (w->failed)
                unlink(w->xlsx_path);
        }
        break;
    }
    if (w->out && !w->failed && (fflush(w->out) != 0 || ferror(w->out)))
        writer_fail(w, "writing failed", NULL);
    buf_free(&w->line);
    return !w->failed;
}

/* ---- The public face ------------------------------------------------------------------ */

bool export_format_parse(const char *s, enum export_format *out)
{
    static const char *const names[] = {"csv", "xlsx", "json"};
    static const enum export_format formats[] = {EXPORT_CSV, EXPORT_XLSX, EXPORT_JSON};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = formats[i];
            return true;
        }
    }
    return false;
}

const char *export_format_content_type(enum export_format format)
{
    switch (format) {
    case EXPORT_CSV:
        return "text/csv; charset=utf-8";
    case EXPORT_XLSX:
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    case EXPORT_JSON:
        break;
    }
    return "application/json";
}

const char *export_format_extension(enum export_format format)
{
    switch (format) {
    case EXPORT_CSV:
        return "csv";
    case EXPORT_XLSX:
        return "xlsx";
    case EXPORT_JSON:
        break;
    }
    return "json";
}

struct export_writer *export_writer_open(enum export_format format, char sep,
                                         const struct export_column *cols, int ncols,
                                         const char *sheet_name, FILE *out, const char *xlsx_path,
                                         char *err, size_t err_size)
{
    struct export_writer *w = xcalloc(1, sizeof *w);
    *w = (struct export_writer){.format = format,
                                .requested_sep = sep,
                                .cols = cols,
                                .ncols = ncols,
                                .out = format == EXPORT_XLSX ? NULL : out,
                                .xlsx_path = xlsx_path,
                                .sheet_name = sheet_name ? sheet_name : "Export",
                                .err = err,
                                .err_size = err_size};
    if (err_size)
        err[0] = '\0';
    if (format == EXPORT_XLSX ? !xlsx_path || !*xlsx_path : !out)
        writer_fail(w, format == EXPORT_XLSX ? "XLSX is written to a file" : "no output", NULL);
    else if (sep && sep != ';' && sep != ',')
        writer_fail(w, "the CSV separator is ';' or ','", NULL);
    else if (ncols < 1 || ncols > EXPORT_MAX_COLUMNS)
        writer_fail(w, "an export has 1 to 16 columns", NULL);
    else
        writer_begin(w);
    return w;
}

void export_writer_row(struct export_writer *w, const struct export_cell *cells)
{
    writer_row(w, cells);
}

void export_writer_row_object(struct export_writer *w, json_t *row)
{
    struct export_cell cells[EXPORT_MAX_COLUMNS];
    for (int c = 0; c < w->ncols; c++) {
        json_t *v = json_object_get(row, w->cols[c].name);
        cells[c] = (struct export_cell){.null = !v || json_is_null(v),
                                        .number = json_integer_value(v),
                                        .text = json_string_value(v)};
    }
    writer_row(w, cells);
}

void export_writer_fail(struct export_writer *w, const char *what, const char *detail)
{
    writer_fail(w, what, detail);
}

bool export_writer_failed(const struct export_writer *w)
{
    return w->failed || atomic_load_explicit(&w->pipe.failed, memory_order_relaxed);
}

bool export_writer_close(struct export_writer *w)
{
    bool ok = writer_end(w);
    free(w);
    return ok;
}
