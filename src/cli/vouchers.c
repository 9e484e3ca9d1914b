/* round, households and vouchers: the council's command-line tools for a voucher round. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/households.h"
#include "domain/issuance.h"
#include "domain/letters.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "util/text.h"
#include "view/format.h"
#include "view/letters.h"

#include <errno.h>
#include <sodium.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --name value, from argv[first..]; NULL when absent. */
static const char *option(int argc, char **argv, const char *name)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

/* Every argument from argv[first] on must be a known --option with a value. */
static bool only_options(int argc, char **argv, int first, const char *const *known)
{
    for (int i = first; i < argc; i += 2) {
        bool ok = false;
        for (const char *const *k = known; *k; k++)
            if (strcmp(argv[i], *k) == 0)
                ok = true;
        if (!ok || i + 1 >= argc) {
            fprintf(stderr, "buurtsamen: unexpected argument '%s' (see --help)\n", argv[i]);
            return false;
        }
    }
    return true;
}

static void tz_from_settings(struct db *db, const struct app *app)
{
    json_t *settings = settings_all(db);
    setenv("TZ", settings_value(settings, "tijdzone", &app->config), 1);
    tzset();
    json_decref(settings);
}

int cli_round(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        printf("usage: buurtsamen round add NAME --opens YYYY-MM-DD --closes YYYY-MM-DD "
               "[--value 7,50]\n"
               "       buurtsamen round list\n"
               "A round opens at the start of --opens and closes at the end of --closes, in the\n"
               "municipality's time zone. Rounds may not overlap.\n");
        return argc < 2 && !cli_wants_help(argc, argv) ? EXIT_USAGE : EXIT_OK;
    }
    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    tz_from_settings(db, app);
    int rc = EXIT_OK;
    if (strcmp(argv[1], "list") == 0 && argc == 2) {
        json_t *rounds = rounds_list(db);
        size_t i;
        json_t *r;
        printf("%-4s %-24s %-20s %-20s %8s %8s %8s\n", "id", "name", "opens (UTC)",
               "closes (UTC)", "value", "issued", "donated");
        json_array_foreach(rounds, i, r)
        {
            char money[32];
            format_money(money, sizeof money, json_integer_value(json_object_get(r, "voucher_cents")));
            printf("%-4lld %-24s %-20s %-20s %8s %8lld %8lld\n",
                   (long long)json_integer_value(json_object_get(r, "id")),
                   json_string_value(json_object_get(r, "name")),
                   json_string_value(json_object_get(r, "opens_at")),
                   json_string_value(json_object_get(r, "closes_at")), money,
                   (long long)json_integer_value(json_object_get(r, "issued")),
                   (long long)json_integer_value(json_object_get(r, "donated")));
        }
        json_decref(rounds);
    } else if (strcmp(argv[1], "add") == 0 && argc >= 3) {
        static const char *const known[] = {"--opens", "--closes", "--value", NULL};
        const char *opens = option(argc, argv, "--opens"), *closes = option(argc, argv, "--closes");
        const char *value = option(argc, argv, "--value");
        int64_t cents = 750;
        json_t *settings = settings_all(db);
        const char *dflt = json_string_value(json_object_get(settings, "voucher_cents"));
        if (dflt)
            parse_int64(dflt, 1, 100000, &cents);
        json_decref(settings);
        time_t o = local_midnight(opens), c = local_midnight(closes);
        if (!only_options(argc, argv, 3, known)) {
            rc = EXIT_USAGE;
        } else if (o == (time_t)-1 || c == (time_t)-1) {
            fprintf(stderr, "buurtsamen round add: --opens and --closes take dates as YYYY-MM-DD\n");
            rc = EXIT_USAGE;
        } else if (value && !parse_cents(value, 100000, &cents)) {
            fprintf(stderr, "buurtsamen round add: --value takes an amount in euros, such as 7,50\n");
            rc = EXIT_USAGE;
        } else if (cents <= 0) {
            fprintf(stderr, "buurtsamen round add: the value must be more than zero\n");
            rc = EXIT_USAGE;
        } else {
            /* Closes at the end of the closing day: the next local midnight. */
            struct tm tm;
            localtime_r(&c, &tm);
            tm.tm_mday += 1;
            tm.tm_isdst = -1;
            time_t end = mktime(&tm);
            int64_t id;
            enum round_error err = round_add(db, argv[2], o, end, cents, &id);
            if (err != ROUND_OK) {
                fprintf(stderr, "buurtsamen round add: %s\n", round_error_message(err));
                rc = EXIT_FAIL;
            } else {
                printf("round %lld added: %s\n", (long long)id, argv[2]);
            }
        }
    } else {
        fprintf(stderr, "buurtsamen round: expected 'add NAME ...' or 'list' (see --help)\n");
        rc = EXIT_USAGE;
    }
    db_close(db);
    return rc;
}

static char *slurp(const char *path, size_t *len, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= max)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_detach(&b);
}

int cli_households(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc != 3 || strcmp(argv[1], "import") != 0) {
        printf("usage: buurtsamen households import FILE.csv\n"
               "Reads addresses: a header row with postcode, huisnummer, toevoeging, straat,\n"
               "woonplaats, wijk (a wijk, dorp or buurt by name or slug); ';' or ','.\n"
               "With any error nothing is imported; each error names its line.\n");
        return cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    size_t len = 0;
    char *data = slurp(argv[2], &len, IMPORT_MAX_BYTES);
    if (!data) {
        fprintf(stderr, "buurtsamen households import: cannot read %s: %s\n", argv[2],
                strerror(errno));
        return EXIT_FAIL;
    }
    struct db *db = cli_open_db(app, false);
    if (!db) {
        free(data);
        return EXIT_FAIL;
    }
    struct import_report report;
    bool ok = households_import(db, data, len, &report);
    free(data);
    for (size_t i = 0; i < report.nerrors; i++)
        fprintf(stderr, "%s:%ld: %s\n", argv[2], report.errors[i].line, report.errors[i].message);
    if (report.total_errors > (long)report.nerrors)
        fprintf(stderr, "... and %ld more errors\n", report.total_errors - (long)report.nerrors);
    if (ok)
        printf("imported %ld addresses: %ld new, %ld changed, %ld unchanged\n", report.rows,
               report.added, report.updated, report.unchanged);
    else
        fprintf(stderr, "buurtsamen households import: nothing imported (%ld error%s)\n",
                report.total_errors, report.total_errors == 1 ? "" : "s");
    import_report_free(&report);
    db_close(db);
    return ok ? EXIT_OK : EXIT_FAIL;
}

/* The printer's file and the printable letters (view/letters.h), written as issuance goes. */
struct issue_output {
    struct letters letters;
    const char *csv_path;
    char tmp_path[600];
    bool quiet;
};

static bool on_letter(void *ctx, const struct letter *l)
{
    struct issue_output *o = ctx;
    return letters_add(&o->letters, l);
}

static bool write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        len -= (size_t)n;
    }
    return true;
}

/* Before the vouchers are committed, the printer's file is safely on disk (as FILE.tmp). */
static bool on_finish(void *ctx)
{
    struct issue_output *o = ctx;
    snprintf(o->tmp_path, sizeof o->tmp_path, "%s.tmp", o->csv_path);
    int fd = open(o->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "buurtsamen vouchers: cannot write %s: %s\n", o->tmp_path, strerror(errno));
        return false;
    }
    const struct buf *csv = &o->letters.csv;
    bool ok = write_all(fd, csv->data ? csv->data : "", csv->len) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        fprintf(stderr, "buurtsamen vouchers: writing %s failed\n", o->tmp_path);
        unlink(o->tmp_path);
    }
    return ok;
}

static void on_progress(void *ctx, long done, long total)
{
    struct issue_output *o = ctx;
    if (!o->quiet)
        fprintf(stderr, "\rissued %ld of %ld", done, total);
    if (done == total && !o->quiet)
        fprintf(stderr, "\n");
}

static bool write_letters(struct app *app, struct db *db, struct issue_output *o,
                          const char *path, int64_t round_id)
{
    if (!cli_load_templates(app))
        return false;
    struct letters_info info;
    struct buf html = {0};
    bool ok = letters_info_load(db, &app->config, round_id, &info) &&
              letters_render(&o->letters, app->templates, &info, &html);
    FILE *f = ok ? fopen(path, "w") : NULL;
    ok = f && fwrite(html.data, 1, html.len, f) == html.len;
    if (f)
        ok = fclose(f) == 0 && ok;
    if (!ok)
        fprintf(stderr, "buurtsamen vouchers: cannot write letters to %s\n", path);
    if (html.data)
        sodium_memzero(html.data, html.len);
    buf_free(&html);
    return ok;
}

int cli_vouchers(struct app *app, int argc, char **argv)
{
    bool issue = argc >= 2 && strcmp(argv[1], "issue") == 0;
    bool replace = argc >= 2 && strcmp(argv[1], "replace") == 0;
    if (cli_wants_help(argc, argv) || (!issue && !replace)) {
        printf("usage: buurtsamen vouchers issue --round ID --out FILE.csv [--letters FILE.html]\n"
               "       buurtsamen vouchers replace --round ID --postcode PC --huisnummer N\n"
               "                  [--toevoeging T] --out FILE.csv [--letters FILE.html]\n"
               "issue gives every household without a voucher in the round a new one and writes\n"
               "the printer's file (address, code, QR link); --letters also writes printable\n"
               "letters (A4, one a page). replace voids a lost letter's unused voucher and\n"
               "issues a new one. The plain codes exist only in these files.\n");
        return cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    static const char *const known_issue[] = {"--round", "--out", "--letters", NULL};
    static const char *const known_replace[] = {"--round",      "--out",        "--letters",
                                                "--postcode",   "--huisnummer", "--toevoeging",
                                                NULL};
    if (!only_options(argc, argv, 2, issue ? known_issue : known_replace))
        return EXIT_USAGE;
    const char *round_s = option(argc, argv, "--round"), *out = option(argc, argv, "--out");
    const char *letters = option(argc, argv, "--letters");
    int64_t round_id;
    if (!round_s || !parse_int64(round_s, 1, INT64_MAX, &round_id) || !out) {
        fprintf(stderr, "buurtsamen vouchers: --round ID and --out FILE are required\n");
        return EXIT_USAGE;
    }
    char postcode[8] = "", addition[11] = "";
    int64_t number = 0;
    if (replace) {
        const char *pc = option(argc, argv, "--postcode"), *hn = option(argc, argv, "--huisnummer");
        const char *add = option(argc, argv, "--toevoeging");
        if (!pc || !postcode_normalize(pc, postcode) || !hn ||
            !house_number_normalize(hn, add ? add : "", &number, addition)) {
            fprintf(stderr, "buurtsamen vouchers replace: give a valid --postcode and "
                            "--huisnummer (and --toevoeging if any)\n");
            return EXIT_USAGE;
        }
    }
    struct db *db = cli_open_db(app, false); /* loads and checks the key file too */
    if (!db)
        return EXIT_FAIL;
    tz_from_settings(db, app);
    struct issue_output o = {.csv_path = out, .quiet = !isatty(STDERR_FILENO)};
    char base_url[256];
    settings_base_url(db, &app->config, base_url, sizeof base_url);
    letters_begin(&o.letters, base_url, letters != NULL);
    struct issue_sink sink = {.ctx = &o, .letter = on_letter, .finish = on_finish,
                              .progress = on_progress};
    /* The vouchers and their audit row (actor "cli") land together or not at all. */
    long issued = 0;
    enum issue_result r;
    if (issue) {
        r = letters_issue(db, app->secret, round_id, "cli", time(NULL), &sink, &issued);
    } else {
        r = letters_replace(db, app->secret, round_id, postcode, number, addition, "cli",
                            time(NULL), &sink);
        issued = r == ISSUE_OK ? 1 : 0;
    }
    int rc = EXIT_OK;
    if (r != ISSUE_OK) {
        if (o.tmp_path[0])
            unlink(o.tmp_path);
        fprintf(stderr, "buurtsamen vouchers: %s\n",
                r == ISSUE_NO_ROUND       ? "there is no such round"
                : r == ISSUE_NO_HOUSEHOLD ? "that address is not in the household register"
                : r == ISSUE_USED         ? "that household's voucher was given already; it "
                                            "cannot be replaced"
                                          : "issuing failed; nothing was issued (see the log)");
        rc = EXIT_FAIL;
    } else if (rename(o.tmp_path, out) != 0) {
        fprintf(stderr, "buurtsamen vouchers: the vouchers were issued and their codes are in %s; "
                        "renaming it to %s failed: %s\n",
                o.tmp_path, out, strerror(errno));
        rc = EXIT_FAIL;
    } else {
        printf("issued %ld voucher%s; printer's file: %s\n", issued, issued == 1 ? "" : "s", out);
        if (letters && write_letters(app, db, &o, letters, round_id))
            printf("printable letters: %s\n", letters);
        else if (letters)
            rc = EXIT_FAIL;
    }
    letters_end(&o.letters);
    db_close(db);
    return rc;
}
