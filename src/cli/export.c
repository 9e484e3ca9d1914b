/* export: totals, areas, initiatives or the ledger as CSV, XLSX or JSON, for scheduled jobs.
 * Entry point (for cli.h): int cli_export(struct app *app, int argc, char **argv); */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/export.h"
#include "domain/reports.h"
#include "domain/settings.h"
#include "util/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fprintf(out, "usage: buurtsamen export totals|areas|initiatives|ledger [--round ID]\n"
                 "                         --format csv|xlsx|json [--sep ,] [--out FILE]\n"
                 "totals: per round; areas: per round and wijk/dorp; initiatives: per initiative;\n"
                 "ledger: every movement of money (never a voucher, household or address).\n"
                 "--round ID limits it to one round. CSV is UTF-8 with ';' (or --sep ,) for Dutch\n"
                 "Excel; XLSX needs --out; without --out CSV and JSON go to standard output.\n"
                 "With --out the file appears only when it is complete.\n");
}

/* The municipality's time zone for local dates and times. */
static void tz_from_settings(struct db *db, const struct app *app)
{
    json_t *settings = settings_all(db);
    const char *tz = json_string_value(json_object_get(settings, "tijdzone"));
    setenv("TZ", tz && *tz ? tz : app->config.tijdzone, 1);
    tzset();
    json_decref(settings);
}

static int wrong(const char *reason, const char *arg)
{
    fprintf(stderr, "buurtsamen export: %s%s%s (see --help)\n", reason, arg ? " " : "",
            arg ? arg : "");
    return EXIT_USAGE;
}

int cli_export(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    struct export_options opt = {.sep = ';'};
    if (argc < 2 || !export_kind_parse(argv[1], &opt.kind))
        return wrong("expected totals, areas, initiatives or ledger", NULL);
    const char *round = NULL, *format = NULL, *sep = NULL, *out_path = NULL;
    for (int i = 2; i < argc; i += 2) {
        const char **slot = strcmp(argv[i], "--round") == 0    ? &round
                            : strcmp(argv[i], "--format") == 0 ? &format
                            : strcmp(argv[i], "--sep") == 0    ? &sep
                            : strcmp(argv[i], "--out") == 0    ? &out_path
                                                               : NULL;
        if (!slot)
            return wrong("unexpected argument", argv[i]);
        if (i + 1 >= argc)
            return wrong("a value is missing after", argv[i]);
        if (*slot)
            return wrong("given twice:", argv[i]);
        *slot = argv[i + 1];
    }
    if (!format || !export_format_parse(format, &opt.format))
        return wrong("--format must be csv, xlsx or json", NULL);
    if (round && !parse_int64(round, 1, INT64_MAX, &opt.round_id))
        return wrong("--round takes a round's id (see 'buurtsamen round list'), not", round);
    if (sep && (opt.format != EXPORT_CSV || strlen(sep) != 1 || (*sep != ';' && *sep != ',')))
        return wrong("--sep is ';' or ',', for --format csv", NULL);
    if (sep)
        opt.sep = *sep;
    if (opt.format == EXPORT_XLSX && !out_path)
        return wrong("--format xlsx needs --out FILE", NULL);
    if (out_path && !*out_path)
        return wrong("--out needs a file name", NULL);

    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    tz_from_settings(db, app);

    /* Written beside the target and renamed when complete, so a job that picks the file up
     * never sees half of it. */
    char tmp[4096] = "";
    FILE *out = stdout;
    if (out_path) {
        if (snprintf(tmp, sizeof tmp, "%s.tmp", out_path) >= (int)sizeof tmp) {
            db_close(db);
            return wrong("--out: the file name is too long", NULL);
        }
        if (opt.format != EXPORT_XLSX && !(out = fopen(tmp, "w"))) {
            fprintf(stderr, "buurtsamen export: cannot write %s: %s\n", tmp, strerror(errno));
            db_close(db);
            return EXIT_FAIL;
        }
    }
    char err[512];
    bool ok = export_write(db, &opt, out, opt.format == EXPORT_XLSX ? tmp : NULL, err, sizeof err);
    db_close(db);
    if (!ok)
        fprintf(stderr, "buurtsamen export: %s\n", err);
    if (out_path) {
        if (out != stdout && fclose(out) != 0 && ok) {
            fprintf(stderr, "buurtsamen export: writing %s failed: %s\n", tmp, strerror(errno));
            ok = false;
        }
        if (ok && rename(tmp, out_path) != 0) {
            fprintf(stderr, "buurtsamen export: renaming %s to %s failed: %s\n", tmp, out_path,
                    strerror(errno));
            ok = false;
        }
        if (!ok)
            unlink(tmp);
    }
    if (!ok)
        return EXIT_FAIL;
    return EXIT_OK;
}
