/* Household import and address normalisation. */
#include "domain/households.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/printfiles.h"
#include "util/alloc.h"
#include "util/text.h"

#include <csv.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool postcode_normalize(const char *in, char out[8])
{
    char compact[8];
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (n >= 6)
            return false;
        compact[n++] = *p;
    }
    if (n != 6)
        return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)compact[i]))
            return false;
    if (compact[0] == '0')
        return false;
    for (int i = 4; i < 6; i++) {
        if (!isalpha((unsigned char)compact[i]))
            return false;
        compact[i] = (char)toupper((unsigned char)compact[i]);
    }
    snprintf(out, 8, "%.4s %.2s", compact, compact + 4);
    return true;
}

bool house_number_normalize(const char *number, const char *addition, int64_t *out_number,
                            char out_addition[11])
{
    const char *p = number;
    while (*p == ' ')
        p++;
    int64_t n = 0;
    int digits = 0;
    while (isdigit((unsigned char)*p)) {
        n = n * 10 + (*p - '0');
        if (++digits > 5)
            return false;
        p++;
    }
    if (digits == 0 || n < 1)
        return false;
    /* "12a" or "12-II" in the number column: the rest is the addition. */
    char rest[64];
    snprintf(rest, sizeof rest, "%s%s", p, addition ? addition : "");
    size_t k = 0;
    for (const char *q = rest; *q; q++) {
        if (*q == ' ' || *q == '-' || *q == '\t')
            continue;
        if (!isalnum((unsigned char)*q) || k >= 10)
            return false;
        out_addition[k++] = (char)toupper((unsigned char)*q);
    }
    out_addition[k] = '\0';
    *out_number = n;
    return true;
}

void house_number_format(int64_t number, const char *addition, char out[24])
{
    if (!addition || !*addition)
        snprintf(out, 24, "%lld", (long long)number);
    else if (strlen(addition) == 1 && isalpha((unsigned char)addition[0]))
        snprintf(out, 24, "%lld%c", (long long)number, tolower((unsigned char)addition[0]));
    else
        snprintf(out, 24, "%lld-%s", (long long)number, addition);
}

enum { COL_POSTCODE, COL_NUMBER, COL_ADDITION, COL_STREET, COL_CITY, COL_AREA, NCOLS };
static const char *const column_names[NCOLS] = {"postcode", "huisnummer", "toevoeging",
                                                "straat",   "woonplaats", "wijk"};

struct row {
    char postcode[8];
    int64_t number;
    char addition[11];
    char *street, *city;
    int64_t area_id;
    long line;
};

struct parse {
    struct db *db;
    struct import_report *report;
    int map[NCOLS];     /* CSV column index of each of our columns */
    int ncolumns;       /* in the header */
    char *fields[32];
    int nfields;
    long record;        /* 1 is the header */
    bool header_ok;
    struct row *rows;
    size_t nrows, cap;
};

static void add_error(struct import_report *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_error(struct import_report *r, long line, const char *fmt, ...)
{
    r->total_errors++;
    if (r->nerrors >= IMPORT_MAX_ERRORS)
        return;
    r->errors = xrealloc(r->errors, (r->nerrors + 1) * sizeof *r->errors);
    struct import_error *e = &r->errors[r->nerrors++];
    e->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

static void on_field(void *s, size_t len, void *data)
{
    struct parse *p = data;
    if (p->nfields < (int)(sizeof p->fields / sizeof p->fields[0])) {
        /* Trim surrounding spaces; keep the text otherwise as it is. */
        const char *t = s ? s : "";
        while (len && (*t == ' ' || *t == '\t'))
            t++, len--;
        while (len && (t[len - 1] == ' ' || t[len - 1] == '\t' || t[len - 1] == '\r'))
            len--;
        p->fields[p->nfields] = xstrndup(t, len > 200 ? 201 : len);
    }
    p->nfields++;
}

static int64_t find_area(struct db *db, const char *name)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id FROM areas WHERE slug = lower(?1) "
                                     "OR lower(name) = lower(?1) ORDER BY slug = lower(?1) DESC");
    if (!s)
        return 0;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return id;
}

static void on_row(int c, void *data)
{
    (void)c;
    struct parse *p = data;
    struct import_report *r = p->report;
    p->record++;
    long line = p->record;
    int n = p->nfields < 32 ? p->nfields : 32;
    bool blank = true;
    for (int i = 0; i < n; i++)
        if (p->fields[i][0])
            blank = false;
    if (blank) {
        /* Empty lines are allowed and skipped. */
    } else if (line == 1) {
        for (int k = 0; k < NCOLS; k++)
            p->map[k] = -1;
        for (int i = 0; i < n; i++) {
            char *name = p->fields[i];
            if (i == 0 && (unsigned char)name[0] == 0xEF && (unsigned char)name[1] == 0xBB &&
                (unsigned char)name[2] == 0xBF)
                name += 3; /* a byte-order mark from Excel */
            for (int k = 0; k < NCOLS; k++)
                if (ascii_ieq(name, column_names[k]))
                    p->map[k] = i;
        }
        p->header_ok = true;
        for (int k = 0; k < NCOLS; k++)
            if (p->map[k] < 0) {
                add_error(r, line, "kolom '%s' ontbreekt in de kopregel", column_names[k]);
                p->header_ok = false;
            }
        p->ncolumns = n;
    } else if (p->header_ok) {
        r->rows++;
        const char *v[NCOLS];
        for (int k = 0; k < NCOLS; k++)
            v[k] = p->map[k] < n ? p->fields[p->map[k]] : "";
        struct row row = {.line = line};
        bool ok = true;
        for (int k = 0; k < NCOLS; k++) {
            if (strlen(v[k]) > 200 || text_check(v[k], strlen(v[k]), false) != TEXT_OK) {
                add_error(r, line, "kolom '%s' is te lang of geen geldige tekst", column_names[k]);
                ok = false;
            }
        }
        if (ok && !postcode_normalize(v[COL_POSTCODE], row.postcode)) {
            add_error(r, line, "postcode '%.20s' is geen geldige postcode (zoals 7607 AB)",
                      v[COL_POSTCODE]);
            ok = false;
        }
        if (ok && !house_number_normalize(v[COL_NUMBER], v[COL_ADDITION], &row.number,
                                          row.addition)) {
            add_error(r, line, "huisnummer '%.20s' met toevoeging '%.20s' is ongeldig",
                      v[COL_NUMBER], v[COL_ADDITION]);
            ok = false;
        }
        if (ok && (!*v[COL_STREET] || !*v[COL_CITY])) {
            add_error(r, line, "straat en woonplaats zijn verplicht");
            ok = false;
        }
        if (ok && !(row.area_id = find_area(p->db, v[COL_AREA]))) {
            add_error(r, line, "wijk '%.60s' is onbekend", v[COL_AREA]);
            ok = false;
        }
        if (ok) {
            if (p->nrows >= IMPORT_MAX_ROWS) {
                add_error(r, line, "het bestand heeft meer dan %d adressen", IMPORT_MAX_ROWS);
            } else {
                row.street = xstrdup(v[COL_STREET]);
                row.city = xstrdup(v[COL_CITY]);
                if (p->nrows == p->cap) {
                    p->cap = p->cap ? p->cap * 2 : 1024;
                    p->rows = xrealloc(p->rows, p->cap * sizeof *p->rows);
                }
                p->rows[p->nrows++] = row;
            }
        }
    }
    for (int i = 0; i < n; i++)
        free(p->fields[i]);
    p->nfields = 0;
}

static int compare_rows(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    int c = strcmp(x->postcode, y->postcode);
    if (c)
        return c;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    c = strcmp(x->addition, y->addition);
    if (c)
        return c;
    return x->line < y->line ? -1 : 1;
}

static void list_change(struct import_changes *c, const char *postcode, int64_t number,
                        const char *addition, const char *street, const char *city,
                        const char *from, const char *to)
{
    if (c->n >= IMPORT_MAX_LISTED)
        return;
    c->list = xrealloc(c->list, (c->n + 1) * sizeof *c->list);
    struct import_change *e = &c->list[c->n++];
    char hn[24];
    house_number_format(number, addition, hn);
    snprintf(e->address, sizeof e->address, "%.80s %s, %s %.80s", street, hn, postcode, city);
    snprintf(e->from, sizeof e->from, "%s", from ? from : "");
    snprintf(e->to, sizeof e->to, "%s", to ? to : "");
}

/* An area's name and its wijk or dorp (itself, or a buurt's parent); false if unknown. */
static bool area_of(struct db *db, int64_t id, char name[84], int64_t *top)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT name, coalesce(parent_id, id) FROM areas WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        snprintf(name, 84, "%s", (const char *)sqlite3_column_text(s, 0));
        *top = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    return found;
}

static int compare_key(const char *postcode, int64_t number, const char *addition,
                       const struct row *r)
{
    int c = strcmp(postcode, r->postcode);
    if (c)
        return c;
    if (number != r->number)
        return number < r->number ? -1 : 1;
    return strcmp(addition, r->addition);
}

/* The register's addresses that the file (sorted) lacks: one walk of both in the same order
 * (the database's binary collation is strcmp's). */
static bool find_missing(struct db *db, struct parse *p)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT h.postcode, h.house_number, h.addition, h.street, h.city, a.name "
            "FROM households h JOIN areas a ON a.id = h.area_id "
            "ORDER BY h.postcode, h.house_number, h.addition");
    if (!s)
        return false;
    size_t i = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *postcode = (const char *)sqlite3_column_text(s, 0);
        int64_t number = sqlite3_column_int64(s, 1);
        const char *addition = (const char *)sqlite3_column_text(s, 2);
        int c = -1;
        while (i < p->nrows && (c = compare_key(postcode, number, addition, &p->rows[i])) > 0)
            i++;
        if (i < p->nrows && c == 0)
            continue;
        p->report->missing++;
        list_change(&p->report->missing_list, postcode, number, addition,
                    (const char *)sqlite3_column_text(s, 3),
                    (const char *)sqlite3_column_text(s, 4),
                    (const char *)sqlite3_column_text(s, 5), NULL);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE;
}

static bool write_rows(struct db *db, struct parse *p)
{
    sqlite3_stmt *get = db_prepare(db, "SELECT id, street, city, area_id FROM households "
                                       "WHERE postcode = ? AND house_number = ? AND addition = ?");
    sqlite3_stmt *ins = db_prepare(db, "INSERT INTO households(postcode, house_number, addition, "
                                       "street, city, area_id) VALUES (?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *upd = db_prepare(db, "UPDATE households SET street = ?, city = ?, area_id = ? "
                                       "WHERE id = ?");
    if (!get || !ins || !upd)
        return false;
    for (size_t i = 0; i < p->nrows; i++) {
        struct row *r = &p->rows[i];
        sqlite3_bind_text(get, 1, r->postcode, -1, SQLITE_STATIC);
        sqlite3_bind_int64(get, 2, r->number);
        sqlite3_bind_text(get, 3, r->addition, -1, SQLITE_STATIC);
        if (sqlite3_step(get) == SQLITE_ROW) {
            int64_t id = sqlite3_column_int64(get, 0), was_area = sqlite3_column_int64(get, 3);
            bool same = strcmp((const char *)sqlite3_column_text(get, 1), r->street) == 0 &&
                        strcmp((const char *)sqlite3_column_text(get, 2), r->city) == 0 &&
                        was_area == r->area_id;
            sqlite3_reset(get);
            if (same) {
                p->report->unchanged++;
                continue;
            }
            char from[84], to[84];
            int64_t from_top = 0, to_top = 0;
            if (was_area != r->area_id &&
                (!area_of(db, was_area, from, &from_top) || !area_of(db, r->area_id, to, &to_top)))
                return false;
            if (from_top != to_top) {
                p->report->moved++;
                list_change(&p->report->moved_list, r->postcode, r->number, r->addition,
                            r->street, r->city, from, to);
            }
            sqlite3_bind_text(upd, 1, r->street, -1, SQLITE_STATIC);
            sqlite3_bind_text(upd, 2, r->city, -1, SQLITE_STATIC);
            sqlite3_bind_int64(upd, 3, r->area_id);
            sqlite3_bind_int64(upd, 4, id);
            int rc = sqlite3_step(upd);
            sqlite3_reset(upd);
            if (rc != SQLITE_DONE)
                return false;
            p->report->updated++;
            continue;
        }
        sqlite3_reset(get);
        sqlite3_bind_text(ins, 1, r->postcode, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 2, r->number);
        sqlite3_bind_text(ins, 3, r->addition, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, r->street, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, r->city, -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, r->area_id);
        int rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc != SQLITE_DONE)
            return false;
        p->report->added++;
        if (p->report->added_list.n < IMPORT_MAX_LISTED) {
            char to[84];
            int64_t top;
            if (!area_of(db, r->area_id, to, &top))
                return false;
            list_change(&p->report->added_list, r->postcode, r->number, r->addition, r->street,
                        r->city, NULL, to);
        }
    }
    return find_missing(db, p);
}

static int compare_errors(const void *a, const void *b)
{
    const struct import_error *x = a, *y = b;
    return (x->line > y->line) - (x->line < y->line);
}

static bool import_or_preview(struct db *db, const char *data, size_t len,
                              struct import_report *report, bool keep);
static void import_changes_free(struct import_report *report);

bool households_import(struct db *db, const char *data, size_t len, struct import_report *report)
{
    return import_or_preview(db, data, len, report, true);
}

bool households_preview(struct db *db, const char *data, size_t len, struct import_report *report)
{
    return import_or_preview(db, data, len, report, false);
}

static bool import_or_preview(struct db *db, const char *data, size_t len,
                              struct import_report *report, bool keep)
{
    memset(report, 0, sizeof *report);
    if (len > IMPORT_MAX_BYTES) {
        add_error(report, 0, "het bestand is groter dan %d MiB", IMPORT_MAX_BYTES >> 20);
        return false;
    }
    /* The separator is whichever of ';' and ',' the header line has more of. */
    size_t semi = 0, comma = 0;
    for (size_t i = 0; i < len && data[i] != '\n'; i++)
        semi += data[i] == ';', comma += data[i] == ',';
    struct csv_parser parser;
    if (csv_init(&parser, CSV_APPEND_NULL) != 0) {
        add_error(report, 0, "de CSV-lezer kon niet starten");
        return false;
    }
    csv_set_delim(&parser, semi >= comma ? ';' : ',');
    struct parse p = {.db = db, .report = report};
    bool ok = csv_parse(&parser, data, len, on_field, on_row, &p) == len &&
              csv_fini(&parser, on_field, on_row, &p) == 0;
    csv_free(&parser);
    if (!ok)
        add_error(report, p.record + 1, "het bestand is geen geldige CSV (%s)",
                  csv_strerror(csv_error(&parser)));
    for (int i = 0; i < p.nfields && i < 32; i++)
        free(p.fields[i]);
    if (p.record == 0)
        add_error(report, 1, "het bestand is leeg");
    /* Duplicates within the file, reported with both lines. */
    if (p.nrows)
        qsort(p.rows, p.nrows, sizeof *p.rows, compare_rows);
    for (size_t i = 1; i < p.nrows; i++) {
        struct row *a = &p.rows[i - 1], *b = &p.rows[i];
        if (!strcmp(a->postcode, b->postcode) && a->number == b->number &&
            !strcmp(a->addition, b->addition)) {
            char hn[24];
            house_number_format(b->number, b->addition, hn);
            add_error(report, b->line, "adres %s %s staat ook op regel %ld", b->postcode, hn,
                      a->line);
        }
    }
    bool written = false;
    if (report->total_errors == 0) {
        if (db_begin(db)) {
            written = write_rows(db, &p);
            if (written && !keep) {
                db_rollback(db); /* a preview: the counts are what an import would do */
            } else {
                written = written && db_commit(db);
            }
            if (!written) {
                db_rollback(db);
                add_error(report, 0, "de database weigerde de adressen; er is niets ingelezen");
            }
        } else {
            add_error(report, 0, "de database is bezet; probeer het opnieuw");
        }
    }
    if (!written) {
        report->added = report->updated = report->unchanged = 0;
        report->moved = report->missing = 0;
        import_changes_free(report);
    }
    for (size_t i = 0; i < p.nrows; i++) {
        free(p.rows[i].street);
        free(p.rows[i].city);
    }
    free(p.rows);
    if (report->nerrors)
        qsort(report->errors, report->nerrors, sizeof *report->errors, compare_errors);
    return written;
}

static void import_changes_free(struct import_report *report)
{
    struct import_changes *lists[] = {&report->added_list, &report->moved_list,
                                      &report->missing_list};
    for (size_t i = 0; i < 3; i++) {
        free(lists[i]->list);
        *lists[i] = (struct import_changes){0};
    }
}

void import_report_free(struct import_report *report)
{
    import_changes_free(report);
    free(report->errors);
    report->errors = NULL;
    report->nerrors = 0;
}

int64_t households_count(struct db *db)
{
    int64_t n = -1;
    return db_get_int(db, "SELECT count(*) FROM households", &n) ? n : -1;
}

enum households_result households_import_upload(struct db *db, int64_t upload_id,
                                                const char *actor, time_t now,
                                                struct import_report *report)
{
    memset(report, 0, sizeof *report);
    if (!db_begin(db)) {
        add_error(report, 0, "de database is bezet; probeer het opnieuw");
        return HOUSEHOLDS_DB;
    }
    size_t len = 0;
    char *data = upload_take(db, upload_id, &len);
    if (!data) {
        db_rollback(db);
        return HOUSEHOLDS_NO_UPLOAD;
    }
    /* The import's own transaction nests in this one: the rows, the upload's removal and the
     * audit row land together or not at all. */
    bool written = households_import(db, data, len, report);
    free(data);
    if (!written) {
        db_rollback(db);
        return HOUSEHOLDS_REFUSED; /* the report says why */
    }
    char summary[80];
    snprintf(summary, sizeof summary, "%ld nieuw, %ld gewijzigd (%ld naar een andere wijk)",
             report->added, report->updated, report->moved);
    if (!upload_delete(db, upload_id) ||
        !audit_add(db, now, actor, "households-import", "", "", summary, "") || !db_commit(db)) {
        db_rollback(db);
        report->added = report->updated = report->unchanged = 0;
        report->moved = report->missing = 0;
        import_changes_free(report);
        add_error(report, 0, "de database weigerde de adressen; er is niets ingelezen");
        return HOUSEHOLDS_DB;
    }
    return HOUSEHOLDS_IMPORTED;
}
