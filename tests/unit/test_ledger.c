/* Ledger tests: single operations, detection of tampering, and races between threads (the
 * seeded random property test is test_ledger_property.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <unistd.h>

#include "ledger_fixture.h"
#include "util/log.h"

static void donate_release_return(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 12));
    int64_t in_a = fixture_initiative(&f, 1, 3000), in_b = fixture_initiative(&f, 2, 3000);
    int64_t city = fixture_initiative(&f, 0, 1500), in_buurt = fixture_initiative(&f, 3, 5000);
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r, r2;
    time_t now = T0 + DAY_S;
    /* Household 1 lives in wijk A: A and its buurt and city-wide are fine, B is not. */
    const char *code = f.vouchers[0].code;
    assert_int_equal(ledger_donate(f.db, f.secret, code, in_b, now, "t", &vs, &info, &r),
                     DONATE_NOT_ELIGIBLE);
    assert_int_equal(ledger_donate(f.db, f.secret, code, in_a, now, "t", &vs, &info, &r),
                     DONATE_OK);
    assert_int_equal(r.amount_cents, 750);
    assert_int_equal(r.raised_cents, 750);
    assert_int_equal(ledger_donate(f.db, f.secret, code, in_a, now, "t", &vs, &info, &r2),
                     DONATE_REPEAT);
    assert_int_equal(r2.ledger_id, r.ledger_id);
    assert_int_equal(ledger_donate(f.db, f.secret, code, city, now, "t", &vs, &info, &r2),
                     DONATE_VOUCHER);
    assert_int_equal(vs, VOUCHER_USED);
    assert_int_equal(info.donated_to, in_a);
    /* A household of buurt A1 may give to wijk A. */
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[2].code, in_a, now, "t", &vs, &info,
                                   &r),
                     DONATE_OK);
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[3].code, in_buurt, now, "t", &vs,
                                   &info, &r),
                     DONATE_OK);
    /* Typo, unknown, before the round, after the round. */
    char typo[CODE_DISPLAY];
    memcpy(typo, f.vouchers[5].code, sizeof typo);
    typo[0] = typo[0] == 'A' ? 'B' : 'A';
    assert_int_equal(ledger_donate(f.db, f.secret, typo, in_a, now, "t", &vs, &info, &r),
                     DONATE_VOUCHER);
    assert_int_equal(vs, VOUCHER_TYPO);
    assert_int_equal(ledger_donate(f.db, f.secret, "2222-2222-2222-2222", in_a, now, "t", &vs,
                                   &info, &r),
                     DONATE_VOUCHER);
    assert_true(vs == VOUCHER_UNKNOWN || vs == VOUCHER_TYPO);
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[6].code, in_a, T0 - 10, "t", &vs,
                                   &info, &r),
                     DONATE_VOUCHER);
    assert_int_equal(vs, VOUCHER_NOT_YET);
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[6].code, in_a, T0 + 100 * DAY_S,
                                   "t", &vs, &info, &r),
                     DONATE_VOUCHER);
    assert_int_equal(vs, VOUCHER_CLOSED);
    /* City-wide: funded by the second voucher (1500), and no third. */
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[7].code, city, now, "t", &vs, &info,
                                   &r),
                     DONATE_OK);
    assert_false(r.funded);
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[8].code, city, now, "t", &vs, &info,
                                   &r),
                     DONATE_OK);
    assert_true(r.funded);
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[9].code, city, now, "t", &vs, &info,
                                   &r),
                     DONATE_INITIATIVE_CLOSED);
    assert_int_equal(fixture_verify(&f), 0);
    /* Release while the round is open: the voucher can be used again. */
    assert_true(db_begin(f.db));
    assert_int_equal(ledger_release_initiative(f.db, in_a, now + 10, "t"), 2);
    assert_true(db_exec(f.db, "UPDATE initiatives SET state = 'ingetrokken' WHERE id = 1"));
    audit_state_change(f.db, now + 10, "t", in_a, "open", "ingetrokken", "test");
    assert_true(db_commit(f.db));
    assert_int_equal(fixture_verify(&f), 0);
    assert_int_equal(ledger_donate(f.db, f.secret, code, city, now + 20, "t", &vs, &info, &r),
                     DONATE_INITIATIVE_CLOSED);
    assert_int_equal(ledger_donate(f.db, f.secret, code, in_buurt, now + 20, "t", &vs, &info, &r),
                     DONATE_OK);
    /* Return after the round closed: the money goes back, the voucher stays spent. */
    assert_true(db_begin(f.db));
    assert_int_equal(ledger_release_initiative(f.db, in_buurt, T0 + 150 * DAY_S, "t"), 2);
    assert_true(db_exec(f.db, "UPDATE initiatives SET state = 'niet_gehaald' WHERE id = 4"));
    audit_state_change(f.db, T0 + 150 * DAY_S, "t", in_buurt, "open", "niet_gehaald", "test");
    assert_true(db_commit(f.db));
    int64_t returns = 0;
    assert_true(db_get_int(f.db, "SELECT count(*) FROM ledger WHERE kind = 'return'", &returns));
    assert_int_equal(returns, 2);
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
}

static void ledger_is_append_only_and_tampering_is_found(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t in = fixture_initiative(&f, 1, 3000);
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[0].code, in, T0 + 5, "t", &vs, &info,
                                   &r),
                     DONATE_OK);
    assert_false(db_exec(f.db, "UPDATE ledger SET amount_cents = 1"));
    assert_false(db_exec(f.db, "DELETE FROM ledger"));
    /* Bypassing the domain: a cached total that lies, then a donation to a closed initiative. */
    assert_true(db_exec(f.db, "UPDATE initiatives SET raised_cents = 5000"));
    assert_true(fixture_verify(&f) >= 1);
    assert_true(db_exec(f.db, "UPDATE initiatives SET raised_cents = 750"));
    assert_int_equal(fixture_verify(&f), 0);
    int64_t other = fixture_initiative(&f, 1, 3000);
    char sql[256];
    assert_true(db_exec(f.db, "UPDATE initiatives SET state = 'afgewezen' WHERE id = 2"));
    audit_state_change(f.db, T0 + 6, "t", other, "open", "afgewezen", "test");
    snprintf(sql, sizeof sql,
             "INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents) VALUES "
             "('2027-01-15 10:00:00', 'donation', %lld, %lld, 750)",
             (long long)other, (long long)f.vouchers[3].id);
    assert_true(db_exec(f.db, sql));
    assert_true(db_exec(f.db, "UPDATE initiatives SET raised_cents = 750, voucher_count = 1 "
                              "WHERE id = 2"));
    assert_true(fixture_verify(&f) >= 1);
    /* The database itself refuses a second standing donation of one voucher. */
    snprintf(sql, sizeof sql,
             "INSERT INTO ledger(at, kind, initiative_id, voucher_id, amount_cents) VALUES "
             "('2027-01-15 10:00:00', 'donation', %lld, %lld, 750)",
             (long long)in, (long long)f.vouchers[0].id);
    assert_false(db_exec(f.db, sql));
    fixture_close(&f);
}

static void contributions_and_payouts(void **state)
{
    (void)state;
    struct fixture f;
    assert_true(fixture_open(&f, ":memory:", 6));
    int64_t in = fixture_initiative(&f, 1, 3000);
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[0].code, in, T0 + 5, "t", &vs, &info,
                                   &r),
                     DONATE_OK);
    /* A payout before funding is refused; a bad contribution too. */
    assert_int_equal(ledger_payout(f.db, in, 100, "BET-1", "t", T0 + 6), MONEY_WRONG_STATE);
    assert_int_equal(ledger_contribution(f.db, in, 0, "Woonstede", "t", T0 + 6), MONEY_BAD);
    assert_int_equal(ledger_contribution(f.db, in, 500, "", "t", T0 + 6), MONEY_BAD);
    assert_int_equal(ledger_contribution(f.db, 999, 500, "Woonstede", "t", T0 + 6),
                     MONEY_NO_INITIATIVE);
    /* 750 + 2500 reaches 3000: funded in the same transaction. */
    assert_int_equal(ledger_contribution(f.db, in, 2500, "Woonstede", "t", T0 + 7), MONEY_OK);
    int64_t funded = 0;
    assert_true(db_get_int(f.db, "SELECT state = 'gefinancierd' FROM initiatives WHERE id = 1",
                           &funded));
    assert_int_equal(funded, 1);
    assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[3].code, in, T0 + 8, "t", &vs, &info,
                                   &r),
                     DONATE_INITIATIVE_CLOSED);
    assert_int_equal(fixture_verify(&f), 0);
    /* Payouts up to what it raised (3250), not beyond. */
    assert_int_equal(ledger_payout(f.db, in, 3000, "BET-1", "t", T0 + 9), MONEY_OK);
    assert_int_equal(ledger_payout(f.db, in, 251, "BET-2", "t", T0 + 9), MONEY_TOO_MUCH);
    assert_int_equal(ledger_payout(f.db, in, 250, "", "t", T0 + 9), MONEY_BAD);
    assert_int_equal(ledger_payout(f.db, in, 250, "BET-2", "t", T0 + 9), MONEY_OK);
    int64_t raised = 0;
    assert_true(db_get_int(f.db, "SELECT raised_cents FROM initiatives WHERE id = 1", &raised));
    assert_int_equal(raised, 3250); /* payouts do not change the total */
    assert_int_equal(fixture_verify(&f), 0);
    /* Tampering: a payout above the total is found. */
    assert_true(db_exec(f.db, "INSERT INTO ledger(at, kind, initiative_id, amount_cents, reference) "
                              "VALUES ('2027-01-16 00:00:00', 'payout', 1, 5000, 'X')"));
    assert_true(fixture_verify(&f) >= 1);
    fixture_close(&f);
}

/* Races: many threads, each with its own connection, donating at the same moment. */
struct racer {
    const char *path;
    const unsigned char *secret;
    const char *code;
    int64_t initiative;
    pthread_barrier_t *start;
    enum donate_status result;
    int64_t ledger_id;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    char err[128];
    struct db *db = db_open(r->path, false, err, sizeof err);
    pthread_barrier_wait(r->start);
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt rec;
    r->result = db ? ledger_donate(db, r->secret, r->code, r->initiative, T0 + DAY_S, "t", &vs,
                                   &info, &rec)
                   : DONATE_BUSY;
    r->ledger_id = rec.ledger_id;
    db_close(db);
    return NULL;
}

static void run_race(struct racer *racers, int n)
{
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)n);
    pthread_t threads[128];
    for (int i = 0; i < n; i++) {
        racers[i].start = &barrier;
        assert_int_equal(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
    }
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&barrier);
}

static void races_never_overshoot_or_double_spend(void **state)
{
    (void)state;
    enum { RACERS = 60, ROUNDS = 5 };
    char path[64];
    snprintf(path, sizeof path, "/tmp/bs-race-%d.db", (int)getpid());
    unlink(path);
    struct fixture f;
    /* Every household in wijk A or its buurt, or city-wide initiatives: use city-wide. */
    assert_true(fixture_open(&f, path, RACERS * ROUNDS + 20));
    size_t next = 0;
    for (int round = 0; round < ROUNDS; round++) {
        /* Room for exactly three vouchers: 2 × 750 < 2000, the third reaches it. */
        int64_t in = fixture_initiative(&f, 0, 2000);
        struct racer racers[RACERS];
        for (int i = 0; i < RACERS; i++)
            racers[i] = (struct racer){.path = path, .secret = f.secret,
                                       .code = f.vouchers[next++].code, .initiative = in};
        run_race(racers, RACERS);
        int ok = 0;
        for (int i = 0; i < RACERS; i++) {
            if (racers[i].result == DONATE_OK)
                ok++;
            else
                assert_int_equal(racers[i].result, DONATE_INITIATIVE_CLOSED);
        }
        assert_int_equal(ok, 3);
        int64_t raised = 0;
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT raised_cents FROM initiatives WHERE id = %lld",
                 (long long)in);
        sqlite3_stmt *s = NULL;
        sqlite3_prepare_v2(db_handle(f.db), sql, -1, &s, NULL);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        raised = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        assert_int_equal(raised, 2250);
        /* Every loser keeps an unused voucher. */
        for (int i = 0; i < RACERS; i++) {
            if (racers[i].result == DONATE_OK)
                continue;
            struct voucher_info info;
            char code[CODE_CHARS + 1];
            assert_int_equal(voucher_lookup(f.db, f.secret, racers[i].code, T0 + DAY_S, &info,
                                            code),
                             VOUCHER_OK);
        }
        assert_int_equal(fixture_verify(&f), 0);
    }
    /* The same code, twice in many tabs: one donation, the same receipt for every repeat. */
    int64_t in = fixture_initiative(&f, 0, 100000);
    struct racer same[20];
    for (int i = 0; i < 20; i++)
        same[i] = (struct racer){.path = path, .secret = f.secret, .code = f.vouchers[next].code,
                                 .initiative = in};
    run_race(same, 20);
    int64_t first = 0;
    int oks = 0;
    for (int i = 0; i < 20; i++) {
        assert_true(same[i].result == DONATE_OK || same[i].result == DONATE_REPEAT);
        oks += same[i].result == DONATE_OK;
        if (!first)
            first = same[i].ledger_id;
        assert_int_equal(same[i].ledger_id, first);
    }
    assert_int_equal(oks, 1);
    assert_int_equal(fixture_verify(&f), 0);
    fixture_close(&f);
    char p[80];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(donate_release_return),
        cmocka_unit_test(ledger_is_append_only_and_tampering_is_found),
        cmocka_unit_test(contributions_and_payouts),
        cmocka_unit_test(races_never_overshoot_or_double_spend),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
