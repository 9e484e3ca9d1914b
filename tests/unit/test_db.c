/* Unit tests for the database layer: migrations, statement cache, and the public queries on
 * the demo data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "domain/areas.h"
#include "domain/initiatives.h"
#include "domain/news.h"
#include "util/assets.h"

static char path[64];

static int make_path(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/bs-unit-%d.db", (int)getpid());
    unlink(path);
    return 0;
}

static int remove_path(void **state)
{
    (void)state;
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    return 0;
}

static void migrations_apply_once_and_are_recorded(void **state)
{
    (void)state;
    char err[256];
    struct db *db = db_open(path, true, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(db_schema_version(db), 0);
    assert_true(db_migrate(db, err, sizeof err));
    assert_int_equal(db_schema_version(db), db_known_version());
    assert_true(db_known_version() >= 1);
    int64_t n = 0;
    assert_true(db_get_int(db, "SELECT count(*) FROM schema_migrations", &n));
    assert_int_equal(n, db_known_version());
    /* Running again changes nothing. */
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_get_int(db, "SELECT count(*) FROM schema_migrations", &n));
    assert_int_equal(n, db_known_version());
    int64_t fk = 0;
    assert_true(db_get_int(db, "PRAGMA foreign_keys", &fk));
    assert_int_equal(fk, 1);
    sqlite3_stmt *stmt = db_prepare(db, "PRAGMA journal_mode");
    assert_non_null(stmt);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "wal");
    sqlite3_reset(stmt);
    /* The statement cache hands back the same statement for the same SQL text. */
    static const char sql[] = "SELECT 1";
    assert_ptr_equal(db_prepare(db, sql), db_prepare(db, sql));
    db_close(db);
}

static void newer_database_is_refused(void **state)
{
    (void)state;
    char err[256];
    struct db *db = db_open(path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO schema_migrations(version, name) VALUES (999, 'x')"));
    assert_false(db_migrate(db, err, sizeof err));
    assert_non_null(strstr(err, "newer"));
    db_close(db);
}

static void failed_migration_leaves_nothing_behind(void **state)
{
    (void)state;
    char err[256];
    struct db *db = db_open(path, true, err, sizeof err);
    assert_non_null(db);
    /* A table the first migration wants to create already exists: the migration fails whole. */
    assert_true(db_exec(db, "CREATE TABLE areas (x INTEGER)"));
    assert_false(db_migrate(db, err, sizeof err));
    assert_int_equal(db_schema_version(db), 0);
    int64_t n = 1;
    assert_true(db_get_int(
        db, "SELECT count(*) FROM sqlite_schema WHERE name = 'initiatives'", &n));
    assert_int_equal(n, 0);
    db_close(db);
}

static void opening_a_missing_database_without_create_fails(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(db_open("/nonexistent-dir/x.db", false, err, sizeof err));
    assert_true(strlen(err) > 0);
}

static struct db *demo_db(void)
{
    char err[256];
    struct db *db = db_open(path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    const struct asset *a = asset_find("sql/demo.sql");
    assert_non_null(a);
    char *sql = strndup((const char *)a->data, a->len);
    assert_true(db_begin(db) && db_exec(db, sql) && db_commit(db));
    free(sql);
    return db;
}

static void fts_query_is_sanitised(void **state)
{
    (void)state;
    char out[128];
    initiative_fts_query("buurt \"barbecue\" OR NEAR(x*", out, sizeof out);
    assert_string_equal(out, "\"buurt\"* \"barbecue\"* \"OR\"* \"NEAR\"* \"x\"*");
    initiative_fts_query("  -- ;; ", out, sizeof out);
    assert_string_equal(out, "");
    initiative_fts_query("caf\xc3\xa9", out, sizeof out);
    assert_string_equal(out, "\"caf\xc3\xa9\"*");
}

static void public_queries_on_demo_data(void **state)
{
    (void)state;
    struct db *db = demo_db();
    int64_t total = 0;
    struct initiative_filter all = {.limit = 100};
    json_t *items = initiatives_search(db, &all, &total);
    assert_non_null(items);
    assert_true(total >= 25);
    /* Nothing unpublished is ever listed. */
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        const char *st = json_string_value(json_object_get(item, "state"));
        assert_true(initiative_state_public(st));
        assert_null(json_object_get(item, "initiator_email"));
    }
    json_decref(items);

    struct initiative_filter open = {.state = "open", .sort = SORT_CLOSEST, .limit = 100};
    items = initiatives_search(db, &open, &total);
    assert_true(total > 0);
    json_array_foreach(items, i, item)
        assert_string_equal(json_string_value(json_object_get(item, "state")), "open");
    json_decref(items);

    struct initiative_filter search = {.query = "barbecue", .limit = 100};
    items = initiatives_search(db, &search, &total);
    assert_true(total >= 1);
    json_decref(items);
    struct initiative_filter hostile = {.query = "\" OR 1=1 -- NEAR(", .limit = 100};
    items = initiatives_search(db, &hostile, &total);
    assert_non_null(items); /* no FTS syntax error reaches the page */
    json_decref(items);

    json_t *area = area_by_slug(db, "de-riet");
    assert_non_null(area);
    assert_true(json_array_size(json_object_get(area, "buurten")) >= 1);
    json_decref(area);
    assert_null(area_by_slug(db, "bestaat-niet"));

    struct initiative_filter in_area = {.area_slug = "de-riet", .limit = 100};
    items = initiatives_search(db, &in_area, &total);
    assert_true(total >= 1);
    json_decref(items);

    /* Unpublished initiatives are not found by id either. */
    int64_t hidden = 0;
    assert_true(db_get_int(db, "SELECT id FROM initiatives WHERE state = 'ingediend' LIMIT 1",
                           &hidden));
    assert_null(initiative_get_public(db, hidden));
    int64_t shown = 0;
    assert_true(db_get_int(db, "SELECT id FROM initiatives WHERE state = 'open' LIMIT 1", &shown));
    json_t *one = initiative_get_public(db, shown);
    assert_non_null(one);
    assert_true(json_array_size(json_object_get(one, "budget_lines")) >= 1);
    assert_null(json_object_get(one, "initiator_email"));
    json_decref(one);

    json_t *news = news_list(db, 0, 100, 0, &total);
    assert_non_null(news);
    int64_t published = 0;
    assert_true(db_get_int(db, "SELECT count(*) FROM news WHERE published = 1", &published));
    assert_int_equal(total, published);
    json_decref(news);
    int64_t draft = 0;
    assert_true(db_get_int(db, "SELECT id FROM news WHERE published = 0 LIMIT 1", &draft));
    assert_null(news_get_public(db, draft));
    db_close(db);
}

/* A scratch table on a fresh database, for the transaction tests. */
static struct db *open_scratch(void)
{
    char err[256];
    struct db *db = db_open(path, true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_exec(db, "CREATE TABLE t(x INTEGER)"));
    return db;
}

static int64_t count_rows(struct db *db)
{
    int64_t n = -1;
    assert_true(db_get_int(db, "SELECT count(*) FROM t", &n));
    return n;
}

static void nested_transactions_commit_once_at_the_outermost(void **state)
{
    (void)state;
    struct db *db = open_scratch();
    assert_true(db_begin(db));
    assert_int_equal(db_depth(db), 1);
    assert_true(db_exec(db, "INSERT INTO t VALUES (1)"));
    assert_true(db_begin(db));
    assert_int_equal(db_depth(db), 2);
    assert_true(db_exec(db, "INSERT INTO t VALUES (2)"));
    assert_true(db_commit(db));
    /* The inner commit committed nothing: a second connection does not see the rows yet. */
    char err[256];
    struct db *other = db_open(path, false, err, sizeof err);
    assert_non_null(other);
    assert_int_equal(count_rows(other), 0);
    assert_int_equal(db_depth(db), 1);
    assert_true(db_commit(db));
    assert_int_equal(db_depth(db), 0);
    assert_int_equal(count_rows(other), 2);
    /* The write mutex was released: another connection of this process can write. */
    assert_true(db_begin(other));
    assert_true(db_exec(other, "INSERT INTO t VALUES (3)"));
    assert_true(db_commit(other));
    db_close(other);
    db_close(db);
}

static void an_inner_rollback_rolls_back_the_whole(void **state)
{
    (void)state;
    struct db *db = open_scratch();
    assert_true(db_begin(db));
    assert_true(db_exec(db, "INSERT INTO t VALUES (1)"));
    assert_true(db_begin(db));
    assert_true(db_exec(db, "INSERT INTO t VALUES (2)"));
    db_rollback(db);
    assert_int_equal(db_depth(db), 1);
    /* Nothing more may begin inside a doomed transaction. */
    assert_false(db_begin(db));
    assert_int_equal(db_depth(db), 1);
    assert_false(db_commit(db));
    assert_int_equal(db_depth(db), 0);
    assert_int_equal(count_rows(db), 0);
    /* A rollback after the failed commit is harmless, and the next transaction works. */
    db_rollback(db);
    assert_true(db_begin(db));
    assert_true(db_exec(db, "INSERT INTO t VALUES (3)"));
    assert_true(db_commit(db));
    assert_int_equal(count_rows(db), 1);
    db_close(db);
}

static void an_outer_rollback_undoes_committed_inner_work(void **state)
{
    (void)state;
    struct db *db = open_scratch();
    assert_true(db_begin(db));
    assert_true(db_begin(db));
    assert_true(db_exec(db, "INSERT INTO t VALUES (1)"));
    assert_true(db_commit(db));
    db_rollback(db);
    assert_int_equal(db_depth(db), 0);
    assert_int_equal(count_rows(db), 0);
    /* Commit and rollback without a transaction do nothing and keep the lock free. */
    assert_false(db_commit(db));
    db_rollback(db);
    char err[256];
    struct db *other = db_open(path, false, err, sizeof err);
    assert_true(db_begin(other));
    assert_true(db_commit(other));
    db_close(other);
    db_close(db);
}

static void a_read_snapshot_does_not_nest_and_ends_cleanly(void **state)
{
    (void)state;
    struct db *db = open_scratch();
    assert_true(db_read_begin(db));
    assert_false(db_read_begin(db));
    assert_int_equal(count_rows(db), 0);
    db_read_end(db);
    /* After the snapshot has ended on purpose, a write may begin. */
    assert_true(db_begin(db));
    assert_false(db_read_begin(db));
    assert_true(db_exec(db, "INSERT INTO t VALUES (1)"));
    assert_true(db_commit(db));
    assert_int_equal(count_rows(db), 1);
    db_read_end(db);
    db_close(db);
}

/* Another process's hold on the write lock, as the sqlite3 command line would take it. */
static sqlite3 *hold_write_lock(void)
{
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    return other;
}

static void release_write_lock_of(sqlite3 *other)
{
    assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
}

static void a_write_behind_a_held_lock_gives_up_after_the_lane_wait(void **state)
{
    (void)state;
    struct db *db = open_scratch();
    db_writer_lane(1, 200);
    sqlite3 *other = hold_write_lock();
    assert_false(db_begin(db));
    assert_int_equal(db_depth(db), 0);
    assert_true(db_take_busy(db));
    assert_false(db_take_busy(db)); /* taken once */
    release_write_lock_of(other);
    assert_true(db_begin(db));
    assert_true(db_exec(db, "INSERT INTO t VALUES (1)"));
    assert_true(db_commit(db));
    assert_false(db_take_busy(db));
    assert_int_equal(count_rows(db), 1);
    db_writer_lane(0, 0);
    db_close(db);
}

struct waiter {
    struct db *db;
    atomic_bool returned;
    bool began;
};

static void *wait_to_write(void *arg)
{
    struct waiter *w = arg;
    w->began = db_begin(w->db);
    atomic_store(&w->returned, true);
    return NULL;
}

static void past_the_lane_size_a_write_on_a_stuck_lock_is_refused_at_once(void **state)
{
    (void)state;
    struct db *first = open_scratch();
    char err[256];
    struct db *second = db_open(path, false, err, sizeof err);
    assert_non_null(second);
    db_writer_lane(1, 3000);
    sqlite3 *other = hold_write_lock();
    struct waiter w = {.db = first};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, wait_to_write, &w), 0);
    /* The first writer waits its turn; once the lock has been stuck a while, a second one
     * beyond the lane's size is told at once, while the first still waits. */
    usleep((DB_LANE_STUCK_MS + 200) * 1000);
    assert_false(atomic_load(&w.returned));
    assert_false(db_begin(second));
    assert_true(db_take_busy(second));
    assert_false(atomic_load(&w.returned));
    release_write_lock_of(other);
    pthread_join(thread, NULL);
    assert_true(w.began); /* the first got the lock once it was free */
    assert_true(db_commit(first));
    db_writer_lane(0, 0);
    db_close(second);
    db_close(first);
}

/* The cache knows a statement by its text, not only by the address of the text: SQL built at
 * run time in a reused buffer gets its own statement, and the cache does not grow with it. */
static void a_reused_sql_buffer_gets_the_statement_of_its_new_text(void **state)
{
    (void)state;
    struct db *db = open_scratch();
    char sql[32];
    snprintf(sql, sizeof sql, "SELECT 1");
    sqlite3_stmt *stmt = db_prepare(db, sql);
    assert_non_null(stmt);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 1);
    size_t kept = db_prepared_count(db);
    snprintf(sql, sizeof sql, "SELECT 2");
    stmt = db_prepare(db, sql);
    assert_non_null(stmt);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 2);
    assert_int_equal(db_prepared_count(db), kept);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(migrations_apply_once_and_are_recorded, make_path,
                                        remove_path),
        cmocka_unit_test_setup_teardown(newer_database_is_refused, make_path, remove_path),
        cmocka_unit_test_setup_teardown(failed_migration_leaves_nothing_behind, make_path,
                                        remove_path),
        cmocka_unit_test(opening_a_missing_database_without_create_fails),
        cmocka_unit_test_setup_teardown(nested_transactions_commit_once_at_the_outermost,
                                        make_path, remove_path),
        cmocka_unit_test_setup_teardown(an_inner_rollback_rolls_back_the_whole, make_path,
                                        remove_path),
        cmocka_unit_test_setup_teardown(an_outer_rollback_undoes_committed_inner_work, make_path,
                                        remove_path),
        cmocka_unit_test_setup_teardown(a_read_snapshot_does_not_nest_and_ends_cleanly, make_path,
                                        remove_path),
        cmocka_unit_test_setup_teardown(a_write_behind_a_held_lock_gives_up_after_the_lane_wait,
                                        make_path, remove_path),
        cmocka_unit_test_setup_teardown(
            past_the_lane_size_a_write_on_a_stuck_lock_is_refused_at_once, make_path,
            remove_path),
        cmocka_unit_test_setup_teardown(a_reused_sql_buffer_gets_the_statement_of_its_new_text,
                                        make_path, remove_path),
        cmocka_unit_test(fts_query_is_sanitised),
        cmocka_unit_test_setup_teardown(public_queries_on_demo_data, make_path, remove_path),
    };
    return cmocka_run_group_tests_name("database", tests, NULL, NULL);
}
