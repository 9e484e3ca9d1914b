/* user: staff accounts on the command line. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/passwords.h"
#include "domain/staff_admin.h"
#include "domain/users.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* One line from standard input, without its newline; with echo off on a terminal. */
static bool read_line(const char *prompt, char *out, size_t size)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)size, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fprintf(stderr, "\n");
    }
    if (!ok)
        return false;
    size_t n = strlen(out);
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
    return true;
}

/* The new password: generated, read from a pipe, or asked twice on a terminal. */
static bool new_password(bool generate, const char *username, char *out, size_t size)
{
    if (generate) {
        char pw[21];
        password_generate(pw, username);
        snprintf(out, size, "%s", pw);
        printf("password (shown once): %s\n", pw);
        return true;
    }
    if (!read_line("New password: ", out, size)) {
        fprintf(stderr, "buurtsamen user: no password given on standard input\n");
        return false;
    }
    if (isatty(STDIN_FILENO)) {
        char again[PASSWORD_MAX + 2];
        if (!read_line("Repeat it: ", again, sizeof again) || strcmp(again, out) != 0) {
            fprintf(stderr, "buurtsamen user: the passwords differ\n");
            return false;
        }
        sodium_memzero(again, sizeof again);
    }
    return true;
}

int cli_user(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc < 2) {
        printf("usage: buurtsamen user add NAME --role wijkregisseur|admin [--area SLUG]... "
               "[--email ADDRESS] [--generate]\n"
               "       buurtsamen user passwd NAME [--generate]\n"
               "       buurtsamen user disable NAME | enable NAME\n"
               "       buurtsamen user list\n"
               "The password is read from standard input when that is not a terminal (one line),\n"
               "asked twice on a terminal, or generated and printed once with --generate. It\n"
               "needs at least 12 characters and may not be a common password.\n");
        return argc < 2 && !cli_wants_help(argc, argv) ? EXIT_USAGE : EXIT_OK;
    }
    const char *cmd = argv[1];
    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    char password[PASSWORD_MAX + 2] = "";
    if (strcmp(cmd, "list") == 0 && argc == 2) {
        json_t *users = users_list(db);
        size_t i;
        json_t *u;
        printf("%-20s %-14s %-9s %s\n", "username", "role", "status", "areas");
        json_array_foreach(users, i, u)
            printf("%-20s %-14s %-9s %s\n", json_string_value(json_object_get(u, "username")),
                   json_string_value(json_object_get(u, "role")),
                   json_integer_value(json_object_get(u, "disabled")) ? "disabled" : "active",
                   json_string_value(json_object_get(u, "areas")));
        json_decref(users);
    } else if (strcmp(cmd, "add") == 0 && argc >= 3) {
        const char *name = argv[2], *role = NULL, *email = NULL;
        const char *areas[32];
        size_t nareas = 0;
        bool generate = false;
        for (int i = 3; i < argc && rc == EXIT_OK; i++) {
            if (strcmp(argv[i], "--role") == 0 && i + 1 < argc)
                role = argv[++i];
            else if (strcmp(argv[i], "--area") == 0 && i + 1 < argc && nareas < 32)
                areas[nareas++] = argv[++i];
            else if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
                email = argv[++i];
            else if (strcmp(argv[i], "--generate") == 0)
                generate = true;
            else {
                fprintf(stderr, "buurtsamen user add: unexpected argument '%s'\n", argv[i]);
                rc = EXIT_USAGE;
            }
        }
        char err[200];
        if (rc == EXIT_OK && !role) {
            fprintf(stderr, "buurtsamen user add: --role wijkregisseur|admin is required\n");
            rc = EXIT_USAGE;
        } else if (rc == EXIT_OK && !new_password(generate, name, password, sizeof password)) {
            rc = EXIT_FAIL;
        } else if (rc == EXIT_OK) {
            /* The account, its address and its audit row land together or not at all. */
            enum staff_result r = staff_user_add(db, "cli", name, role, password, areas, nareas,
                                                 email, time(NULL), err, sizeof err);
            if (r == STAFF_OK) {
                printf("user %s added (%s)\n", name, role);
            } else {
                if (r == STAFF_INVALID)
                    fprintf(stderr, "buurtsamen user add: %s\n", err);
                else if (r == STAFF_BAD_EMAIL)
                    fprintf(stderr, "buurtsamen user add: '%s' is not a usable e-mail address; "
                                    "nothing was added\n", email);
                else
                    fprintf(stderr, "buurtsamen user add: the database refused the change\n");
                rc = EXIT_FAIL;
            }
        }
    } else if ((strcmp(cmd, "passwd") == 0) && argc >= 3) {
        bool generate = argc == 4 && strcmp(argv[3], "--generate") == 0;
        struct user u;
        const char *weak;
        if (!user_get(db, argv[2], &u)) {
            fprintf(stderr, "buurtsamen user passwd: there is no user '%s'\n", argv[2]);
            rc = EXIT_FAIL;
        } else if (!new_password(generate, u.username, password, sizeof password)) {
            rc = EXIT_FAIL;
        } else if ((weak = password_weakness(password, u.username)) != NULL) {
            fprintf(stderr, "buurtsamen user passwd: %s\n", weak);
            rc = EXIT_FAIL;
        } else {
            /* The new password and its audit row land together or not at all. */
            enum staff_result r =
                staff_user_reset_password(db, "cli", u.username, password, time(NULL));
            if (r == STAFF_OK) {
                printf("password of %s changed; their sessions ended\n", u.username);
            } else {
                fprintf(stderr, "buurtsamen user passwd: %s\n",
                        r == STAFF_NO_USER ? "the user is gone"
                                           : "the database refused the change; nothing changed");
                rc = EXIT_FAIL;
            }
        }
    } else if ((strcmp(cmd, "disable") == 0 || strcmp(cmd, "enable") == 0) && argc == 3) {
        bool disable = strcmp(cmd, "disable") == 0;
        /* The change and its audit row land together or not at all. */
        enum staff_result r = staff_user_set_disabled(db, "cli", argv[2], disable, time(NULL));
        if (r == STAFF_OK) {
            printf("user %s %sd\n", argv[2], cmd);
        } else {
            if (r == STAFF_NO_USER)
                fprintf(stderr, "buurtsamen user %s: there is no user '%s'\n", cmd, argv[2]);
            else
                fprintf(stderr, "buurtsamen user %s: the database refused the change; nothing "
                                "changed\n", cmd);
            rc = EXIT_FAIL;
        }
    } else {
        fprintf(stderr, "buurtsamen user: expected add, passwd, disable, enable or list "
                        "(see --help)\n");
        rc = EXIT_USAGE;
    }
    sodium_memzero(password, sizeof password);
    db_close(db);
    return rc;
}
