/* Figures per round and per area, and the exports; the rules are in reports.h. */
#include "domain/reports.h"
#include "db/db.h"
#include "db/rows.h"
#include "util/buf.h"
#include "util/csv_write.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

/* ---- The figures ---------------------------------------------------------------------- */

/* clang-format off */
/* The initiatives that received a donation of one of round ?1's vouchers. */
#define TOOK_CTE \
    "took AS MATERIALIZED (SELECT DISTINCT d.initiative_id FROM vouchers v " \
    "  JOIN ledger d ON d.voucher_id = v.id WHERE v.round_id = ?1 AND d.kind = 'donation')"

/* Initiative `i` took part in round ?1: it received a donation of the round, or it was open
 * for donations at some moment of it (published before the round closed and not moved out
 * of 'open' before the round opened). Needs TOOK_CTE. */
#define TOOK_PART(i) \
    "(" i ".id IN (SELECT initiative_id FROM took) OR EXISTS (SELECT 1 FROM rounds r " \
    "  WHERE r.id = ?1 AND " i ".published_at < r.closes_at AND NOT EXISTS (SELECT 1 " \
    "  FROM audit_log al WHERE al.subject = 'initiative:' || " i ".id AND al.action = 'state' " \
    "  AND al.from_value = 'open' AND al.at < r.opens_at)))"

/* All figures of round ?1 (0: every round), one row per group: with ?3 set, per wijk or
 * dorp (with its buurten; ?2 one of them, or 0 for all), city-wide initiatives left out;
 * with ?3 clear, one row for the whole municipality (area_id 0). One query for both, so
 * that the round totals and the areas follow the same rules; `took` is made once. */
static const char figures_sql[] =
    "WITH amap AS (SELECT id, CASE WHEN ?3 THEN coalesce(parent_id, id) ELSE 0 END AS g, "
    "  coalesce(parent_id, id) AS top FROM areas), "
    "groups AS (SELECT id AS g, name, kind = 'dorp' AS dorp FROM areas "
    "  WHERE ?3 AND parent_id IS NULL AND (?2 = 0 OR id = ?2) "
    "  UNION ALL SELECT 0, NULL, 0 WHERE NOT ?3), "
    "vv AS MATERIALIZED (SELECT v.id, m.g FROM vouchers v "
    "  JOIN households h ON h.id = v.household_id JOIN amap m ON m.id = h.area_id "
    "  WHERE v.voided_at IS NULL AND (?1 = 0 OR v.round_id = ?1) AND (?2 = 0 OR m.top = ?2)), "
    "issued AS (SELECT g, count(*) AS n FROM vv GROUP BY g), "
    "standing AS (SELECT vv.g, count(*) AS n, sum(d.amount_cents) AS cents FROM vv "
    "  JOIN ledger d ON d.voucher_id = vv.id WHERE d.kind = 'donation' "
    "  AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id) GROUP BY vv.g), "
    "homes AS (SELECT m.g, count(*) AS n FROM households h JOIN amap m ON m.id = h.area_id "
    "  WHERE ?2 = 0 OR m.top = ?2 GROUP BY m.g), "
    TOOK_CTE ", "
    /* A city-wide initiative has no area: group 0 for the municipality, none by area. */
    "ins AS MATERIALIZED (SELECT i.id, i.state, i.published_at, "
    "  CASE WHEN i.area_id IS NULL THEN (CASE WHEN ?3 THEN NULL ELSE 0 END) ELSE m.g END AS g "
    "  FROM initiatives i LEFT JOIN amap m ON m.id = i.area_id "
    "  WHERE i.published_at IS NOT NULL AND (?2 = 0 OR m.top = ?2)), "
    "states AS (SELECT g, count(*) FILTER (WHERE state = 'open') AS open, "
    "  count(*) FILTER (WHERE state = 'gefinancierd') AS funded, "
    "  count(*) FILTER (WHERE state = 'uitgevoerd') AS carried_out, "
    "  count(*) FILTER (WHERE state = 'niet_gehaald') AS not_reached "
    "  FROM ins WHERE ?1 = 0 OR " TOOK_PART("ins") " GROUP BY g), "
    "money AS (SELECT ins.g, sum(l.amount_cents) FILTER (WHERE l.kind = 'contribution') AS "
    "  contributed, sum(l.amount_cents) FILTER (WHERE l.kind = 'payout') AS paid "
    "  FROM ins JOIN ledger l ON l.initiative_id = ins.id AND l.kind IN ('contribution', 'payout') "
    "  WHERE ?1 = 0 OR ins.id IN (SELECT initiative_id FROM took) GROUP BY ins.g) "
    "SELECT gr.g AS area_id, gr.name AS area, coalesce(homes.n, 0) AS households, "
    "  coalesce(issued.n, 0) AS issued, coalesce(standing.n, 0) AS donated, "
    "  coalesce(standing.cents, 0) AS donated_cents, "
    "  coalesce(money.contributed, 0) AS contributed_cents, "
    "  coalesce(money.paid, 0) AS paid_out_cents, coalesce(states.open, 0) AS open, "
    "  coalesce(states.funded, 0) AS funded, coalesce(states.carried_out, 0) AS carried_out, "
    "  coalesce(states.not_reached, 0) AS not_reached "
    "FROM groups gr LEFT JOIN homes ON homes.g = gr.g LEFT JOIN issued ON issued.g = gr.g "
    "LEFT JOIN standing ON standing.g = gr.g LEFT JOIN states ON states.g = gr.g "
    "LEFT JOIN money ON money.g = gr.g "
    "ORDER BY gr.dorp, gr.name, gr.g";
/* clang-format on */

/* The figures' rows, each with participation_permille after donated; NULL on an error. */
static json_t *figures(struct db *db, int64_t round_id, int64_t area_id, bool by_area)
{
    sqlite3_stmt *s = db_prepare(db, figures_sql);
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, round_id);
    sqlite3_bind_int64(s, 2, area_id);
    sqlite3_bind_int(s, 3, by_area);
    json_t *rows = db_rows_array(s); /* resets the statement */
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        json_int_t issued = json_integer_value(json_object_get(row, "issued"));
        json_int_t donated = json_integer_value(json_object_get(row, "donated"));
        json_t *ordered = json_object();
        const char *key;
        json_t *value;
        json_object_foreach(row, key, value)
        {
            json_object_set(ordered, key, value);
            if (strcmp(key, "donated") == 0)
                json_object_set_new(ordered, "participation_permille",
                                    json_integer(issued ? donated * 1000 / issued : 0));
        }
        json_array_set_new(rows, i, ordered);
    }
    return rows;
}

json_t *report_rounds(struct db *db, int64_t round_id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id AS round_id, name AS round_name, opens_at, "
                                     "closes_at FROM rounds WHERE ?1 = 0 OR id = ?1 "
                                     "ORDER BY opens_at");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, round_id);
    json_t *rounds = db_rows_array(s);
    size_t i;
    json_t *r;
    json_array_foreach(rounds, i, r)
    {
        json_t *all = figures(db, json_integer_value(json_object_get(r, "round_id")), 0, false);
        json_t *row = json_array_get(all, 0);
        if (!row) {
            json_decref(all);
            json_decref(rounds);
            return NULL;
        }
        json_object_del(row, "area_id");
        json_object_del(row, "area");
        json_object_update(r, row);
        json_decref(all);
    }
    return rounds;
}

json_t *report_areas(struct db *db, int64_t round_id, int64_t only_area)
{
    return figures(db, round_id, only_area, true);
}

json_t *report_donations_per_day(struct db *db, int64_t round_id, int64_t only_area)
{
    /* SQLite's 'localtime' uses the C library's, so the process's TZ. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT date(d.at, 'localtime') AS day, count(*) AS vouchers, "
            "sum(d.amount_cents) AS cents FROM vouchers v "
            "JOIN households h ON h.id = v.household_id JOIN areas a ON a.id = h.area_id "
            "JOIN ledger d ON d.voucher_id = v.id AND d.kind = 'donation' "
            "WHERE v.voided_at IS NULL AND (?1 = 0 OR v.round_id = ?1) "
            "AND (?2 = 0 OR a.id = ?2 OR a.parent_id = ?2) "
            "AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id) "
            "GROUP BY day ORDER BY day");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, round_id);
    sqlite3_bind_int64(s, 2, only_area);
    return db_rows_array(s);
}

/* ---- Writing rows as CSV, XLSX or JSON ------------------------------------------------ */

enum column_type {
    COL_TEXT,
    COL_INT,
    COL_CENTS,    /* int64 cents: euros in CSV and XLSX, cents in JSON */
    COL_PERMILLE, /* per cent with one decimal in CSV, a percentage in XLSX */
    COL_TIME,     /* stored UTC text: local time in CSV and XLSX, RFC 3339 UTC in JSON */
};

struct column {
    const char *header; /* Dutch: CSV and XLSX */
    const char *name;   /* English: JSON, and the report field for totals and areas */
    enum column_type type;
    double width;                            /* XLSX, in characters */
    const char *(*label)(const char *value); /* CSV and XLSX show this instead, when set */
};

/* One value of a row; null for SQL NULL or a missing field. */
struct cell {
    bool null;
    int64_t number;
    const char *text;
};

enum { MAX_COLUMNS = 16 };

struct writer {
    const struct export_options *opt;
    const struct column *cols;
    int ncols;
    char sep, decimal;
    FILE *out;
    struct buf line;
    /* XLSX */
    const char *xlsx_path;
    const char *sheet_name;
    lxw_workbook *book;
    lxw_worksheet *sheet;
    lxw_format *bold, *money, *when, *percent;
    lxw_row_t sheet_row; /* the next row to write in the current sheet */
    int sheets;
    /* The zone's offset in the last UTC hour converted: ledger rows come in time order, so
     * localtime_r runs about once an hour of ledger rather than once a row. */
    int64_t offset_hour;
    long offset_seconds;
    bool offset_known; /* false also for an hour in which the offset changes */
    long rows;
    bool failed;
    char *err;
    size_t err_size;
};

static void writer_fail(struct writer *w, const char *what, const char *detail)
{
    if (!w->failed)
        snprintf(w->err, w->err_size, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    w->failed = true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The calendar date of a day count (civil_from_days, the inverse of the above). */
static void civil_from_days(int64_t z, struct tm *tm)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    tm->tm_year = (int)(yoe + era * 400 + (m <= 2)) - 1900;
    tm->tm_mon = m - 1;
    tm->tm_mday = d;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Stored UTC text 'YYYY-MM-DD HH:MM:SS' as local time (the process's TZ). Runs once a row
 * for a million rows, hence no sscanf and no localtime_r per row. */
static bool local_time(struct writer *w, const char *utc, struct tm *tm)
{
    if (!utc || strlen(utc) != 19 || utc[4] != '-' || utc[7] != '-' || utc[10] != ' ' ||
        utc[13] != ':' || utc[16] != ':')
        return false;
    int y = digits(utc, 4), mo = digits(utc + 5, 2), d = digits(utc + 8, 2);
    int h = digits(utc + 11, 2), mi = digits(utc + 14, 2), sec = digits(utc + 17, 2);
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 ||
        sec < 0 || sec > 59)
        return false;
    int64_t t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    int64_t hour = t / 3600;
    if (!w->offset_known || hour != w->offset_hour) {
        time_t first = (time_t)(hour * 3600), last = first + 3599;
        struct tm a, b;
        w->offset_hour = hour;
        w->offset_known =
            localtime_r(&first, &a) && localtime_r(&last, &b) && a.tm_gmtoff == b.tm_gmtoff;
        w->offset_seconds = w->offset_known ? a.tm_gmtoff : 0;
        if (!w->offset_known) { /* the offset changes within this hour: ask for each row */
            time_t exact = (time_t)t;
            return localtime_r(&exact, tm) != NULL;
        }
    }
    int64_t local = t + w->offset_seconds;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t rest = local - day * 86400;
    civil_from_days(day, tm);
    tm->tm_hour = (int)(rest / 3600);
    tm->tm_min = (int)(rest / 60 % 60);
    tm->tm_sec = (int)(rest % 60);
    return true;
}

static void sheet_start(struct writer *w)
{
    char name[32];
    w->sheets++;
    if (w->sheets == 1)
        snprintf(name, sizeof name, "%s", w->sheet_name);
    else
        snprintf(name, sizeof name, "%s (%d)", w->sheet_name, w->sheets);
    w->sheet = workbook_add_worksheet(w->book, name);
    if (!w->sheet) {
        writer_fail(w, "cannot add a worksheet", NULL);
        return;
    }
    for (int c = 0; c < w->ncols; c++) {
        worksheet_set_column(w->sheet, (lxw_col_t)c, (lxw_col_t)c, w->cols[c].width, NULL);
        lxw_error e = worksheet_write_string(w->sheet, 0, (lxw_col_t)c, w->cols[c].header, w->bold);
        if (e != LXW_NO_ERROR)
            writer_fail(w, "writing the XLSX header", lxw_strerror(e));
    }
    worksheet_freeze_panes(w->sheet, 1, 0);
    w->sheet_row = 1;
}

static bool writer_begin(struct writer *w)
{
    w->sep = w->opt->sep == ',' ? ',' : ';';
    w->decimal = w->sep == ',' ? '.' : ',';
    switch (w->opt->format) {
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
        w->percent = workbook_add_format(w->book);
        format_set_num_format(w->percent, "0.0%");
        sheet_start(w);
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

static void csv_cell(struct writer *w, const struct column *col, const struct cell *v)
{
    char text[64];
    const char *s = text;
    struct tm tm;
    text[0] = '\0';
    if (v->null) {
        s = "";
    } else {
        switch (col->type) {
        case COL_TEXT:
            s = v->text ? v->text : "";
            if (col->label)
                s = col->label(s);
            break;
        case COL_INT:
            put_int(text, v->number);
            break;
        case COL_CENTS:
            format_euros(text, v->number, w->decimal);
            break;
        case COL_PERMILLE:
            snprintf(text, sizeof text, "%" PRId64 "%c%" PRId64, v->number / 10, w->decimal,
                     v->number % 10);
            break;
        case COL_TIME:
            if (local_time(w, v->text, &tm))
                format_minute(text, &tm);
            else
                s = v->text ? v->text : "";
            break;
        }
    }
    /* A number made here from an integer is never a formula, but csv_write_field would turn
     * a negative one (a release, a return) into text for the spreadsheet; so those go as
     * they are. Everything else, text above all, goes through it. */
    if (s == text && text[0] == '-' && col->type != COL_TEXT && col->type != COL_TIME)
        buf_puts(&w->line, text);
    else
        csv_write_field(&w->line, s, w->sep);
}

static void xlsx_cell(struct writer *w, int c, const struct cell *v)
{
    const struct column *col = &w->cols[c];
    lxw_col_t x = (lxw_col_t)c;
    lxw_error e = LXW_NO_ERROR;
    struct tm tm;
    if (v->null)
        return;
    switch (col->type) {
    case COL_TEXT: {
        const char *s = v->text ? v->text : "";
        if (col->label)
            s = col->label(s);
        if (*s) /* write_string stores text, never a formula */
            e = worksheet_write_string(w->sheet, w->sheet_row, x, s, NULL);
        break;
    }
    case COL_INT:
        e = worksheet_write_number(w->sheet, w->sheet_row, x, (double)v->number, NULL);
        break;
    case COL_CENTS:
        /* Only here does money become a double: a spreadsheet's number, shown to the cent. */
        e = worksheet_write_number(w->sheet, w->sheet_row, x, (double)v->number / 100.0, w->money);
        break;
    case COL_PERMILLE:
        e = worksheet_write_number(w->sheet, w->sheet_row, x, (double)v->number / 1000.0,
                                   w->percent);
        break;
    case COL_TIME:
        if (local_time(w, v->text, &tm)) {
            lxw_datetime dt = {.year = tm.tm_year + 1900,
                               .month = tm.tm_mon + 1,
                               .day = tm.tm_mday,
                               .hour = tm.tm_hour,
                               .min = tm.tm_min,
                               .sec = tm.tm_sec};
            e = worksheet_write_datetime(w->sheet, w->sheet_row, x, &dt, w->when);
        } else if (v->text && *v->text) {
            e = worksheet_write_string(w->sheet, w->sheet_row, x, v->text, NULL);
        }
        break;
    }
    if (e != LXW_NO_ERROR)
        writer_fail(w, "writing an XLSX cell", lxw_strerror(e));
}

static json_t *json_cell(const struct column *col, const struct cell *v)
{
    if (v->null)
        return json_null();
    switch (col->type) {
    case COL_TEXT: {
        json_t *s = json_string(v->text ? v->text : "");
        return s ? s : json_string(""); /* not UTF-8: never expected, input is validated */
    }
    case COL_TIME: {
        const char *t = v->text ? v->text : "";
        char iso[21];
        if (strlen(t) == 19 && t[10] == ' ') {
            memcpy(iso, t, 10);
            iso[10] = 'T';
            memcpy(iso + 11, t + 11, 8);
            iso[19] = 'Z';
            iso[20] = '\0';
            return json_string(iso);
        }
        json_t *s = json_string(t);
        return s ? s : json_string("");
    }
    case COL_INT:
    case COL_CENTS:
    case COL_PERMILLE:
        break;
    }
    return json_integer(v->number);
}

static int json_to_buf(const char *data, size_t len, void *ctx)
{
    buf_append(ctx, data, len);
    return 0;
}

static void writer_row(struct writer *w, const struct cell *cells)
{
    if (w->failed)
        return;
    switch (w->opt->format) {
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
    case EXPORT_JSON: {
        json_t *obj = json_object();
        for (int c = 0; c < w->ncols; c++)
            json_object_set_new(obj, w->cols[c].name, json_cell(&w->cols[c], &cells[c]));
        /* Into the line buffer and out with one fwrite: json_dumpf writes token by token. */
        buf_puts(&w->line, w->rows ? ",\n" : "\n");
        if (json_dump_callback(obj, json_to_buf, &w->line, JSON_COMPACT | JSON_PRESERVE_ORDER))
            writer_fail(w, "writing JSON failed", NULL);
        else if (fwrite(w->line.data, 1, w->line.len, w->out) != w->line.len)
            writer_fail(w, "writing failed", NULL);
        buf_reset(&w->line);
        json_decref(obj);
        break;
    }
    case EXPORT_XLSX:
        if (w->sheet_row >= LXW_ROW_MAX)
            sheet_start(w);
        for (int c = 0; c < w->ncols && !w->failed; c++)
            xlsx_cell(w, c, &cells[c]);
        w->sheet_row++;
        break;
    }
    w->rows++;
}

static bool writer_end(struct writer *w)
{
    switch (w->opt->format) {
    case EXPORT_CSV:
        break;
    case EXPORT_JSON:
        if (!w->failed && fputs("\n]\n", w->out) == EOF)
            writer_fail(w, "writing failed", NULL);
        break;
    case EXPORT_XLSX:
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

static void cells_from_object(const struct writer *w, json_t *obj, struct cell *cells)
{
    for (int c = 0; c < w->ncols; c++) {
        json_t *v = json_object_get(obj, w->cols[c].name);
        cells[c] = (struct cell){.null = !v || json_is_null(v),
                                 .number = json_integer_value(v),
                                 .text = json_string_value(v)};
    }
}

static void cells_from_statement(const struct writer *w, sqlite3_stmt *s, struct cell *cells)
{
    for (int c = 0; c < w->ncols; c++) {
        bool null = sqlite3_column_type(s, c) == SQLITE_NULL;
        bool text = w->cols[c].type == COL_TEXT || w->cols[c].type == COL_TIME;
        cells[c] =
            (struct cell){.null = null,
                          .number = null || text ? 0 : sqlite3_column_int64(s, c),
                          .text = null || !text ? NULL : (const char *)sqlite3_column_text(s, c)};
    }
}

/* ---- The four exports ----------------------------------------------------------------- */

#define FIGURE_COLUMNS                                                                             \
    {"huishoudens", "households", COL_INT, 12, NULL}, {"uitgegeven", "issued", COL_INT, 11, NULL}, \
        {"gedoneerd", "donated", COL_INT, 10, NULL},                                               \
        {"deelname_pct", "participation_permille", COL_PERMILLE, 13, NULL},                        \
        {"gedoneerd_bedrag", "donated_cents", COL_CENTS, 17, NULL},                                \
        {"bijdragen", "contributed_cents", COL_CENTS, 12, NULL},                                   \
        {"uitbetaald", "paid_out_cents", COL_CENTS, 12, NULL}, {"open", "open", COL_INT, 7, NULL}, \
        {"gefinancierd", "funded", COL_INT, 13, NULL},                                             \
        {"uitgevoerd", "carried_out", COL_INT, 11, NULL},                                          \
    {                                                                                              \
        "niet_gehaald", "not_reached", COL_INT, 13, NULL                                           \
    }

static const struct column totals_columns[] = {
    {"ronde", "round_id", COL_INT, 7, NULL},
    {"naam", "round_name", COL_TEXT, 20, NULL},
    {"opent", "opens_at", COL_TIME, 17, NULL},
    {"sluit", "closes_at", COL_TIME, 17, NULL},
    FIGURE_COLUMNS,
};

static const struct column areas_columns[] = {
    {"ronde", "round_id", COL_INT, 7, NULL},
    {"rondenaam", "round_name", COL_TEXT, 20, NULL},
    {"gebied_id", "area_id", COL_INT, 10, NULL},
    {"gebied", "area", COL_TEXT, 24, NULL},
    FIGURE_COLUMNS,
};

static const struct column initiatives_columns[] = {
    {"id", "id", COL_INT, 7, NULL},
    {"titel", "title", COL_TEXT, 40, NULL},
    {"gebied", "area", COL_TEXT, 22, NULL},
    {"status", "state", COL_TEXT, 16, NULL},
    {"streefbedrag", "target_cents", COL_CENTS, 13, NULL},
    {"totaal", "total_cents", COL_CENTS, 12, NULL},
    {"vouchers", "vouchers", COL_INT, 9, NULL},
    {"bijdragen", "contributed_cents", COL_CENTS, 12, NULL},
    {"uitbetaald", "paid_out_cents", COL_CENTS, 12, NULL},
    {"gepubliceerd", "published_at", COL_TIME, 17, NULL},
    {"deadline", "deadline", COL_TIME, 17, NULL},
};

static const char *kind_label(const char *kind)
{
    static const char *const labels[][2] = {{"donation", "donatie"},
                                            {"release", "vrijgave"},
                                            {"return", "teruggave"},
                                            {"contribution", "bijdrage"},
                                            {"payout", "uitbetaling"}};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(kind, labels[i][0]) == 0)
            return labels[i][1];
    return kind;
}

static const struct column ledger_columns[] = {
    {"id", "id", COL_INT, 9, NULL},
    {"tijdstip", "at", COL_TIME, 17, NULL},
    {"soort", "kind", COL_TEXT, 12, kind_label},
    {"initiatief_id", "initiative_id", COL_INT, 12, NULL},
    {"initiatief", "initiative", COL_TEXT, 36, NULL},
    {"ronde", "round_id", COL_INT, 7, NULL},
    {"rondenaam", "round", COL_TEXT, 18, NULL},
    {"bedrag", "amount_cents", COL_CENTS, 11, NULL},
    {"partner", "partner", COL_TEXT, 20, NULL},
    {"referentie", "reference", COL_TEXT, 16, NULL},
};

#define COLUMNS(a) (sizeof(a) / sizeof *(a))
_Static_assert(COLUMNS(totals_columns) <= MAX_COLUMNS && COLUMNS(areas_columns) <= MAX_COLUMNS &&
                   COLUMNS(initiatives_columns) <= MAX_COLUMNS &&
                   COLUMNS(ledger_columns) <= MAX_COLUMNS,
               "a row's cells live in an array of MAX_COLUMNS");

static void export_objects(struct writer *w, json_t *rows)
{
    struct cell cells[MAX_COLUMNS];
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        cells_from_object(w, row, cells);
        writer_row(w, cells);
    }
}

static void export_totals(struct writer *w, struct db *db)
{
    json_t *rows = report_rounds(db, w->opt->round_id);
    if (!rows) {
        writer_fail(w, "reading the round totals failed", sqlite3_errmsg(db_handle(db)));
        return;
    }
    export_objects(w, rows);
    json_decref(rows);
}

static void export_areas(struct writer *w, struct db *db)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id AS round_id, name AS round_name FROM rounds "
                                     "WHERE ?1 = 0 OR id = ?1 ORDER BY opens_at");
    json_t *rounds = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, w->opt->round_id);
        rounds = db_rows_array(s);
    }
    if (!rounds) {
        writer_fail(w, "reading the rounds failed", sqlite3_errmsg(db_handle(db)));
        return;
    }
    size_t i;
    json_t *round;
    json_array_foreach(rounds, i, round)
    {
        json_t *areas = report_areas(db, json_integer_value(json_object_get(round, "round_id")), 0);
        if (!areas) {
            writer_fail(w, "reading the area figures failed", sqlite3_errmsg(db_handle(db)));
            break;
        }
        size_t j;
        json_t *area;
        json_array_foreach(areas, j, area)
        {
            json_object_update(area, round);
        }
        export_objects(w, areas);
        json_decref(areas);
        if (w->failed)
            break;
    }
    json_decref(rounds);
}

/* Steps a one-off statement (prepared here, finalized here: it may run long) into rows. */
static void export_statement(struct writer *w, struct db *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) != SQLITE_OK) {
        writer_fail(w, "preparing the export failed", sqlite3_errmsg(db_handle(db)));
        sqlite3_finalize(s);
        return;
    }
    sqlite3_bind_int64(s, 1, w->opt->round_id);
    struct cell cells[MAX_COLUMNS];
    int rc = SQLITE_DONE;
    while (!w->failed && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        cells_from_statement(w, s, cells);
        writer_row(w, cells);
    }
    if (!w->failed && rc != SQLITE_DONE)
        writer_fail(w, "reading the database failed", sqlite3_errmsg(db_handle(db)));
    sqlite3_finalize(s);
}

/* clang-format off */
static const char initiatives_sql[] =
    "WITH " TOOK_CTE " "
    "SELECT i.id, i.title, coalesce(a.name, 'Gemeentebreed') AS area, i.state, i.target_cents, "
    "  (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l WHERE l.initiative_id = i.id "
    "    AND l.kind IN ('donation', 'release', 'return', 'contribution')) AS total_cents, "
    "  (SELECT count(*) FROM ledger d WHERE d.initiative_id = i.id AND d.kind = 'donation' "
    "    AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)) AS vouchers, "
    "  (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l WHERE l.initiative_id = i.id "
    "    AND l.kind = 'contribution') AS contributed_cents, "
    "  (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l WHERE l.initiative_id = i.id "
    "    AND l.kind = 'payout') AS paid_out_cents, "
    "  i.published_at, i.deadline "
    "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
    "WHERE i.published_at IS NOT NULL AND (?1 = 0 OR " TOOK_PART("i") ") "
    "ORDER BY i.id";

/* No voucher id, household or address ever leaves through this query. */
static const char ledger_sql[] =
    "WITH " TOOK_CTE " "
    "SELECT l.id, l.at, l.kind, l.initiative_id, i.title, v.round_id, r.name, l.amount_cents, "
    "  l.partner, l.reference "
    "FROM ledger l JOIN initiatives i ON i.id = l.initiative_id "
    "LEFT JOIN vouchers v ON v.id = l.voucher_id LEFT JOIN rounds r ON r.id = v.round_id "
    "WHERE ?1 = 0 OR v.round_id = ?1 OR (l.kind IN ('contribution', 'payout') "
    "  AND l.initiative_id IN (SELECT initiative_id FROM took)) "
    "ORDER BY l.id";
/* clang-format on */

bool export_kind_parse(const char *s, enum export_kind *out)
{
    static const char *const names[] = {"totals", "areas", "initiatives", "ledger"};
    static const enum export_kind kinds[] = {EXPORT_TOTALS, EXPORT_AREAS, EXPORT_INITIATIVES,
                                             EXPORT_LEDGER};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = kinds[i];
            return true;
        }
    }
    return false;
}

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

bool export_write(struct db *db, const struct export_options *opt, FILE *out, const char *xlsx_path,
                  char *err, size_t err_size)
{
    struct writer w = {.opt = opt,
                       .out = opt->format == EXPORT_XLSX ? NULL : out,
                       .xlsx_path = xlsx_path,
                       .err = err,
                       .err_size = err_size};
    if (err_size)
        err[0] = '\0';
    if (opt->format == EXPORT_XLSX ? !xlsx_path || !*xlsx_path : !out) {
        snprintf(err, err_size, "%s",
                 opt->format == EXPORT_XLSX ? "XLSX is written to a file" : "no output");
        return false;
    }
    if (opt->sep && opt->sep != ';' && opt->sep != ',') {
        snprintf(err, err_size, "the CSV separator is ';' or ','");
        return false;
    }
    switch (opt->kind) {
    case EXPORT_TOTALS:
        w.cols = totals_columns;
        w.ncols = (int)COLUMNS(totals_columns);
        w.sheet_name = "Totalen";
        break;
    case EXPORT_AREAS:
        w.cols = areas_columns;
        w.ncols = (int)COLUMNS(areas_columns);
        w.sheet_name = "Gebieden";
        break;
    case EXPORT_INITIATIVES:
        w.cols = initiatives_columns;
        w.ncols = (int)COLUMNS(initiatives_columns);
        w.sheet_name = "Initiatieven";
        break;
    case EXPORT_LEDGER:
        w.cols = ledger_columns;
        w.ncols = (int)COLUMNS(ledger_columns);
        w.sheet_name = "Grootboek";
        break;
    }
    /* One snapshot for the whole export, unless the caller has a transaction open. */
    bool snapshot = sqlite3_get_autocommit(db_handle(db)) && db_read_begin(db);
    if (opt->round_id) {
        sqlite3_stmt *s = db_prepare(db, "SELECT count(*) FROM rounds WHERE id = ?");
        bool found = false;
        if (s) {
            sqlite3_bind_int64(s, 1, opt->round_id);
            found = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int64(s, 0) > 0;
            sqlite3_reset(s);
        }
        if (!found) {
            snprintf(err, err_size, "there is no round %" PRId64, opt->round_id);
            if (snapshot)
                db_read_end(db);
            return false;
        }
    }
    if (writer_begin(&w)) {
        switch (opt->kind) {
        case EXPORT_TOTALS:
            export_totals(&w, db);
            break;
        case EXPORT_AREAS:
            export_areas(&w, db);
            break;
        case EXPORT_INITIATIVES:
            export_statement(&w, db, initiatives_sql);
            break;
        case EXPORT_LEDGER:
            export_statement(&w, db, ledger_sql);
            break;
        }
    }
    bool ok = writer_end(&w);
    if (snapshot)
        db_read_end(db);
    return ok;
}
