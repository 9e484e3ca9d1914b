/* The subcommands: each parses its own arguments and calls the domain. */
#ifndef BS_CLI_H
#define BS_CLI_H
#include <stdbool.h>

struct app;

/* Exit statuses: 0 ok, 1 failure, 2 wrong usage. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cli_init(struct app *app, int argc, char **argv);
int cli_serve(struct app *app, int argc, char **argv);
int cli_fcgi(struct app *app, int argc, char **argv);
int cli_verify(struct app *app, int argc, char **argv);
int cli_backup(struct app *app, int argc, char **argv);
int cli_round(struct app *app, int argc, char **argv);
int cli_households(struct app *app, int argc, char **argv);
int cli_vouchers(struct app *app, int argc, char **argv);
int cli_housekeeping(struct app *app, int argc, char **argv);
int cli_user(struct app *app, int argc, char **argv);
int cli_mail(struct app *app, int argc, char **argv);
int cli_export(struct app *app, int argc, char **argv);
/* Starts the housekeeping thread (every minute) of serve and fcgi. */
void housekeeping_start(const struct app *app);

/* Shared by the subcommands. */
struct db;
/* Opens the configured database and brings its schema up to date; prints the reason and
 * returns NULL on failure. */
struct db *cli_open_db(const struct app *app, bool create);
/* Loads the templates (embedded, overridden by the configured folder); false on error. */
bool cli_load_templates(struct app *app);
/* Loads the secret key (the config's key_file, else the database path + ".key") into
 * app->secret. It is created only when may_create is set and the database has no vouchers,
 * since a new key would make every issued code unusable. */
bool cli_load_secret(struct app *app, struct db *db, bool may_create);
/* True when argv[i] is -h or --help. */
bool cli_wants_help(int argc, char **argv);

#endif
