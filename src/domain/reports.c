/* Figures per round and per area, and the exports; the rules are in reports.h. */
#include "domain/reports.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/areas.h"
#include "util/text.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- The figures ---------------------------------------------------------------------- */

/* clang-format off */
/* The initiatives that received a donation of one of round ?1's vouchers (the summary kept
 * with the ledger, 007_summaries.sql). */
#define TOOK_CTE \
    "took AS MATERIALIZED (SELECT initiative_id FROM round_initiatives WHERE round_id = ?1)"

/* Initiative `i` took part in round ?1 by the moment `now` (a parameter, UTC text): it
 * received a donation of the round, or it was open for donations at some moment of it (the
 * summary kept with the audit log, 014) and the round has opened by now. A round still to
 * come has none. Needs TOOK_CTE. */
#define OPENED_BY(now) "EXISTS (SELECT 1 FROM rounds r WHERE r.id = ?1 AND r.opens_at <= " now ")"
#define TOOK_PART(i, now) \
    "(" i ".id IN (SELECT initiative_id FROM took) OR (" i ".id IN (SELECT initiative_id FROM " \
    "  round_open_initiatives WHERE round_id = ?1) AND " OPENED_BY(now) "))"

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
    /* Issued and standing vouchers, households: the summaries kept with the ledger. */
    "issued AS (SELECT m.g, sum(t.issued) AS n, sum(t.donated) AS donated, "
    "  sum(t.donated_cents) AS cents FROM round_area_totals t JOIN amap m ON m.id = t.area_id "
    "  WHERE t.round_id BETWEEN iif(?1 = 0, 0, ?1) AND iif(?1 = 0, 9223372036854775807, ?1) "
    "  AND (?2 = 0 OR m.top = ?2) GROUP BY m.g), "
    "homes AS (SELECT m.g, sum(h.households) AS n FROM area_households h "
    "  JOIN amap m ON m.id = h.area_id WHERE ?2 = 0 OR m.top = ?2 GROUP BY m.g), "
    TOOK_CTE ", "
    /* A city-wide initiative has no area: group 0 for the municipality, none by area. */
    /* The initiatives that took part in the round (every one ever published for ?1 = 0):
     * read from the round's own lists, so a round costs its own initiatives only. */
    "part AS MATERIALIZED (SELECT initiative_id AS id FROM took UNION "
    "  SELECT initiative_id FROM round_open_initiatives WHERE round_id = ?1 AND " 
    OPENED_BY("?4") "), "
    "ins AS MATERIALIZED (SELECT i.id, i.state, i.partner_cents, i.paid_cents, "
    "  CASE WHEN i.area_id IS NULL THEN (CASE WHEN ?3 THEN NULL ELSE 0 END) ELSE m.g END AS g "
    "  FROM (SELECT id FROM part WHERE ?1 <> 0 UNION ALL SELECT id FROM initiatives WHERE ?1 = 0) p "
    "  JOIN initiatives i ON i.id = p.id LEFT JOIN amap m ON m.id = i.area_id "
    "  WHERE i.published_at IS NOT NULL AND (?2 = 0 OR m.top = ?2)), "
    "states AS (SELECT g, count(*) FILTER (WHERE state = 'open') AS open, "
    "  count(*) FILTER (WHERE state = 'gefinancierd') AS funded, "
    "  count(*) FILTER (WHERE state = 'uitgevoerd') AS carried_out, "
    "  count(*) FILTER (WHERE state = 'niet_gehaald') AS not_reached "
    "  FROM ins GROUP BY g), "
    /* Contributions and payouts: the totals kept with the ledger rows on each initiative
     * (014), of the initiatives that received the round's donations. */
    "money AS (SELECT g, sum(partner_cents) AS contributed, sum(paid_cents) AS paid FROM ins "
    "  WHERE ?1 = 0 OR id IN (SELECT initiative_id FROM took) GROUP BY g) "
    "SELECT gr.g AS area_id, gr.name AS area, coalesce(homes.n, 0) AS households, "
    "  coalesce(issued.n, 0) AS issued, coalesce(issued.donated, 0) AS donated, "
    "  coalesce(issued.cents, 0) AS donated_cents, "
    "  coalesce(money.contributed, 0) AS contributed_cents, "
    "  coalesce(money.paid, 0) AS paid_out_cents, coalesce(states.open, 0) AS open, "
    "  coalesce(states.funded, 0) AS funded, coalesce(states.carried_out, 0) AS carried_out, "
    "  coalesce(states.not_reached, 0) AS not_reached "
    "FROM groups gr LEFT JOIN homes ON homes.g = gr.g LEFT JOIN issued ON issued.g = gr.g "
    "LEFT JOIN states ON states.g = gr.g "
    "LEFT JOIN money ON money.g = gr.g "
    "ORDER BY gr.dorp, gr.name, gr.g";
/* clang-format on */

/* The figures' rows, each with participation_permille after donated; NULL on an error. */
static json_t *figures(struct db *db, int64_t round_id, int64_t area_id, bool by_area,
                       time_t now)
{
    sqlite3_stmt *s = db_prepare(db, figures_sql);
    if (!s)
        return NULL;
    char when[20];
    utc_text(now, when);
    sqlite3_bind_int64(s, 1, round_id);
    sqlite3_bind_int64(s, 2, area_id);
    sqlite3_bind_int(s, 3, by_area);
    sqlite3_bind_text(s, 4, when, -1, SQLITE_TRANSIENT);
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

/* The local calendar date 'YYYY-MM-DD' of a stored UTC moment, minus `back` seconds: a
 * round's first day, and (back 1) the last day before its exclusive end. */
static void local_day(char out[16], const char *utc, time_t back)
{
    time_t t = parse_utc(utc);
    out[0] = '\0';
    if (t == (time_t)-1)
        return;
    t -= back;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
}

json_t *report_rounds(struct db *db, int64_t round_id, time_t now)
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
        char first[16], last[16];
        local_day(first, json_string_value(json_object_get(r, "opens_at")), 0);
        local_day(last, json_string_value(json_object_get(r, "closes_at")), 1);
        json_object_set_new(r, "first_day", json_string(first));
        json_object_set_new(r, "last_day", json_string(last));
        json_t *all =
            figures(db, json_integer_value(json_object_get(r, "round_id")), 0, false, now);
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

json_t *report_areas(struct db *db, int64_t round_id, int64_t only_area, time_t now)
{
    return figures(db, round_id, only_area, true, now);
}

json_t *report_donations_per_day(struct db *db, int64_t round_id, int64_t only_area)
{
    /* The whole municipality (the dashboard's line): the round's hours kept with the ledger
     * (017), added up by local date; SQLite's 'localtime' uses the C library's, so the
     * process's TZ. */
    if (!only_area) {
        sqlite3_stmt *s = db_prepare(
            db, round_id ? "SELECT date(hour, 'localtime') AS day, sum(vouchers) AS vouchers, "
                           "sum(cents) AS cents FROM round_donation_hours WHERE round_id = ?1 "
                           "GROUP BY day HAVING sum(vouchers) > 0 ORDER BY day"
                         : "SELECT date(hour, 'localtime') AS day, sum(vouchers) AS vouchers, "
                           "sum(cents) AS cents FROM round_donation_hours WHERE ?1 = 0 "
                           "GROUP BY day HAVING sum(vouchers) > 0 ORDER BY day");
        if (!s)
            return NULL;
        sqlite3_bind_int64(s, 1, round_id);
        return db_rows_array(s);
    }
    /* Two statements, so that one round's days read only that round's vouchers (an
     * `?1 = 0 OR` would keep SQLite from the index). SQLite's 'localtime' uses the C
     * library's, so the process's TZ. */
#define PER_DAY(index, round_filter)                                                                      \
    "SELECT date(d.at, 'localtime') AS day, count(*) AS vouchers, "                               \
    "sum(d.amount_cents) AS cents FROM vouchers v " index                                          \
    "JOIN households h ON h.id = v.household_id JOIN areas a ON a.id = h.area_id "                 \
    "JOIN ledger d ON d.voucher_id = v.id AND d.kind = 'donation' "                               \
    "WHERE v.voided_at IS NULL " round_filter " AND (?2 = 0 OR a.id = ?2 OR a.parent_id = ?2) "    \
    "AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id) "                         \
    "GROUP BY day ORDER BY day"
    sqlite3_stmt *s = db_prepare(db, round_id ? PER_DAY("INDEXED BY vouchers_one_per_household ",
                                                        "AND v.round_id = ?1")
                                              : PER_DAY("", "AND ?1 = 0"));
#undef PER_DAY
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, round_id);
    sqlite3_bind_int64(s, 2, only_area);
    return db_rows_array(s);
}

json_t *report_funded_in_round_first(struct db *db, int64_t round_id, int limit, int64_t *total)
{
    return report_funded_in_round_page(db, round_id, limit, 0, total);
}

json_t *report_funded_in_round_page(struct db *db, int64_t round_id, int limit, int64_t offset,
                                    int64_t *total)
{
    /* The round's list of funded initiatives, kept with the audit log (014). */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT i.id, i.title, i.state, i.raised_cents, i.state_reason, "
            "coalesce(a.name, ?2) AS area_name FROM round_funded f "
            "JOIN initiatives i ON i.id = f.initiative_id LEFT JOIN areas a ON a.id = i.area_id "
            "WHERE f.round_id = ?1 AND i.state IN ('gefinancierd', 'uitgevoerd') "
            "ORDER BY i.title, i.id LIMIT ?3 OFFSET ?4");
    if (!s)
        return NULL;
    sqlite3_bind_int64(s, 1, round_id);
    sqlite3_bind_text(s, 2, AREA_CITY_WIDE_NAME, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, limit < 0 ? -1 : limit);
    sqlite3_bind_int64(s, 4, offset > 0 ? offset : 0);
    json_t *rows = db_rows_array(s);
    if (rows && total) {
        sqlite3_stmt *c = db_prepare(
            db, "SELECT count(*) FROM round_funded f JOIN initiatives i ON i.id = f.initiative_id "
                "WHERE f.round_id = ?1 AND i.state IN ('gefinancierd', 'uitgevoerd')");
        bool ok = c != NULL;
        if (c) {
            sqlite3_bind_int64(c, 1, round_id);
            ok = sqlite3_step(c) == SQLITE_ROW;
            *total = ok ? sqlite3_column_int64(c, 0) : 0;
            sqlite3_reset(c);
        }
        if (!ok) {
            json_decref(rows);
            return NULL;
        }
    }
    return rows;
}

json_t *report_funded_in_round(struct db *db, int64_t round_id)
{
    return report_funded_in_round_first(db, round_id, -1, NULL);
}

int report_areas_of_user(struct db *db, int64_t user_id, int64_t *ids, int max)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT DISTINCT coalesce(a.parent_id, a.id) AS top FROM "
                                     "user_areas ua JOIN areas a ON a.id = ua.area_id "
                                     "WHERE ua.user_id = ? ORDER BY top");
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, user_id);
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max)
        ids[n++] = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : -1;
}

int64_t report_data_version(struct db *db)
{
    return db_data_version(db);
}

/* ---- The four exports ----------------------------------------------------------------- */

#define FIGURE_COLUMNS                                                                             \
    {"huishoudens", "households", EXPORT_INT, 12, NULL},                                           \
        {"uitgegeven", "issued", EXPORT_INT, 11, NULL},                                            \
        {"gedoneerd", "donated", EXPORT_INT, 10, NULL},                                            \
        {"deelname_pct", "participation_permille", EXPORT_PERMILLE, 13, NULL},                     \
        {"gedoneerd_bedrag", "donated_cents", EXPORT_CENTS, 17, NULL},                             \
        {"bijdragen", "contributed_cents", EXPORT_CENTS, 12, NULL},                                \
        {"uitbetaald", "paid_out_cents", EXPORT_CENTS, 12, NULL},                                  \
        {"open", "open", EXPORT_INT, 7, NULL}, {"gefinancierd", "funded", EXPORT_INT, 13, NULL},   \
        {"uitgevoerd", "carried_out", EXPORT_INT, 11, NULL},                                       \
    {                                                                                              \
        "niet_gehaald", "not_reached", EXPORT_INT, 13, NULL                                        \
    }

static const struct export_column totals_columns[] = {
    {"ronde", "round_id", EXPORT_INT, 7, NULL},
    {"naam", "round_name", EXPORT_TEXT, 20, NULL},
    {"eerste_dag", "first_day", EXPORT_DATE, 12, NULL},
    {"tot_en_met", "last_day", EXPORT_DATE, 12, NULL},
    FIGURE_COLUMNS,
};

static const struct export_column areas_columns[] = {
    {"ronde", "round_id", EXPORT_INT, 7, NULL},
    {"rondenaam", "round_name", EXPORT_TEXT, 20, NULL},
    {"gebied_id", "area_id", EXPORT_INT, 10, NULL},
    {"gebied", "area", EXPORT_TEXT, 24, NULL},
    FIGURE_COLUMNS,
};

static const struct export_column initiatives_columns[] = {
    {"id", "id", EXPORT_INT, 7, NULL},
    {"titel", "title", EXPORT_TEXT, 40, NULL},
    {"gebied", "area", EXPORT_TEXT, 22, NULL},
    {"status", "state", EXPORT_TEXT, 16, NULL},
    {"streefbedrag", "target_cents", EXPORT_CENTS, 13, NULL},
    {"totaal", "total_cents", EXPORT_CENTS, 12, NULL},
    {"vouchers", "vouchers", EXPORT_INT, 9, NULL},
    {"bijdragen", "contributed_cents", EXPORT_CENTS, 12, NULL},
    {"uitbetaald", "paid_out_cents", EXPORT_CENTS, 12, NULL},
    {"gepubliceerd", "published_at", EXPORT_TIME, 17, NULL},
    {"deadline", "deadline", EXPORT_TIME, 17, NULL},
    {"helpers", "volunteers", EXPORT_INT, 8, NULL}, /* counts only, never the people */
    {"vragen", "questions", EXPORT_INT, 8, NULL},
    {"aanbod", "offers", EXPORT_INT, 8, NULL},             /* lent or given: counts only */
    {"gedekt", "covered_cents", EXPORT_CENTS, 10, NULL}, /* lines covered by accepted offers */
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

static const struct export_column ledger_columns[] = {
    {"id", "id", EXPORT_INT, 9, NULL},
    {"tijdstip", "at", EXPORT_TIME, 17, NULL},
    {"soort", "kind", EXPORT_TEXT, 12, kind_label},
    {"initiatief_id", "initiative_id", EXPORT_INT, 12, NULL},
    {"initiatief", "initiative", EXPORT_TEXT, 36, NULL},
    {"ronde", "round_id", EXPORT_INT, 7, NULL},
    {"rondenaam", "round", EXPORT_TEXT, 18, NULL},
    {"bedrag", "amount_cents", EXPORT_CENTS, 11, NULL},
    {"partner", "partner", EXPORT_TEXT, 20, NULL},
    {"referentie", "reference", EXPORT_TEXT, 16, NULL},
};

#define COLUMNS(a) (sizeof(a) / sizeof *(a))
_Static_assert(COLUMNS(totals_columns) <= EXPORT_MAX_COLUMNS &&
                   COLUMNS(areas_columns) <= EXPORT_MAX_COLUMNS &&
                   COLUMNS(initiatives_columns) <= EXPORT_MAX_COLUMNS &&
                   COLUMNS(ledger_columns) <= EXPORT_MAX_COLUMNS,
               "a row's cells live in an array of MAX_COLUMNS");

static void export_objects(struct export_writer *w, json_t *rows)
{
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        export_writer_row_object(w, row);
    }
}

static void export_totals(struct export_writer *w, struct db *db, int64_t round_id, time_t now)
{
    json_t *rows = report_rounds(db, round_id, now);
    if (!rows) {
        export_writer_fail(w, "reading the round totals failed", sqlite3_errmsg(db_handle(db)));
        return;
    }
    export_objects(w, rows);
    json_decref(rows);
}

static void export_areas(struct export_writer *w, struct db *db, int64_t round_id, time_t now)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT id AS round_id, name AS round_name FROM rounds "
                                     "WHERE ?1 = 0 OR id = ?1 ORDER BY opens_at");
    json_t *rounds = NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, round_id);
        rounds = db_rows_array(s);
    }
    if (!rounds) {
        export_writer_fail(w, "reading the rounds failed", sqlite3_errmsg(db_handle(db)));
        return;
    }
    size_t i;
    json_t *round;
    json_array_foreach(rounds, i, round)
    {
        json_t *areas =
            report_areas(db, json_integer_value(json_object_get(round, "round_id")), 0, now);
        if (!areas) {
            export_writer_fail(w, "reading the area figures failed", sqlite3_errmsg(db_handle(db)));
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
        if (export_writer_failed(w))
            break;
    }
    json_decref(rounds);
}

/* Steps a one-off statement (prepared here, finalized here: it may run long) into rows, its
 * result columns in the order of cols. */
static void export_statement(struct export_writer *w, struct db *db, const char *sql,
                             int64_t round_id, time_t now, const struct export_column *cols,
                             int ncols)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) != SQLITE_OK) {
        export_writer_fail(w, "preparing the export failed", sqlite3_errmsg(db_handle(db)));
        sqlite3_finalize(s);
        return;
    }
    sqlite3_bind_int64(s, 1, round_id);
    char when[20];
    utc_text(now, when);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_text(s, 2, when, -1, SQLITE_TRANSIENT);
    struct export_cell cells[EXPORT_MAX_COLUMNS];
    int rc = SQLITE_DONE;
    while (!export_writer_failed(w) && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        for (int c = 0; c < ncols; c++) {
            bool null = sqlite3_column_type(s, c) == SQLITE_NULL;
            bool text = cols[c].type == EXPORT_TEXT || cols[c].type == EXPORT_TIME ||
                        cols[c].type == EXPORT_DATE;
            cells[c] = (struct export_cell){
                .null = null,
                .number = null || text ? 0 : sqlite3_column_int64(s, c),
                .text = null || !text ? NULL : (const char *)sqlite3_column_text(s, c)};
        }
        export_writer_row(w, cells);
    }
    if (!export_writer_failed(w) && rc != SQLITE_DONE)
        export_writer_fail(w, "reading the database failed", sqlite3_errmsg(db_handle(db)));
    sqlite3_finalize(s);
}

/* clang-format off */
static const char initiatives_sql[] =
    "WITH " TOOK_CTE " "
    "SELECT i.id, i.title, coalesce(a.name, '" AREA_CITY_WIDE_NAME "') AS area, i.state, "
    "  i.target_cents, "
    "  (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l WHERE l.initiative_id = i.id "
    "    AND l.kind IN ('donation', 'release', 'return', 'contribution')) AS total_cents, "
    "  (SELECT count(*) FROM ledger d WHERE d.initiative_id = i.id AND d.kind = 'donation' "
    "    AND NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id)) AS vouchers, "
    "  (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l WHERE l.initiative_id = i.id "
    "    AND l.kind = 'contribution') AS contributed_cents, "
    "  (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger l WHERE l.initiative_id = i.id "
    "    AND l.kind = 'payout') AS paid_out_cents, "
    "  i.published_at, i.deadline, "
    "  (SELECT count(*) FROM volunteers v WHERE v.initiative_id = i.id) AS volunteers, "
    "  (SELECT count(*) FROM questions q WHERE q.initiative_id = i.id) AS questions, "
    "  (SELECT count(*) FROM offers o WHERE o.initiative_id = i.id) AS offers, "
    "  i.covered_cents "
    "FROM initiatives i LEFT JOIN areas a ON a.id = i.area_id "
    "WHERE i.published_at IS NOT NULL AND (?1 = 0 OR " TOOK_PART("i", "?2") ") "
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

bool export_write(struct db *db, const struct export_options *opt, FILE *out, const char *xlsx_path,
                  char *err, size_t err_size)
{
    const struct export_column *cols = totals_columns;
    int ncols = (int)COLUMNS(totals_columns);
    const char *sheet_name = "Totalen";
    switch (opt->kind) {
    case EXPORT_TOTALS:
        break;
    case EXPORT_AREAS:
        cols = areas_columns;
        ncols = (int)COLUMNS(areas_columns);
        sheet_name = "Gebieden";
        break;
    case EXPORT_INITIATIVES:
        cols = initiatives_columns;
        ncols = (int)COLUMNS(initiatives_columns);
        sheet_name = "Initiatieven";
        break;
    case EXPORT_LEDGER:
        cols = ledger_columns;
        ncols = (int)COLUMNS(ledger_columns);
        sheet_name = "Grootboek";
        break;
    }
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
    time_t now = opt->now ? opt->now : time(NULL);
    struct export_writer *w = export_writer_open(opt->format, opt->sep, cols, ncols, sheet_name,
                                                 out, xlsx_path, err, err_size);
    if (!export_writer_failed(w)) {
        switch (opt->kind) {
        case EXPORT_TOTALS:
            export_totals(w, db, opt->round_id, now);
            break;
        case EXPORT_AREAS:
            export_areas(w, db, opt->round_id, now);
            break;
        case EXPORT_INITIATIVES:
            export_statement(w, db, initiatives_sql, opt->round_id, now, cols, ncols);
            break;
        case EXPORT_LEDGER:
            export_statement(w, db, ledger_sql, opt->round_id, now, cols, ncols);
            break;
        }
    }
    bool ok = export_writer_close(w);
    if (snapshot)
        db_read_end(db);
    return ok;
}

bool export_write_tmpfile(struct db *db, const struct export_options *opt, int *fd_out,
                          size_t *len_out, char *err, size_t err_size)
{
    char path[] = "/tmp/buurtsamen-export-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, err_size, "cannot make a temporary file");
        return false;
    }
    bool ok;
    if (opt->format == EXPORT_XLSX) {
        ok = export_write(db, opt, NULL, path, err, err_size);
    } else {
        FILE *f = fdopen(dup(fd), "w");
        ok = f && export_write(db, opt, f, NULL, err, err_size);
        if (f)
            ok = fclose(f) == 0 && ok;
        else
            snprintf(err, err_size, "cannot write the temporary file");
    }
    close(fd);
    /* Reopened by name: libxlsxwriter writes the file anew. Unlinked at once, so that only
     * the descriptor keeps it. */
    fd = ok ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    unlink(path);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0)
            close(fd);
        if (ok)
            snprintf(err, err_size, "cannot read the temporary file back");
        return false;
    }
    *fd_out = fd;
    *len_out = (size_t)st.st_size;
    return true;
}
