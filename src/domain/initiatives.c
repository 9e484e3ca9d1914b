/* Initiatives, reading side. */
#include "domain/initiatives.h"
#include "db/db.h"
#include "db/rows.h"
#include "util/text.h"

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

#define FILTER_WHERE                                                                               \
    "WHERE i.published_at IS NOT NULL "                                                            \
    "AND i.state NOT IN ('ingediend', 'wijziging_gevraagd', 'afgewezen') "                        \
    "AND (?1 IS NULL OR (?1 = 'gemeentebreed' AND i.area_id IS NULL) OR i.area_id IN "            \
    "  (SELECT id FROM areas WHERE slug = ?1 OR parent_id = (SELECT id FROM areas WHERE slug = ?1)))" \
    " AND (?2 IS NULL OR i.state = ?2) "                                                           \
    "AND (?3 IS NULL OR i.id IN (SELECT rowid FROM initiatives_fts WHERE initiatives_fts MATCH ?3)) " \
    "AND (?4 IS NULL OR i.theme = ?4) "

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
    sqlite3_stmt *count = db_prepare(db, "SELECT count(*) FROM initiatives i " FILTER_WHERE);
    if (!count)
        return NULL;
    bind_filter(count, f, fts);
    if (sqlite3_step(count) == SQLITE_ROW)
        *total = sqlite3_column_int64(count, 0);
    sqlite3_reset(count);

    /* One statement per order: the newest first walks initiatives_published backwards and
     * stops at the page (008_initiative_indexes.sql) instead of sorting every initiative. */
#define SEARCH(order)                                                                              \
    "SELECT " CARD_COLUMNS "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "             \
    FILTER_WHERE "ORDER BY " order "i.published_at DESC, i.id DESC LIMIT ?5 OFFSET ?6"
    sqlite3_stmt *stmt = db_prepare(
        db, f->sort == SORT_CLOSEST ? SEARCH("(i.state <> 'open'), "
                                             "i.raised_cents * 10000 / i.target_cents DESC, ")
            : f->sort == SORT_POPULAR ? SEARCH("i.voucher_count DESC, ")
                                      : SEARCH(""));
#undef SEARCH
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
