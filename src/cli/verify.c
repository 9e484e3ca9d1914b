/* verify: check the database's integrity and the platform's invariants; name every breach. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/verify.h"

#include <stdio.h>
#include <string.h>

static void print_breach(void *ctx, const char *line)
{
    (void)ctx;
    printf("FAIL %s\n", line);
}

int cli_verify(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: buurtsamen verify [--full]\n"
               "Checks the database's integrity, foreign keys, schema version, the key file\n"
               "and the invariants of money and states. Exit status 1 names each breach.\n"
               "By default the rules about single ledger rows cover the rows added since the\n"
               "last clean run, every total and summary is recomputed, and every table but the\n"
               "ledger and the vouchers (whose rows the rules read) gets a quick check; --full\n"
               "checks every row and runs PRAGMA integrity_check over the whole file.\n"
               "BUURTSAMEN_VERIFY_TIMES=1 prints each check's CPU and wall time to stderr.\n");
        return EXIT_OK;
    }
    bool full = argc > 1 && strcmp(argv[1], "--full") == 0;
    if (argc > (full ? 2 : 1)) {
        fprintf(stderr, "buurtsamen verify: unknown argument '%s' (see --help)\n", argv[full ? 2 : 1]);
        return EXIT_USAGE;
    }
    /* As it is: verify reports a schema that is not current instead of migrating it. */
    struct db *db = cli_open_db_as_is(app);
    if (!db)
        return EXIT_FAIL;
    int breaches = verify_run(db, full, print_breach, NULL);
    db_close(db);
    if (breaches) {
        printf("verify: %d breach%s\n", breaches, breaches == 1 ? "" : "es");
        return EXIT_FAIL;
    }
    printf("verify: ok\n");
    return EXIT_OK;
}
