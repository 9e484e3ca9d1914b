/* A small world for ledger tests: two wijken (one with a buurt), households, a round with
 * vouchers whose plain codes the test keeps, and open initiatives. */
#ifndef BS_LEDGER_FIXTURE_H
#define BS_LEDGER_FIXTURE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/issuance.h"
#include "domain/ledger.h"
#include "domain/rounds.h"
#include "domain/verify.h"

#define T0 ((time_t)1800000000) /* 2027-01-15 */
#define DAY_S 86400

struct fixture_voucher {
    int64_t id, household_id, round_id;
    char code[CODE_DISPLAY];
};

struct fixture {
    struct db *db;
    unsigned char secret[SECRET_BYTES];
    struct fixture_voucher *vouchers;
    size_t nvouchers, cap;
    int64_t round1, round2;
    int64_t issuing_round; /* the round of vouchers being collected */
};

static bool fixture_collect(void *ctx, const struct letter *l)
{
    struct fixture *f = ctx;
    if (f->nvouchers == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->vouchers = realloc(f->vouchers, f->cap * sizeof *f->vouchers);
    }
    struct fixture_voucher *v = &f->vouchers[f->nvouchers++];
    v->id = l->voucher_id;
    v->household_id = l->household_id;
    v->round_id = f->issuing_round;
    snprintf(v->code, sizeof v->code, "%s", l->code);
    return true;
}

static void fixture_print_breach(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "breach: %s\n", line);
}

static int fixture_verify(struct fixture *f)
{
    return verify_all(f->db, fixture_print_breach, NULL);
}

static int64_t fixture_initiative(struct fixture *f, int64_t area_id, int64_t target)
{
    char sql[512];
    if (area_id)
        snprintf(sql, sizeof sql,
                 "INSERT INTO initiatives(area_id, title, summary, description, target_cents, "
                 "initiator_name, initiator_email, state, published_at) VALUES (%lld, 'Test', '', "
                 "'', %lld, 'X', 'x@example.org', 'open', '2027-01-01 00:00:00')",
                 (long long)area_id, (long long)target);
    else
        snprintf(sql, sizeof sql,
                 "INSERT INTO initiatives(area_id, title, summary, description, target_cents, "
                 "initiator_name, initiator_email, state, published_at) VALUES (NULL, 'Test', '', "
                 "'', %lld, 'X', 'x@example.org', 'open', '2027-01-01 00:00:00')",
                 (long long)target);
    if (!db_exec(f->db, sql))
        return 0;
    int64_t id = sqlite3_last_insert_rowid(db_handle(f->db));
    snprintf(sql, sizeof sql,
             "INSERT INTO budget_lines(initiative_id, position, item, amount_cents) "
             "VALUES (%lld, 1, 'Alles', %lld)",
             (long long)id, (long long)target);
    db_exec(f->db, sql);
    audit_state_change(f->db, T0 - DAY_S, "test", id, "ingediend", "open", "test");
    return id;
}

/* households per area: area 1 (wijk A), 2 (wijk B), 3 (buurt of A). */
static bool fixture_open(struct fixture *f, const char *path, int households)
{
    memset(f, 0, sizeof *f);
    char err[256];
    f->db = db_open(path, true, err, sizeof err);
    if (!f->db || !db_migrate(f->db, err, sizeof err))
        return false;
    for (int i = 0; i < SECRET_BYTES; i++)
        f->secret[i] = (unsigned char)(i * 7 + 1);
    db_exec(f->db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', 'A'), "
                   "(2, 'wijk', 'wijk-b', 'B')");
    db_exec(f->db, "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
                   "(3, 1, 'buurt', 'buurt-a1', 'A1')");
    for (int i = 0; i < households; i++) {
        char sql[256];
        snprintf(sql, sizeof sql,
                 "INSERT INTO households(postcode, house_number, street, city, area_id) "
                 "VALUES ('7600 AA', %d, 'Straat', 'Almelo', %d)",
                 i + 1, 1 + i % 3);
        if (!db_exec(f->db, sql))
            return false;
    }
    if (round_add(f->db, "R1", T0, T0 + 100 * DAY_S, 750, &f->round1) != ROUND_OK ||
        round_add(f->db, "R2", T0 + 200 * DAY_S, T0 + 300 * DAY_S, 500, &f->round2) != ROUND_OK)
        return false;
    struct issue_sink sink = {.ctx = f, .letter = fixture_collect};
    f->issuing_round = f->round1;
    return vouchers_issue(f->db, f->secret, f->round1, T0 - DAY_S, &sink, err, sizeof err) ==
           households;
}

static void fixture_close(struct fixture *f)
{
    db_close(f->db);
    free(f->vouchers);
}

#endif
