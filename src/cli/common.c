/* Helpers shared by the subcommands. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/codes.h"
#include "util/assets.h"
#include "util/log.h"
#include "view/tmpl.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    return false;
}

/* A newer program on an older database: keep a copy of the database as it was before the
 * first pending migration, so that an upgrade that goes wrong can be undone. */
static bool backup_before_migrating(struct db *db, const char *db_path)
{
    int current = db_schema_version(db), known = db_known_version();
    if (current < 1 || current >= known)
        return true; /* a new database, an up-to-date one, or one db_migrate refuses */
    char target[600], err[900];
    snprintf(target, sizeof target, "%s.pre-migration-%03d", db_path, current + 1);
    if (!cli_backup_write(db, target, err, sizeof err)) {
        fprintf(stderr,
                "buurtsamen: not migrating %s from schema version %d: the backup before it "
                "failed: %s\n",
                db_path, current, err);
        return false;
    }
    log_info("database %s is at schema version %d, this program at %d: backup before "
             "migrating written to %s",
             db_path, current, known, target);
    return true;
}

struct db *cli_open_db(struct app *app, bool for_init)
{
    char err[512];
    struct db *db = db_open(app->config.db_path, for_init, err, sizeof err);
    if (!db) {
        fprintf(stderr, "buurtsamen: %s\n", err);
        return NULL;
    }
    if (!backup_before_migrating(db, app->config.db_path)) {
        db_close(db);
        return NULL;
    }
    if (!db_migrate(db, err, sizeof err)) {
        fprintf(stderr, "buurtsamen: %s\n", err);
        db_close(db);
        return NULL;
    }
    if (!for_init && !cli_load_secret(app, db, KEY_LOAD)) {
        db_close(db);
        return NULL;
    }
    return db;
}

struct db *cli_open_db_as_is(struct app *app)
{
    char err[512];
    struct db *db = db_open(app->config.db_path, false, err, sizeof err);
    if (!db) {
        fprintf(stderr, "buurtsamen: %s\n", err);
        return NULL;
    }
    if (!cli_load_secret(app, db, KEY_CHECK)) {
        db_close(db);
        return NULL;
    }
    return db;
}

bool cli_load_secret(struct app *app, struct db *db, enum key_use use)
{
    const char *path = app->config.key_file, *db_path = app->config.db_path;
    struct stat st;
    bool exists = stat(path, &st) == 0 || errno != ENOENT;
    bool in_use = secret_in_use(db);
    if (!exists && (use != KEY_CREATE || in_use)) {
        if (in_use)
            fprintf(stderr,
                    "buurtsamen: key file %s is missing; database %s was set up with a key: "
                    "restore that key file (a new one would make every issued code unusable)\n",
                    path, db_path);
        else
            fprintf(stderr,
                    "buurtsamen: key file %s is missing (only `buurtsamen init` creates it)\n",
                    path);
        return false;
    }
    char err[700];
    if (!secret_load(path, use == KEY_CREATE && !exists, app->secret, err, sizeof err)) {
        fprintf(stderr, "buurtsamen: %s\n", err);
        return false;
    }
    if (!exists)
        printf("buurtsamen: key file %s created; keep a copy of it apart from the database "
               "backups\n",
               path);
    enum secret_match match = secret_match_db(db, app->secret, use != KEY_CHECK, time(NULL));
    switch (match) {
    case SECRET_MATCH:
    case SECRET_UNRECORDED:
        return true;
    case SECRET_RECORDED:
        if (exists)
            log_info("key file %s: fingerprint recorded in database %s", path, db_path);
        return true;
    case SECRET_RECORDED_CHECKED:
        log_info("key file %s: fingerprint recorded in database %s, checked against a stored "
                 "issuance file",
                 path, db_path);
        return true;
    case SECRET_RECORDED_UNCHECKED:
        log_info("key file %s: fingerprint recorded in database %s; the vouchers issued before "
                 "could not be checked against it (if printed codes are refused, this is the "
                 "wrong key file)",
                 path, db_path);
        return true;
    case SECRET_MISMATCH:
        fprintf(stderr, "buurtsamen: key file %s does not match this database (%s)\n", path,
                db_path);
        break;
    case SECRET_DB_ERROR:
        fprintf(stderr, "buurtsamen: cannot check key file %s against database %s: %s\n", path,
                db_path, sqlite3_errmsg(db_handle(db)));
        break;
    }
    sodium_memzero(app->secret, sizeof app->secret);
    return false;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_detach(&b);
}

bool cli_load_templates(struct app *app)
{
    app->templates = tmpl_set_new();
    const char *dir = app->config.template_dir;
    for (size_t i = 0; i < assets_count; i++) {
        const char *name = assets[i].name;
        size_t len = strlen(name);
        if (strncmp(name, "templates/", 10) != 0 || len < 15 ||
            (strcmp(name + len - 5, ".html") && strcmp(name + len - 4, ".xml")))
            continue;
        size_t ext = strcmp(name + len - 4, ".xml") == 0 ? 4 : 5;
        char short_name[128];
        snprintf(short_name, sizeof short_name, "%.*s", (int)(len - 10 - ext), name + 10);
        const char *text = (const char *)assets[i].data;
        size_t text_len = assets[i].len;
        char *override = NULL;
        if (*dir) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, name + 10);
            override = read_file(path, &text_len);
            if (override)
                text = override;
            else
                text_len = assets[i].len;
        }
        char err[256];
        bool ok = tmpl_set_add(app->templates, short_name, text, text_len, err, sizeof err);
        free(override);
        if (!ok) {
            fprintf(stderr, "buurtsamen: template %s: %s\n", name, err);
            return false;
        }
    }
    return true;
}
