/* Helpers shared by the subcommands. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/codes.h"
#include "util/assets.h"
#include "view/tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    return false;
}

struct db *cli_open_db(const struct app *app, bool create)
{
    char err[512];
    struct db *db = db_open(app->config.db_path, create, err, sizeof err);
    if (!db) {
        fprintf(stderr, "buurtsamen: %s\n", err);
        return NULL;
    }
    if (!db_migrate(db, err, sizeof err)) {
        fprintf(stderr, "buurtsamen: %s\n", err);
        db_close(db);
        return NULL;
    }
    return db;
}

bool cli_load_secret(struct app *app, struct db *db, bool may_create)
{
    char path[600];
    if (app->config.key_file[0])
        snprintf(path, sizeof path, "%s", app->config.key_file);
    else
        snprintf(path, sizeof path, "%s.key", app->config.db_path);
    int64_t vouchers = 0;
    if (may_create && db)
        db_get_int(db, "SELECT count(*) FROM vouchers", &vouchers);
    char err[700];
    if (!secret_load(path, may_create && vouchers == 0, app->secret, err, sizeof err)) {
        fprintf(stderr, "buurtsamen: %s%s\n", err,
                vouchers ? " (the database has vouchers: restore the key file that hashed them)"
                         : "");
        return false;
    }
    return true;
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
