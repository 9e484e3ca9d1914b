/* serve and fcgi: run the site under the built-in server or FastCGI. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/settings.h"
#include "front/front.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Checks the database once before any thread starts and takes the time zone from it. */
static bool prepare(struct app *app)
{
    struct db *db = cli_open_db(app, false);
    if (!db)
        return false;
    json_t *settings = settings_all(db);
    const char *tz = json_string_value(json_object_get(settings, "tijdzone"));
    setenv("TZ", tz && *tz ? tz : app->config.tijdzone, 1);
    tzset();
    json_decref(settings);
    db_close(db);
    return cli_load_templates(app);
}

static bool parse_threads(const char *s, int *out)
{
    int64_t v;
    if (!parse_int64(s, 1, 256, &v))
        return false;
    *out = (int)v;
    return true;
}

int cli_serve(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: buurtsamen serve [--listen ADDR:PORT] [--threads N]\n"
               "Serves the site with the built-in HTTP server (default %s).\n",
               app->config.listen);
        return EXIT_OK;
    }
    const char *listen = app->config.listen;
    int threads = app->config.threads;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
            listen = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (!parse_threads(argv[++i], &threads)) {
                fprintf(stderr, "buurtsamen serve: --threads takes a number from 1 to 256\n");
                return EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "buurtsamen serve: unknown argument '%s' (see --help)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!prepare(app))
        return EXIT_FAIL;
    return front_mhd_run(app, listen, threads);
}

int cli_fcgi(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: buurtsamen fcgi [--socket PATH|ADDR:PORT] [--threads N]\n"
               "Serves the site over FastCGI. Without --socket it takes the listening socket\n"
               "on standard input, as spawn-fcgi and systemd (StandardInput=socket) pass it.\n");
        return EXIT_OK;
    }
    const char *socket = NULL;
    int threads = app->config.threads;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
            socket = argv[++i];
        else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            if (!parse_threads(argv[++i], &threads)) {
                fprintf(stderr, "buurtsamen fcgi: --threads takes a number from 1 to 256\n");
                return EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "buurtsamen fcgi: unknown argument '%s' (see --help)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!prepare(app))
        return EXIT_FAIL;
    return front_fcgi_run(app, socket, threads);
}
