/* backup: a consistent copy of the live database through SQLite's online backup. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cli_backup(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc != 2) {
        printf("usage: buurtsamen backup FILE\n"
               "Writes a consistent copy of the database to FILE while the site keeps running;\n"
               "an existing FILE is replaced only once the copy is complete.\n");
        return argc == 2 || cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    const char *target = argv[1];
    char err[512];
    struct db *db = db_open(app->config.db_path, false, err, sizeof err);
    if (!db) {
        fprintf(stderr, "buurtsamen backup: %s\n", err);
        return EXIT_FAIL;
    }
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s.tmp", target);
    unlink(tmp);
    sqlite3 *out = NULL;
    int rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(out, "main", db_handle(db), "main")
                                        : NULL;
    if (b) {
        /* Copy in steps so that writers are not held up for the whole copy. */
        do {
            rc = sqlite3_backup_step(b, 256);
            if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                sqlite3_sleep(20);
        } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
        sqlite3_backup_finish(b);
    }
    bool ok = b && rc == SQLITE_DONE && sqlite3_errcode(out) == SQLITE_OK;
    if (!ok)
        fprintf(stderr, "buurtsamen backup: copy failed: %s\n", out ? sqlite3_errmsg(out) : "");
    sqlite3_close(out);
    db_close(db);
    if (ok && rename(tmp, target) != 0) {
        perror("buurtsamen backup: rename");
        ok = false;
    }
    if (!ok) {
        unlink(tmp);
        return EXIT_FAIL;
    }
    printf("buurtsamen: backup written to %s\n", target);
    return EXIT_OK;
}
