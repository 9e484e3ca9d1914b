/* init: create the database, apply the schema, write the default settings, optionally load
 * the demo data. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/demo.h"
#include "domain/settings.h"
#include "domain/users.h"
#include "util/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A wijkregisseur and an admin, with passwords printed once. */
static bool demo_accounts(struct db *db)
{
    static const char *const areas[] = {"de-riet", "windmolenbroek", "binnenstad", "aadorp"};
    char regisseur[21], beheerder[21], err[200];
    password_generate(regisseur, "regisseur");
    password_generate(beheerder, "beheerder");
    if (!user_add(db, "regisseur", "wijkregisseur", regisseur, areas, 4, err, sizeof err) ||
        !user_set_email(db, "regisseur", "wijkregisseur@almelo.example") ||
        !user_add(db, "beheerder", "admin", beheerder, NULL, 0, err, sizeof err) ||
        !user_set_email(db, "beheerder", "beheer@almelo.example")) {
        fprintf(stderr, "buurtsamen init: demo accounts: %s\n", err);
        return false;
    }
    /* The demo's mail is not real: clear what the demo ledger queued. */
    db_exec(db, "DELETE FROM outbox");
    printf("Staff accounts at /beheer/inloggen (passwords shown once):\n"
           "  regisseur  %s  wijkregisseur of De Riet, Windmolenbroek, Binnenstad, Aadorp\n"
           "  beheerder  %s  admin\n",
           regisseur, beheerder);
    return true;
}

static void print_demo(const struct demo_result *demo)
{
    printf("Demo: %ld households, %ld vouchers, %ld donations.\n", demo->households,
           demo->vouchers, demo->donations);
    printf("Voucher codes to try at /doneren (current round):\n");
    for (size_t i = 0; i < demo->ncodes; i++) {
        if (demo->codes[i].used)
            printf("  %s  (used already: shows that message)\n", demo->codes[i].code);
        else
            printf("  %s  %s, %s\n", demo->codes[i].code, demo->codes[i].area,
                   demo->codes[i].address);
    }
}

int cli_init(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: buurtsamen init [--demo]\n"
               "Creates the database (or brings an existing one up to date) and writes the\n"
               "default settings. --demo also fills a new database with Almelo demo data.\n");
        return EXIT_OK;
    }
    bool demo = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--demo") == 0)
            demo = true;
        else {
            fprintf(stderr, "buurtsamen init: unknown argument '%s' (see --help)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    struct db *db = cli_open_db(app, true);
    if (!db)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    if (demo) {
        int64_t areas = 0;
        db_get_int(db, "SELECT count(*) FROM areas", &areas);
        if (areas > 0) {
            fprintf(stderr, "buurtsamen init: %s already has data; demo data goes only into a "
                            "new database\n",
                    app->config.db_path);
            db_close(db);
            return EXIT_FAIL;
        }
        const struct asset *a = asset_find("sql/demo.sql");
        char *sql = a ? strndup((const char *)a->data, a->len) : NULL;
        /* A new database: speed over durability while it is filled; a crash means a rerun. */
        db_exec(db, "PRAGMA synchronous=OFF");
        bool ok = sql && db_begin(db) && db_exec(db, sql) && settings_seed(db, &app->config) &&
                  db_commit(db);
        free(sql);
        struct demo_result result;
        char err[300] = "";
        if (!ok) {
            db_rollback(db);
            fprintf(stderr, "buurtsamen init: loading the demo data failed\n");
            rc = EXIT_FAIL;
        } else if (!cli_load_secret(app, db, KEY_CREATE)) {
            rc = EXIT_FAIL;
        } else if (!demo_generate(db, app->secret, time(NULL), &result, err, sizeof err)) {
            fprintf(stderr, "buurtsamen init: %s\n", err);
            rc = EXIT_FAIL;
        } else if (!demo_accounts(db)) {
            rc = EXIT_FAIL;
        } else {
            db_exec(db, "PRAGMA synchronous=FULL");
            print_demo(&result);
        }
    } else if (!cli_load_secret(app, db, KEY_CREATE)) {
        rc = EXIT_FAIL;
    } else if (!(db_begin(db) && settings_seed(db, &app->config) && db_commit(db))) {
        db_rollback(db);
        fprintf(stderr, "buurtsamen init: writing the settings failed\n");
        rc = EXIT_FAIL;
    }
    if (rc == EXIT_OK)
        printf("buurtsamen: database %s is ready%s\n", app->config.db_path,
               demo ? " with demo data" : "");
    db_close(db);
    return rc;
}
