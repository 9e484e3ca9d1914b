/* Writing rows for people's spreadsheets and for programs: CSV, XLSX or JSON, streamed row by
 * row in bounded memory, with text cells that a spreadsheet would run as a formula
 * (= + - @) neutralised. Knows columns and cells, nothing of what the rows mean. */
#ifndef BS_EXPORT_H
#define BS_EXPORT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum export_format { EXPORT_CSV, EXPORT_XLSX, EXPORT_JSON };

bool export_format_parse(const char *s, enum export_format *out); /* csv xlsx json */
/* The HTTP Content-Type and the file name extension of a format. */
const char *export_format_content_type(enum export_format format);
const char *export_format_extension(enum export_format format);

enum export_column_type {
    EXPORT_TEXT,
    EXPORT_INT,
    EXPORT_CENTS,    /* int64 cents: euros in CSV and XLSX, cents in JSON */
    EXPORT_PERMILLE, /* per cent with one decimal in CSV, a percentage in XLSX */
    EXPORT_TIME,     /* stored UTC text: local time in CSV and XLSX, RFC 3339 UTC in JSON */
    EXPORT_DATE,     /* a calendar date 'YYYY-MM-DD' as text: a date cell in XLSX */
};

struct export_column {
    const char *header; /* Dutch: CSV and XLSX */
    const char *name;   /* English: JSON, and the field of an object row */
    enum export_column_type type;
    double width;                            /* XLSX, in characters */
    const char *(*label)(const char *value); /* CSV and XLSX show this instead, when set */
};

/* One value of a row; null for SQL NULL or a missing field. Text columns (EXPORT_TEXT and
 * EXPORT_TIME, times as stored UTC 'YYYY-MM-DD HH:MM:SS', and EXPORT_DATE) read text, the
 * others number. */
struct export_cell {
    bool null;
    int64_t number;
    const char *text;
};

enum { EXPORT_MAX_COLUMNS = 16 };

struct export_writer;

/* Starts an export of ncols (at most EXPORT_MAX_COLUMNS) columns: CSV and JSON to `out`,
 * XLSX to the file xlsx_path with libxlsxwriter in constant-memory mode (a sheet holds
 * 1 048 575 rows; more go on a second sheet, "sheet_name (2)", with the same header).
 * sep is the CSV separator, ';' (also for 0) or ','; with ',' amounts take a decimal point,
 * else a comma. Never NULL; a failure (also here) is sticky: rows are then ignored and
 * export_writer_close returns false with a one-line reason in err.
 *
 * CSV: UTF-8 with BOM, the header row, CRLF; amounts in euros without thousands separator;
 * per mille as per cent with one decimal; times as local 'YYYY-MM-DD HH:MM' (the process's
 * TZ); text through csv_write_field. XLSX: real numbers, euros formatted "#,##0.00",
 * date-time cells, text as strings (never a formula); the rows go into the sheet on a
 * thread of the writer's own (the cells are copied: they need live only for the call), and
 * the file is deflated at zlib's fastest level (src/util/zip_level.c). JSON: an array of
 * objects named by the columns' names, amounts in integer cents, times as UTC
 * "YYYY-MM-DDTHH:MM:SSZ". */
struct export_writer *export_writer_open(enum export_format format, char sep,
                                         const struct export_column *cols, int ncols,
                                         const char *sheet_name, FILE *out, const char *xlsx_path,
                                         char *err, size_t err_size);
/* One row: cells[c] for cols[c]. */
void export_writer_row(struct export_writer *w, const struct export_cell *cells);
/* One row from an object: each column's value is the member of the column's name. */
void export_writer_row_object(struct export_writer *w, json_t *row);
/* Marks the export failed (the first reason is kept): what, and a detail when not NULL. */
void export_writer_fail(struct export_writer *w, const char *what, const char *detail);
bool export_writer_failed(const struct export_writer *w);
/* Ends the export (the JSON array, the XLSX file, a flush of `out`, which stays open) and
 * frees the writer; a failed XLSX file is removed. False when anything failed. */
bool export_writer_close(struct export_writer *w);

#endif
