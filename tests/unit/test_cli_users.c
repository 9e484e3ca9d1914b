/* `buurtsamen user passwd|disable|enable`: each change commits with its audit row (actor "cli"),
 * and when the audit row cannot be written the change does not land either. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/users.h"
#include "util/config.h"
#include "db_fixture.h"

static const char *const good_password = "paars konijn fietst door Almelo";

struct env {
    char dir[32];
    struct app app;
    struct db *db; /* the test's own connection to the CLI's database file */
};

static void env_open(struct env *e)
{
    memset(e, 0, sizeof *e);
    snprintf(e->dir, sizeof e->dir, "/tmp/bs-cli-users-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    config_defaults(&e->app.config);
    snprintf(e->app.config.db_path, sizeof e->app.config.db_path, "%s/t.db", e->dir);
    snprintf(e->app.config.key_file, sizeof e->app.config.key_file, "%s/t.key", e->dir);
    char err[256];
    e->db = db_open(e->app.config.db_path, true, err, sizeof err);
    assert_non_null(e->db);
    assert_true(db_migrate(e->db, err, sizeof err));
    assert_true(cli_load_secret(&e->app, e->db, KEY_CREATE));
    assert_true(user_add(e->db, "jan", "admin", good_password, NULL, 0, err, sizeof err));
}

static void env_close(struct env *e)
{
    db_close(e->db);
    char path[64];
    snprintf(path, sizeof path, "%s/t.db", e->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/t.key", e->dir);
    unlink(path);
    rmdir(e->dir);
}

static int run(struct env *e, const char *cmd, const char *name, const char *extra)
{
    char *argv[] = {"user", (char *)cmd, (char *)name, (char *)extra, NULL};
    return cli_user(&e->app, extra ? 4 : 3, argv);
}

/* A permanent trigger, so that the CLI's own connection sees it too. */
/* Audit rows of this action are refused. */
static void refuse_audit_of(struct db *db, const char *action)
{
    char sql[300];
    snprintf(sql, sizeof sql,
             "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log WHEN NEW.action = '%s' "
             "BEGIN SELECT RAISE(ABORT, 'refused'); END",
             action);
    assert_true(db_exec(db, sql));
}

static void disable_and_enable_are_audited(void **state)
{
    (void)state;
    struct env e;
    env_open(&e);
    struct user u;
    assert_int_equal(run(&e, "disable", "jan", NULL), EXIT_OK);
    assert_true(user_get(e.db, "jan", &u) && u.disabled);
    assert_int_equal(run(&e, "enable", "jan", NULL), EXIT_OK);
    assert_true(user_get(e.db, "jan", &u) && !u.disabled);
    assert_int_equal(count(e.db, "SELECT count(*) FROM audit_log WHERE actor = 'cli' AND "
                                 "subject = 'jan' AND action IN ('user-disable', 'user-enable')"),
                     2);
    assert_int_equal(run(&e, "disable", "niemand", NULL), EXIT_FAIL);
    env_close(&e);
}

static void no_audit_row_no_change(void **state)
{
    (void)state;
    struct env e;
    env_open(&e);
    refuse_audit_of(e.db, "user-disable");
    assert_int_equal(run(&e, "disable", "jan", NULL), EXIT_FAIL);
    struct user u;
    assert_true(user_get(e.db, "jan", &u));
    assert_false(u.disabled);
    assert_true(db_exec(e.db, "DROP TRIGGER refuse_audit"));

    refuse_audit_of(e.db, "user-passwd");
    assert_int_equal(run(&e, "passwd", "jan", "--generate"), EXIT_FAIL);
    assert_true(user_authenticate(e.db, "jan", good_password, &u)); /* the old one still works */
    assert_int_equal(count(e.db, "SELECT count(*) FROM audit_log WHERE actor = 'cli'"), 0);
    env_close(&e);
}

static void passwd_is_audited(void **state)
{
    (void)state;
    struct env e;
    env_open(&e);
    assert_int_equal(run(&e, "passwd", "jan", "--generate"), EXIT_OK);
    struct user u;
    assert_false(user_authenticate(e.db, "jan", good_password, &u));
    assert_int_equal(count(e.db, "SELECT count(*) FROM audit_log WHERE actor = 'cli' AND "
                                 "action = 'user-passwd' AND subject = 'jan'"),
                     1);
    env_close(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(disable_and_enable_are_audited),
        cmocka_unit_test(no_audit_row_no_change),
        cmocka_unit_test(passwd_is_audited),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
