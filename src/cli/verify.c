/* verify: check the database's integrity and the platform's invariants; name every breach. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/* Runs a query whose rows are breaches, printing each with a label; returns how many. */
static int report(struct db *db, const char *label, const char *sql)
{
    sqlite3_stmt *stmt = db_prepare(db, sql);
    if (!stmt) {
        printf("FAIL %s: query failed\n", label);
        return 1;
    }
    int n = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        printf("FAIL %s:", label);
        for (int i = 0; i < sqlite3_column_count(stmt); i++) {
            const char *v = (const char *)sqlite3_column_text(stmt, i);
            printf(" %s", v ? v : "NULL");
        }
        printf("\n");
        n++;
    }
    sqlite3_reset(stmt);
    return n;
}

int cli_verify(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: buurtsamen verify\n"
               "Checks the database's integrity, foreign keys, schema version and the\n"
               "invariants of money and states. Exit status 1 names each breach.\n");
        return EXIT_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "buurtsamen verify: unknown argument '%s' (see --help)\n", argv[1]);
        return EXIT_USAGE;
    }
    char err[512];
    struct db *db = db_open(app->config.db_path, false, err, sizeof err);
    if (!db) {
        fprintf(stderr, "buurtsamen verify: %s\n", err);
        return EXIT_FAIL;
    }
    int breaches = 0;
    sqlite3_stmt *stmt = db_prepare(db, "PRAGMA integrity_check");
    while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(stmt, 0);
        if (v && strcmp(v, "ok") != 0) {
            printf("FAIL integrity: %s\n", v);
            breaches++;
        }
    }
    if (stmt)
        sqlite3_reset(stmt);
    breaches += report(db, "foreign key", "PRAGMA foreign_key_check");
    int version = db_schema_version(db), known = db_known_version();
    if (version != known) {
        printf("FAIL schema version: database %d, program %d\n", version, known);
        breaches++;
    }
    if (version == known) {
        breaches += report(db, "budget lines do not add up to the target (initiative, lines, "
                               "target)",
                           "SELECT i.id, coalesce(sum(b.amount_cents), 0), i.target_cents "
                           "FROM initiatives i LEFT JOIN budget_lines b ON b.initiative_id = i.id "
                           "GROUP BY i.id HAVING coalesce(sum(b.amount_cents), 0) <> "
                           "i.target_cents");
        breaches += report(db, "funded initiative below its target (initiative)",
                           "SELECT id FROM initiatives WHERE state IN ('gefinancierd', "
                           "'uitgevoerd') AND raised_cents < target_cents");
        breaches += report(db, "open initiative at or above its target (initiative)",
                           "SELECT id FROM initiatives WHERE state = 'open' "
                           "AND raised_cents >= target_cents");
    }
    db_close(db);
    if (breaches) {
        printf("verify: %d breach%s\n", breaches, breaches == 1 ? "" : "es");
        return EXIT_FAIL;
    }
    printf("verify: ok\n");
    return EXIT_OK;
}
