/* Page cost does not grow with the ledger: the statements the request paths run never scan the
 * ledger, the vouchers or the households (EXPLAIN QUERY PLAN), and the summaries kept with the
 * ledger match it, with `verify` naming a summary row that does not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include "ledger_fixture.h"
#include "db_fixture.h"
#include "app.h"
#include "cli/cli.h"
#include "domain/sessions.h"
#include "domain/users.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "view/tmpl.h"
#include "domain/audit.h"
#include "domain/initiative_detail.h"
#include "domain/initiatives.h"
#include "domain/money.h"
#include "domain/news.h"
#include "domain/reports.h"
#include "domain/rounds.h"
#include "domain/stats.h"
#include "domain/workflow.h"
#include "util/log.h"

/* Every distinct statement SQLite ran while tracing was on. */
struct seen {
    char *sql[256];
    int n;
};

static int trace_statement(unsigned type, void *ctx, void *p, void *x)
{
    (void)type;
    (void)x;
    struct seen *seen = ctx;
    const char *sql = sqlite3_sql((sqlite3_stmt *)p);
    if (!sql || strncmp(sql, "--", 2) == 0) /* a trigger's body */
        return 0;
    for (int i = 0; i < seen->n; i++)
        if (strcmp(seen->sql[i], sql) == 0)
            return 0;
    if (seen->n < (int)(sizeof seen->sql / sizeof seen->sql[0]))
        seen->sql[seen->n++] = strdup(sql);
    return 0;
}

static bool keyword(const char *w)
{
    static const char *const words[] = {"on", "join", "where", "left", "group", "order",
                                        "using", "limit", "inner", "cross", "union", "natural"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(w, words[i]) == 0)
            return true;
    return false;
}

/* The plan of a statement (EXPLAIN QUERY PLAN), a row per step: column 3 is its detail. */
static sqlite3_stmt *plan_of(struct db *db, const char *sql)
{
    char eqp[16384];
    snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), eqp, -1, &s, NULL), SQLITE_OK);
    return s;
}

/* A fixture on a new scratch file; path is a mkstemp template, filled in. */
static void scratch_open(struct fixture *f, char *path, int households)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_true(fixture_open(f, path, households));
}

/* The names a statement gives the big tables: the tables themselves and their aliases. */
static int big_names(const char *sql, char names[][40], int max)
{
    int n = 0;
    char word[40];
    bool want_alias = false, after_as = false;
    for (const char *p = sql; *p && n < max;) {
        if (!isalnum((unsigned char)*p) && *p != '_') {
            p++;
            continue;
        }
        size_t len = 0;
        while ((isalnum((unsigned char)*p) || *p == '_') && len < sizeof word - 1)
            word[len++] = (char)tolower((unsigned char)*p++);
        word[len] = '\0';
        if (want_alias && strcmp(word, "as") == 0 && !after_as) {
            after_as = true;
            continue;
        }
        if (want_alias && !keyword(word))
            snprintf(names[n++], 40, "%s", word);
        want_alias = after_as = false;
        if (strcmp(word, "ledger") == 0 || strcmp(word, "vouchers") == 0 ||
            strcmp(word, "households") == 0) {
            if (n < max)
                snprintf(names[n++], 40, "%s", word);
            want_alias = true;
        }
    }
    return n;
}

/* The lines of the statement's plan that read a big table whole. The partial index of money
 * rows (007_summaries.sql) holds only contributions and payouts: reading it in order for the
 * newest ones stops at the rows shown. */
static int full_scans(struct db *db, const char *sql)
{
    char names[32][40];
    int nnames = big_names(sql, names, 32), bad = 0;
    sqlite3_stmt *s = plan_of(db, sql);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(s, 3);
        if (strncmp(detail, "SCAN ", 5) != 0 || strstr(detail, "USING INDEX ledger_money"))
            continue;
        char name[40];
        sscanf(detail + 5, "%39s", name);
        for (int i = 0; i < nnames; i++)
            if (strcasecmp(name, names[i]) == 0) {
                fprintf(stderr, "full scan: %s\n  in: %s\n", detail, sql);
                bad++;
                break;
            }
    }
    sqlite3_finalize(s);
    return bad;
}

/* The lines of the statement's plan that look up the audit log once per row of an outer loop
 * (a correlated subquery over audit_log): their cost grows with the initiatives times the
 * rounds. The round lists kept with the audit log (014) answer those questions instead. */
static int correlated_audit_lookups(struct db *db, const char *sql)
{
    sqlite3_stmt *s = plan_of(db, sql);
    int correlated[64], ncorrelated = 0, bad = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int id = sqlite3_column_int(s, 0), parent = sqlite3_column_int(s, 1);
        const char *detail = (const char *)sqlite3_column_text(s, 3);
        bool inside = false;
        for (int i = 0; i < ncorrelated; i++)
            inside = inside || correlated[i] == parent;
        if ((inside || strncmp(detail, "CORRELATED", 10) == 0) && ncorrelated < 64)
            correlated[ncorrelated++] = id;
        if (inside && strstr(detail, "audit_log")) {
            fprintf(stderr, "audit log per row: %s\n  in: %s\n", detail, sql);
            bad++;
        }
    }
    sqlite3_finalize(s);
    return bad;
}

static void donate(struct fixture *f, size_t k, int64_t initiative)
{
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    assert_int_equal(ledger_donate(f->db, f->secret, f->vouchers[k].code, initiative,
                                   T0 + DAY_S, "t", &vs, &info, &r),
                     DONATE_OK);
}

static void request_paths_scan_no_big_table(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-plans-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 100000), city = fixture_initiative(&f, 0, 100000);
    donate(&f, 0, a);
    donate(&f, 1, city);

    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    /* What /, /initiatieven, /wijken/…, the API, /transparantie, /beheer/dashboard and
     * /beheer/geld read. */
    json_decref(rounds_list(f.db));
    json_decref(round_get(f.db, f.round1));
    json_decref(round_current(f.db, T0 + DAY_S));
    json_decref(stats_round(f.db, f.round1, 0));
    json_decref(stats_round(f.db, f.round1, 1));
    json_decref(stats_totals(f.db, 0));
    json_decref(stats_totals(f.db, 1));
    json_decref(stats_rounds(f.db));
    json_decref(money_recent(f.db, 50));
    json_decref(money_unpaid(f.db));
    int64_t count = 0;
    json_decref(money_unpaid_page(f.db, 50, 0, &count));
    json_decref(report_funded_in_round_first(f.db, f.round1, 20, &count));
    json_decref(report_rounds(f.db, f.round1, T0));
    json_decref(report_areas(f.db, f.round1, 0, T0));
    json_decref(report_areas(f.db, f.round1, 1, T0));
    json_decref(report_donations_per_day(f.db, f.round1, 0));
    json_decref(report_funded_in_round(f.db, f.round1));
    int64_t total = 0;
    struct initiative_filter filter = {.limit = 20};
    json_decref(initiatives_search(f.db, &filter, &total));
    filter.area_slug = "wijk-a";
    filter.sort = SORT_CLOSEST;
    json_decref(initiatives_search(f.db, &filter, &total));
    json_decref(initiative_get_public(f.db, a));
    json_decref(initiatives_open_for_area(f.db, 1, T0 + DAY_S));
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);

    assert_true(seen.n >= 10);
    int bad = 0;
    for (int i = 0; i < seen.n; i++) {
        bad += full_scans(f.db, seen.sql[i]) + correlated_audit_lookups(f.db, seen.sql[i]);
        free(seen.sql[i]);
    }
    assert_int_equal(bad, 0);
    /* The checks themselves can fail: a plain count of the ledger is a full scan, and the
     * audit log looked up per initiative a lookup per row. */
    assert_true(full_scans(f.db, "SELECT count(*) FROM ledger d WHERE d.amount_cents > 0") > 0);
    assert_true(correlated_audit_lookups(
                    f.db, "SELECT i.id FROM initiatives i WHERE EXISTS (SELECT 1 FROM audit_log "
                          "l WHERE l.subject = 'initiative:' || i.id AND l.action = 'state')") > 0);
    fixture_close(&f);
    unlink(path);
}

/* The same through the pages themselves: every statement that answering these addresses runs
 * (public pages, the API, feeds, the transparency page and the staff pages, as an admin). */
static int answer(const struct app *app, struct db *db, const char *target, const char *session)
{
    struct request req;
    request_init(&req);
    req.method_name = "GET";
    req.target = target;
    req.app = app;
    req.db = db;
    snprintf(req.client_addr, sizeof req.client_addr, "127.0.0.1");
    fields_add(&req.arena, &req.headers, "Host", "localhost", 9);
    if (session)
        fields_add(&req.arena, &req.cookies, SESSION_COOKIE, session, strlen(session));
    app->handle(&req);
    int status = req.resp.status;
    request_free(&req);
    return status;
}

static void pages_scan_no_big_table(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-page-plans-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 750), city = fixture_initiative(&f, 0, 100000);
    donate(&f, 0, a); /* funded */
    donate(&f, 1, city);
    char err[256], token[SESSION_TOKEN_CHARS + 1];
    assert_true(user_add(f.db, "beheer", "admin", "paars konijn fietst door Almelo", NULL, 0, err,
                         sizeof err));
    struct user u;
    assert_true(user_get(f.db, "beheer", &u));
    assert_true(session_create(f.db, u.id, time(NULL), NULL, token));

    struct app app = {0};
    config_defaults(&app.config);
    assert_true(cli_load_templates(&app));
    app.handle = site_handle;
    char one[64], api_one[64], feed_one[64], staff_one[64], round_one[64];
    snprintf(one, sizeof one, "/initiatieven/%lld", (long long)a);
    snprintf(api_one, sizeof api_one, "/api/v1/initiatieven/%lld", (long long)a);
    snprintf(feed_one, sizeof feed_one, "/feeds/initiatieven/%lld.atom", (long long)a);
    snprintf(staff_one, sizeof staff_one, "/beheer/initiatieven/%lld", (long long)a);
    snprintf(round_one, sizeof round_one, "/transparantie?ronde=%lld", (long long)f.round1);
    const char *public[] = {"/", "/initiatieven", "/initiatieven?sort=bijna",
                            "/initiatieven?sort=populair", "/initiatieven?wijk=wijk-a",
                            "/initiatieven?status=gefinancierd", "/initiatieven?q=Test", one,
                            "/wijken", "/wijken/wijk-a", "/berichten", "/doneren",
                            "/initiatief-indienen", "/open-data", "/healthz",
                            "/feeds/gemeente.atom", "/feeds/wijk-a.atom", feed_one,
                            "/api/v1/initiatieven", api_one, "/api/v1/wijken",
                            "/api/v1/wijken/wijk-a", "/api/v1/rondes", "/api/v1/totalen",
                            "/api/v1/rondes?pagina=2&per_pagina=1",
                            "/api/v1/totalen?pagina=2&per_pagina=1",
                            "/transparantie", round_one};
    const char *staff[] = {"/beheer", "/beheer/dashboard", "/beheer/geld",
                           "/beheer/geld?zoek=Test", "/beheer/geld?zoek=1", "/beheer/rondes",
                           staff_one};

    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    for (size_t i = 0; i < sizeof public / sizeof public[0]; i++) {
        int status = answer(&app, f.db, public[i], NULL);
        if (status != 200)
            fprintf(stderr, "%s answered %d\n", public[i], status);
        assert_int_equal(status, 200);
    }
    for (size_t i = 0; i < sizeof staff / sizeof staff[0]; i++) {
        int status = answer(&app, f.db, staff[i], token);
        if (status != 200)
            fprintf(stderr, "%s answered %d\n", staff[i], status);
        assert_int_equal(status, 200);
    }
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);

    assert_true(seen.n >= 30);
    int bad = 0;
    for (int i = 0; i < seen.n; i++) {
        bad += full_scans(f.db, seen.sql[i]) + correlated_audit_lookups(f.db, seen.sql[i]);
        free(seen.sql[i]);
    }
    assert_int_equal(bad, 0);
    tmpl_set_free(app.templates);
    fixture_close(&f);
    unlink(path);
}

/* The lines of the statement's plan that read the initiatives whole: the table or an index of
 * it from end to end (a scan, or a search whose only bound is "published at all"), when the
 * statement sums or counts them, sorts them, or has no LIMIT. Reading an index in the list's
 * order and stopping at the LIMIT is what the lists do (017). The totals and list counts of
 * the public pages read the summary kept with the initiatives instead. */
static int initiative_scans(struct db *db, const char *sql)
{
    sqlite3_stmt *s = plan_of(db, sql);
    int whole = 0;
    bool sorts = false;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(s, 3);
        if (strstr(detail, "TEMP B-TREE"))
            sorts = true;
        bool scan = strncmp(detail, "SCAN ", 5) == 0;
        bool search_all = strncmp(detail, "SEARCH ", 7) == 0 && strstr(detail, "(published_at>?)");
        if (!scan && !search_all)
            continue;
        char name[40];
        sscanf(detail + (scan ? 5 : 7), "%39s", name);
        if (strcmp(name, "i") == 0 || strcmp(name, "initiatives") == 0)
            whole++;
    }
    sqlite3_finalize(s);
    bool stops = strstr(sql, " LIMIT ") && !strcasestr(sql, "count(") && !strcasestr(sql, "sum(");
    if (whole && (sorts || !stops)) {
        fprintf(stderr, "initiatives read whole%s: %s\n", sorts ? " and sorted" : "", sql);
        return whole;
    }
    return 0;
}

/* A page of a list (a statement with a LIMIT) that sorts what it reads: it reads every row
 * that matches, not the page. */
static int sorted_pages(struct db *db, const char *sql)
{
    if (!strstr(sql, " LIMIT "))
        return 0;
    sqlite3_stmt *s = plan_of(db, sql);
    int bad = 0;
    while (sqlite3_step(s) == SQLITE_ROW)
        if (strstr((const char *)sqlite3_column_text(s, 3), "TEMP B-TREE FOR ORDER BY"))
            bad++;
    sqlite3_finalize(s);
    if (bad)
        fprintf(stderr, "a page sorted whole: %s\n", sql);
    return bad;
}

static void public_totals_and_lists_read_no_initiative_whole(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-totals-plans-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 100000);
    fixture_initiative(&f, 0, 100000);
    donate(&f, 0, a);

    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    json_decref(stats_totals(f.db, 0));
    json_decref(stats_totals(f.db, 1));
    json_decref(stats_round(f.db, f.round1, 0));
    json_decref(stats_round(f.db, f.round1, 1));
    int64_t total = 0;
    struct initiative_filter home = {.state = "open", .sort = SORT_CLOSEST, .limit = 3};
    json_decref(initiatives_search(f.db, &home, &total));
    struct initiative_filter all = {.limit = 24};
    json_decref(initiatives_search(f.db, &all, &total));
    struct initiative_filter area = {.area_slug = "wijk-a", .limit = 12};
    json_decref(initiatives_search(f.db, &area, &total));
    struct initiative_filter themed = {.theme = "overig", .state = "open", .limit = 24};
    json_decref(initiatives_search(f.db, &themed, &total));
    struct initiative_filter popular = {.sort = SORT_POPULAR, .limit = 24, .offset = 24};
    json_decref(initiatives_search(f.db, &popular, &total));
    struct initiative_filter closest = {.sort = SORT_CLOSEST, .area_slug = "wijk-a", .limit = 12};
    json_decref(initiatives_search(f.db, &closest, &total));
    struct initiative_filter done = {.state = "uitgevoerd", .sort = SORT_CLOSEST, .limit = 24};
    json_decref(initiatives_search(f.db, &done, &total));
    /* The home page, an area's page and the feeds want no count of the posts. */
    json_decref(news_list(f.db, 0, 3, 0, NULL));
    json_decref(news_list(f.db, 1, 5, 0, NULL));
    json_decref(stats_rounds(f.db));
    /* The API's rounds and totals and the staff's rounds a page at a time; the money screen's
     * initiatives to choose from, the latest changed or matching a few letters. */
    json_decref(rounds_page(f.db, 20, 0, &total));
    json_decref(stats_rounds_page(f.db, 1, 1, &total));
    bool more;
    json_decref(money_initiatives_to_choose(f.db, NULL, 0, 20, &more));
    json_decref(money_initiatives_to_choose(f.db, "Test", 1, 20, &more));
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);

    assert_true(seen.n >= 5);
    int bad = 0;
    for (int i = 0; i < seen.n; i++) {
        bad += initiative_scans(f.db, seen.sql[i]) + sorted_pages(f.db, seen.sql[i]);
        if (strncmp(seen.sql[i], "SELECT count(*) FROM news", 25) == 0) {
            fprintf(stderr, "counted the posts: %s\n", seen.sql[i]);
            bad++;
        }
        free(seen.sql[i]);
    }
    assert_int_equal(bad, 0);
    /* The check can fail: a count over the initiatives reads them whole, and so does a list
     * in an order no index has. */
    assert_true(initiative_scans(f.db, "SELECT count(*) FROM initiatives i WHERE "
                                       "i.published_at IS NOT NULL") > 0);
    assert_true(initiative_scans(f.db, "SELECT i.id FROM initiatives i WHERE i.published_at IS "
                                       "NOT NULL ORDER BY i.title LIMIT 3") > 0);
    fixture_close(&f);
    unlink(path);
}

/* The totals the pages show from the summary equal those counted from the initiatives, after
 * donations, a state change, a move to another area and an unpublished initiative. */
static void initiative_totals_follow_the_initiatives(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-totals-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 750), b = fixture_initiative(&f, 3, 100000),
            c = fixture_initiative(&f, 0, 100000);
    donate(&f, 0, a); /* funded */
    donate(&f, 2, b);
    donate(&f, 1, c);
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE initiatives SET area_id = 2 WHERE id = %lld", (long long)c);
    assert_true(db_exec(f.db, sql));
    int64_t hidden = fixture_initiative(&f, 1, 100000);
    snprintf(sql, sizeof sql, "UPDATE initiatives SET published_at = NULL WHERE id = %lld",
             (long long)hidden);
    assert_true(db_exec(f.db, sql));
    assert_int_equal(fixture_verify(&f), 0);
    static const char *const keys[] = {"raised_cents", "vouchers_used", "funded_count",
                                       "open_count"};
    int64_t areas[] = {0, 1, 2};
    for (size_t k = 0; k < sizeof areas / sizeof areas[0]; k++) {
        json_t *got = stats_totals(f.db, areas[k]);
        char want_sql[512];
        snprintf(want_sql, sizeof want_sql,
                 "SELECT json_object('raised_cents', coalesce(sum(i.raised_cents), 0), "
                 "'vouchers_used', coalesce(sum(i.voucher_count), 0), 'funded_count', "
                 "count(*) FILTER (WHERE i.state IN ('gefinancierd', 'uitgevoerd')), "
                 "'open_count', count(*) FILTER (WHERE i.state = 'open')) FROM initiatives i "
                 "LEFT JOIN areas a ON a.id = i.area_id WHERE i.published_at IS NOT NULL AND "
                 "(%lld = 0 OR a.id = %lld OR a.parent_id = %lld)",
                 (long long)areas[k], (long long)areas[k], (long long)areas[k]);
        sqlite3_stmt *s;
        assert_int_equal(sqlite3_prepare_v2(db_handle(f.db), want_sql, -1, &s, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        json_t *want = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
        sqlite3_finalize(s);
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            assert_int_equal(json_integer_value(json_object_get(got, keys[i])),
                             json_integer_value(json_object_get(want, keys[i])));
        json_decref(want);
        json_decref(got);
    }
    /* The list counts too. */
    int64_t total = -1;
    struct initiative_filter all = {.limit = 24};
    json_decref(initiatives_search(f.db, &all, &total));
    assert_int_equal(total, 3);
    struct initiative_filter in_a = {.area_slug = "wijk-a", .limit = 24};
    json_decref(initiatives_search(f.db, &in_a, &total));
    assert_int_equal(total, 2);
    struct initiative_filter open = {.state = "open", .limit = 24};
    json_decref(initiatives_search(f.db, &open, &total));
    assert_int_equal(total, 2);
    struct initiative_filter city = {.area_slug = "gemeentebreed", .limit = 24};
    json_decref(initiatives_search(f.db, &city, &total));
    assert_int_equal(total, 0);
    fixture_close(&f);
    unlink(path);
}

/* The API's totals of every round, read in one statement, equal each round's own. */
static void round_totals_at_once_equal_each_round(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-round-totals-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 750);
    donate(&f, 0, a); /* funded in R1 */
    donate(&f, 1, fixture_initiative(&f, 0, 100000));
    json_t *all = stats_rounds(f.db);
    assert_int_equal(json_array_size(all), 2);
    static const char *const keys[] = {"issued", "vouchers_used", "donated_cents",
                                       "funded_count", "participation_permille"};
    size_t i;
    json_t *row;
    bool funded_seen = false;
    json_array_foreach(all, i, row)
    {
        json_t *one = stats_round(f.db, json_integer_value(json_object_get(row, "id")), 0);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            assert_int_equal(json_integer_value(json_object_get(row, keys[k])),
                             json_integer_value(json_object_get(one, keys[k])));
        funded_seen = funded_seen || json_integer_value(json_object_get(row, "funded_count")) == 1;
        json_decref(one);
    }
    assert_true(funded_seen);
    /* Newest first, as the rounds list. */
    assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "name")), "R2");
    json_decref(all);
    fixture_close(&f);
    unlink(path);
}

/* The dashboard's donations per day read the summary kept with the ledger (017), not the
 * round's vouchers and donations, and follow donations and their reversals. */
static void donations_per_day_follow_the_ledger(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-per-day-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 100000), b = fixture_initiative(&f, 0, 100000);
    donate(&f, 0, a);
    donate(&f, 3, a);
    donate(&f, 1, b);
    assert_int_equal(ledger_release_initiative(f.db, a, T0 + 2 * DAY_S, "t"), 2);
    donate(&f, 0, b);
    assert_int_equal(fixture_verify(&f), 0);

    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    json_t *days = report_donations_per_day(f.db, f.round1, 0);
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);
    assert_true(seen.n >= 1);
    for (int i = 0; i < seen.n; i++) {
        bool reads = strstr(seen.sql[i], "FROM ledger") || strstr(seen.sql[i], "JOIN ledger") ||
                     strstr(seen.sql[i], "FROM vouchers") || strstr(seen.sql[i], "JOIN vouchers");
        if (reads)
            fprintf(stderr, "per day reads the ledger: %s\n", seen.sql[i]);
        assert_false(reads);
        free(seen.sql[i]);
    }
    json_int_t vouchers = 0, cents = 0;
    size_t i;
    json_t *day;
    json_array_foreach(days, i, day)
    {
        vouchers += json_integer_value(json_object_get(day, "vouchers"));
        cents += json_integer_value(json_object_get(day, "cents"));
    }
    json_decref(days);
    assert_int_equal(vouchers, 2); /* the two to b stand; the two to a were released */
    assert_int_equal(cents, count(f.db, "SELECT sum(amount_cents) FROM ledger d WHERE kind = "
                                        "'donation' AND NOT EXISTS (SELECT 1 FROM ledger x "
                                        "WHERE x.reverses_id = d.id)"));
    fixture_close(&f);
    unlink(path);
}

/* The body a page answers (NUL-terminated copy), with its status. */
static char *answer_body(const struct app *app, struct db *db, const char *target, int *status)
{
    struct request req;
    request_init(&req);
    req.method_name = "GET";
    req.target = target;
    req.app = app;
    req.db = db;
    snprintf(req.client_addr, sizeof req.client_addr, "127.0.0.1");
    fields_add(&req.arena, &req.headers, "Host", "localhost", 9);
    app->handle(&req);
    *status = req.resp.status;
    char *body = req.resp.static_body ? strndup(req.resp.static_body, req.resp.static_len)
                                      : strndup(req.resp.body.data ? req.resp.body.data : "",
                                                req.resp.body.len);
    request_free(&req);
    return body;
}

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* A public page's size does not grow with the data: an area's page shows twelve initiatives
 * and links to its list; the transparency page shows the newest rounds in full and links to
 * the older ones, and a round's page lists its funded initiatives a page at a time. */
static void public_pages_stay_bounded(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-bounded-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    for (int i = 0; i < 15; i++)
        fixture_initiative(&f, 1, 100000);
    int64_t old_round = 0, r;
    assert_int_equal(round_add(f.db, "Oud", T0 - 400 * DAY_S, T0 - 300 * DAY_S, 500, &old_round),
                     ROUND_OK);
    assert_int_equal(round_add(f.db, "Ouder", T0 - 800 * DAY_S, T0 - 700 * DAY_S, 500, &r),
                     ROUND_OK);
    int64_t oldest_round = 0;
    assert_int_equal(round_add(f.db, "Oudst", T0 - 1200 * DAY_S, T0 - 1100 * DAY_S, 500,
                               &oldest_round),
                     ROUND_OK);
    (void)old_round;
    /* 55 initiatives funded in R2, the last round (to come or opened, whatever the clock
     * says): a round's page shows 50 and a second page. */
    for (int i = 0; i < 55; i++) {
        int64_t id = fixture_initiative(&f, 2, 100000);
        audit_state_change(f.db, T0 + 201 * DAY_S, "test", id, "open", "gefinancierd", "test");
        char sql[128];
        snprintf(sql, sizeof sql, "UPDATE initiatives SET state = 'gefinancierd' WHERE id = %lld",
                 (long long)id);
        assert_true(db_exec(f.db, sql));
    }
    struct app app = {0};
    config_defaults(&app.config);
    assert_true(cli_load_templates(&app));
    app.handle = site_handle;
    int status;
    char *body = answer_body(&app, f.db, "/wijken/wijk-a", &status);
    assert_int_equal(status, 200);
    assert_int_equal(occurrences(body, "<li class=\"card "), 12);
    assert_non_null(strstr(body, "Alle 15 initiatieven bekijken"));
    assert_non_null(strstr(body, "/initiatieven?wijk=wijk-a&amp;sort=bijna"));
    free(body);

    body = answer_body(&app, f.db, "/transparantie", &status);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "Eerdere voucherrondes"));
    char link[64];
    snprintf(link, sizeof link, "/transparantie?ronde=%lld\">Oudst<", (long long)oldest_round);
    assert_non_null(strstr(body, link));
    assert_null(strstr(body, "<h2>Oudst</h2>"));
    assert_non_null(strstr(body, "<h2>R2</h2>"));
    assert_non_null(strstr(body, "Alle 55 initiatieven die in R2 zijn gefinancierd"));
    free(body);

    char target[64];
    snprintf(target, sizeof target, "/transparantie?ronde=%lld", (long long)f.round2);
    body = answer_body(&app, f.db, target, &status);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "Pagina 1 van 2"));
    free(body);
    snprintf(target, sizeof target, "/transparantie?ronde=%lld&pagina=2", (long long)f.round2);
    body = answer_body(&app, f.db, target, &status);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "Pagina 2 van 2"));
    free(body);
    snprintf(target, sizeof target, "/transparantie?ronde=%lld&pagina=3", (long long)f.round2);
    free(answer_body(&app, f.db, target, &status));
    assert_int_equal(status, 404);
    tmpl_set_free(app.templates);
    fixture_close(&f);
    unlink(path);
}

/* The staff's news list a page at a time, drafts first, in the order of its index. */
/* The staff home's count of the initiatives online and the staff news list's count of the
 * posts read the summary of the initiatives (017) and an index of the posts, not every
 * initiative or post with its area looked up. */
static void staff_counts_read_no_row_whole(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-staff-counts-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 3);
    fixture_initiative(&f, 1, 100000);
    fixture_initiative(&f, 3, 100000);
    fixture_initiative(&f, 2, 100000);
    fixture_initiative(&f, 0, 100000);
    assert_true(db_exec(f.db, "INSERT INTO news(area_id, title, body, author_name, published, "
                              "published_at) VALUES (1, 'Wijk A', '', 'X', 1, "
                              "'2027-01-01 00:00:00'), (3, 'Buurt A1', '', 'X', 1, "
                              "'2027-01-02 00:00:00'), (2, 'Wijk B', '', 'X', 1, "
                              "'2027-01-03 00:00:00'), (NULL, 'Stad', '', 'X', 0, NULL)"));
    char err[256];
    const char *wijk_a[] = {"wijk-a"};
    assert_true(user_add(f.db, "beheer", "admin", "paars konijn fietst door Almelo", NULL, 0, err,
                         sizeof err));
    assert_true(user_add(f.db, "ria", "wijkregisseur", "paars konijn fietst door Almelo", wijk_a,
                         1, err, sizeof err));
    struct user admin, ria;
    assert_true(user_get(f.db, "beheer", &admin));
    assert_true(user_get(f.db, "ria", &ria));

    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    int64_t total = 0;
    json_decref(initiatives_staff_queue_first(f.db, &admin, 1, &total));
    assert_int_equal(total, 4);
    json_decref(initiatives_staff_queue_first(f.db, &ria, 1, &total));
    assert_int_equal(total, 2); /* wijk A and its buurt, not B nor the city-wide one */
    json_decref(news_for_staff_page(f.db, admin.id, true, 1, 0, &total));
    assert_int_equal(total, 4);
    json_decref(news_for_staff_page(f.db, ria.id, false, 1, 0, &total));
    assert_int_equal(total, 2);
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);

    int bad = 0;
    for (int i = 0; i < seen.n; i++) {
        if (strcasestr(seen.sql[i], "count(*) FROM initiatives")) {
            fprintf(stderr, "counted the initiatives: %s\n", seen.sql[i]);
            bad++;
        }
        if (strcasestr(seen.sql[i], "count(*) FROM news")) {
            sqlite3_stmt *s = plan_of(f.db, seen.sql[i]);
            while (sqlite3_step(s) == SQLITE_ROW) {
                const char *detail = (const char *)sqlite3_column_text(s, 3);
                /* Every post read with its area looked up, or the posts read whole for a
                 * staff member of a few areas. */
                if (!strncmp(detail, "SEARCH a ", 9) ||
                    (strstr(seen.sql[i], "?1") && !strncmp(detail, "SCAN n", 6))) {
                    fprintf(stderr, "counted the posts row by row: %s\n  in: %s\n", detail,
                            seen.sql[i]);
                    bad++;
                }
            }
            sqlite3_finalize(s);
        }
        free(seen.sql[i]);
    }
    assert_int_equal(bad, 0);
    fixture_close(&f);
    unlink(path);
}

/* A page of rounds (the API's rounds and totals, the staff's rounds) reads each round's row
 * of round_totals once, not its rows per area once per figure. */
static void round_pages_read_each_summary_once(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-round-pages-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 6);
    int64_t a = fixture_initiative(&f, 1, 100000);
    donate(&f, 0, a);
    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    int64_t total = 0;
    json_t *rounds = rounds_page(f.db, 20, 0, &total);
    json_t *stats = stats_rounds_page(f.db, 20, 0, &total);
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);
    /* The figures are each round's own, newest first. */
    assert_int_equal(json_array_size(rounds), 2);
    assert_int_equal(json_array_size(stats), 2);
    json_t *r1 = json_array_get(rounds, 1), *s1 = json_array_get(stats, 1);
    json_t *one = stats_round(f.db, f.round1, 0);
    assert_int_equal(json_integer_value(json_object_get(r1, "id")), f.round1);
    assert_int_equal(json_integer_value(json_object_get(r1, "issued")), 6);
    assert_int_equal(json_integer_value(json_object_get(r1, "donated")), 1);
    assert_int_equal(json_integer_value(json_object_get(s1, "issued")), 6);
    assert_int_equal(json_integer_value(json_object_get(s1, "vouchers_used")), 1);
    assert_int_equal(json_integer_value(json_object_get(s1, "donated_cents")),
                     json_integer_value(json_object_get(one, "donated_cents")));
    assert_int_equal(json_integer_value(json_object_get(json_array_get(stats, 0), "issued")), 0);
    json_decref(one);
    json_decref(rounds);
    json_decref(stats);
    int bad = 0;
    for (int i = 0; i < seen.n; i++) {
        sqlite3_stmt *s = plan_of(f.db, seen.sql[i]);
        int reads = 0;
        while (sqlite3_step(s) == SQLITE_ROW)
            if (strstr((const char *)sqlite3_column_text(s, 3), "SEARCH t "))
                reads++;
        sqlite3_finalize(s);
        if (reads > 1) {
            fprintf(stderr, "read a round's totals %d times: %s\n", reads, seen.sql[i]);
            bad++;
        }
        /* One row per round (round_totals, 019), not one per round and area. */
        if (strstr(seen.sql[i], "round_area_totals")) {
            fprintf(stderr, "read a round's totals per area: %s\n", seen.sql[i]);
            bad++;
        }
        free(seen.sql[i]);
    }
    assert_int_equal(bad, 0);
    fixture_close(&f);
    unlink(path);
}

/* How often SQLite prepared the connection's cached statements again. */
static int reprepares(struct db *db)
{
    int n = 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(db_handle(db), NULL); s;
         s = sqlite3_next_stmt(db_handle(db), s))
        n += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_REPREPARE, 0);
    return n;
}

/* A cached statement is prepared once: a pattern bound to a plain `LIKE ?` makes SQLite plan
 * the statement again at every new value, on every view of the money screen. */
static void money_choice_prepared_once(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-money-choice-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 3);
    fixture_initiative(&f, 1, 100000);
    bool more;
    json_t *rows = money_initiatives_to_choose(f.db, NULL, 0, 20, &more);
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    int before = reprepares(f.db);
    rows = money_initiatives_to_choose(f.db, "Tes", 0, 20, &more);
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    rows = money_initiatives_to_choose(f.db, "tEST", 0, 20, &more); /* as LIKE: any case */
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    rows = money_initiatives_to_choose(f.db, "%", 0, 20, &more); /* % as itself */
    assert_int_equal(json_array_size(rows), 0);
    json_decref(rows);
    assert_int_equal(reprepares(f.db) - before, 0);
    fixture_close(&f);
    unlink(path);
}

/* An admin's older page of the staff news list skips the newer posts in the index alone: it
 * reads no post but those it shows, however many came after them. */
static void staff_news_older_pages_skip_in_the_index(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-staff-news-deep-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 3);
    for (int i = 0; i < 30; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO news(area_id, title, body, author_name, published, published_at) "
                 "VALUES (%s, 'Bericht %02d', '', 'X', 1, '2027-01-%02d 00:00:00')",
                 i % 2 ? "1" : "NULL", i, 1 + i);
        assert_true(db_exec(f.db, sql));
    }
    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    int64_t total = 0;
    json_t *page = news_for_staff_page(f.db, 0, true, 10, 20, &total);
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);
    assert_int_equal(total, 30);
    assert_int_equal(json_array_size(page), 10);
    assert_string_equal(json_string_value(json_object_get(json_array_get(page, 0), "title")),
                        "Bericht 09");
    assert_string_equal(json_string_value(json_object_get(json_array_get(page, 9), "title")),
                        "Bericht 00");
    json_decref(page);
    int bad = 0, lists = 0;
    for (int i = 0; i < seen.n; i++) {
        if (strstr(seen.sql[i], "OFFSET")) {
            lists++;
            sqlite3_stmt *s = plan_of(f.db, seen.sql[i]);
            while (sqlite3_step(s) == SQLITE_ROW) {
                const char *detail = (const char *)sqlite3_column_text(s, 3);
                if (!strncmp(detail, "SCAN n ", 7)) {
                    fprintf(stderr, "read the posts up to the page: %s\n  in: %s\n", detail,
                            seen.sql[i]);
                    bad++;
                }
            }
            sqlite3_finalize(s);
        }
        free(seen.sql[i]);
    }
    assert_int_equal(lists, 1);
    assert_int_equal(bad, 0);
    fixture_close(&f);
    unlink(path);
}

static void staff_news_a_page_at_a_time(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-staff-news-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 3);
    assert_true(db_exec(f.db, "INSERT INTO news(area_id, title, body, author_name, published, "
                              "published_at) VALUES (1, 'Oud', '', 'X', 1, '2027-01-01 00:00:00'), "
                              "(NULL, 'Nieuw', '', 'X', 1, '2027-02-01 00:00:00'), "
                              "(2, 'Concept', '', 'X', 0, NULL)"));
    int64_t total = 0;
    json_t *page = news_for_staff_page(f.db, 0, true, 2, 0, &total);
    assert_int_equal(total, 3);
    assert_int_equal(json_array_size(page), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(page, 0), "title")),
                        "Concept");
    assert_string_equal(json_string_value(json_object_get(json_array_get(page, 1), "title")),
                        "Nieuw");
    json_decref(page);
    page = news_for_staff_page(f.db, 0, true, 2, 2, &total);
    assert_int_equal(json_array_size(page), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(page, 0), "title")),
                        "Oud");
    json_decref(page);
    char eqp[1024];
    snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN SELECT n.id FROM news n LEFT JOIN areas a ON "
                              "a.id = n.area_id WHERE 1 ORDER BY n.published, "
                              "coalesce(n.published_at, n.created_at) DESC, n.id DESC LIMIT 2");
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db_handle(f.db), eqp, -1, &s, NULL), SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
        assert_null(strstr((const char *)sqlite3_column_text(s, 3), "TEMP B-TREE"));
    sqlite3_finalize(s);
    fixture_close(&f);
    unlink(path);
}

/* The audit log's form offers the newest hundred initiatives and the one chosen. */
static void audit_choices_stay_bounded(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-audit-choices-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 3);
    int64_t oldest = fixture_initiative(&f, 1, 100000);
    for (int i = 0; i < 104; i++)
        fixture_initiative(&f, 1, 100000);
    json_t *c = audit_filter_choices_for(f.db, 0);
    assert_int_equal(json_array_size(json_object_get(c, "initiatives")), 100);
    json_decref(c);
    c = audit_filter_choices_for(f.db, oldest);
    json_t *list = json_object_get(c, "initiatives");
    assert_int_equal(json_array_size(list), 101);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 100), "id")), oldest);
    json_decref(c);
    fixture_close(&f);
    unlink(path);
}

/* The audit log's statements read the log by id in order within the page's bounds and stop at
 * the page: no OFFSET, no sort of the matches, a rowid range. */
static int audit_plan_faults(struct db *db, const char *sql)
{
    if (!strstr(sql, "FROM audit_log a "))
        return 0;
    int bad = strstr(sql, "OFFSET") ? 1 : 0;
    sqlite3_stmt *s = plan_of(db, sql);
    bool ranged = false;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(s, 3);
        if (strstr(detail, "TEMP B-TREE"))
            bad++;
        if (!strcmp(detail, "SEARCH a USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"))
            ranged = true;
    }
    sqlite3_finalize(s);
    if (bad || !ranged)
        fprintf(stderr, "the audit log not read as a page: %s\n", sql);
    return bad + !ranged;
}

/* Whether a line of the statement's plan contains `what`. */
static int plan_reads(struct db *db, const char *sql, const char *what)
{
    sqlite3_stmt *s = plan_of(db, sql);
    int found = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(s, 3);
        if (strstr(detail, what))
            found = 1;
    }
    sqlite3_finalize(s);
    if (!found)
        fprintf(stderr, "no \"%s\" in the plan of: %s\n", what, sql);
    return found;
}

static void audit_log_read_a_page_at_a_time(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-audit-pages-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 3);
    for (int i = 0; i < 120; i++)
        assert_true(audit_add(f.db, T0 + i, i % 3 ? "cli" : "beheer", "setting", "x", "a", "b",
                              NULL));
    struct seen seen = {0};
    sqlite3_trace_v2(db_handle(f.db), SQLITE_TRACE_STMT, trace_statement, &seen);
    struct audit_filter all = {0}, who = {.actor = "beheer"};
    json_decref(audit_search(f.db, &all, 51));
    json_decref(audit_search(f.db, &who, 51));
    /* Back through the log a page at a time, then forward again: every row once, in order. */
    int64_t seen_ids[120], n = 0, oldest = 0;
    struct audit_filter back = {0};
    for (int pages = 0; pages < 10; pages++) {
        json_t *rows = audit_search(f.db, &back, 50);
        size_t i;
        json_t *row;
        json_array_foreach(rows, i, row)
        {
            int64_t id = json_integer_value(json_object_get(row, "id"));
            assert_true(n < 120);
            assert_true(!n || id < seen_ids[n - 1]);
            seen_ids[n++] = oldest = id;
        }
        bool last = json_array_size(rows) < 50;
        json_decref(rows);
        if (last)
            break;
        back.before_id = oldest;
    }
    assert_int_equal(n, 120);
    struct audit_filter forward = {.after_id = seen_ids[119]};
    json_t *rows = audit_search(f.db, &forward, 50);
    assert_int_equal(json_array_size(rows), 50);
    /* Newest first here too: the 50 rows just after the oldest. */
    for (size_t i = 0; i < 50; i++)
        assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, i), "id")),
                         seen_ids[69 + i]);
    json_decref(rows);
    /* One initiative's entries through the subject index, not a walk over the whole log. */
    assert_true(audit_state_change(f.db, T0, "cli", 7, "open", "gefinancierd", NULL));
    struct audit_filter one = {.initiative_id = 7};
    rows = audit_search(f.db, &one, 50);
    assert_int_equal(json_array_size(rows), 1);
    json_decref(rows);
    struct audit_filter few = {.actor = "beheer", .before_id = seen_ids[59]};
    rows = audit_search(f.db, &few, 50);
    assert_int_equal(json_array_size(rows), 20); /* every third of the 60 oldest */
    json_decref(rows);
    sqlite3_trace_v2(db_handle(f.db), 0, NULL, NULL);
    assert_true(seen.n >= 2);
    int bad = 0, by_subject = 0;
    for (int i = 0; i < seen.n; i++) {
        if (strstr(seen.sql[i], "AND a.subject = 'initiative:' || ?6 ")) {
            by_subject +=
                plan_reads(f.db, seen.sql[i], "USING INDEX audit_log_subject (subject=?)");
            free(seen.sql[i]);
            continue;
        }
        bad += audit_plan_faults(f.db, seen.sql[i]);
        free(seen.sql[i]);
    }
    assert_int_equal(bad, 0);
    assert_int_equal(by_subject, 1);
    fixture_close(&f);
    unlink(path);
}

struct found {
    const char *needle;
    int hits;
};

static void count_breach(void *ctx, const char *line)
{
    struct found *found = ctx;
    fprintf(stderr, "breach: %s\n", line);
    if (strstr(line, found->needle))
        found->hits++;
}

/* Breaks the database with sql after a clean run, then expects exactly one breach naming
 * needle from the regular run (when regular) and from the full run. */
static void corrupt_and_verify_in(const char *sql, const char *needle, bool regular)
{
    char path[] = "/tmp/bs-summary-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 100000);
    donate(&f, 0, a);
    donate(&f, 3, a);
    assert_int_equal(ledger_release_initiative(f.db, a, T0 + 2 * DAY_S, "t"), 2);
    donate(&f, 0, fixture_initiative(&f, 0, 100000));
    assert_int_equal(fixture_verify(&f), 0);
    assert_true(db_exec(f.db, sql));
    struct found found = {needle, 0};
    if (regular) {
        assert_true(verify_run(f.db, false, count_breach, &found) > 0);
        assert_int_equal(found.hits, 1);
        found.hits = 0;
    }
    assert_true(verify_all(f.db, count_breach, &found) > 0);
    assert_int_equal(found.hits, 1);
    fixture_close(&f);
    unlink(path);
}

static void corrupt_and_verify(const char *sql, const char *needle)
{
    corrupt_and_verify_in(sql, needle, true);
}

static void verify_names_a_wrong_issued_count(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE round_area_totals SET issued = issued - 1 WHERE round_id = "
                       "(SELECT min(round_id) FROM round_area_totals WHERE issued > 0) AND area_id = "
                       "(SELECT min(area_id) FROM round_area_totals WHERE issued > 0)",
                       "round summary differs");
}

static void verify_names_a_wrong_returned_count(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE round_area_totals SET returned = returned + 1 WHERE round_id = "
                       "(SELECT min(round_id) FROM round_area_totals) AND area_id = (SELECT "
                       "min(area_id) FROM round_area_totals WHERE round_id = (SELECT min(round_id) "
                       "FROM round_area_totals))",
                       "round summary differs");
}

/* A standing donation is returned past the domain and the voucher then donated again: it counts
 * as donated and as returned, and the round's totals no longer add up. */
static void verify_names_round_totals_that_do_not_add_up(void **state)
{
    (void)state;
    corrupt_and_verify("INSERT INTO ledger(at, kind, initiative_id, voucher_id, reverses_id, "
                       "amount_cents) SELECT at, 'return', initiative_id, voucher_id, id, "
                       "-amount_cents FROM ledger d WHERE kind = 'donation' AND NOT EXISTS "
                       "(SELECT 1 FROM ledger x WHERE x.reverses_id = d.id); "
                       "INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents) "
                       "SELECT at, 'donation', initiative_id, voucher_id, -amount_cents FROM ledger "
                       "WHERE kind = 'return'",
                       "round totals do not add up");
}

/* A donation written past the domain to the initiative that holds the standing donation,
 * by a voucher not yet used, after its target was set to target_sql. */
#define DONATION_PAST_THE_TARGET(target_sql)                                                       \
    "UPDATE initiatives SET target_cents = " target_sql " WHERE id = (SELECT initiative_id "       \
    "FROM ledger d WHERE kind = 'donation' AND NOT EXISTS (SELECT 1 FROM ledger x WHERE "          \
    "x.reverses_id = d.id)); "                                                                     \
    "INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents) "                       \
    "SELECT '2027-01-16 12:00:00', 'donation', d.initiative_id, (SELECT min(v.id) "                \
    "FROM vouchers v WHERE NOT EXISTS (SELECT 1 FROM ledger l WHERE l.voucher_id = v.id)), 750 "   \
    "FROM ledger d WHERE kind = 'donation' AND NOT EXISTS (SELECT 1 FROM ledger x WHERE "          \
    "x.reverses_id = d.id)"

static void verify_names_a_donation_after_the_target(void **state)
{
    (void)state;
    corrupt_and_verify(DONATION_PAST_THE_TARGET("750"), "total before it had reached the target");
}

static void verify_names_a_target_reached_without_funding(void **state)
{
    (void)state;
    corrupt_and_verify(DONATION_PAST_THE_TARGET("1500"), "did not turn 'gefinancierd'");
}

/* The released donations counted as if they still stood. */
static void verify_names_a_voucher_count_that_ignores_releases(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE initiatives SET voucher_count = (SELECT count(*) FROM ledger l "
                       "WHERE l.initiative_id = initiatives.id AND l.kind = 'donation')",
                       "cached voucher count differs");
}

static void verify_names_a_donation_of_a_voided_voucher(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE vouchers SET voided_at = '2027-02-01 00:00:00' WHERE id = (SELECT "
                       "voucher_id FROM ledger d WHERE kind = 'donation' AND NOT EXISTS "
                       "(SELECT 1 FROM ledger x WHERE x.reverses_id = d.id))",
                       "donation of a voided voucher");
}

/* A row that breaks a CHECK constraint, written with the constraints switched off: the full
 * run's integrity_check names it (the regular quick check does not evaluate them again). */
static void full_verify_names_a_broken_check_constraint(void **state)
{
    (void)state;
    corrupt_and_verify_in("PRAGMA ignore_check_constraints = ON; UPDATE budget_lines SET "
                          "amount_cents = -amount_cents WHERE initiative_id = (SELECT "
                          "min(initiative_id) FROM budget_lines); PRAGMA ignore_check_constraints = OFF",
                          "CHECK constraint failed", false);
}

/* Counts the progress callbacks and, once armed, interrupts the statement after the given
 * number: a check that stops half-way, as on a page that cannot be read. */
struct stopper {
    long calls, stop_at;
};

static int stop_half_way(void *ctx)
{
    struct stopper *st = ctx;
    st->calls++;
    return st->calls == st->stop_at;
}

/* A check cut short names itself: the statement that failed, or the schema version it could
 * not read. */
static void count_stopped(void *ctx, const char *line)
{
    int *hits = ctx;
    fprintf(stderr, "breach: %s\n", line);
    if (strstr(line, "failed: interrupted") || strstr(line, "schema version: database -1"))
        (*hits)++;
}

static void verify_reports_a_check_that_stops_half_way(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-stopped-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 100000);
    donate(&f, 0, a);
    donate(&f, 3, a);
    struct stopper st = {0, 0};
    sqlite3_progress_handler(db_handle(f.db), 100, stop_half_way, &st);
    /* At eight points of each run (the last fifth holds the mark of a clean run, which may
     * fail unsaid): the full run is mostly its integrity check, the regular one mostly the
     * summary rules. */
    for (int full = 1; full >= 0; full--) {
        st = (struct stopper){0, 0};
        assert_int_equal(verify_run(f.db, full, fixture_print_breach, NULL), 0);
        long all = st.calls;
        assert_true(all > 10);
        for (int k = 1; k <= 8; k++) {
            st = (struct stopper){0, all * k / 10};
            int hits = 0;
            assert_true(verify_run(f.db, full, count_stopped, &hits) > 0);
            assert_int_equal(hits, 1);
        }
    }
    sqlite3_progress_handler(db_handle(f.db), 0, NULL, NULL);
    fixture_close(&f);
    unlink(path);
}

static int64_t single_value(struct db *db, const char *sql)
{
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* verify_tally, the GROUP BY of the summary rules, sums exactly what GROUP BY sums: many
 * groups (its table grows and its slots collide), a NULL key, negative values. */
static void verify_tally_sums_as_group_by_does(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-tally-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    assert_int_equal(verify_run(f.db, false, fixture_print_breach, NULL), 0); /* registers it */
#define TALLY_ROWS                                                                                 \
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000), "            \
    "rows AS (SELECT i % 7 AS a, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 300 END AS b, 1 AS x, "   \
    "i AS y, -i AS z, i % 3 AS w FROM n), "                                                        \
    "grouped AS (SELECT a, b, sum(x), sum(y), sum(z), sum(w) FROM rows GROUP BY a, b), "           \
    "tallied AS (SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, "         \
    "value ->> 5 FROM json_each((SELECT verify_tally(a, b, x, y, z, w) FROM rows))) "
    int64_t groups = single_value(f.db, TALLY_ROWS "SELECT count(*) FROM grouped");
    assert_int_equal(groups, 7 * 300 + 7);
    assert_int_equal(single_value(f.db, TALLY_ROWS "SELECT count(*) FROM tallied"), groups);
    assert_int_equal(single_value(f.db, TALLY_ROWS "SELECT count(*) FROM (SELECT * FROM grouped "
                                                   "EXCEPT SELECT * FROM tallied)"),
                     0);
    assert_int_equal(single_value(f.db, "SELECT verify_tally(1, 2, 3, 4, 5, 6) WHERE 0"), 0);
#undef TALLY_ROWS
    fixture_close(&f);
    unlink(path);
}

/* Overwrites the page type of a table's root page in the file, as a damaged disk would. */
static void damage_root_page(struct fixture *f, const char *path, const char *table)
{
    sqlite3_stmt *s;
    assert_true(db_exec(f->db, "PRAGMA wal_checkpoint(TRUNCATE)"));
    assert_int_equal(sqlite3_prepare_v2(db_handle(f->db),
                                        "SELECT (SELECT page_size FROM pragma_page_size), "
                                        "rootpage FROM sqlite_schema WHERE name = ?1",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t page_size = sqlite3_column_int64(s, 0), root = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    db_close(f->db);
    assert_true(root > 1);
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    unsigned char bad = 0x01; /* no b-tree page has this type */
    assert_int_equal(pwrite(fd, &bad, 1, (off_t)((root - 1) * page_size)), 1);
    close(fd);
    char err[256];
    f->db = db_open(path, false, err, sizeof err);
    assert_non_null(f->db);
}

/* A damaged page is a breach of the regular run: in a small table through its quick check,
 * in the ledger through the rules that read every ledger row. */
static void regular_verify_names_a_damaged_page(void **state)
{
    (void)state;
    static const char *const tables[] = {"news", "ledger"};
    static const char *const needles[] = {"integrity: ", "query failed: "};
    for (int t = 0; t < 2; t++) {
        char path[] = "/tmp/bs-damaged-XXXXXX";
        struct fixture f;
        scratch_open(&f, path, 12);
        int64_t a = fixture_initiative(&f, 1, 100000);
        donate(&f, 0, a);
        assert_int_equal(verify_run(f.db, false, fixture_print_breach, NULL), 0);
        damage_root_page(&f, path, tables[t]);
        struct found found = {needles[t], 0};
        assert_true(verify_run(f.db, false, count_breach, &found) > 0);
        assert_true(found.hits > 0);
        fixture_close(&f);
        unlink(path);
        char wal[64];
        snprintf(wal, sizeof wal, "%s-wal", path);
        unlink(wal);
        snprintf(wal, sizeof wal, "%s-shm", path);
        unlink(wal);
    }
}

/* The regular run switches the CHECK constraints off for its quick check only: a write on the
 * same connection afterwards is held to them again. */
static void regular_verify_leaves_check_constraints_on(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-checks-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    fixture_initiative(&f, 1, 100000);
    assert_int_equal(verify_run(f.db, false, fixture_print_breach, NULL), 0);
    assert_false(db_exec(f.db, "UPDATE budget_lines SET amount_cents = -1"));
    fixture_close(&f);
    unlink(path);
}

static void verify_names_a_wrong_round_summary(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE round_area_totals SET donated_cents = donated_cents + 1 "
                       "WHERE round_id = 1 AND area_id = 1",
                       "round summary differs");
}

static void verify_names_a_missing_round_summary(void **state)
{
    (void)state;
    corrupt_and_verify("DELETE FROM round_area_totals WHERE area_id = 1", "round summary differs");
}

static void verify_names_a_wrong_initiative_summary(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE round_initiatives SET donations = donations + 1 WHERE initiative_id = "
                       "(SELECT min(initiative_id) FROM round_initiatives)",
                       "round initiatives summary differs");
}

static void verify_names_a_wrong_household_count(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE area_households SET households = households + 1 WHERE area_id = 2",
                       "households per area summary differs");
}

static void verify_names_a_wrong_paid_out_total(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE initiatives SET paid_cents = paid_cents + 1 WHERE id = (SELECT "
                       "min(id) FROM initiatives)",
                       "cached paid-out total differs");
}

static void verify_names_a_wrong_partner_total(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE initiatives SET partner_cents = 5 WHERE id = (SELECT min(id) FROM "
                       "initiatives)",
                       "cached partner total differs");
}

static void verify_names_a_missing_open_initiative_of_a_round(void **state)
{
    (void)state;
    corrupt_and_verify("DELETE FROM round_open_initiatives WHERE round_id = (SELECT "
                       "min(round_id) FROM round_open_initiatives) AND initiative_id = (SELECT "
                       "min(initiative_id) FROM round_open_initiatives)",
                       "round open-initiatives summary differs");
}

static void verify_names_a_wrong_initiative_total(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE initiative_totals SET raised_cents = raised_cents + 1 WHERE "
                       "area_id = 1",
                       "initiative totals summary differs");
}

static void verify_names_a_missing_initiative_total(void **state)
{
    (void)state;
    corrupt_and_verify("DELETE FROM initiative_totals WHERE area_id = 0",
                       "initiative totals summary differs");
}

static void verify_names_a_wrong_donation_hour(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE round_donation_hours SET cents = cents + 1 WHERE hour = (SELECT "
                       "min(hour) FROM round_donation_hours)",
                       "donations per hour summary differs");
}

/* BUURTSAMEN_VERIFY_TIMES=1: one line of CPU and wall time per check on stderr, none without. */
static void verify_times_each_check_when_asked(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-times-XXXXXX", err[] = "/tmp/bs-times-err-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    int efd = mkstemp(err);
    assert_true(efd >= 0);
    struct fixture f;
    assert_true(fixture_open(&f, path, 12));
    donate(&f, 0, fixture_initiative(&f, 1, 100000));
    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0 && dup2(efd, 2) == 2);
    assert_int_equal(verify_run(f.db, false, fixture_print_breach, NULL), 0); /* off */
    setenv("BUURTSAMEN_VERIFY_TIMES", "1", 1);
    assert_int_equal(verify_run(f.db, false, fixture_print_breach, NULL), 0);
    unsetenv("BUURTSAMEN_VERIFY_TIMES");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char text[16384] = {0};
    assert_true(lseek(efd, 0, SEEK_SET) == 0);
    ssize_t n = read(efd, text, sizeof text - 1);
    close(efd);
    assert_true(n > 0);
    int lines = 0;
    for (const char *p = text; (p = strstr(p, " s cpu ")); p++)
        lines++;
    assert_true(lines > 30); /* every rule, the quick check and the pass over the ledger */
    assert_non_null(strstr(text, "s wall  quick check"));
    assert_non_null(strstr(text, "s wall  round summary differs"));
    assert_non_null(strstr(text, "s wall  the pass over the vouchers and the ledger"));
    assert_null(strstr(strstr(text, "quick check") + 1, "quick check")); /* once */
    fixture_close(&f);
    unlink(path);
    unlink(err);
}

/* The summary still counting a released donation: the rule subtracts the reversed ones. */
static void verify_names_a_donation_hour_that_kept_a_released_donation(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE round_donation_hours SET vouchers = vouchers + 1, cents = cents + "
                       "(SELECT amount_cents FROM ledger WHERE id = (SELECT min(reverses_id) FROM "
                       "ledger)) WHERE (round_id, hour) = (SELECT v.round_id, "
                       "strftime('%Y-%m-%d %H:00:00', d.at) FROM ledger d JOIN vouchers v "
                       "ON v.id = d.voucher_id WHERE d.id = (SELECT min(reverses_id) FROM ledger))",
                       "donations per hour summary differs");
}

/* A summary row under an hour of no donation, even in the hour the donations were made. */
static void verify_names_a_donation_hour_off_the_hour(void **state)
{
    (void)state;
    corrupt_and_verify("INSERT INTO round_donation_hours(round_id, hour, vouchers, cents) SELECT "
                       "round_id, replace(hour, ':00:00', ':30:00'), 1, 500 FROM "
                       "round_donation_hours WHERE hour = (SELECT min(hour) FROM "
                       "round_donation_hours)",
                       "donations per hour summary differs");
}

static void verify_names_a_wrong_round_total(void **state)
{
    (void)state;
    corrupt_and_verify("UPDATE round_totals SET donated_cents = donated_cents + 1 "
                       "WHERE round_id = (SELECT min(id) FROM rounds)",
                       "round totals summary differs");
}

static void verify_names_a_missing_round_total(void **state)
{
    (void)state;
    corrupt_and_verify("DELETE FROM round_totals WHERE round_id = (SELECT min(id) FROM rounds)",
                       "round totals summary differs");
}

static void verify_names_a_wrong_funded_count(void **state)
{
    (void)state;
    corrupt_and_verify("INSERT INTO round_funded_counts(round_id, initiatives) VALUES ((SELECT "
                       "max(id) FROM rounds), 3)",
                       "funded count per round differs");
}

static void verify_names_a_wrong_funded_initiative_of_a_round(void **state)
{
    (void)state;
    corrupt_and_verify("INSERT INTO round_funded(round_id, initiative_id) VALUES ((SELECT min(id) "
                       "FROM rounds), (SELECT min(id) FROM initiatives))",
                       "round funded summary differs");
}

/* The round lists follow every change they summarise, in its own transaction: publishing,
 * leaving 'open', being funded, a round added or moved; verify recomputes them. */
static void round_lists_follow_states_and_rounds(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-round-lists-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 750), b = fixture_initiative(&f, 0, 100000);
    donate(&f, 0, a); /* reaches the target: gefinancierd in R1 */
    json_t *funded = report_funded_in_round(f.db, f.round1);
    assert_int_equal(json_array_size(funded), 1);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(funded, 0), "id")), a);
    json_decref(funded);
    funded = report_funded_in_round(f.db, f.round2);
    assert_int_equal(json_array_size(funded), 0);
    json_decref(funded);
    int64_t total = -1;
    funded = report_funded_in_round_first(f.db, f.round1, 0, &total);
    assert_int_equal(json_array_size(funded), 0);
    assert_int_equal(total, 1);
    json_decref(funded);
    /* b leaves 'open' before R2 opens: it took part in R1 only. */
    assert_int_equal(workflow_transition(f.db, b, "niet_gehaald", ACTOR_SYSTEM, "system", "",
                                         T0 + 2 * DAY_S),
                     WF_OK);
    int64_t in_r1 = -1, in_r2 = -1;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db_handle(f.db), "SELECT count(*) FROM "
                                        "round_open_initiatives WHERE round_id = ?1 AND "
                                        "initiative_id = ?2", -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 2, b);
    sqlite3_bind_int64(s, 1, f.round1);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    in_r1 = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, f.round2);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    in_r2 = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    assert_int_equal(in_r1, 1);
    assert_int_equal(in_r2, 0);
    assert_int_equal(fixture_verify(&f), 0);
    /* A round added around the funding, and one moved: their lists anew. */
    assert_true(db_exec(f.db, "UPDATE rounds SET opens_at = '2020-01-01 00:00:00', closes_at = "
                              "'2020-06-01 00:00:00' WHERE name = 'R2'"));
    assert_int_equal(fixture_verify(&f), 0);
    assert_true(db_exec(f.db, "DELETE FROM rounds WHERE name = 'R2'"));
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
    unlink(path);
}

/* The regular run remembers the last ledger row it covered and checks the rows after it; a
 * bad row added later is found by it and by the full run. */
static void regular_verify_checks_the_rows_since_the_last_clean_run(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-incremental-XXXXXX";
    struct fixture f;
    scratch_open(&f, path, 12);
    int64_t a = fixture_initiative(&f, 1, 100000);
    donate(&f, 0, a);
    struct found found = {"outside its voucher's round", 0};
    assert_int_equal(verify_run(f.db, false, count_breach, &found), 0);
    int64_t mark = -1, last = -2;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db_handle(f.db), "SELECT (SELECT ledger_id FROM "
                                        "verify_state), (SELECT max(id) FROM ledger)", -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    mark = sqlite3_column_int64(s, 0);
    last = sqlite3_column_int64(s, 1);
    sqlite3_finalize(s);
    assert_int_equal(mark, last);
    /* A donation dated before its round opened, written past the domain. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents) VALUES "
             "('2020-01-01 00:00:00', 'donation', %lld, %lld, 750); "
             "UPDATE initiatives SET raised_cents = raised_cents + 750, "
             "voucher_count = voucher_count + 1 WHERE id = %lld",
             (long long)a, (long long)f.vouchers[1].id, (long long)a);
    assert_true(db_exec(f.db, sql));
    assert_true(verify_run(f.db, false, count_breach, &found) > 0);
    assert_int_equal(found.hits, 1);
    found.hits = 0;
    assert_true(verify_run(f.db, true, count_breach, &found) > 0);
    assert_int_equal(found.hits, 1);
    fixture_close(&f);
    unlink(path);
}

int main(void)
{
    log_set_quiet(true);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_paths_scan_no_big_table),
        cmocka_unit_test(pages_scan_no_big_table),
        cmocka_unit_test(verify_names_a_wrong_round_summary),
        cmocka_unit_test(verify_names_a_missing_round_summary),
        cmocka_unit_test(verify_names_a_wrong_issued_count),
        cmocka_unit_test(verify_names_a_wrong_returned_count),
        cmocka_unit_test(verify_names_round_totals_that_do_not_add_up),
        cmocka_unit_test(verify_names_a_voucher_count_that_ignores_releases),
        cmocka_unit_test(verify_names_a_donation_after_the_target),
        cmocka_unit_test(verify_names_a_target_reached_without_funding),
        cmocka_unit_test(verify_names_a_donation_of_a_voided_voucher),
        cmocka_unit_test(full_verify_names_a_broken_check_constraint),
        cmocka_unit_test(regular_verify_leaves_check_constraints_on),
        cmocka_unit_test(verify_reports_a_check_that_stops_half_way),
        cmocka_unit_test(regular_verify_names_a_damaged_page),
        cmocka_unit_test(verify_tally_sums_as_group_by_does),
        cmocka_unit_test(verify_names_a_wrong_initiative_summary),
        cmocka_unit_test(verify_names_a_wrong_household_count),
        cmocka_unit_test(verify_names_a_wrong_paid_out_total),
        cmocka_unit_test(verify_names_a_wrong_partner_total),
        cmocka_unit_test(verify_names_a_missing_open_initiative_of_a_round),
        cmocka_unit_test(verify_names_a_wrong_funded_initiative_of_a_round),
        cmocka_unit_test(verify_names_a_wrong_initiative_total),
        cmocka_unit_test(verify_names_a_missing_initiative_total),
        cmocka_unit_test(public_totals_and_lists_read_no_initiative_whole),
        cmocka_unit_test(initiative_totals_follow_the_initiatives),
        cmocka_unit_test(round_totals_at_once_equal_each_round),
        cmocka_unit_test(donations_per_day_follow_the_ledger),
        cmocka_unit_test(public_pages_stay_bounded),
        cmocka_unit_test(staff_news_a_page_at_a_time),
        cmocka_unit_test(staff_counts_read_no_row_whole),
        cmocka_unit_test(staff_news_older_pages_skip_in_the_index),
        cmocka_unit_test(money_choice_prepared_once),
        cmocka_unit_test(round_pages_read_each_summary_once),
        cmocka_unit_test(audit_choices_stay_bounded),
        cmocka_unit_test(audit_log_read_a_page_at_a_time),
        cmocka_unit_test(verify_names_a_wrong_donation_hour),
        cmocka_unit_test(verify_names_a_donation_hour_that_kept_a_released_donation),
        cmocka_unit_test(verify_names_a_donation_hour_off_the_hour),
        cmocka_unit_test(verify_times_each_check_when_asked),
        cmocka_unit_test(verify_names_a_wrong_funded_count),
        cmocka_unit_test(verify_names_a_wrong_round_total),
        cmocka_unit_test(verify_names_a_missing_round_total),
        cmocka_unit_test(round_lists_follow_states_and_rounds),
        cmocka_unit_test(regular_verify_checks_the_rows_since_the_last_clean_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
