/* Configuration from an INI file (libinih). */
#include "util/config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->db_path, sizeof c->db_path, "buurtsamen.db");
    snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
    c->threads = 0; /* 0: one per core, at least 2 */
    c->response_cache_mb = 8;
    c->response_cache_seconds = 10;
    c->connections_per_address = 64;
    c->connection_timeout = 10;
    snprintf(c->gemeente_naam, sizeof c->gemeente_naam, "Almelo");
    snprintf(c->site_naam, sizeof c->site_naam, "Almelo Buurt Samen");
    snprintf(c->basis_url, sizeof c->basis_url, "http://127.0.0.1:8080");
    snprintf(c->contact_email, sizeof c->contact_email, "buurtsamen@almelo.example");
    snprintf(c->tijdzone, sizeof c->tijdzone, "Europe/Amsterdam");
    snprintf(c->voucher_cents, sizeof c->voucher_cents, "750");
    snprintf(c->mail_command, sizeof c->mail_command, "/usr/sbin/sendmail -t -i");
}

#define SET(field) snprintf(c->field, sizeof c->field, "%s", value)

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    struct config *c = user;
    if (strcmp(section, "server") == 0) {
        if (strcmp(name, "listen") == 0)
            SET(listen);
        else if (strcmp(name, "db") == 0)
            SET(db_path);
        else if (strcmp(name, "key_file") == 0)
            SET(key_file);
        else if (strcmp(name, "template_dir") == 0)
            SET(template_dir);
        else if (strcmp(name, "threads") == 0)
            c->threads = atoi(value);
        else if (strcmp(name, "trusted_proxies") == 0)
            SET(trusted_proxies);
        else if (strcmp(name, "fcgi_backlog") == 0)
            c->fcgi_backlog = atoi(value);
        else if (strcmp(name, "response_cache_mb") == 0)
            c->response_cache_mb = atoi(value);
        else if (strcmp(name, "response_cache_seconds") == 0)
            c->response_cache_seconds = atoi(value);
        else if (strcmp(name, "connections_per_address") == 0)
            c->connections_per_address = atoi(value);
        else if (strcmp(name, "connection_timeout") == 0)
            c->connection_timeout = atoi(value);
        else
            return 0;
    } else if (strcmp(section, "gemeente") == 0) {
        if (strcmp(name, "naam") == 0)
            SET(gemeente_naam);
        else if (strcmp(name, "site_naam") == 0)
            SET(site_naam);
        else if (strcmp(name, "basis_url") == 0)
            SET(basis_url);
        else if (strcmp(name, "contact_email") == 0)
            SET(contact_email);
        else if (strcmp(name, "tijdzone") == 0)
            SET(tijdzone);
        else if (strcmp(name, "voucher_cents") == 0)
            SET(voucher_cents);
        else
            return 0;
    } else if (strcmp(section, "mail") == 0) {
        if (strcmp(name, "command") == 0)
            SET(mail_command);
        else if (strcmp(name, "from") == 0)
            SET(mail_from);
        else
            return 0;
    } else {
        return 0;
    }
    return 1;
}

bool config_load(struct config *c, const char *path, char *err, unsigned err_size)
{
    int rc = ini_parse(path, on_entry, c);
    if (rc == -1) {
        snprintf(err, err_size, "cannot read config file %s", path);
        return false;
    }
    if (rc != 0) {
        snprintf(err, err_size, "config file %s: unknown or bad setting on line %d", path, rc);
        return false;
    }
    return true;
}

bool config_resolve(struct config *c, const char *config_file, const char *db, char *err,
                    unsigned err_size)
{
    config_defaults(c);
    if (config_file && *config_file && !config_load(c, config_file, err, err_size))
        return false;
    if (db && *db) {
        if (strlen(db) >= sizeof c->db_path) {
            snprintf(err, err_size, "database path too long: %.60s...", db);
            return false;
        }
        snprintf(c->db_path, sizeof c->db_path, "%s", db);
    }
    if (!c->db_path[0]) /* "db =" left empty: the default, never SQLite's temporary database */
        snprintf(c->db_path, sizeof c->db_path, "buurtsamen.db");
    if (!c->key_file[0]) {
        int n = snprintf(c->key_file, sizeof c->key_file, "%s.key", c->db_path);
        if (n < 0 || (size_t)n >= sizeof c->key_file) {
            snprintf(err, err_size, "database path too long: %s", c->db_path);
            return false;
        }
    }
    return true;
}
