/* Initiatives, reading side. */
#include "domain/initiatives.h"
#include "db/db.h"
#include "db/rows.h"
#include "util/buf.h"
#include "util/text.h"

#include <pthread.h>
#include <string.h>

static const struct {
    const char *state, *label;
    bool public_filter;
} states[] = {
    {"ingediend", "Ingediend", false},
    {"wijziging_gevraagd", "Wijziging gevraagd", false},
    {"open", "Open voor vouchers", true},
    {"gefinancierd", "Gefinancierd", true},
    {"uitgevoerd", "Uitgevoerd", true},
    {"afgewezen", "Afgewezen", false},
    {"ingetrokken", "Ingetrokken", true},
    {"niet_gehaald", "Streefbedrag niet gehaald", true},
};

bool initiative_state_public(const char *state)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strcmp(states[i].state, state) == 0)
            return states[i].public_filter;
    return false;
}

const char *initiative_state_label(const char *state)
{
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
        if (strcmp(states[i].state, state) == 0)
            return states[i].label;
    return NULL;
}

void initiative_fts_query(const char *text, char *out, size_t out_size)
{
    size_t n = 0;
    out[0] = '\0';
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        /* A word: letters, digits and any non-ASCII byte (UTF-8 letters). */
        while (*p && !(*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                       (*p >= 'A' && *p <= 'Z')))
            p++;
        const unsigned char *start = p;
        while (*p && (*p >= 0x80 || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                      (*p >= 'A' && *p <= 'Z')))
            p++;
        size_t len = (size_t)(p - start);
        if (!len)
            continue;
        if (n + len + 5 >= out_size)
            break;
        if (n)
            out[n++] = ' ';
        out[n++] = '"';
        memcpy(out + n, start, len);
        n += len;
        out[n++] = '"';
        out[n++] = '*';
        out[n] = '\0';
    }
}

#define CARD_COLUMNS                                                                               \
    "i.id, i.title, i.summary, i.state, i.target_cents, i.covered_cents, i.raised_cents, "        \
    "i.voucher_count, "                                                                            \
    "i.deadline, i.planned_date, i.photo_id, i.published_at, a.slug AS area_slug, "               \
    "a.name AS area_name, i.theme "

/* The public states: what a list, a count or a search may show. */
#define PUBLIC_STATES "'open', 'gefinancierd', 'uitgevoerd', 'ingetrokken', 'niet_gehaald'"

/* The clauses of a filter, only those the filter sets; every value stays a bound parameter.
 * On the initiatives (`t` "i") the state, area and theme are tested with a unary plus, so
 * that SQLite reads the index of the list's order (017) and tests them in it, stopping at the
 * page, rather than gathering every match of an area or state and sorting it. `city` is the
 * area_id of city-wide ones (NULL in initiatives, 0 in the summary). */
enum { AREA_ALL, AREA_CITY, AREA_SLUG };
static void filter_where(struct buf *sql, int area, bool state, bool fts, bool theme,
                         const char *t, const char *city)
{
    const char *plus = strcmp(t, "i") == 0 ? "+" : "";
    buf_printf(sql, "WHERE %s%s.state IN (" PUBLIC_STATES ") ", plus, t);
    if (area == AREA_CITY)
        buf_printf(sql, "AND %s%s.area_id IS %s ", plus, t, city);
    else if (area == AREA_SLUG)
        buf_printf(sql,
                   "AND %s%s.area_id IN (SELECT id FROM areas WHERE slug = ?1 OR parent_id = "
                   "(SELECT id FROM areas WHERE slug = ?1)) ",
                   plus, t);
    if (state)
        buf_printf(sql, "AND %s%s.state = ?2 ", plus, t);
    if (fts)
        buf_printf(sql, "AND %s.id IN (SELECT rowid FROM initiatives_fts WHERE initiatives_fts "
                        "MATCH ?3) ", t);
    if (theme)
        buf_printf(sql, "AND %s%s.theme = ?4 ", plus, t);
}

/* Every variant's text, made once: the statement cache knows a statement by its text's
 * address, so each variant keeps one for the life of the process. [count][area][state][fts]
 * [theme][sort]. */
static char *search_sql[2][3][2][2][2][3];
static pthread_once_t search_sql_once = PTHREAD_ONCE_INIT;

static void search_sql_make(void)
{
    for (int c = 0; c < 2; c++)
        for (int area = 0; area < 3; area++)
            for (int st = 0; st < 2; st++)
                for (int fts = 0; fts < 2; fts++)
                    for (int th = 0; th < 2; th++)
                        for (int sort = 0; sort < 3; sort++) {
                            struct buf sql = {0};
                            if (c && fts) {
                                buf_puts(&sql, "SELECT count(*) FROM initiatives i ");
                                filter_where(&sql, area, st, fts, th, "i", "NULL");
                                buf_puts(&sql, "AND i.published_at IS NOT NULL");
                            } else if (c) {
                                /* Without free text from the summary kept with the
                                 * initiatives (017): a few rows per area. */
                                buf_puts(&sql, "SELECT coalesce(sum(t.initiatives), 0) FROM "
                                               "initiative_totals t ");
                                filter_where(&sql, area, st, fts, th, "t", "0");
                            } else {
                                buf_puts(&sql, "SELECT " CARD_COLUMNS "FROM initiatives i "
                                               "LEFT JOIN areas a ON a.id = i.area_id ");
                                filter_where(&sql, area, st, fts, th, "i", "NULL");
                                buf_puts(&sql, "AND i.published_at IS NOT NULL ORDER BY ");
                                buf_puts(&sql, sort == SORT_CLOSEST
                                                   ? "(i.state <> 'open'), i.raised_cents * "
                                                     "10000 / i.target_cents DESC, "
                                               : sort == SORT_POPULAR ? "i.voucher_count DESC, "
                                                                      : "");
                                buf_puts(&sql, "i.published_at DESC, i.id DESC LIMIT ?5 OFFSET ?6");
                            }
                            search_sql[c][area][st][fts][th][sort] = buf_detach(&sql);
                        }
}

static void bind_filter(sqlite3_stmt *stmt, const struct initiative_filter *f, const char *fts)
{
    if (f->area_slug)
        sqlite3_bind_text(stmt, 1, f->area_slug, -1, SQLITE_STATIC);
    if (f->state)
        sqlite3_bind_text(stmt, 2, f->state, -1, SQLITE_STATIC);
    if (fts && *fts)
        sqlite3_bind_text(stmt, 3, fts, -1, SQLITE_STATIC);
    if (f->theme)
        sqlite3_bind_text(stmt, 4, f->theme, -1, SQLITE_STATIC);
}

json_t *initiatives_search(struct db *db, const struct initiative_filter *f, int64_t *total)
{
    char fts[512] = "";
    if (f->query)
        initiative_fts_query(f->query, fts, sizeof fts);
    *total = 0;
    pthread_once(&search_sql_once, search_sql_make);
    int area = !f->area_slug                                ? AREA_ALL
               : strcmp(f->area_slug, "gemeentebreed") == 0 ? AREA_CITY
                                                            : AREA_SLUG;
    int sort = f->sort == SORT_CLOSEST || f->sort == SORT_POPULAR ? (int)f->sort : SORT_NEW;
    sqlite3_stmt *count = db_prepare(
        db, search_sql[1][area][f->state != NULL][*fts != '\0'][f->theme != NULL][sort]);
    if (!count)
        return NULL;
    bind_filter(count, f, fts);
    if (sqlite3_step(count) == SQLITE_ROW)
        *total = sqlite3_column_int64(count, 0);
    sqlite3_reset(count);

    /* The page: each order has an index (008, 017) that SQLite can read from the start and
     * stop at the page, instead of sorting every initiative. */
    sqlite3_stmt *stmt = db_prepare(
        db, search_sql[0][area][f->state != NULL][*fts != '\0'][f->theme != NULL][sort]);
    if (!stmt)
        return NULL;
    bind_filter(stmt, f, fts);
    sqlite3_bind_int(stmt, 5, f->limit > 0 ? f->limit : 24);
    sqlite3_bind_int(stmt, 6, f->offset > 0 ? f->offset : 0);
    return db_rows_array(stmt);
}

bool initiatives_theme_used(struct db *db, const char *theme)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT 1 FROM initiatives WHERE theme = ? AND "
                                     "published_at IS NOT NULL LIMIT 1");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, theme, -1, SQLITE_STATIC);
    bool used = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return used;
}

json_t *initiative_get_public(struct db *db, int64_t id)
{
    sqlite3_stmt *stmt = db_prepare(
        db, "SELECT " CARD_COLUMNS ", i.description, i.initiator_name, i.co_organisers, "
            "i.state_reason, i.created_at, a.kind AS area_kind "
            "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
            "WHERE i.id = ? AND i.published_at IS NOT NULL "
            "AND i.state NOT IN ('ingediend', 'wijziging_gevraagd', 'afgewezen')");
    if (!stmt)
        return NULL;
    sqlite3_bind_int64(stmt, 1, id);
    json_t *item = db_first_row(stmt);
    if (!item)
        return NULL;
    sqlite3_stmt *lines = db_prepare(
        db, "SELECT item, amount_cents FROM budget_lines WHERE initiative_id = ? ORDER BY position");
    json_t *arr = NULL;
    if (lines) {
        sqlite3_bind_int64(lines, 1, id);
        arr = db_rows_array(lines);
    }
    json_object_set_new(item, "budget_lines", arr ? arr : json_array());
    sqlite3_stmt *updates = db_prepare(
        db, "SELECT id, author_role, author_name, body, created_at, photo_id FROM initiative_updates "
            "WHERE initiative_id = ? ORDER BY created_at DESC, id DESC");
    arr = NULL;
    if (updates) {
        sqlite3_bind_int64(updates, 1, id);
        arr = db_rows_array(updates);
    }
    json_object_set_new(item, "updates", arr ? arr : json_array());
    return item;
}

json_t *initiatives_open_for_area(struct db *db, int64_t home_area_id, time_t now)
{
    char when[20];
    utc_text(now, when);
    sqlite3_stmt *s = db_prepare(
        db, "SELECT " CARD_COLUMNS "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
            "WHERE i.state = 'open' AND i.raised_cents < i.target_cents "
            "AND (i.deadline IS NULL OR i.deadline > ?2) "
            "AND (i.area_id IS NULL OR coalesce(a.parent_id, a.id) = ?1) "
            "ORDER BY i.area_id IS NULL, i.raised_cents * 10000 / i.target_cents DESC, i.id");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, home_area_id);
    sqlite3_bind_text(s, 2, when, -1, SQLITE_TRANSIENT);
    return db_rows_array(s);
}
