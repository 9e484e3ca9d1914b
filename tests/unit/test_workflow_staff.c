/* Staff decisions and updates: the area check, the refusal audit, the message required for a
 * change request or rejection, and each change with its message and audit row in one
 * transaction (an audit row that cannot be written takes the change with it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ledger_fixture.h"
#include "domain/users.h"
#include "domain/workflow.h"
#include "util/log.h"
#include "db_fixture.h"

/* Staff of the fixture: ria looks after wijk A (1, with buurt 3), the admin everywhere. */
static struct user ria, admin;

static void open_world(struct fixture *f)
{
    assert_true(fixture_open(f, ":memory:", 3));
    assert_true(db_exec(f->db, "INSERT INTO users(id, username, display_name, role, "
                               "password_hash) VALUES (7, 'ria', 'Ria de Vries', "
                               "'wijkregisseur', 'x'), (8, 'beheer', '', 'admin', 'x')"));
    assert_true(db_exec(f->db, "INSERT INTO user_areas(user_id, area_id) VALUES (7, 1)"));
    assert_true(user_get(f->db, "ria", &ria));
    assert_true(user_get(f->db, "beheer", &admin));
}

/* An initiative in a given state (area 0: city-wide). */
static int64_t initiative_in(struct fixture *f, int64_t area_id, const char *state)
{
    char sql[512], area[24];
    if (area_id)
        snprintf(area, sizeof area, "%lld", (long long)area_id);
    else
        snprintf(area, sizeof area, "NULL");
    snprintf(sql, sizeof sql,
             "INSERT INTO initiatives(area_id, title, summary, description, target_cents, "
             "initiator_name, initiator_email, state) VALUES (%s, 'Moestuin', 'Samen tuinieren', "
             "'Een moestuin', 3000, 'Fatima', 'fatima@example.org', '%s')",
             area, state);
    assert_true(db_exec(f->db, sql));
    int64_t id = sqlite3_last_insert_rowid(db_handle(f->db));
    snprintf(sql, sizeof sql,
             "INSERT INTO budget_lines(initiative_id, position, item, amount_cents) "
             "VALUES (%lld, 1, 'Alles', 3000)",
             (long long)id);
    assert_true(db_exec(f->db, sql));
    return id;
}

static void state_of(struct db *db, int64_t id, char out[32])
{
    sqlite3_stmt *s = db_prepare(db, "SELECT state FROM initiatives WHERE id = ?");
    assert_non_null(s);
    sqlite3_bind_int64(s, 1, id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(out, 32, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
}

static void assert_state(struct db *db, int64_t id, const char *want)
{
    char st[32];
    state_of(db, id, st);
    assert_string_equal(st, want);
}

struct counts {
    int64_t audit, outbox, messages, updates;
};

static struct counts snapshot(struct db *db)
{
    struct counts c = {
        .audit = count(db, "SELECT count(*) FROM audit_log"),
        .outbox = count(db, "SELECT count(*) FROM outbox"),
        .messages = count(db, "SELECT count(*) FROM initiative_messages"),
        .updates = count(db, "SELECT count(*) FROM initiative_updates"),
    };
    return c;
}

static void assert_unchanged(struct db *db, struct counts before)
{
    struct counts now = snapshot(db);
    assert_int_equal(now.audit, before.audit);
    assert_int_equal(now.outbox, before.outbox);
    assert_int_equal(now.messages, before.messages);
    assert_int_equal(now.updates, before.updates);
}

static void no_audit_for(struct db *db, const char *action)
{
    char sql[200];
    snprintf(sql, sizeof sql,
             "CREATE TEMP TRIGGER no_audit BEFORE INSERT ON audit_log WHEN NEW.action = '%s' "
             "BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END",
             action);
    assert_true(db_exec(db, sql));
}

/* ---- Decisions ---- */

static void outside_the_areas_only_the_refusal_is_written(void **state)
{
    (void)state;
    struct fixture f;
    open_world(&f);
    int64_t other = initiative_in(&f, 2, "ingediend");
    int64_t city = initiative_in(&f, 0, "ingediend");
    static const char *const tries[3] = {"open", "wijziging_gevraagd", "afgewezen"};
    for (int i = 0; i < 3; i++) {
        struct counts before = snapshot(f.db);
        assert_int_equal(workflow_staff_decide(f.db, &ria, other, tries[i], "Graag", T0),
                         WF_OUT_OF_AREA);
        assert_int_equal(workflow_staff_decide(f.db, &ria, city, tries[i], "Graag", T0),
                         WF_OUT_OF_AREA);
        assert_state(f.db, other, "ingediend");
        assert_state(f.db, city, "ingediend");
        struct counts after = snapshot(f.db);
        assert_int_equal(after.audit, before.audit + 2);
        assert_int_equal(after.outbox, before.outbox);
        assert_int_equal(after.messages, before.messages);
    }
    /* Each refusal names who tried which state on which initiative. */
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'geweigerd' AND actor = 'ria' AND "
             "subject = 'initiative:%lld' AND to_value = 'wijziging_gevraagd' AND "
             "reason = 'buiten eigen gebied'",
             (long long)other);
    assert_int_equal(count(f.db, sql), 1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'geweigerd'"), 6);
    assert_int_equal(db_depth(f.db), 0);
    /* The admin may decide on both; the buurt of ria's wijk is hers. */
    assert_int_equal(workflow_staff_decide(f.db, &admin, city, "open", "", T0), WF_OK);
    assert_int_equal(workflow_staff_decide(f.db, &admin, other, "afgewezen", "Past niet", T0),
                     WF_OK);
    int64_t buurt = initiative_in(&f, 3, "ingediend");
    assert_int_equal(workflow_staff_decide(f.db, &ria, buurt, "open", NULL, T0), WF_OK);
    assert_state(f.db, city, "open");
    assert_state(f.db, other, "afgewezen");
    assert_state(f.db, buurt, "open");
    fixture_close(&f);
}

static void unknown_initiative_or_missing_text_changes_nothing(void **state)
{
    (void)state;
    struct fixture f;
    open_world(&f);
    int64_t id = initiative_in(&f, 1, "ingediend");
    struct counts before = snapshot(f.db);
    assert_int_equal(workflow_staff_decide(f.db, &ria, 9999, "open", "", T0), WF_NOT_FOUND);
    assert_int_equal(workflow_staff_decide(f.db, &admin, 0, "open", "", T0), WF_NOT_FOUND);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "wijziging_gevraagd", NULL, T0),
                     WF_NO_TEXT);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "wijziging_gevraagd", "", T0),
                     WF_NO_TEXT);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "afgewezen", NULL, T0), WF_NO_TEXT);
    /* Outside the areas the refusal comes before the missing text. */
    int64_t other = initiative_in(&f, 2, "ingediend");
    assert_int_equal(workflow_staff_decide(f.db, &ria, other, "afgewezen", NULL, T0),
                     WF_OUT_OF_AREA);
    before.audit++;
    assert_unchanged(f.db, before);
    assert_state(f.db, id, "ingediend");
    /* Not allowed in this state: a second approval, a rejection of an open initiative. */
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "open", NULL, T0), WF_OK);
    before = snapshot(f.db);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "open", NULL, T0), WF_NOT_ALLOWED);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "afgewezen", "Toch niet", T0),
                     WF_NOT_ALLOWED);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "ingetrokken", "x", T0), WF_NOT_ALLOWED);
    assert_unchanged(f.db, before);
    assert_state(f.db, id, "open");
    assert_int_equal(db_depth(f.db), 0);
    fixture_close(&f);
}

static void change_request_with_its_message_and_audit_row(void **state)
{
    (void)state;
    struct fixture f;
    open_world(&f);
    int64_t id = initiative_in(&f, 1, "ingediend");
    const char *msg = "Kunt u de begroting per post uitsplitsen?";
    struct counts before = snapshot(f.db);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "wijziging_gevraagd", msg, T0), WF_OK);
    assert_state(f.db, id, "wijziging_gevraagd");
    struct counts after = snapshot(f.db);
    assert_int_equal(after.messages, before.messages + 1);
    assert_int_equal(after.audit, before.audit + 1);
    assert_int_equal(after.outbox, before.outbox + 1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM initiative_messages WHERE "
                                 "author_role = 'wijkregisseur' AND author_name = 'ria' AND "
                                 "body = 'Kunt u de begroting per post uitsplitsen?'"),
                     1);
    assert_int_equal(count(f.db, "SELECT count(*) FROM audit_log WHERE action = 'state' AND "
                                 "actor = 'ria' AND from_value = 'ingediend' AND "
                                 "to_value = 'wijziging_gevraagd'"),
                     1);
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void without_its_audit_row_the_decision_does_not_happen(void **state)
{
    (void)state;
    struct fixture f;
    open_world(&f);
    int64_t id = initiative_in(&f, 1, "ingediend");
    no_audit_for(f.db, "state");
    struct counts before = snapshot(f.db);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "wijziging_gevraagd", "Graag", T0),
                     WF_BUSY);
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "open", "", T0), WF_BUSY);
    assert_unchanged(f.db, before); /* no message, no e-mail */
    assert_state(f.db, id, "ingediend");
    assert_int_equal(db_depth(f.db), 0);
    fixture_close(&f);
}

/* Inside an outer transaction the decision is one step of it: rolled back with it. */
static void a_decision_nests_in_an_outer_transaction(void **state)
{
    (void)state;
    struct fixture f;
    open_world(&f);
    int64_t id = initiative_in(&f, 1, "ingediend");
    struct counts before = snapshot(f.db);
    assert_true(db_begin(f.db));
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "wijziging_gevraagd", "Graag", T0),
                     WF_OK);
    assert_int_equal(db_depth(f.db), 1);
    db_rollback(f.db);
    assert_unchanged(f.db, before);
    assert_state(f.db, id, "ingediend");
    /* And a failing decision dooms the outer one. */
    assert_true(db_begin(f.db));
    assert_true(db_exec(f.db, "UPDATE initiatives SET title = 'Anders' WHERE id = 1"));
    assert_int_equal(workflow_staff_decide(f.db, &ria, id, "uitgevoerd", "x", T0), WF_NOT_ALLOWED);
    assert_false(db_commit(f.db));
    assert_int_equal(count(f.db, "SELECT count(*) FROM initiatives WHERE title = 'Anders'"), 0);
    fixture_close(&f);
}

/* ---- Updates ---- */

static void updates_on_initiatives_online_in_own_areas(void **state)
{
    (void)state;
    struct fixture f;
    open_world(&f);
    int64_t open = fixture_initiative(&f, 3, 3000);
    int64_t done = initiative_in(&f, 1, "uitgevoerd");
    int64_t waiting = initiative_in(&f, 1, "ingediend");
    int64_t other = initiative_in(&f, 2, "open");
    int64_t city = initiative_in(&f, 0, "open");
    struct counts before = snapshot(f.db);
    assert_int_equal(workflow_staff_update(f.db, &ria, 9999, "Hallo", T0), WF_NOT_FOUND);
    assert_int_equal(workflow_staff_update(f.db, &ria, other, "Hallo", T0), WF_OUT_OF_AREA);
    assert_int_equal(workflow_staff_update(f.db, &ria, city, "Hallo", T0), WF_OUT_OF_AREA);
    assert_int_equal(workflow_staff_update(f.db, &ria, waiting, "Hallo", T0), WF_NOT_ALLOWED);
    assert_int_equal(workflow_staff_update(f.db, &ria, waiting, NULL, T0), WF_NOT_ALLOWED);
    assert_int_equal(workflow_staff_update(f.db, &ria, open, NULL, T0), WF_NO_TEXT);
    assert_int_equal(workflow_staff_update(f.db, &ria, open, "", T0), WF_NO_TEXT);
    assert_unchanged(f.db, before);
    assert_int_equal(workflow_staff_update(f.db, &ria, open, "De verf is besteld.", T0), WF_OK);
    assert_int_equal(workflow_staff_update(f.db, &ria, done, "Het is gelukt.", T0), WF_OK);
    assert_int_equal(workflow_staff_update(f.db, &admin, city, "Voor de hele stad.", T0), WF_OK);
    struct counts after = snapshot(f.db);
    assert_int_equal(after.updates, before.updates + 3);
    assert_int_equal(after.audit, before.audit + 3);
    /* Signed with the display name and the public role line; never the login name. */
    char sql[300];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM initiative_updates WHERE initiative_id = %lld AND "
             "author_role = 'wijkregisseur' AND author_name LIKE 'Ria de Vries, wijkregisseur _%%' AND "
             "body = 'De verf is besteld.' AND created_at = '2027-01-15 08:00:00'",
             (long long)open);
    assert_int_equal(count(f.db, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM initiative_updates WHERE initiative_id = %lld AND "
             "author_name = 'Gemeente'",
             (long long)city);
    assert_int_equal(count(f.db, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE action = 'update' AND actor = 'ria' AND "
             "subject = 'initiative:%lld'",
             (long long)open);
    assert_int_equal(count(f.db, sql), 1);
    /* Without its audit row, no update. */
    no_audit_for(f.db, "update");
    before = snapshot(f.db);
    assert_int_equal(workflow_staff_update(f.db, &ria, open, "Nog een.", T0), WF_BUSY);
    assert_unchanged(f.db, before);
    assert_int_equal(db_depth(f.db), 0);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outside_the_areas_only_the_refusal_is_written),
        cmocka_unit_test(unknown_initiative_or_missing_text_changes_nothing),
        cmocka_unit_test(change_request_with_its_message_and_audit_row),
        cmocka_unit_test(without_its_audit_row_the_decision_does_not_happen),
        cmocka_unit_test(a_decision_nests_in_an_outer_transaction),
        cmocka_unit_test(updates_on_initiatives_online_in_own_areas),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
