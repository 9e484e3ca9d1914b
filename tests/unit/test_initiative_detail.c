/* Initiatives as staff see them: one with its budget lines, co-organisers, messages and
 * history in order, and the staff queue per area and role, in its order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/initiative_detail.h"
#include "domain/users.h"
#include "util/log.h"

#define T0 ((time_t)1800000000)

/* Areas 1 wijk-a, 2 wijk-b, 3 buurt-a1 (of wijk-a); ria looks after wijk A, bas after buurt
 * A1, geen after nothing; beheer is admin. */
static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'A'), (2, 'wijk', 'wijk-b', 'B')"));
    assert_true(db_exec(db, "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
                            "(3, 1, 'buurt', 'buurt-a1', 'A1')"));
    assert_true(db_exec(db, "INSERT INTO users(id, username, role, password_hash) VALUES "
                            "(7, 'ria', 'wijkregisseur', 'x'), (8, 'bas', 'wijkregisseur', 'x'), "
                            "(9, 'geen', 'wijkregisseur', 'x'), (10, 'beheer', 'admin', 'x')"));
    assert_true(db_exec(db, "INSERT INTO user_areas(user_id, area_id) VALUES (7, 1), (8, 3)"));
    return db;
}

/* An initiative in area (0: city-wide) and state, last touched at `updated`; one online
 * (open or funded) is published, as the workflow does. */
static int64_t add(struct db *db, int64_t area, const char *state, const char *title,
                   const char *updated)
{
    char sql[700], a[24];
    if (area)
        snprintf(a, sizeof a, "%lld", (long long)area);
    else
        snprintf(a, sizeof a, "NULL");
    snprintf(sql, sizeof sql,
             "INSERT INTO initiatives(area_id, title, summary, description, target_cents, "
             "initiator_name, initiator_email, initiator_phone, state, updated_at, published_at) "
             "VALUES (%s, '%s', 'Kort', 'Lang verhaal', 5000, 'Fatima', 'fatima@example.org', "
             "'0546 123456', '%s', '%s', CASE WHEN '%s' IN ('open', 'gefinancierd') THEN '%s' END)",
             a, title, state, updated, state, updated);
    assert_true(db_exec(db, sql));
    return sqlite3_last_insert_rowid(db_handle(db));
}

static const char *str(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static void full_initiative_with_its_children_in_order(void **state)
{
    (void)state;
    struct db *db = open_db();
    int64_t id = add(db, 3, "wijziging_gevraagd", "Moestuin", "2027-01-10 10:00:00");
    int64_t other = add(db, 1, "ingediend", "Anders", "2027-01-10 10:00:00");
    char sql[400];
    snprintf(sql, sizeof sql,
             "INSERT INTO budget_lines(initiative_id, position, item, amount_cents) VALUES "
             "(%lld, 2, 'Zaad', 1000), (%lld, 1, 'Aarde', 4000), (%lld, 1, 'Elders', 5000)",
             (long long)id, (long long)id, (long long)other);
    assert_true(db_exec(db, sql));
    snprintf(sql, sizeof sql,
             "INSERT INTO co_organisers(initiative_id, name, postcode, house_number) VALUES "
             "(%lld, 'Piet', '7601 AB', '3'), (%lld, 'Kees', '7602 CD', '4a')",
             (long long)id, (long long)id);
    assert_true(db_exec(db, sql));
    snprintf(sql, sizeof sql,
             "INSERT INTO initiative_messages(initiative_id, author_role, author_name, body, "
             "created_at) VALUES (%lld, 'wijkregisseur', 'ria', 'Graag aanpassen', "
             "'2027-01-11 09:00:00'), (%lld, 'initiatiefnemer', 'Fatima', 'Gedaan', "
             "'2027-01-12 09:00:00'), (%lld, 'wijkregisseur', 'ria', 'Niet hier', "
             "'2027-01-12 09:00:00')",
             (long long)id, (long long)id, (long long)other);
    assert_true(db_exec(db, sql));
    assert_true(audit_state_change(db, T0, "test", id, "", "ingediend", ""));
    assert_true(audit_state_change(db, T0 + 60, "ria", id, "ingediend", "wijziging_gevraagd",
                                   "Graag aanpassen"));
    assert_true(audit_state_change(db, T0 + 60, "ria", other, "", "ingediend", ""));
    /* Other audit rows of the initiative are not its history. */
    snprintf(sql, sizeof sql, "initiative:%lld", (long long)id);
    assert_true(audit_add(db, T0 + 90, "ria", "update", sql, "", "", ""));

    json_t *item = initiative_get_full(db, id);
    assert_non_null(item);
    assert_string_equal(str(item, "title"), "Moestuin");
    assert_string_equal(str(item, "state"), "wijziging_gevraagd");
    assert_string_equal(str(item, "initiator_email"), "fatima@example.org");
    assert_string_equal(str(item, "initiator_phone"), "0546 123456");
    assert_int_equal(json_integer_value(json_object_get(item, "area_id")), 3);
    assert_string_equal(str(item, "area_name"), "A1");
    assert_string_equal(str(item, "area_slug"), "buurt-a1");
    assert_int_equal(json_integer_value(json_object_get(item, "target_cents")), 5000);
    json_t *lines = json_object_get(item, "budget_lines");
    assert_int_equal(json_array_size(lines), 2);
    assert_string_equal(str(json_array_get(lines, 0), "item"), "Aarde");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(lines, 0), "amount_cents")),
                     4000);
    assert_string_equal(str(json_array_get(lines, 1), "item"), "Zaad");
    json_t *co = json_object_get(item, "co_organisers");
    assert_int_equal(json_array_size(co), 2);
    assert_string_equal(str(json_array_get(co, 0), "name"), "Piet");
    assert_string_equal(str(json_array_get(co, 1), "house_number"), "4a");
    json_t *messages = json_object_get(item, "messages");
    assert_int_equal(json_array_size(messages), 2);
    assert_string_equal(str(json_array_get(messages, 0), "body"), "Graag aanpassen");
    assert_string_equal(str(json_array_get(messages, 1), "author_role"), "initiatiefnemer");
    json_t *history = json_object_get(item, "history");
    assert_int_equal(json_array_size(history), 2);
    assert_string_equal(str(json_array_get(history, 0), "to_value"), "ingediend");
    assert_string_equal(str(json_array_get(history, 1), "from_value"), "ingediend");
    assert_string_equal(str(json_array_get(history, 1), "to_value"), "wijziging_gevraagd");
    assert_string_equal(str(json_array_get(history, 1), "actor"), "ria");
    assert_string_equal(str(json_array_get(history, 1), "reason"), "Graag aanpassen");
    assert_string_equal(str(json_array_get(history, 1), "at"), "2027-01-15 08:01:00");
    json_decref(item);

    /* City-wide: area 0 and no name; no children: empty arrays. */
    int64_t city = add(db, 0, "ingediend", "Stad", "2027-01-10 10:00:00");
    item = initiative_get_full(db, city);
    assert_non_null(item);
    assert_int_equal(json_integer_value(json_object_get(item, "area_id")), 0);
    assert_true(json_is_null(json_object_get(item, "area_name")));
    assert_true(json_is_null(json_object_get(item, "area_slug")));
    assert_int_equal(json_array_size(json_object_get(item, "budget_lines")), 0);
    assert_true(json_is_array(json_object_get(item, "co_organisers")));
    assert_true(json_is_array(json_object_get(item, "messages")));
    assert_true(json_is_array(json_object_get(item, "history")));
    json_decref(item);
    /* Unknown ids. */
    assert_null(initiative_get_full(db, 9999));
    assert_null(initiative_get_full(db, 0));
    assert_null(initiative_get_full(db, -1));
    db_close(db);
}

/* The titles of a queue, joined by commas. */
static void titles(json_t *rows, char *out, size_t size)
{
    out[0] = '\0';
    size_t i, n = 0;
    json_t *r;
    json_array_foreach(rows, i, r) n +=
        (size_t)snprintf(out + n, size - n, "%s%s", i ? "," : "", str(r, "title"));
}

static void queue_per_area_and_role_oldest_first(void **state)
{
    (void)state;
    struct db *db = open_db();
    add(db, 1, "open", "A-open", "2027-01-01 00:00:00");
    add(db, 3, "ingediend", "A1-nieuw", "2027-01-09 00:00:00");
    add(db, 1, "ingediend", "A-oud", "2027-01-02 00:00:00");
    add(db, 1, "wijziging_gevraagd", "A-wacht", "2027-01-01 00:00:00");
    add(db, 3, "gefinancierd", "A1-vol", "2027-01-03 00:00:00");
    add(db, 2, "ingediend", "B-nieuw", "2027-01-01 00:00:00");
    add(db, 0, "ingediend", "Stad", "2027-01-05 00:00:00");
    /* Finished or refused ones are not in any queue. */
    add(db, 1, "afgewezen", "A-af", "2027-01-01 00:00:00");
    add(db, 1, "uitgevoerd", "A-klaar", "2027-01-01 00:00:00");
    add(db, 1, "ingetrokken", "A-weg", "2027-01-01 00:00:00");
    add(db, 1, "niet_gehaald", "A-mis", "2027-01-01 00:00:00");
    struct user ria, bas, geen, beheer;
    assert_true(user_get(db, "ria", &ria));
    assert_true(user_get(db, "bas", &bas));
    assert_true(user_get(db, "geen", &geen));
    assert_true(user_get(db, "beheer", &beheer));
    char got[400];
    json_t *q = initiatives_staff_queue(db, &ria);
    titles(q, got, sizeof got);
    assert_string_equal(got, "A-oud,A1-nieuw,A-wacht,A-open,A1-vol");
    json_t *first = json_array_get(q, 0);
    assert_string_equal(str(first, "state"), "ingediend");
    assert_string_equal(str(first, "area_name"), "A");
    assert_non_null(json_object_get(first, "id"));
    assert_non_null(json_object_get(first, "created_at"));
    assert_non_null(json_object_get(first, "updated_at"));
    json_decref(q);
    /* The buurt only, not the wijk around it. */
    q = initiatives_staff_queue(db, &bas);
    titles(q, got, sizeof got);
    assert_string_equal(got, "A1-nieuw,A1-vol");
    json_decref(q);
    q = initiatives_staff_queue(db, &geen);
    assert_int_equal(json_array_size(q), 0);
    json_decref(q);
    /* Admins: everywhere, city-wide (area_name null) included. */
    q = initiatives_staff_queue(db, &beheer);
    titles(q, got, sizeof got);
    assert_string_equal(got, "B-nieuw,A-oud,Stad,A1-nieuw,A-wacht,A-open,A1-vol");
    assert_true(json_is_null(json_object_get(json_array_get(q, 2), "area_name")));
    json_decref(q);
    /* A bounded list: the submissions all, of those online the longest untouched first. */
    int64_t running = -1;
    q = initiatives_staff_queue_first(db, &ria, 1, &running);
    titles(q, got, sizeof got);
    assert_string_equal(got, "A-oud,A1-nieuw,A-wacht,A-open");
    assert_int_equal(running, 2);
    json_decref(q);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_initiative_with_its_children_in_order),
        cmocka_unit_test(queue_per_area_and_role_oldest_first),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
