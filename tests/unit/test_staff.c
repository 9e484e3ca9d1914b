/* Staff sessions behind a request (pages/staff.c): looked up once, the role helper, and the
 * router's access check letting the right people through. The refusals render pages and are
 * covered over HTTP (tests/http/access.test.mjs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "http/router.h"
#include "pages/staff.h"

static const char *const good_password = "paars konijn fietst door Almelo";

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'A')"));
    return db;
}

/* A user with a session made now; the token goes to token. */
static void add_staff(struct db *db, const char *name, const char *role,
                      char token[SESSION_TOKEN_CHARS + 1])
{
    char err[256];
    const char *areas[] = {"wijk-a"};
    bool admin = strcmp(role, "admin") == 0;
    assert_true(user_add(db, name, role, good_password, admin ? NULL : areas, admin ? 0 : 1, err,
                         sizeof err));
    struct user u;
    assert_true(user_get(db, name, &u));
    assert_true(session_create(db, u.id, time(NULL), NULL, token));
}

static void request_with(struct request *req, struct db *db, const char *token)
{
    request_init(req);
    req->db = db;
    if (token)
        fields_add(&req->arena, &req->cookies, SESSION_COOKIE, token, strlen(token));
}

static void user_is_looked_up_once(void **state)
{
    (void)state;
    struct db *db = open_db();
    char token[SESSION_TOKEN_CHARS + 1];
    add_staff(db, "ria", "wijkregisseur", token);

    struct request req;
    request_with(&req, db, token);
    const struct user *u = staff_user(&req);
    assert_non_null(u);
    assert_string_equal(u->username, "ria");
    assert_false(user_is_admin(u));
    /* The session ends mid-request: this request keeps the user it started with. */
    session_delete(db, token);
    assert_ptr_equal(staff_user(&req), u);
    request_free(&req);

    /* A new request asks again, and finds no one. */
    request_with(&req, db, token);
    assert_null(staff_user(&req));
    assert_null(staff_user(&req));
    request_free(&req);

    /* No cookie, no database: no one. */
    request_with(&req, db, NULL);
    assert_null(staff_user(&req));
    request_free(&req);
    request_with(&req, NULL, token);
    assert_null(staff_user(&req));
    request_free(&req);
    db_close(db);
}

static void access_lets_the_right_role_in(void **state)
{
    (void)state;
    struct db *db = open_db();
    char regisseur[SESSION_TOKEN_CHARS + 1], admin[SESSION_TOKEN_CHARS + 1];
    add_staff(db, "ria", "wijkregisseur", regisseur);
    add_staff(db, "beheer", "admin", admin);

    struct request req;
    request_with(&req, db, regisseur);
    assert_true(staff_allow(&req, ROUTE_STAFF));
    assert_string_equal(response_get_header(&req, "Cache-Control"), "no-store");
    assert_string_equal(staff_user(&req)->username, "ria");
    request_free(&req);

    request_with(&req, db, admin);
    assert_true(staff_allow(&req, ROUTE_ADMIN));
    assert_true(staff_allow(&req, ROUTE_STAFF));
    assert_true(user_is_admin(staff_user(&req)));
    assert_string_equal(staff_user(&req)->username, "beheer");
    request_free(&req);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(user_is_looked_up_once),
        cmocka_unit_test(access_lets_the_right_role_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
