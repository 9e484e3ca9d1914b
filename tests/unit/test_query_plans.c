/* Page cost does not grow with the ledger: the statements the request paths run never scan the
 * ledger, the vouchers or the households (EXPLAIN QUERY PLAN), and the summaries kept with the
 * ledger match it, with `verify` naming a summary row that does not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <ctype.h>
#include <strings.h>
#include <unistd.h>

#include "ledger_fixture.h"
#include "domain/initiatives.h"
#include "domain/money.h"
#include "domain/reports.h"
#include "domain/stats.h"
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
    char eqp[8192];
    snprintf(eqp, sizeof eqp, "EXPLAIN QUERY PLAN %s", sql);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), eqp, -1, &s, NULL), SQLITE_OK);
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
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct fixture f;
    assert_true(fixture_open(&f, path, 12));
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
    json_decref(money_recent(f.db, 50));
    json_decref(money_unpaid(f.db));
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
        bad += full_scans(f.db, seen.sql[i]);
        free(seen.sql[i]);
    }
    assert_int_equal(bad, 0);
    /* The check itself can fail: a plain count of the ledger is a full scan. */
    assert_true(full_scans(f.db, "SELECT count(*) FROM ledger d WHERE d.amount_cents > 0") > 0);
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

static void corrupt_and_verify(const char *sql, const char *needle)
{
    char path[] = "/tmp/bs-summary-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct fixture f;
    assert_true(fixture_open(&f, path, 12));
    int64_t a = fixture_initiative(&f, 1, 100000);
    donate(&f, 0, a);
    donate(&f, 3, a);
    assert_int_equal(ledger_release_initiative(f.db, a, T0 + 2 * DAY_S, "t"), 2);
    donate(&f, 0, fixture_initiative(&f, 0, 100000));
    assert_int_equal(fixture_verify(&f), 0);
    assert_true(db_exec(f.db, sql));
    struct found found = {needle, 0};
    assert_true(verify_all(f.db, count_breach, &found) > 0);
    assert_int_equal(found.hits, 1);
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

/* The regular run remembers the last ledger row it covered and checks the rows after it; a
 * bad row added later is found by it and by the full run. */
static void regular_verify_checks_the_rows_since_the_last_clean_run(void **state)
{
    (void)state;
    char path[] = "/tmp/bs-incremental-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct fixture f;
    assert_true(fixture_open(&f, path, 12));
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
        cmocka_unit_test(verify_names_a_wrong_round_summary),
        cmocka_unit_test(verify_names_a_missing_round_summary),
        cmocka_unit_test(verify_names_a_wrong_initiative_summary),
        cmocka_unit_test(verify_names_a_wrong_household_count),
        cmocka_unit_test(regular_verify_checks_the_rows_since_the_last_clean_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
