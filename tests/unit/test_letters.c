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
#include "db_fixture.h"

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

/* What the admin screen's issue sink does (pages/beheer_issuance.c): the codes collected and
 * stored before the vouchers commit. */
struct web {
    struct db *db;
    struct app *app;
    struct letter_codes codes;
};

static bool web_finish(void *ctx)
{
    struct web *w = ctx;
    return printfiles_store_codes(w->db, w->app->secret, 1, "R, vervanging", w->codes.count,
                                  &w->codes.text, "beh");
}

static bool web_letter(void *ctx, const struct letter *l)
{
    struct web *w = ctx;
    return letters_codes_add(&w->codes, l);
}

/* What a download does: the newest stored codes rendered again as CSV and HTML. */
static void stored(struct db *db, struct app *app, const struct letters_info *info, char **csv,
                   char **html)
{
    int64_t id = 0;
    assert_true(db_get_int(db, "SELECT max(id) FROM issued_files WHERE kind = 'codes'", &id));
    struct buf codes = {0}, out = {0};
    bool is_csv;
    assert_int_equal(printfile_read(db, app->secret, id, &is_csv, &codes), 0);
    struct letters l;
    letters_begin(&l, info->base_url, true);
    assert_int_equal(letters_replay(db, codes.data, codes.len, letters_add, &l), 1);
    assert_true(letters_render(&l, app->templates, info, &out));
    *csv = strdup(l.csv.data);
    *html = buf_detach(&out);
    letters_end(&l);
    buf_free(&codes);
}

/* Stored codes that are not what letters_codes_add wrote are refused, not half rendered. */
static void replay_refuses_malformed(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 1));
    struct letters l;
    letters_begin(&l, "https://x.example", false);
    static const char *const bad[] = {"1 2 ABCD\n", "1 2\n", "x 2 ABCD-EFGH-JKMN-PQRS\n",
                                      "1 2 ABCD-EFGH-JKMN-PQRS", "1 2 ABCD-EFGH-JKMN-PQRS x\n"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(letters_replay(f.db, bad[i], strlen(bad[i]), letters_add, &l), -1);
    /* A well-formed line for a voucher that does not exist: left out, not an error. */
    const char *gone = "999 999 ABCD-EFGH-JKMN-PQRS\n";
    assert_int_equal(letters_replay(f.db, gone, strlen(gone), letters_add, &l), 0);
    letters_end(&l);
    fixture_close(&f);
}

static void cli_and_web_same_letter(void **state)
{
    (void)state;
    char dir[] = "/tmp/bs-letters-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct app app = {0};
    config_defaults(&app.config);
    snprintf(app.config.db_path, sizeof app.config.db_path, "%s/t.db", dir);
    snprintf(app.config.basis_url, sizeof app.config.basis_url, "https://buurtsamen.almelo.nl");
    snprintf(app.config.key_file, sizeof app.config.key_file, "%s/t.db.key", dir);
    /* No settings at all: both must fall back to the config alike. */
    char err[256];
    struct db *db = db_open(app.config.db_path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(secret_load(app.config.key_file, true, app.secret, err, sizeof err));
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
    /* As init does: the key file that every later command loads and checks. */
    assert_true(cli_load_secret(&app, db, KEY_CREATE));
    assert_int_equal(cli_vouchers(&app, 8, argv), EXIT_OK);
    char *cli_csv = slurp(csv_path), *cli_html = slurp(html_path);
    /* The command line's issue has its audit row, by "cli", as the browser's has. */
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'vouchers-issue' "
                               "AND actor = 'cli' AND to_value = '1'"),
                     1);

    /* The browser replaces the same household's letter. */
    struct letters_info info;
    assert_true(letters_info_load(db, &app.config, round, &info));
    struct web w = {.db = db, .app = &app};
    struct issue_sink sink = {.ctx = &w, .letter = web_letter, .finish = web_finish};
    assert_int_equal(letters_replace(db, app.secret, round, "7607 AB", 12, "A", "beh", T0, &sink),
                     ISSUE_OK);
    buf_free(&w.codes.text);
    char *web_csv, *web_html;
    stored(db, &app, &info, &web_csv, &web_html);

    char cli_code[CODE_DISPLAY], web_code[CODE_DISPLAY];
    csv_code(cli_csv, cli_code);
    csv_code(web_csv, web_code);
    assert_string_not_equal(cli_code, web_code);
    assert_non_null(strstr(cli_csv, ";12a;Dorpsstraat;Almelo;Noord;"));
    assert_non_null(strstr(cli_csv, ";https://buurtsamen.almelo.nl/doneren?code="));
    assert_non_null(strstr(cli_html, "https://buurtsamen.almelo.nl/doneren<"));
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

/* The base URL rule: example names and loopback/private addresses refused, public ones not. */
static void base_url_rule(void **state)
{
    (void)state;
    static const char *const allowed[] = {"https://buurtsamen.almelo.nl", "http://almelo.nl:8080/x",
                                          "https://172.32.0.1", "https://8.8.8.8",
                                          "https://[2001:db8::1]/"};
    for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
        assert_int_equal(letters_base_url_check(allowed[i]), ISSUE_ALLOWED);
    static const char *const example[] = {"https://buurtsamen.almelo.example",
                                          "http://example.com", "https://www.example.org/",
                                          "https://site.test", "http://x.invalid"};
    for (size_t i = 0; i < sizeof example / sizeof *example; i++)
        assert_int_equal(letters_base_url_check(example[i]), ISSUE_REFUSED_URL_DEFAULT);
    static const char *const local[] = {
        "http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:8080", "http://LOCALHOST.",
        "http://10.0.0.1",       "http://192.168.1.1", "http://172.16.0.1",    "http://172.31.255.1",
        "http://[::1]:8080",     "http://[fd00::1]",   "http://[::ffff:10.0.0.1]", "http://intranet",
        "http://169.254.1.1",    "http://0.0.0.0"};
    for (size_t i = 0; i < sizeof local / sizeof *local; i++)
        assert_int_equal(letters_base_url_check(local[i]), ISSUE_REFUSED_URL_LOCAL);
    assert_int_equal(letters_base_url_check("ftp://almelo.nl"), ISSUE_REFUSED_URL_INVALID);
    assert_int_equal(letters_base_url_check(""), ISSUE_REFUSED_URL_INVALID);
    assert_int_equal(letters_base_url_check("https://"), ISSUE_REFUSED_URL_INVALID);
}

/* The check before issuing: counts, the far-ahead warning, a closed round refused (also by
 * letters_issue itself, whatever the caller checked). */
static void issue_check(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    struct config config;
    config_defaults(&config);
    struct issue_preview p;
    /* The config's default is loopback. */
    assert_int_equal(letters_issue_check(f.db, &config, f.round2, T0, &p),
                     ISSUE_REFUSED_URL_LOCAL);
    assert_true(settings_set(f.db, "basis_url", "https://buurtsamen.almelo.nl"));
    assert_int_equal(letters_issue_check(f.db, &config, f.round2, T0, &p), ISSUE_ALLOWED);
    assert_string_equal(p.round_name, "R2");
    assert_int_equal(p.letters, 3);
    assert_true(p.areas >= 1);
    assert_true(p.far_ahead); /* 200 days ahead */
    assert_int_equal(p.weeks_away, 200 / 7);
    assert_int_equal(letters_issue_check(f.db, &config, f.round2, T0 + 150 * DAY_S, &p),
                     ISSUE_ALLOWED);
    assert_false(p.far_ahead); /* 50 days: just over 7 weeks */
    assert_int_equal(letters_issue_check(f.db, &config, f.round1, T0 + 100 * DAY_S, &p),
                     ISSUE_REFUSED_CLOSED);
    assert_int_equal(letters_issue_check(f.db, &config, 99, T0, &p), ISSUE_REFUSED_NO_ROUND);
    struct letter_codes codes = {0};
    struct issue_sink sink = {.ctx = &codes, .letter = letters_codes_add};
    long issued = -1;
    assert_int_equal(letters_issue(f.db, f.secret, f.round1, "beh", T0 + 100 * DAY_S, &sink,
                                   &issued),
                     ISSUE_CLOSED);
    assert_int_equal(issued, 0);
    assert_int_equal(codes.count, 0);
    buf_free(&codes.text);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base_url_policy),
        cmocka_unit_test(issue_with_audit),
        cmocka_unit_test(replace_refusals_are_enums),
        cmocka_unit_test(cli_and_web_same_letter),
        cmocka_unit_test(replay_refuses_malformed),
        cmocka_unit_test(base_url_rule),
        cmocka_unit_test(issue_check),
    };
    (void)fixture_verify;
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
