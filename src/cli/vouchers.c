/* round, households and vouchers: the council's command-line tools for a voucher round. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/households.h"
#include "domain/issuance.h"
#include "domain/letters.h"
#include "domain/printfiles.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "util/alloc.h"
#include "util/text.h"
#include "view/format.h"
#include "view/letters.h"
#include "view/letters_pdf.h"

#include <errno.h>
#include <sodium.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* The printer's file (view/letters.h) written as issuance goes, and what is kept to render
 * the letters again (domain/letters.h), stored encrypted before the vouchers commit. */
struct issue_output {
    struct app *app;
    struct db *db;
    int64_t round_id;
    const char *title;
    struct letters letters;
    struct letter_codes codes;
    const char *csv_path;
    char tmp_path[600];
    bool quiet;
};

static bool on_letter(void *ctx, const struct letter *l)
{
    struct issue_output *o = ctx;
    return letters_add(&o->letters, l) && letters_codes_add(&o->codes, l);
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

/* Before the vouchers are committed, the printer's file is safely on disk (as FILE.tmp) and
 * the codes are stored (encrypted) for `vouchers letters` and the admin screens. */
static bool on_finish(void *ctx)
{
    struct issue_output *o = ctx;
    if (o->codes.count &&
        !printfiles_store_codes(o->db, o->app->secret, o->round_id, o->title, o->codes.count,
                                &o->codes.text, "cli")) {
        fprintf(stderr, "buurtsamen vouchers: storing the codes for the letters failed\n");
        return false;
    }
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

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* One output being rendered from stored codes: the CSV, the HTML letters or the PDF. */
struct render {
    enum { RENDER_CSV, RENDER_HTML, RENDER_PDF } format;
    struct letters letters;  /* CSV and HTML */
    struct letters_pdf *pdf; /* PDF, written to file as it goes */
    FILE *file;
};

static bool render_letter(void *ctx, const struct letter *l)
{
    struct render *r = ctx;
    return r->format == RENDER_PDF ? letters_pdf_add(r->pdf, l) : letters_add(&r->letters, l);
}

static bool read_logo(const char *path, struct buf *out)
{
    size_t len = 0;
    char *data = slurp(path, &len, 4u << 20);
    if (!data || len > (4u << 20)) {
        free(data);
        return false;
    }
    buf_append(out, data, len);
    free(data);
    return true;
}

/* Renders stored codes (each a struct buf of letters_codes_add lines) into path: .pdf, .html,
 * else CSV. Writes path.tmp and renames it; *count is the number of letters. */
static bool render_to(struct app *app, struct db *db, int64_t round_id, const struct buf *codes,
                      size_t ncodes, const char *path, const char *logo_path, long *count)
{
    struct letters_info info;
    if (!letters_info_load(db, &app->config, round_id, &info)) {
        fprintf(stderr, "buurtsamen vouchers: there is no round %lld\n", (long long)round_id);
        return false;
    }
    struct render r = {.format = ends_with(path, ".pdf")    ? RENDER_PDF
                                 : ends_with(path, ".html") ? RENDER_HTML
                                                            : RENDER_CSV};
    if (r.format == RENDER_HTML && !cli_load_templates(app))
        return false;
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    r.file = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!r.file) {
        fprintf(stderr, "buurtsamen vouchers: cannot write %s: %s\n", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return false;
    }
    bool ok = true;
    struct buf logo = {0};
    if (logo_path && !read_logo(logo_path, &logo)) {
        fprintf(stderr, "buurtsamen vouchers: cannot read the logo %s\n", logo_path);
        ok = false;
    }
    if (ok && r.format == RENDER_PDF) {
        if (!logo_path)
            letters_logo(db, &logo);
        r.pdf = letters_pdf_begin(&info, (const unsigned char *)logo.data, logo.len,
                                  letters_pdf_write_file, r.file);
        ok = r.pdf != NULL;
    } else if (ok) {
        letters_begin(&r.letters, info.base_url, r.format == RENDER_HTML);
    }
    *count = 0;
    for (size_t i = 0; ok && i < ncodes; i++) {
        long n = letters_replay(db, codes[i].data ? codes[i].data : "", codes[i].len,
                                render_letter, &r);
        ok = n >= 0;
        *count += ok ? n : 0;
    }
    if (r.format == RENDER_PDF) {
        ok = letters_pdf_end(r.pdf) && ok;
    } else if (r.format == RENDER_HTML) {
        struct buf html = {0};
        ok = ok && letters_render(&r.letters, app->templates, &info, &html) &&
             fwrite(html.data, 1, html.len, r.file) == html.len;
        if (html.data)
            sodium_memzero(html.data, html.len);
        buf_free(&html);
    } else {
        ok = ok && fwrite(r.letters.csv.data, 1, r.letters.csv.len, r.file) == r.letters.csv.len;
    }
    if (r.format != RENDER_PDF)
        letters_end(&r.letters);
    buf_free(&logo);
    ok = fflush(r.file) == 0 && fsync(fileno(r.file)) == 0 && ok;
    ok = fclose(r.file) == 0 && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "buurtsamen vouchers: cannot write letters to %s\n", path);
        unlink(tmp);
    }
    return ok;
}

static void wipe_buf(struct buf *b)
{
    if (b->data)
        sodium_memzero(b->data, b->len);
    buf_free(b);
}

/* vouchers letters: every stored letter of the round, rendered again. */
static int letters_command(struct app *app, int argc, char **argv)
{
    static const char *const known[] = {"--round", "--out", "--logo", NULL};
    if (!only_options(argc, argv, 2, known))
        return EXIT_USAGE;
    const char *round_s = option(argc, argv, "--round"), *out = option(argc, argv, "--out");
    int64_t round_id;
    if (!round_s || !parse_int64(round_s, 1, INT64_MAX, &round_id) || !out) {
        fprintf(stderr, "buurtsamen vouchers letters: --round ID and --out FILE are required\n");
        return EXIT_USAGE;
    }
    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    tz_from_settings(db, app);
    json_t *ids = printfiles_of_round(db, round_id);
    size_t n = json_array_size(ids);
    struct buf *codes = xcalloc(n ? n : 1, sizeof *codes);
    int rc = EXIT_OK;
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        bool csv;
        /* Each stored file read is audited: the codes were seen. */
        if (printfile_download(db, app->secret, json_integer_value(json_array_get(ids, i)),
                               "cli", time(NULL), &csv, &codes[i]) != PRINTFILE_OK) {
            fprintf(stderr, "buurtsamen vouchers letters: the stored codes cannot be read "
                            "(was the key file replaced?)\n");
            rc = EXIT_FAIL;
        }
    }
    long count = 0;
    if (rc == EXIT_OK && n == 0) {
        fprintf(stderr, "buurtsamen vouchers letters: round %lld has no stored letters "
                        "(nothing issued, or the files were deleted after printing)\n",
                (long long)round_id);
        rc = EXIT_FAIL;
    } else if (rc == EXIT_OK &&
               !render_to(app, db, round_id, codes, n, out, option(argc, argv, "--logo"), &count)) {
        rc = EXIT_FAIL;
    } else if (rc == EXIT_OK) {
        printf("%ld letter%s: %s\n", count, count == 1 ? "" : "s", out);
    }
    for (size_t i = 0; i < n; i++)
        wipe_buf(&codes[i]);
    free(codes);
    json_decref(ids);
    db_close(db);
    return rc;
}

/* Why issuing is refused, in the CLI's words. */
static const char *refusal_text(enum issue_refusal r, const char *url)
{
    static char text[512];
    switch (r) {
    case ISSUE_ALLOWED:
        return "";
    case ISSUE_REFUSED_NO_ROUND:
        return "there is no such round";
    case ISSUE_REFUSED_CLOSED:
        return "this round has closed; no vouchers or letters are made for it";
    case ISSUE_REFUSED_URL_DEFAULT:
        snprintf(text, sizeof text,
                 "the public base URL is still the example %s, and every letter and QR code "
                 "would point there: set basis_url (the settings, or [gemeente] in the config) first",
                 url);
        return text;
    case ISSUE_REFUSED_URL_LOCAL:
        snprintf(text, sizeof text,
                 "the public base URL %s is a loopback or private address that no resident can "
                 "reach, and every letter and QR code would point there: set basis_url first",
                 url);
        return text;
    case ISSUE_REFUSED_URL_INVALID:
        snprintf(text, sizeof text, "the public base URL %s is no http(s) address: set basis_url "
                                    "first", url);
        return text;
    }
    return "issuing is refused";
}

int cli_vouchers(struct app *app, int argc, char **argv)
{
    bool issue = argc >= 2 && strcmp(argv[1], "issue") == 0;
    bool replace = argc >= 2 && strcmp(argv[1], "replace") == 0;
    bool letters_cmd = argc >= 2 && strcmp(argv[1], "letters") == 0;
    if (cli_wants_help(argc, argv) || (!issue && !replace && !letters_cmd)) {
        printf("usage: buurtsamen vouchers issue --round ID --out FILE.csv [--letters FILE] [--force]\n"
               "       buurtsamen vouchers replace --round ID --postcode PC --huisnummer N\n"
               "                  [--toevoeging T] --out FILE.csv [--letters FILE]\n"
               "       buurtsamen vouchers letters --round ID --out FILE [--logo FILE.png|FILE.svg]\n"
               "issue gives every household without a voucher in the round a new one and writes\n"
               "the printer's file (address, code, QR link); --letters also writes the letters\n"
               "(FILE.pdf: print-ready PDF, one A4 a letter; FILE.html: printable from a\n"
               "browser). replace voids a lost letter's unused voucher and issues a new one.\n"
               "letters renders every still valid letter of the round again from the stored,\n"
               "encrypted codes (FILE.pdf, FILE.html or FILE.csv); --logo puts a PNG or SVG on the PDF.\n"
               "Issuing is refused for a closed round and while the public base URL is an\n"
               "example or a loopback/private address; a round that opens more than 8 weeks\n"
               "from now needs --force.\n");
        return cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    if (letters_cmd)
        return letters_command(app, argc, argv);
    /* --force is the one option without a value: taken out before the rest is checked. */
    bool force = false;
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--force") && issue) {
            force = true;
            memmove(&argv[i], &argv[i + 1], (size_t)(argc - i - 1) * sizeof *argv);
            argc--;
            i--;
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
    struct letters_info info;
    if (!letters_info_load(db, &app->config, round_id, &info)) {
        fprintf(stderr, "buurtsamen vouchers: there is no round %lld\n", (long long)round_id);
        db_close(db);
        return EXIT_FAIL;
    }
    struct issue_preview preview;
    enum issue_refusal refusal =
        letters_issue_check(db, &app->config, round_id, time(NULL), &preview);
    if (refusal != ISSUE_ALLOWED) {
        fprintf(stderr, "buurtsamen vouchers: %s\n", refusal_text(refusal, preview.base_url));
        db_close(db);
        return EXIT_FAIL;
    }
    if (issue && preview.letters == 0) {
        printf("nothing to issue: every household has a voucher for %s; no file written\n",
               preview.round_name);
        db_close(db);
        return EXIT_OK;
    }
    if (issue && preview.far_ahead && !force) {
        fprintf(stderr,
                "buurtsamen vouchers: %s opens in %ld weeks; the letters would lie on doormats "
                "that long before the codes work. Add --force to issue now all the same.\n",
                preview.round_name, preview.weeks_away);
        db_close(db);
        return EXIT_FAIL;
    }
    char title[160];
    snprintf(title, sizeof title, "%s%s", info.round_name, replace ? ", vervanging" : "");
    struct issue_output o = {.app = app, .db = db, .round_id = round_id, .title = title,
                             .csv_path = out, .quiet = !isatty(STDERR_FILENO)};
    letters_begin(&o.letters, info.base_url, false);
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
        long count;
        if (letters && render_to(app, db, round_id, &o.codes.text, 1, letters, NULL, &count))
            printf("letters: %s\n", letters);
        else if (letters)
            rc = EXIT_FAIL;
    }
    letters_end(&o.letters);
    wipe_buf(&o.codes.text);
    db_close(db);
    return rc;
}
