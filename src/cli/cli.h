/* The subcommands: each parses its own arguments and calls the domain. */
#ifndef BS_CLI_H
#define BS_CLI_H
#include <stdbool.h>
#include <stddef.h>

struct app;

/* Exit statuses: 0 ok, 1 failure, 2 wrong usage. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cli_init(struct app *app, int argc, char **argv);
int cli_serve(struct app *app, int argc, char **argv);
int cli_fcgi(struct app *app, int argc, char **argv);
int cli_verify(struct app *app, int argc, char **argv);
int cli_backup(struct app *app, int argc, char **argv);
int cli_round(struct app *app, int argc, char **argv);
int cli_area(struct app *app, int argc, char **argv);
int cli_households(struct app *app, int argc, char **argv);
int cli_vouchers(struct app *app, int argc, char **argv);
int cli_housekeeping(struct app *app, int argc, char **argv);
int cli_user(struct app *app, int argc, char **argv);
int cli_mail(struct app *app, int argc, char **argv);
int cli_export(struct app *app, int argc, char **argv);
/* Starts the housekeeping thread (every minute) of serve and fcgi; housekeeping_stop ends it
 * after the pass in progress, if any, and joins it. */
void housekeeping_start(const struct app *app);
void housekeeping_stop(void);

/* Shared by the subcommands. */
struct db;
/* Opens the configured database and brings its schema up to date, after writing a backup
 * beside it (DB.pre-migration-NNN) when migrations are pending. Every command but init then
 * loads the key file and checks it against the database (see cli_load_secret); init loads it
 * itself. Prints a one-line reason and returns NULL on failure. */
struct db *cli_open_db(struct app *app, bool for_init);
/* Opens the database as it is, without migrating, and checks the key file against it without
 * writing anything (verify, backup). NULL with a one-line reason on failure. */
struct db *cli_open_db_as_is(struct app *app);
/* Loads the templates (embedded, overridden by the configured folder); false on error. */
bool cli_load_templates(struct app *app);

/* How a command uses the key file. */
enum key_use {
    KEY_CREATE, /* init: creates it, but only for a database that depends on no key yet */
    KEY_LOAD,   /* it must exist and match; a database without a fingerprint gets its */
    KEY_CHECK,  /* it must exist and match; nothing is written */
};
/* Loads the key file (app->config.key_file) into app->secret and compares it with the
 * fingerprint the database keeps. Prints a one-line reason naming the file and returns false
 * when it is missing, unreadable or another database's key. */
bool cli_load_secret(struct app *app, struct db *db, enum key_use use);

/* Writes a consistent copy of the open database to target: one read snapshot copied into a
 * temporary file beside target (mode 0600), synced, then renamed over it. False with a reason
 * in err; target is then untouched. */
bool cli_backup_write(struct db *db, const char *target, char *err, size_t err_size);
/* True when argv[i] is -h or --help. */
bool cli_wants_help(int argc, char **argv);

#endif
