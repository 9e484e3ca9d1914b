/* The ledger's seeded random property test: random sequences of donations, unfunded ends
 * (release or return), time passing past a round's end, a second round, lost letters replaced
 * and offers of lent or given budget lines accepted or declined, with verify and an independent
 * model after every step.
 *
 * BS_SEED=N replays a run; BS_SEQUENCES=N sets how many sequences (default 1000), e.g.
 * BS_SEQUENCES=20000 build/tests/test_ledger_property for a long run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "domain/offers.h"
#include "ledger_fixture.h"
#include "util/log.h"

/* A fresh copy of `world` (same schema, households, rounds and vouchers, its own in-memory
 * database), so that each sequence does not pay for the migrations and the issuing again. */
static void fixture_copy(struct fixture *f, const struct fixture *world)
{
    char err[256];
    *f = *world;
    f->db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(f->db);
    sqlite3_backup *b = sqlite3_backup_init(db_handle(f->db), "main", db_handle(world->db), "main");
    assert_non_null(b);
    assert_int_equal(sqlite3_backup_step(b, -1), SQLITE_DONE);
    assert_int_equal(sqlite3_backup_finish(b), SQLITE_OK);
    f->vouchers = malloc(world->cap * sizeof *f->vouchers);
    assert_non_null(f->vouchers);
    memcpy(f->vouchers, world->vouchers, world->nvouchers * sizeof *f->vouchers);
}

/* A tiny seeded generator, so a failing sequence can be replayed with BS_SEED. */
static unsigned long long seed_state;
static unsigned pick(unsigned n)
{
    seed_state = seed_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((seed_state >> 33) % n);
}

/* Splits the fixture's one budget line of initiative `id` into n lines (n at most 3) that add
 * up to the target; their ids into lines. */
static void split_lines(struct fixture *f, int64_t id, int64_t target, int n, int64_t lines[3])
{
    char sql[160];
    snprintf(sql, sizeof sql, "DELETE FROM budget_lines WHERE initiative_id = %lld",
             (long long)id);
    assert_true(db_exec(f->db, sql));
    int64_t left = target;
    for (int k = 0; k < n; k++) {
        int64_t amount = k == n - 1 ? left : (target / n / 50) * 50 + 50 * pick(3);
        left -= amount;
        snprintf(sql, sizeof sql,
                 "INSERT INTO budget_lines(initiative_id, position, item, amount_cents) "
                 "VALUES (%lld, %d, 'Regel', %lld)",
                 (long long)id, k + 1, (long long)amount);
        assert_true(db_exec(f->db, sql));
        lines[k] = sqlite3_last_insert_rowid(db_handle(f->db));
    }
}

static bool is_open(struct db *db, int64_t id)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT state FROM initiatives WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    bool open = sqlite3_step(s) == SQLITE_ROW &&
                strcmp((const char *)sqlite3_column_text(s, 0), "open") == 0;
    sqlite3_reset(s);
    return open;
}

static void random_sequences_keep_every_invariant(void **state)
{
    (void)state;
    const char *env = getenv("BS_SEED");
    unsigned long long seed = env ? strtoull(env, NULL, 10) : (unsigned long long)time(NULL);
    int sequences = getenv("BS_SEQUENCES") ? atoi(getenv("BS_SEQUENCES")) : 1000;
    fprintf(stderr, "ledger property test: seed %llu (replay with BS_SEED=%llu), %d sequences\n",
            seed, seed, sequences);
    struct fixture world;
    assert_true(fixture_open(&world, ":memory:", 9));
    int donations = 0, releases = 0, replacements = 0; /* the sequences did something */
    int accepted = 0, declined = 0, funded_by_offer = 0;
    for (int seq = 0; seq < sequences; seq++) {
        seed_state = seed + (unsigned long long)seq * 7919;
        struct fixture f;
        fixture_copy(&f, &world);
        int64_t ins[8];
        int64_t model[8] = {0}; /* expected total per initiative, from our own bookkeeping */
        int nins = 0;
        int64_t lines[8][3];        /* budget line ids per initiative slot */
        int nlines[8];
        bool covered[8][3] = {{false}}; /* the model: lines covered by an accepted offer */
        int64_t donated_to[64] = {0}; /* per voucher index: initiative slot + 1, or 0 */
        bool spent[64] = {false};     /* returned: cannot be used again */
        time_t now = T0 + 3600;
        bool round2_issued = false;
        for (int step = 0; step < 20; step++) {
            unsigned op = pick(12);
            if (nins == 0 || (op == 0 && nins < 8)) {
                int64_t area = pick(4); /* 0 = city-wide */
                int64_t target = 750 * (1 + pick(4)) + 100 * pick(5);
                ins[nins] = fixture_initiative(&f, area, target);
                nlines[nins] = 1 + (int)pick(3);
                split_lines(&f, ins[nins], target, nlines[nins], lines[nins]);
                nins++;
                continue;
            }
            if (op >= 10) { /* an offer for a budget line, then accepted or declined */
                int slot = (int)pick((unsigned)nins), k = (int)pick((unsigned)nlines[slot]);
                bool open = is_open(f.db, ins[slot]);
                struct offer o = {.line_id = lines[slot][k], .give = pick(2) == 0};
                snprintf(o.first_name, sizeof o.first_name, "Anna");
                snprintf(o.email, sizeof o.email, "anna@example.org");
                int64_t offer_id = 0;
                enum offers_result r = offers_add(f.db, ins[slot], &o, now, &offer_id);
                assert_int_equal(r, !open ? OFFERS_CLOSED
                                    : covered[slot][k] ? OFFERS_COVERED
                                                       : OFFERS_OK);
                if (r == OFFERS_OK) {
                    if (op == 10) {
                        assert_int_equal(offers_accept(f.db, ins[slot], offer_id, now), OFFERS_OK);
                        covered[slot][k] = true;
                        accepted++;
                        if (!is_open(f.db, ins[slot]))
                            funded_by_offer++;
                    } else {
                        assert_int_equal(offers_decline(f.db, ins[slot], offer_id, now),
                                         OFFERS_OK);
                        declined++;
                    }
                    assert_int_equal(offers_accept(f.db, ins[slot], offer_id, now),
                                     OFFERS_DECIDED);
                }
            } else if (op <= 5) { /* donate */
                size_t vi = pick((unsigned)f.nvouchers);
                int slot = (int)pick((unsigned)nins);
                enum voucher_status vs;
                struct voucher_info info;
                struct receipt r;
                char code[CODE_DISPLAY];
                memcpy(code, f.vouchers[vi].code, sizeof code);
                if (pick(10) == 0)
                    code[3] = code[3] == '2' ? '3' : '2'; /* a typo */
                enum donate_status st =
                    ledger_donate(f.db, f.secret, code, ins[slot], now, "t", &vs, &info, &r);
                if (st == DONATE_OK) {
                    assert_int_equal(donated_to[vi], 0);
                    assert_false(spent[vi]);
                    donated_to[vi] = slot + 1;
                    donations++;
                    model[slot] += info.value_cents;
                    assert_int_equal(r.raised_cents, model[slot]);
                } else if (st == DONATE_REPEAT) {
                    assert_int_equal(donated_to[vi], slot + 1);
                }
            } else if (op <= 7) { /* end an initiative unfunded: release or return */
                int slot = (int)pick((unsigned)nins);
                sqlite3_stmt *s = db_prepare(f.db, "SELECT state FROM initiatives WHERE id = ?");
                sqlite3_bind_int64(s, 1, ins[slot]);
                bool open = sqlite3_step(s) == SQLITE_ROW &&
                            strcmp((const char *)sqlite3_column_text(s, 0), "open") == 0;
                sqlite3_reset(s);
                if (!open)
                    continue;
                assert_true(db_begin(f.db));
                assert_true(ledger_release_initiative(f.db, ins[slot], now, "t") >= 0);
                sqlite3_stmt *u =
                    db_prepare(f.db, "UPDATE initiatives SET state = 'niet_gehaald' WHERE id = ?");
                sqlite3_bind_int64(u, 1, ins[slot]);
                assert_int_equal(sqlite3_step(u), SQLITE_DONE);
                sqlite3_reset(u);
                audit_state_change(f.db, now, "t", ins[slot], "open", "niet_gehaald", "test");
                assert_true(db_commit(f.db));
                bool round_open = now < T0 + 100 * DAY_S ||
                                  (now >= T0 + 200 * DAY_S && now < T0 + 300 * DAY_S);
                for (size_t v = 0; v < f.nvouchers && v < 64; v++) {
                    if (donated_to[v] == slot + 1) {
                        donated_to[v] = 0;
                        /* A voucher of a closed round stays spent. */
                        bool its_round_open = f.vouchers[v].round_id == f.round1
                                                  ? now < T0 + 100 * DAY_S
                                                  : round_open;
                        spent[v] = !its_round_open;
                    }
                }
                model[slot] = 0;
                releases++;
            } else if (op == 8) { /* time passes, sometimes past a round's end */
                now += (time_t)pick(60) * DAY_S;
                if (!round2_issued && now >= T0 + 199 * DAY_S) {
                    char err[128];
                    struct issue_sink sink = {.ctx = &f, .letter = fixture_collect};
                    f.issuing_round = f.round2;
                    assert_true(vouchers_issue(f.db, f.secret, f.round2, now, &sink, err,
                                               sizeof err) == 9);
                    round2_issued = true;
                }
            } else { /* a lost letter replaced: only while its voucher is unused */
                size_t vi = pick((unsigned)f.nvouchers);
                if (vi >= 63 || f.nvouchers >= 63 || donated_to[vi] || spent[vi])
                    continue;
                char err[128], addition[1] = "";
                f.issuing_round = f.vouchers[vi].round_id;
                struct issue_sink sink = {.ctx = &f, .letter = fixture_collect};
                assert_true(vouchers_replace(f.db, f.secret, f.vouchers[vi].round_id, "7600 AA",
                                             f.vouchers[vi].household_id, addition, now, &sink,
                                             err, sizeof err));
                spent[vi] = true; /* voided */
                enum voucher_status vs;
                struct voucher_info info;
                struct receipt r;
                assert_int_equal(ledger_donate(f.db, f.secret, f.vouchers[vi].code, ins[0], now,
                                               "t", &vs, &info, &r),
                                 DONATE_VOUCHER);
                assert_int_equal(vs, VOUCHER_VOIDED);
                replacements++;
            }
            if (fixture_verify(&f) != 0)
                fail_msg("invariant broken: seed %llu, sequence %d, step %d", seed, seq, step);
            for (int k = 0; k < nins; k++) {
                int64_t raised = -1;
                sqlite3_stmt *s = db_prepare(f.db, "SELECT raised_cents FROM initiatives WHERE id = ?");
                sqlite3_bind_int64(s, 1, ins[k]);
                if (sqlite3_step(s) == SQLITE_ROW)
                    raised = sqlite3_column_int64(s, 0);
                sqlite3_reset(s);
                if (raised != model[k])
                    fail_msg("total differs from the model: seed %llu, sequence %d, step %d",
                             seed, seq, step);
            }
        }
        fixture_close(&f);
    }
    fixture_close(&world);
    fprintf(stderr,
            "ledger property test: %d donations, %d unfunded ends, %d letters replaced, %d offers "
            "accepted (%d funding), %d declined\n",
            donations, releases, replacements, accepted, funded_by_offer, declined);
    if (sequences >= 100)
        assert_true(donations > 0 && releases > 0 && replacements > 0 && accepted > 0 &&
                    funded_by_offer > 0 && declined > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_sequences_keep_every_invariant),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests_name("ledger property", tests, NULL, NULL);
}
