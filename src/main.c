/* buurtsamen: one binary for the site and its administration; this file picks the command. */
#include "app.h"
#include "cli/cli.h"
#include "pages/pages.h"
#include "util/log.h"

#include <gd.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libgd reports damaged photos on stderr without a newline; make them ordinary log lines. */
static void gd_to_log(int priority, const char *format, va_list args)
{
    (void)priority;
    char line[256];
    vsnprintf(line, sizeof line, format, args);
    size_t n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    log_info("photo: %s", line);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: buurtsamen [--db PATH] [--config FILE] COMMAND [ARGS]\n"
            "\n"
            "commands:\n"
            "  init [--demo]             create or upgrade the database (--demo: with demo data)\n"
            "  serve [--listen A:P]      run the built-in HTTP server\n"
            "  fcgi [--socket PATH|A:P]  run as FastCGI application behind a web server\n"
            "  verify                    check integrity and invariants\n"
            "  backup FILE               write a consistent copy of the database\n"
            "  area add|list|edit        wijken, dorpen and buurten\n"
            "  round add|list            voucher rounds\n"
            "  households import FILE    import addresses from CSV\n"
            "  vouchers issue|replace    issue vouchers and letters for a round\n"
            "  housekeeping              run the periodic chores once (for cron)\n"
            "  user add|passwd|disable|enable|list   staff accounts\n"
            "  mail send                 hand queued e-mail to the mail command\n"
            "  export KIND --format F    totals, areas, initiatives or the ledger (csv, xlsx, json)\n"
            "\n"
            "The config file is --config, else $BUURTSAMEN_CONFIG (none without either).\n"
            "The database is --db, else $BUURTSAMEN_DB, else the config's db, else\n"
            "buurtsamen.db. The key file is the config's key_file, else the database + \".key\";\n"
            "only init creates it, every other command refuses to run without the right one.\n"
            "Each command takes --help.\n");
}

static const struct {
    const char *name;
    int (*run)(struct app *app, int argc, char **argv);
} commands[] = {
    {"init", cli_init},     {"serve", cli_serve},   {"fcgi", cli_fcgi},
    {"verify", cli_verify}, {"backup", cli_backup}, {"round", cli_round},
    {"area", cli_area},
    {"households", cli_households}, {"vouchers", cli_vouchers},
    {"housekeeping", cli_housekeeping}, {"user", cli_user}, {"mail", cli_mail},
    {"export", cli_export},
};

int main(int argc, char **argv)
{
    alloc_init(); /* before anything allocates: jansson too aborts when memory runs out */
    struct app app = {.handle = site_handle,
                      .housekeeping = housekeeping_start,
                      .housekeeping_stop = housekeeping_stop};
    gdSetErrorMethod(gd_to_log);
    if (sodium_init() < 0) {
        fprintf(stderr, "buurtsamen: cannot initialise libsodium\n");
        return EXIT_FAIL;
    }

    /* Global options may stand before the command; they are taken out of argv. */
    const char *db = NULL, *config = getenv("BUURTSAMEN_CONFIG");
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[++i];
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else {
            fprintf(stderr, "buurtsamen: unknown option '%s' (see --help)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *env_db = getenv("BUURTSAMEN_DB");
    if (!db || !*db)
        db = env_db;
    char err[700];
    if (!config_resolve(&app.config, config, db, err, sizeof err)) {
        fprintf(stderr, "buurtsamen: %s\n", err);
        return EXIT_FAIL;
    }
    const char *env_templates = getenv("BUURTSAMEN_TEMPLATES");
    if (env_templates && *env_templates)
        snprintf(app.config.template_dir, sizeof app.config.template_dir, "%s", env_templates);

    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[i], commands[k].name) == 0)
            return commands[k].run(&app, argc - i, argv + i);
    fprintf(stderr, "buurtsamen: unknown command '%s' (see --help)\n", argv[i]);
    return EXIT_USAGE;
}
