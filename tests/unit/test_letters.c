/* The voucher letters: one base-URL policy, issuing and replacing with the audit row in one
 * transaction and the refusals as enums, and the same letter from the CLI and the browser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cli/cli.h"
#include "domain/letters.h"
#include "domain/printfiles.h"
#include "domain/settings.h"
#include "ledger_fixture.h"
#include "util/config.h"
#include "util/log.h"
#include "view/letters.h"
#include "view/tmpl.h"

static int64_t count(struct db *db, const char *sql)
{
    int64_t n = -1;
    assert_true(db_get_int(db, sql, &n));
    return n;
}

static void base_url_policy(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 1));
    struct config config;
    config_defaults(&config);
    snprintf(config.basis_url, sizeof config.basis_url, "https://config.example/");
    char url[256];
    /* No setting: the config's, without the trailing slash. */
    settings_base_url(f.db, &config, url, sizeof url);
    assert_string_equal(url, "https://config.example");
    assert_true(settings_set(f.db, "basis_url", ""));
    settings_base_url(f.db, &config, url, sizeof url);
    assert_string_equal(url, "https://config.example");
    assert_true(settings_set(f.db, "basis_url", "https://buurt.example//"));
    settings_base_url(f.db, &config, url, sizeof url);
    assert_string_equal(url, "https://buurt.example");
    /* The letters read it through the same function, and the rest with the same fallback. */
    assert_true(settings_set(f.db, "site_naam", "Buurt Samen Test"));
    struct letters_info info;
    assert_true(letters_info_load(f.db, &config, f.round1, &info));
    assert_string_equal(info.base_url, "https://buurt.example");
    assert_string_equal(info.site_name, "Buurt Samen Test");
    assert_string_equal(info.gemeente, config.gemeente_naam);
    assert_string_equal(info.contact_email, config.contact_email);
    assert_string_equal(info.round_name, "R1");
    assert_int_equal(info.value_cents, 750);
    assert_int_equal(info.valid_until, T0 + 100 * DAY_S - 1);
    char link[400];
    letters_link(link, sizeof link, info.base_url, "ABCD-EFGH-JKLM-NPQR");
    assert_string_equal(link, "https://buurt.example/doneren?code=ABCD-EFGH-JKLM-NPQR");
    assert_false(letters_info_load(f.db, &config, 99, &info));
    fixture_close(&f);
}

static void issue_with_audit(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    struct letters l;
    letters_begin(&l, "https://x.example", true);
    struct issue_sink sink = {.ctx = &l, .letter = letters_add};
    long issued = -1;
    /* A refused audit row: no voucher issued either. */
    assert_true(db_exec(f.db, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(letters_issue(f.db, f.secret, f.round2, "beh", T0, &sink, &issued),
                     ISSUE_FAILED);
    assert_int_equal(issued, 0);
    assert_int_equal(count(f.db, "SELECT count(*) FROM vouchers WHERE round_id = 2"), 0);
    assert_int_equal(db_depth(f.db), 0);
    assert_true(db_exec(f.db, "DROP TRIGGER audit_refused"));
    letters_end(&l);
    letters_begin(&l, "https://x.example", true);
    assert_int_equal(letters_issue(f.db, f.secret, f.round2, "beh", T0, &sink, &issued), ISSUE_OK);
    assert_int_equal(issued, 3);
    assert_int_equal(json_array_size(l.letters), 3);
    assert_int_equal(count(f.db, "SELECT count(*) FROM vouchers WHERE round_id = 2"), 3);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'vouchers-issue' "
                                 "AND subject = 'round:2' AND to_value = '3' AND actor = 'beh'"),
                     1);
    /* The CSV: BOM, header, a row per letter with its link. */
    assert_memory_equal(l.csv.data, "\xef\xbb\xbfpostcode;huisnummer;", 22);
    assert_non_null(strstr(l.csv.data, ";https://x.example/doneren?code="));
    assert_int_equal(letters_issue(f.db, f.secret, 99, "beh", T0, &sink, &issued), ISSUE_NO_ROUND);
    letters_end(&l);
    assert_null(l.letters);
    fixture_close(&f);
}

static void replace_refusals_are_enums(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t in_a = fixture_initiative(&f, 1, 3000);
    enum voucher_status vs;
    struct voucher_info vinfo;
    struct receipt receipt;
    /* Household 1 (7600 AA 1) gives its voucher. */
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[0].code, in_a, T0 + DAY_S, "t", &vs,
                                   &vinfo, &receipt),
                     DONATE_OK);
    struct letters l;
    letters_begin(&l, "https://x.example", false);
    struct issue_sink sink = {.ctx = &l, .letter = letters_add};
    assert_int_equal(letters_replace(f.db, f.secret, f.round1, "7600 AA", 1, "", "beh", T0, &sink),
                     ISSUE_USED);
    assert_int_equal(letters_replace(f.db, f.secret, f.round1, "7600 AA", 99, "", "beh", T0, &sink),
                     ISSUE_NO_HOUSEHOLD);
    assert_int_equal(letters_replace(f.db, f.secret, 99, "7600 AA", 2, "", "beh", T0, &sink),
                     ISSUE_NO_ROUND);
    assert_int_equal(
        count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'vouchers-replace'"), 0);
    assert_int_equal(letters_replace(f.db, f.secret, f.round1, "7600 AA", 2, "", "beh", T0, &sink),
                     ISSUE_OK);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'vouchers-replace' "
                                 "AND subject = 'round:1' AND to_value = '1'"),
                     1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM vouchers WHERE household_id = 2 AND "
                                 "round_id = 1 AND voided_at IS NOT NULL"),
                     1);
    /* With the audit row refused, the old voucher stays valid. */
    assert_true(db_exec(f.db, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                              "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(letters_replace(f.db, f.secret, f.round1, "7600 AA", 3, "", "beh", T0, &sink),
                     ISSUE_FAILED);
    assert_int_equal(count(f.db, "SELECT count(*) FROM vouchers WHERE household_id = 3"), 1);
    assert_int_equal(db_depth(f.db), 0);
    letters_end(&l);
    fixture_close(&f);
}

/* ---- The CLI and the browser: the same letter ---- */

static char *slurp(const char *path)
{
    FILE *in = fopen(path, "rb");
    assert_non_null(in);
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
        buf_append(&b, chunk, n);
    fclose(in);
    buf_puts(&b, "");
    return buf_detach(&b);
}

/* Replaces every `from` in text by `to` (shorter or equal), in place. */
static void replace_all(char *text, const char *from, const char *to)
{
    size_t fl = strlen(from), tl = strlen(to);
    assert_true(tl <= fl && fl > 0);
    for (char *p = strstr(text, from); p; p = strstr(p + tl, from)) {
        memcpy(p, to, tl);
        memmove(p + tl, p + fl, strlen(p + fl) + 1);
    }
}

/* The QR codes differ as the codes do: each <svg>…</svg> becomes <svg/>. */
static void mask_svg(char *text)
{
    for (char *p = strstr(text, "<svg"); p; p = strstr(p + 6, "<svg")) {
        char *end = strstr(p, "</svg>");
        assert_non_null(end);
        memcpy(p, "<svg/>", 6);
        memmove(p + 6, end + 6, strlen(end + 6) + 1);
    }
}

/* The code on the CSV's data row (the 6th field). */
static void csv_code(const char *csv, char code[CODE_DISPLAY])
{
    const char *row = strchr(csv, '\n');
    assert_non_null(row);
    row++;
    for (int i = 0; i < 5; i++) {
        row = strchr(row, ';');
        assert_non_null(row);
        row++;
    }
    snprintf(code, CODE_DISPLAY, "%.*s", CODE_DISPLAY - 1, row);
}

/* What the admin screen's issue sink does (pages/beheer_issuance.c): the letters collected,
 * rendered and stored before the vouchers commit. */
struct web {
    struct db *db;
    struct app *app;
    const struct letters_info *info;
    struct letters letters;
};

static bool web_finish(void *ctx)
{
    struct web *w = ctx;
    struct buf html = {0};
    bool ok =
        letters_render(&w->letters, w->app->templates, w->info, &html) &&
        printfiles_store_issue(w->db, w->app->secret, 1, "R, vervanging",
                               json_array_size(w->letters.letters), &w->letters.csv, &html, "beh");
    buf_free(&html);
    return ok;
}

static bool web_letter(void *ctx, const struct letter *l)
{
    struct web *w = ctx;
    return letters_add(&w->letters, l);
}

static char *stored(struct db *db, struct app *app, const char *kind)
{
    int64_t id = 0; /* db_get_int caches by the SQL's address: literals only */
    assert_true(db_get_int(db,
                           !strcmp(kind, "csv")
                               ? "SELECT max(id) FROM issued_files WHERE kind = 'csv'"
                               : "SELECT max(id) FROM issued_files WHERE kind = 'html'",
                           &id));
    struct buf out = {0};
    bool csv;
    assert_int_equal(printfile_read(db, app->secret, id, &csv, &out), 0);
    return buf_detach(&out);
}

static void cli_and_web_same_letter(void **state)
{
    (void)state;
    char dir[] = "/tmp/bs-letters-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct app app = {0};
    config_defaults(&app.config);
    snprintf(app.config.db_path, sizeof app.config.db_path, "%s/t.db", dir);
    snprintf(app.config.basis_url, sizeof app.config.basis_url, "https://gemeente.example");
    /* No settings at all: both must fall back to the config alike. */
    char err[256];
    struct db *db = db_open(app.config.db_path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    /* The key file, as `buurtsamen init` makes it: the CLI refuses to issue without one. */
    snprintf(app.config.key_file, sizeof app.config.key_file, "%s/t.key", dir);
    assert_true(cli_load_secret(&app, db, KEY_CREATE));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'noord', "
                            "'Noord')"));
    assert_true(db_exec(db,
                        "INSERT INTO households(postcode, house_number, addition, street, city, "
                        "area_id) VALUES ('7607 AB', 12, 'A', 'Dorpsstraat', 'Almelo', 1)"));
    int64_t round = 0;
    assert_int_equal(round_add(db, "R", T0, T0 + 100 * DAY_S, 750, &round), ROUND_OK);
    char csv_path[80], html_path[80], round_s[24];
    snprintf(csv_path, sizeof csv_path, "%s/out.csv", dir);
    snprintf(html_path, sizeof html_path, "%s/brieven.html", dir);
    snprintf(round_s, sizeof round_s, "%lld", (long long)round);
    char *argv[] = {"vouchers", "issue",     "--round", round_s, "--out",
                    csv_path,   "--letters", html_path, NULL};
    assert_int_equal(cli_vouchers(&app, 8, argv), EXIT_OK);
    char *cli_csv = slurp(csv_path), *cli_html = slurp(html_path);
    /* The command line's issue has its audit row, by "cli", as the browser's has. */
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'vouchers-issue' "
                               "AND actor = 'cli' AND to_value = '1'"),
                     1);

    /* The browser replaces the same household's letter. */
    struct letters_info info;
    assert_true(letters_info_load(db, &app.config, round, &info));
    struct web w = {.db = db, .app = &app, .info = &info};
    letters_begin(&w.letters, info.base_url, true);
    struct issue_sink sink = {.ctx = &w, .letter = web_letter, .finish = web_finish};
    assert_int_equal(letters_replace(db, app.secret, round, "7607 AB", 12, "A", "beh", T0, &sink),
                     ISSUE_OK);
    letters_end(&w.letters);
    char *web_csv = stored(db, &app, "csv"), *web_html = stored(db, &app, "html");

    char cli_code[CODE_DISPLAY], web_code[CODE_DISPLAY];
    csv_code(cli_csv, cli_code);
    csv_code(web_csv, web_code);
    assert_string_not_equal(cli_code, web_code);
    assert_non_null(strstr(cli_csv, ";12a;Dorpsstraat;Almelo;Noord;"));
    assert_non_null(strstr(cli_csv, ";https://gemeente.example/doneren?code="));
    assert_non_null(strstr(cli_html, "https://gemeente.example/doneren<"));
    assert_non_null(strstr(cli_html, "Dorpsstraat 12a"));
    replace_all(cli_csv, cli_code, "CODE");
    replace_all(web_csv, web_code, "CODE");
    assert_string_equal(cli_csv, web_csv);
    replace_all(cli_html, cli_code, "CODE");
    replace_all(web_html, web_code, "CODE");
    mask_svg(cli_html);
    mask_svg(web_html);
    assert_string_equal(cli_html, web_html);

    free(cli_csv);
    free(cli_html);
    free(web_csv);
    free(web_html);
    db_close(db);
    tmpl_set_free(app.templates);
    char cmd[120];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_url_policy),
        cmocka_unit_test(issue_with_audit),
        cmocka_unit_test(replace_refusals_are_enums),
        cmocka_unit_test(cli_and_web_same_letter),
    };
    (void)fixture_verify;
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
