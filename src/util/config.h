/* Process configuration: defaults, then the INI file, then environment and command line. */
#ifndef BS_CONFIG_H
#define BS_CONFIG_H
#include <stdbool.h>

struct config {
    char db_path[512];
    char listen[128];
    int threads;
    char key_file[512];
    char template_dir[512];
    /* Municipality defaults, written into the settings table at init. */
    char gemeente_naam[128];
    char site_naam[128];
    char basis_url[256];
    char contact_email[128];
    char tijdzone[64];
    char voucher_cents[16];
    /* E-mail: the sendmail-compatible command and the From address (empty: site name and
     * contact address from the settings). */
    char mail_command[256];
    char mail_from[256];
    /* Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: addresses and
     * CIDRs, separated by commas or spaces (empty: none). */
    char trusted_proxies[1024];
    int fcgi_backlog; /* listen queue of the FastCGI socket; 0: SOMAXCONN */
    /* The response cache of anonymous pages: its bound in MiB (0: off) and how long an answer
     * is kept at most, since some pages also depend on the clock (days left in a round). */
    int response_cache_mb;
    int response_cache_seconds;
    /* serve: open connections one client address may have (0: no cap; trusted proxies are
     * never capped) and seconds without progress before a connection is dropped. */
    int connections_per_address;
    int connection_timeout;
};

void config_defaults(struct config *c);
/* Where the files are, found the same way by every command: the config file is config_file
 * (--config, else $BUURTSAMEN_CONFIG; none when NULL or empty); the database is db (--db, else
 * $BUURTSAMEN_DB) when given, else the config's db, else buurtsamen.db; the key file is the
 * config's key_file, else the database path + ".key". Relative paths are taken from the
 * working directory. Returns false with a message in err when the config cannot be read. */
bool config_resolve(struct config *c, const char *config_file, const char *db, char *err,
                    unsigned err_size);
/* Reads an INI file; returns false with a message in err on a missing file or bad line. */
bool config_load(struct config *c, const char *path, char *err, unsigned err_size);

#endif
