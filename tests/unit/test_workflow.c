/* Workflow tests: the full table of allowed changes of state, and each transition on a real
 * database with its side effects (publication, deadline, audit entry, e-mail, messages,
 * reasons, releases and returns of donations, deadlines and reminders). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "ledger_fixture.h"
#include "domain/workflow.h"
#include "util/log.h"
#include "util/text.h"
#include "db_fixture.h"

static const char *const states[8] = {"ingediend",    "wijziging_gevraagd", "open",
                                      "gefinancierd", "uitgevoerd",         "afgewezen",
                                      "ingetrokken",  "niet_gehaald"};
static const char *const actor_names[3] = {"staff", "initiator", "system"};

/* The expected table, written from the comment in workflow.h. */
static const struct {
    const char *from, *to;
    enum actor_kind who;
} expected_allowed[] = {
    {"ingediend", "wijziging_gevraagd", ACTOR_STAFF},
    {"ingediend", "open", ACTOR_STAFF},
    {"ingediend", "afgewezen", ACTOR_STAFF},
    {"ingediend", "ingetrokken", ACTOR_INITIATOR},
    {"wijziging_gevraagd", "ingediend", ACTOR_INITIATOR},
    {"wijziging_gevraagd", "ingetrokken", ACTOR_INITIATOR},
    {"wijziging_gevraagd", "afgewezen", ACTOR_STAFF},
    {"open", "niet_gehaald", ACTOR_SYSTEM},
    {"open", "ingetrokken", ACTOR_INITIATOR},
    {"gefinancierd", "uitgevoerd", ACTOR_INITIATOR},
};

static bool expected(const char *from, const char *to, enum actor_kind who)
{
    for (size_t i = 0; i < sizeof expected_allowed / sizeof expected_allowed[0]; i++)
        if (!strcmp(expected_allowed[i].from, from) && !strcmp(expected_allowed[i].to, to) &&
            expected_allowed[i].who == who)
            return true;
    return false;
}

static void every_pair_against_the_table(void **state)
{
    (void)state;
    static const enum actor_kind actors[3] = {ACTOR_STAFF, ACTOR_INITIATOR, ACTOR_SYSTEM};
    int allowed = 0, wrong = 0;
    for (int f = 0; f < 8; f++)
        for (int t = 0; t < 8; t++)
            for (int a = 0; a < 3; a++) {
                bool want = expected(states[f], states[t], actors[a]);
                bool got = workflow_allowed(states[f], states[t], actors[a]);
                if (got != want) {
                    fprintf(stderr, "workflow_allowed(%s, %s, %s) = %d, expected %d\n", states[f],
                            states[t], actor_names[a], got, want);
                    wrong++;
                }
                allowed += got;
            }
    assert_int_equal(wrong, 0);
    assert_int_equal(allowed, 10);
    /* Final states allow nothing at all, and unknown states are refused. */
    for (int t = 0; t < 8; t++)
        for (int a = 0; a < 3; a++) {
            assert_false(workflow_allowed("afgewezen", states[t], actors[a]));
            assert_false(workflow_allowed("ingetrokken", states[t], actors[a]));
            assert_false(workflow_allowed("niet_gehaald", states[t], actors[a]));
            assert_false(workflow_allowed("uitgevoerd", states[t], actors[a]));
        }
    assert_false(workflow_allowed("", "open", ACTOR_STAFF));
    assert_false(workflow_allowed("ingediend", "", ACTOR_STAFF));
    assert_false(workflow_allowed("INGEDIEND", "open", ACTOR_STAFF));
    assert_false(workflow_allowed("ingediend", "gepubliceerd", ACTOR_STAFF));
}

/* ---- Helpers on a real database ---- */

static int64_t count_id(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    assert_non_null(s);
    sqlite3_bind_int64(s, 1, id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

/* A text column of one initiative ("" for NULL). */
static void column_text(struct db *db, int64_t id, const char *column, char *out, size_t size)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT %s FROM initiatives WHERE id = %lld", column, (long long)id);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *v = (const char *)sqlite3_column_text(s, 0);
    snprintf(out, size, "%s", v ? v : "");
    sqlite3_finalize(s);
}

static void assert_state(struct db *db, int64_t id, const char *want)
{
    char st[32];
    column_text(db, id, "state", st, sizeof st);
    assert_string_equal(st, want);
}

/* An initiative as submitted: state 'ingediend', a budget line and the audit entry. */
static int64_t submitted(struct fixture *f, int64_t area_id, int64_t target, const char *email)
{
    char sql[600];
    char area[24];
    if (area_id)
        snprintf(area, sizeof area, "%lld", (long long)area_id);
    else
        snprintf(area, sizeof area, "NULL");
    snprintf(sql, sizeof sql,
             "INSERT INTO initiatives(area_id, title, summary, description, target_cents, "
             "initiator_name, initiator_email, state) VALUES (%s, 'Moestuin', 'Samen tuinieren', "
             "'Een moestuin voor de buurt', %lld, 'Fatima', '%s', 'ingediend')",
             area, (long long)target, email);
    assert_true(db_exec(f->db, sql));
    int64_t id = sqlite3_last_insert_rowid(db_handle(f->db));
    snprintf(sql, sizeof sql,
             "INSERT INTO budget_lines(initiative_id, position, item, amount_cents) "
             "VALUES (%lld, 1, 'Alles', %lld)",
             (long long)id, (long long)target);
    assert_true(db_exec(f->db, sql));
    assert_true(audit_state_change(f->db, T0 - 2 * DAY_S, "test", id, "", "ingediend", ""));
    return id;
}

struct counts {
    int64_t audit, outbox, ledger, messages;
};

static struct counts snapshot(struct db *db)
{
    struct counts c = {
        .audit = count(db, "SELECT count(*) FROM audit_log"),
        .outbox = count(db, "SELECT count(*) FROM outbox"),
        .ledger = count(db, "SELECT count(*) FROM ledger"),
        .messages = count(db, "SELECT count(*) FROM initiative_messages"),
    };
    return c;
}

static void assert_same_counts(struct counts a, struct counts b)
{
    assert_int_equal(a.audit, b.audit);
    assert_int_equal(a.outbox, b.outbox);
    assert_int_equal(a.ledger, b.ledger);
    assert_int_equal(a.messages, b.messages);
}

/* The one audit row for a change of an initiative from → to; checks actor and reason. */
static void assert_audit(struct db *db, int64_t id, const char *from, const char *to,
                         const char *actor, const char *reason)
{
    char subject[40];
    snprintf(subject, sizeof subject, "initiative:%lld", (long long)id);
    sqlite3_stmt *s = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(db_handle(db),
                           "SELECT actor, reason, count(*) OVER () FROM audit_log WHERE "
                           "action = 'state' AND subject = ? AND from_value = ? AND to_value = ?",
                           -1, &s, NULL),
        SQLITE_OK);
    sqlite3_bind_text(s, 1, subject, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), actor);
    if (reason)
        assert_string_equal((const char *)sqlite3_column_text(s, 1), reason);
    assert_int_equal(sqlite3_column_int64(s, 2), 1);
    sqlite3_finalize(s);
}

/* How many outbox messages go to `to` with a subject containing `subject_part` and a body
 * containing `body_part` (NULL: anything). */
static int64_t mails_to(struct db *db, const char *to, const char *subject_part,
                        const char *body_part)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT subject, body FROM outbox WHERE to_addr = ?", -1,
                                        &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
    int64_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *subject = (const char *)sqlite3_column_text(s, 0);
        const char *body = (const char *)sqlite3_column_text(s, 1);
        if ((!subject_part || strstr(subject, subject_part)) &&
            (!body_part || strstr(body, body_part)))
            n++;
    }
    sqlite3_finalize(s);
    return n;
}

static int64_t ledger_rows(struct db *db, int64_t id, const char *kind)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT count(*) FROM ledger WHERE initiative_id = ? "
                                        "AND kind = ?",
                                        -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void donate_ok(struct fixture *f, size_t voucher, int64_t id, time_t now)
{
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    assert_int_equal(
        ledger_donate(f->db, f->secret, f->vouchers[voucher].code, id, now, "t", &vs, &info, &r),
        DONATE_OK);
}

static void set_deadline(struct db *db, int64_t id, time_t deadline)
{
    char when[20], sql[160];
    utc_text(deadline, when);
    snprintf(sql, sizeof sql, "UPDATE initiatives SET deadline = '%s' WHERE id = %lld", when,
             (long long)id);
    assert_true(db_exec(db, sql));
}

/* ---- Transitions ---- */

static void approve_publishes_with_round_deadline(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t id = submitted(&f, 1, 3000, "fatima@example.org");
    struct counts before = snapshot(f.db);
    time_t now = T0 + 3 * DAY_S + 1234;
    assert_int_equal(workflow_transition(f.db, id, "open", ACTOR_STAFF, "regisseur", NULL, now),
                     WF_OK);
    assert_state(f.db, id, "open");
    char published[32], deadline[32], when[20], closes[32];
    column_text(f.db, id, "published_at", published, sizeof published);
    utc_text(now, when);
    assert_string_equal(published, when);
    /* The deadline is the end of the round open at `now` (R1, T0 .. T0 + 100 days). */
    column_text(f.db, id, "deadline", deadline, sizeof deadline);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(f.db),
                                        "SELECT closes_at FROM rounds WHERE id = ?", -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, f.round1);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(closes, sizeof closes, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    assert_string_equal(deadline, closes);
    assert_true(parse_utc(deadline) > now);
    /* One audit entry, one e-mail to the initiator, no money moved. */
    struct counts after = snapshot(f.db);
    assert_int_equal(after.audit, before.audit + 1);
    assert_int_equal(after.ledger, before.ledger);
    assert_audit(f.db, id, "ingediend", "open", "regisseur", "");
    assert_int_equal(after.outbox, before.outbox + 1);
    assert_int_equal(mails_to(f.db, "fatima@example.org", "goedgekeurd", "Moestuin"), 1);
    /* Now donations are accepted. */
    donate_ok(&f, 0, id, now + 60);
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void approve_keeps_a_deadline_already_set(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t id = submitted(&f, 0, 3000, "fatima@example.org");
    set_deadline(f.db, id, T0 + 40 * DAY_S);
    assert_int_equal(workflow_transition(f.db, id, "open", ACTOR_STAFF, "admin", "", T0 + DAY_S),
                     WF_OK);
    char deadline[32], want[20];
    column_text(f.db, id, "deadline", deadline, sizeof deadline);
    utc_text(T0 + 40 * DAY_S, want);
    assert_string_equal(deadline, want);
    /* Between rounds the deadline is the end of the next round (R2). */
    int64_t later = submitted(&f, 2, 3000, "fatima@example.org");
    assert_int_equal(
        workflow_transition(f.db, later, "open", ACTOR_STAFF, "admin", "", T0 + 150 * DAY_S),
        WF_OK);
    column_text(f.db, later, "deadline", deadline, sizeof deadline);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(f.db),
                                        "SELECT closes_at FROM rounds WHERE id = ?", -1, &s, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(s, 1, f.round2);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal(deadline, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    fixture_close(&f);
}

static void approve_keeps_the_deadline_within_the_round(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    char deadline[32], want[20];
    utc_text(T0 + 100 * DAY_S, want); /* R1 closes */
    /* A deadline after the round's end: no code could be used then. */
    int64_t beyond = submitted(&f, 0, 3000, "fatima@example.org");
    set_deadline(f.db, beyond, T0 + 150 * DAY_S);
    assert_int_equal(workflow_transition(f.db, beyond, "open", ACTOR_STAFF, "admin", "",
                                         T0 + DAY_S),
                     WF_OK);
    column_text(f.db, beyond, "deadline", deadline, sizeof deadline);
    assert_string_equal(deadline, want);
    /* A deadline that passed already (approved again after changes) starts over. */
    int64_t past = submitted(&f, 1, 3000, "fatima@example.org");
    set_deadline(f.db, past, T0 + DAY_S);
    assert_int_equal(workflow_transition(f.db, past, "open", ACTOR_STAFF, "admin", "",
                                         T0 + 2 * DAY_S),
                     WF_OK);
    column_text(f.db, past, "deadline", deadline, sizeof deadline);
    assert_string_equal(deadline, want);
    fixture_close(&f);
}

static void refused_transitions_change_nothing(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t id = submitted(&f, 1, 3000, "fatima@example.org");
    static const struct {
        const char *to;
        enum actor_kind who;
    } refused[] = {
        {"open", ACTOR_INITIATOR},       {"open", ACTOR_SYSTEM},
        {"gefinancierd", ACTOR_STAFF},   {"gefinancierd", ACTOR_SYSTEM},
        {"uitgevoerd", ACTOR_INITIATOR}, {"ingetrokken", ACTOR_STAFF},
        {"niet_gehaald", ACTOR_SYSTEM},  {"afgewezen", ACTOR_INITIATOR},
        {"ingediend", ACTOR_INITIATOR},  {"wijziging_gevraagd", ACTOR_INITIATOR},
        {"bestaat_niet", ACTOR_STAFF},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        struct counts before = snapshot(f.db);
        assert_int_equal(
            workflow_transition(f.db, id, refused[i].to, refused[i].who, "x", "waarom", T0 + DAY_S),
            WF_NOT_ALLOWED);
        assert_state(f.db, id, "ingediend");
        assert_same_counts(before, snapshot(f.db));
    }
    /* From a final state nothing goes, not even back. */
    assert_int_equal(
        workflow_transition(f.db, id, "afgewezen", ACTOR_STAFF, "x", "Nee", T0 + DAY_S), WF_OK);
    struct counts before = snapshot(f.db);
    assert_int_equal(
        workflow_transition(f.db, id, "ingediend", ACTOR_INITIATOR, "x", "", T0 + 2 * DAY_S),
        WF_NOT_ALLOWED);
    assert_int_equal(workflow_transition(f.db, id, "open", ACTOR_STAFF, "x", "", T0 + 2 * DAY_S),
                     WF_NOT_ALLOWED);
    assert_state(f.db, id, "afgewezen");
    assert_same_counts(before, snapshot(f.db));
    char published[32];
    column_text(f.db, id, "published_at", published, sizeof published);
    assert_string_equal(published, "");
    /* A funded initiative cannot be withdrawn (it keeps its money). */
    int64_t funded = fixture_initiative(&f, 1, 750);
    donate_ok(&f, 0, funded, T0 + DAY_S);
    assert_state(f.db, funded, "gefinancierd");
    before = snapshot(f.db);
    assert_int_equal(
        workflow_transition(f.db, funded, "ingetrokken", ACTOR_INITIATOR, "x", "", T0 + 2 * DAY_S),
        WF_NOT_ALLOWED);
    assert_int_equal(
        workflow_transition(f.db, funded, "niet_gehaald", ACTOR_SYSTEM, "x", "", T0 + 2 * DAY_S),
        WF_NOT_ALLOWED);
    assert_state(f.db, funded, "gefinancierd");
    assert_same_counts(before, snapshot(f.db));
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void unknown_initiative_is_not_found(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t id = submitted(&f, 1, 3000, "fatima@example.org");
    struct counts before = snapshot(f.db);
    assert_int_equal(workflow_transition(f.db, id + 1000, "open", ACTOR_STAFF, "x", "", T0 + DAY_S),
                     WF_NOT_FOUND);
    assert_int_equal(workflow_transition(f.db, 0, "open", ACTOR_STAFF, "x", "", T0 + DAY_S),
                     WF_NOT_FOUND);
    assert_int_equal(workflow_transition(f.db, -1, "open", ACTOR_STAFF, "x", "", T0 + DAY_S),
                     WF_NOT_FOUND);
    assert_same_counts(before, snapshot(f.db));
    assert_state(f.db, id, "ingediend");
    fixture_close(&f);
}

static void change_request_stores_the_message(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    /* A wijkregisseur of wijk A with an e-mail address hears about resubmissions. */
    assert_true(db_exec(f.db, "INSERT INTO users(id, username, email, role, password_hash) "
                              "VALUES (7, 'ria', 'ria@almelo.example', 'wijkregisseur', 'x')"));
    assert_true(db_exec(f.db, "INSERT INTO user_areas(user_id, area_id) VALUES (7, 1)"));
    int64_t id = submitted(&f, 3, 3000, "fatima@example.org");
    const char *msg = "Kunt u de begroting per post uitsplitsen?";
    struct counts before = snapshot(f.db);
    assert_int_equal(
        workflow_transition(f.db, id, "wijziging_gevraagd", ACTOR_STAFF, "ria", msg, T0 + DAY_S),
        WF_OK);
    assert_state(f.db, id, "wijziging_gevraagd");
    struct counts after = snapshot(f.db);
    assert_int_equal(after.messages, before.messages + 1);
    assert_int_equal(after.audit, before.audit + 1);
    assert_int_equal(after.outbox, before.outbox + 1);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(f.db),
                                        "SELECT initiative_id, author_name, body, author_role "
                                        "FROM initiative_messages",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(s, 0), id);
    assert_string_equal((const char *)sqlite3_column_text(s, 1), "ria");
    assert_string_equal((const char *)sqlite3_column_text(s, 2), msg);
    assert_string_equal((const char *)sqlite3_column_text(s, 3), "wijkregisseur");
    sqlite3_finalize(s);
    assert_audit(f.db, id, "ingediend", "wijziging_gevraagd", "ria", msg);
    assert_int_equal(mails_to(f.db, "fatima@example.org", "aanpassing", msg), 1);
    /* The initiator resubmits: back to ingediend, and the wijkregisseur (of the buurt's wijk)
     * is told. */
    int64_t staff_before = mails_to(f.db, "ria@almelo.example", NULL, NULL);
    assert_int_equal(workflow_transition(f.db, id, "ingediend", ACTOR_INITIATOR, "initiatiefnemer",
                                         "", T0 + 2 * DAY_S),
                     WF_OK);
    assert_state(f.db, id, "ingediend");
    assert_audit(f.db, id, "wijziging_gevraagd", "ingediend", "initiatiefnemer", NULL);
    assert_int_equal(mails_to(f.db, "ria@almelo.example", "beoordelen", NULL), staff_before + 1);
    fixture_close(&f);
}

static void rejection_stores_the_reason(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t id = submitted(&f, 1, 3000, "fatima@example.org");
    const char *reason = "Dit valt buiten de regels: het is een commerciele activiteit.";
    assert_int_equal(
        workflow_transition(f.db, id, "afgewezen", ACTOR_STAFF, "ria", reason, T0 + DAY_S), WF_OK);
    assert_state(f.db, id, "afgewezen");
    char stored[256];
    column_text(f.db, id, "state_reason", stored, sizeof stored);
    assert_string_equal(stored, reason);
    assert_audit(f.db, id, "ingediend", "afgewezen", "ria", reason);
    assert_int_equal(mails_to(f.db, "fatima@example.org", "niet goedgekeurd", reason), 1);
    char published[32];
    column_text(f.db, id, "published_at", published, sizeof published);
    assert_string_equal(published, "");
    /* Also from wijziging_gevraagd. */
    int64_t other = submitted(&f, 1, 3000, "fatima@example.org");
    assert_int_equal(workflow_transition(f.db, other, "wijziging_gevraagd", ACTOR_STAFF, "ria",
                                         "Meer uitleg graag.", T0 + DAY_S),
                     WF_OK);
    assert_int_equal(workflow_transition(f.db, other, "afgewezen", ACTOR_STAFF, "ria",
                                         "Geen antwoord gekregen.", T0 + 20 * DAY_S),
                     WF_OK);
    column_text(f.db, other, "state_reason", stored, sizeof stored);
    assert_string_equal(stored, "Geen antwoord gekregen.");
    fixture_close(&f);
}

static void withdrawing_an_open_initiative_releases_donations(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 9));
    int64_t id = submitted(&f, 1, 3000, "fatima@example.org");
    time_t now = T0 + DAY_S;
    assert_int_equal(workflow_transition(f.db, id, "open", ACTOR_STAFF, "ria", "", now), WF_OK);
    /* Households 0 and 3 live in wijk A, household 2 in its buurt. */
    donate_ok(&f, 0, id, now + 10);
    donate_ok(&f, 2, id, now + 20);
    donate_ok(&f, 3, id, now + 30);
    assert_int_equal(count_id(f.db, "SELECT raised_cents FROM initiatives WHERE id = ?", id), 2250);
    assert_int_equal(fixture_verify(&f), 0);
    struct counts before = snapshot(f.db);
    assert_int_equal(workflow_transition(f.db, id, "ingetrokken", ACTOR_INITIATOR,
                                         "initiatiefnemer", "We stoppen ermee.", now + DAY_S),
                     WF_OK);
    assert_state(f.db, id, "ingetrokken");
    assert_int_equal(ledger_rows(f.db, id, "release"), 3);
    assert_int_equal(ledger_rows(f.db, id, "return"), 0);
    assert_int_equal(snapshot(f.db).ledger, before.ledger + 3);
    assert_int_equal(count_id(f.db, "SELECT raised_cents FROM initiatives WHERE id = ?", id), 0);
    assert_int_equal(count_id(f.db, "SELECT voucher_count FROM initiatives WHERE id = ?", id), 0);
    assert_int_equal(
        count_id(f.db, "SELECT coalesce(sum(amount_cents), 0) FROM ledger WHERE initiative_id = ?",
                 id),
        0);
    assert_audit(f.db, id, "open", "ingetrokken", "initiatiefnemer", NULL);
    assert_int_equal(fixture_verify(&f), 0);
    /* The vouchers can be given again. */
    int64_t other = fixture_initiative(&f, 1, 3000);
    donate_ok(&f, 0, other, now + 2 * DAY_S);
    assert_int_equal(fixture_verify(&f), 0);
    /* Withdrawn is final. */
    assert_int_equal(workflow_transition(f.db, id, "open", ACTOR_STAFF, "ria", "", now + 3 * DAY_S),
                     WF_NOT_ALLOWED);
    fixture_close(&f);
}

static void deadlines_end_unfunded_initiatives(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 12));
    time_t now = T0 + DAY_S;
    /* A: deadline inside the round (releases); B: deadline at the end of the round (returns);
     * C: funded before its deadline (left alone); D: deadline later (left alone). */
    int64_t a = submitted(&f, 1, 3000, "a@example.org");
    int64_t b = submitted(&f, 1, 3000, "b@example.org");
    int64_t c = submitted(&f, 1, 1500, "c@example.org");
    int64_t d = submitted(&f, 0, 3000, "d@example.org");
    set_deadline(f.db, a, T0 + 30 * DAY_S);
    set_deadline(f.db, c, T0 + 30 * DAY_S);
    set_deadline(f.db, d, T0 + 90 * DAY_S);
    for (int64_t id = a; id <= d; id++)
        assert_int_equal(workflow_transition(f.db, id, "open", ACTOR_STAFF, "ria", "", now), WF_OK);
    donate_ok(&f, 0, a, now + 10);
    donate_ok(&f, 3, a, now + 20);
    donate_ok(&f, 6, b, now + 30);
    donate_ok(&f, 9, c, now + 40);
    donate_ok(&f, 2, c, now + 50); /* reaches 1500: funded */
    assert_state(f.db, c, "gefinancierd");
    donate_ok(&f, 1, d, now + 60);
    assert_int_equal(fixture_verify(&f), 0);

    /* Past A's and C's deadline, before B's and D's. */
    time_t t1 = T0 + 31 * DAY_S;
    assert_int_equal(workflow_deadlines(f.db, t1), 1);
    assert_state(f.db, a, "niet_gehaald");
    assert_state(f.db, b, "open");
    assert_state(f.db, c, "gefinancierd");
    assert_state(f.db, d, "open");
    assert_int_equal(ledger_rows(f.db, a, "release"), 2);
    assert_int_equal(ledger_rows(f.db, a, "return"), 0);
    assert_int_equal(count_id(f.db, "SELECT raised_cents FROM initiatives WHERE id = ?", a), 0);
    assert_int_equal(ledger_rows(f.db, c, "release") + ledger_rows(f.db, c, "return"), 0);
    assert_int_equal(count_id(f.db, "SELECT raised_cents FROM initiatives WHERE id = ?", c), 1500);
    assert_audit(f.db, a, "open", "niet_gehaald", "systeem", NULL);
    assert_int_equal(mails_to(f.db, "a@example.org", "niet gehaald", NULL), 1);
    assert_int_equal(mails_to(f.db, "c@example.org", "niet gehaald", NULL), 0);
    assert_int_equal(fixture_verify(&f), 0);
    /* Running it again changes nothing more. */
    struct counts again = snapshot(f.db);
    assert_int_equal(workflow_deadlines(f.db, t1 + 60), 0);
    assert_same_counts(again, snapshot(f.db));

    /* After the round closed (B's deadline is its end): the money returns to the area. */
    time_t t2 = T0 + 100 * DAY_S + 3600;
    int changed = workflow_deadlines(f.db, t2);
    assert_int_equal(changed, 2); /* B, and D whose deadline passed too */
    assert_state(f.db, b, "niet_gehaald");
    assert_state(f.db, d, "niet_gehaald");
    assert_int_equal(ledger_rows(f.db, b, "return"), 1);
    assert_int_equal(ledger_rows(f.db, b, "release"), 0);
    assert_int_equal(ledger_rows(f.db, d, "return"), 1);
    assert_int_equal(count_id(f.db, "SELECT raised_cents FROM initiatives WHERE id = ?", b), 0);
    assert_state(f.db, c, "gefinancierd");
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void one_reminder_a_week_before_the_deadline(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 3));
    int64_t id = submitted(&f, 1, 3000, "fatima@example.org");
    time_t deadline = T0 + 60 * DAY_S;
    set_deadline(f.db, id, deadline);
    assert_int_equal(workflow_transition(f.db, id, "open", ACTOR_STAFF, "ria", "", T0 + DAY_S),
                     WF_OK);
    donate_ok(&f, 0, id, T0 + DAY_S + 10);
    const char *subject = "Nog een week";
    /* Eight days before: too early. */
    struct counts before = snapshot(f.db);
    assert_int_equal(workflow_deadlines(f.db, deadline - 8 * DAY_S), 0);
    assert_same_counts(before, snapshot(f.db));
    assert_int_equal(count_id(f.db, "SELECT reminder_sent FROM initiatives WHERE id = ?", id), 0);
    /* A week before: exactly one reminder, with the amount so far. */
    assert_int_equal(workflow_deadlines(f.db, deadline - 7 * DAY_S), 0);
    assert_int_equal(snapshot(f.db).outbox, before.outbox + 1);
    assert_int_equal(mails_to(f.db, "fatima@example.org", subject, "7,50"), 1);
    assert_int_equal(count_id(f.db, "SELECT reminder_sent FROM initiatives WHERE id = ?", id), 1);
    assert_state(f.db, id, "open");
    /* A second call, and one later in the week, queue none. */
    assert_int_equal(workflow_deadlines(f.db, deadline - 7 * DAY_S + 60), 0);
    assert_int_equal(workflow_deadlines(f.db, deadline - DAY_S), 0);
    assert_int_equal(mails_to(f.db, "fatima@example.org", subject, NULL), 1);
    assert_int_equal(snapshot(f.db).outbox, before.outbox + 1);
    assert_state(f.db, id, "open");
    /* Initiatives that are not open get no reminder. */
    int64_t waiting = submitted(&f, 1, 3000, "wacht@example.org");
    set_deadline(f.db, waiting, deadline);
    assert_int_equal(workflow_deadlines(f.db, deadline - 2 * DAY_S), 0);
    assert_int_equal(mails_to(f.db, "wacht@example.org", NULL, NULL), 0);
    assert_state(f.db, waiting, "ingediend");
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_pair_against_the_table),
        cmocka_unit_test(approve_publishes_with_round_deadline),
        cmocka_unit_test(approve_keeps_a_deadline_already_set),
        cmocka_unit_test(approve_keeps_the_deadline_within_the_round),
        cmocka_unit_test(refused_transitions_change_nothing),
        cmocka_unit_test(unknown_initiative_is_not_found),
        cmocka_unit_test(change_request_stores_the_message),
        cmocka_unit_test(rejection_stores_the_reason),
        cmocka_unit_test(withdrawing_an_open_initiative_releases_donations),
        cmocka_unit_test(deadlines_end_unfunded_initiatives),
        cmocka_unit_test(one_reminder_a_week_before_the_deadline),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
