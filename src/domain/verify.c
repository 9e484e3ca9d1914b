/* Invariant checks: each query returns the rows that break one rule. */
#include "domain/verify.h"
#include "db/db.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rule {
    const char *what; /* printed before the offending row's values */
    const char *sql;
    int fact; /* 1..3: the sums of that one pass over the ledger (facts_sql) are bound to ?2 */
};

/* The one pass over the vouchers and the ledger that the three summaries of the ledger's
 * donations are recomputed from: each row is read once, from the big table to the small ones
 * (CROSS JOIN keeps that order), and summed by verify_tally (below) per round and area, per
 * round and initiative, and per round and hour (whole hours since 1970), instead of three
 * passes of a million donations and their vouchers. A donation whose voucher or household
 * is missing drops out of the sums, and the foreign-key rule names it. */
#define FACT_AREAS 1
#define FACT_INITIATIVES 2
#define FACT_HOURS 3
static const char facts_sql[] =
    "SELECT verify_tally(round_id, area_id, i, d, c, r), "
    " verify_tally(round_id, initiative_id, n, 0, 0, 0), "
    " verify_tally(round_id, hour, hn, hc, 0, 0) FROM ("
    /* the vouchers issued */
    " SELECT v.round_id, h.area_id, NULL AS initiative_id, NULL AS hour, 1 AS i, 0 AS d, "
    " 0 AS c, 0 AS r, 0 AS n, 0 AS hn, 0 AS hc FROM vouchers v "
    " CROSS JOIN households h ON h.id = v.household_id WHERE v.voided_at IS NULL "
    /* every donation (round_initiatives counts them all) */
    " UNION ALL SELECT v.round_id, h.area_id, d.initiative_id, unixepoch(d.at) / 3600, "
    " 0, 1, d.amount_cents, 0, 1, 1, d.amount_cents FROM ledger d "
    " CROSS JOIN vouchers v ON v.id = d.voucher_id "
    " CROSS JOIN households h ON h.id = v.household_id WHERE d.kind = 'donation' "
    /* less the reversed ones for the standing donations, found from the reversing rows (a
     * tenth of the ledger, in the index of reverses_id) rather than by a look-up per donation */
    " UNION ALL SELECT v.round_id, h.area_id, NULL, unixepoch(d.at) / 3600, "
    " 0, -1, -d.amount_cents, 0, 0, -1, -d.amount_cents FROM ledger x "
    " CROSS JOIN ledger d ON d.id = x.reverses_id "
    " CROSS JOIN vouchers v ON v.id = d.voucher_id "
    " CROSS JOIN households h ON h.id = v.household_id "
    " WHERE x.reverses_id IS NOT NULL AND d.kind = 'donation' "
    /* the returns: each reverses a donation (the ledger's CHECK), so they are in that index */
    " UNION ALL SELECT v.round_id, h.area_id, NULL, NULL, 0, 0, 0, 1, 0, 0, 0 FROM ledger x "
    " CROSS JOIN vouchers v ON v.id = x.voucher_id "
    " CROSS JOIN households h ON h.id = v.household_id "
    " WHERE x.reverses_id IS NOT NULL AND x.kind = 'return')";

/* The budget lines of initiative X.initiative_id that accepted offers covered before ledger row
 * X.id: what the target was lowered by when that row was written (offers.ledger_seq). */
#define COVERED_BEFORE(x)                                                                          \
    "coalesce((SELECT sum(b.amount_cents) FROM offers o JOIN budget_lines b "                      \
    "ON b.id = o.budget_line_id WHERE o.initiative_id = " x ".initiative_id "                      \
    "AND o.state = 'accepted' AND o.ledger_seq < " x ".id), 0)"

static const struct rule rules[] = {
    {"foreign key (table, row, parent)", "PRAGMA foreign_key_check"},
    {"budget lines do not add up to the target (initiative, lines, target)",
     "SELECT i.id, coalesce(sum(b.amount_cents), 0), i.target_cents FROM initiatives i "
     "LEFT JOIN budget_lines b ON b.initiative_id = i.id GROUP BY i.id "
     "HAVING coalesce(sum(b.amount_cents), 0) <> i.target_cents"},
    {"cached total differs from the ledger (initiative, cached, ledger)",
     "SELECT i.id, i.raised_cents, coalesce(sum(l.amount_cents) FILTER (WHERE l.kind <> 'payout'), 0) "
     "FROM initiatives i LEFT JOIN ledger l ON l.initiative_id = i.id GROUP BY i.id "
     "HAVING i.raised_cents <> coalesce(sum(l.amount_cents) FILTER (WHERE l.kind <> 'payout'), 0)"},
    {"cached voucher count differs from the standing donations (initiative, cached, ledger)",
     /* All donations (counted in the index) less those that some row reverses, found from
      * the reversing rows rather than by a look-up per donation. */
     "WITH reversed AS MATERIALIZED (SELECT d.initiative_id, count(*) AS gone FROM ledger d "
     "  WHERE d.kind = 'donation' AND d.id IN (SELECT reverses_id FROM ledger "
     "  WHERE reverses_id IS NOT NULL) GROUP BY 1) "
     "SELECT i.id, i.voucher_count, (SELECT count(*) FROM ledger d WHERE d.initiative_id = i.id "
     "AND d.kind = 'donation') - coalesce(rv.gone, 0) AS n "
     "FROM initiatives i LEFT JOIN reversed rv ON rv.initiative_id = i.id WHERE i.voucher_count <> n"},
    {"voucher donated again while an earlier donation stood (voucher, earlier, later)",
     "SELECT d2.voucher_id, d1.id, d2.id FROM ledger d1 JOIN ledger d2 "
     "ON d2.voucher_id = d1.voucher_id AND d2.id > d1.id AND d2.kind = 'donation' "
     "WHERE d1.kind = 'donation' AND d2.id > ?1 AND NOT EXISTS "
     "(SELECT 1 FROM ledger r WHERE r.reverses_id = d1.id AND r.id < d2.id)"},
    {"donation outside its voucher's round (ledger row, at, opens, closes)",
     "SELECT d.id, d.at, r.opens_at, r.closes_at FROM ledger d JOIN vouchers v ON v.id = d.voucher_id "
     "JOIN rounds r ON r.id = v.round_id WHERE d.kind = 'donation' AND d.id > ?1 "
     "AND (d.at < r.opens_at OR d.at >= r.closes_at)"},
    {"donation of a voided voucher (ledger row, voucher)",
     /* From the few voided vouchers to their donations, not from every donation. */
     "SELECT d.id, v.id FROM vouchers v CROSS JOIN ledger d ON d.voucher_id = v.id "
     "WHERE d.kind = 'donation' AND v.voided_at IS NOT NULL AND (d.at > v.voided_at "
     " OR NOT EXISTS (SELECT 1 FROM ledger x WHERE x.reverses_id = d.id))"},
    {"donation amount differs from the voucher's value (ledger row, amount, value)",
     "SELECT d.id, d.amount_cents, v.value_cents FROM ledger d JOIN vouchers v ON v.id = d.voucher_id "
     "WHERE d.kind = 'donation' AND d.id > ?1 AND d.amount_cents <> v.value_cents"},
    {"donation to an initiative outside the household's area (ledger row, initiative)",
     "SELECT d.id, i.id FROM ledger d JOIN vouchers v ON v.id = d.voucher_id "
     "JOIN households h ON h.id = v.household_id JOIN areas ha ON ha.id = h.area_id "
     "JOIN initiatives i ON i.id = d.initiative_id LEFT JOIN areas ia ON ia.id = i.area_id "
     "WHERE d.kind = 'donation' AND d.id > ?1 AND i.area_id IS NOT NULL "
     "AND coalesce(ia.parent_id, ia.id) <> coalesce(ha.parent_id, ha.id)"},
    {"donation to an initiative that was not open at that moment (ledger row, initiative, state)",
     "SELECT d.id, d.initiative_id, coalesce((SELECT a.to_value FROM audit_log a "
     " WHERE a.action = 'state' AND a.subject = 'initiative:' || d.initiative_id "
     " AND a.ledger_seq < d.id ORDER BY a.ledger_seq DESC, a.id DESC LIMIT 1), '(none)') AS st "
     "FROM ledger d WHERE d.kind = 'donation' AND d.id > ?1 AND st <> 'open'"},
    {"donation accepted although the total before it had reached the target, less the lines "
     "covered then (ledger row, total before, target)",
     "SELECT x.id, x.before, i.target_cents - " COVERED_BEFORE("x") " FROM (SELECT id, kind, initiative_id, "
     " coalesce(sum(CASE WHEN kind <> 'payout' THEN amount_cents ELSE 0 END) OVER (PARTITION BY "
     " initiative_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before "
     /* the full run (?1 = 0) takes every initiative without listing them first */
     " FROM ledger WHERE ?1 = 0 OR initiative_id IN (SELECT initiative_id FROM ledger "
     " WHERE id > ?1)) x "
     "JOIN initiatives i ON i.id = x.initiative_id "
     "WHERE x.kind = 'donation' AND x.id > ?1 AND x.before >= i.target_cents - "
     COVERED_BEFORE("x")},
    {"donation reached the target but the initiative did not turn 'gefinancierd' in the same "
     "transaction (ledger row, initiative)",
     "SELECT x.id, x.initiative_id FROM (SELECT id, kind, initiative_id, amount_cents, "
     " sum(CASE WHEN kind <> 'payout' THEN amount_cents ELSE 0 END) OVER (PARTITION BY "
     " initiative_id ORDER BY id) AS after FROM ledger WHERE ?1 = 0 OR initiative_id IN "
     " (SELECT initiative_id FROM ledger WHERE id > ?1)) x "
     "JOIN initiatives i ON i.id = x.initiative_id "
     "WHERE x.kind = 'donation' AND x.id > ?1 AND x.after >= i.target_cents - " COVERED_BEFORE("x")
     " AND x.after - x.amount_cents < i.target_cents - " COVERED_BEFORE("x") " "
     "AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'state' "
     " AND a.subject = 'initiative:' || x.initiative_id AND a.to_value = 'gefinancierd' "
     " AND a.ledger_seq = x.id)"},
    {"initiative open although its total reached the target, less its covered lines "
     "(initiative, total, target)",
     "SELECT id, raised_cents, target_cents - covered_cents FROM initiatives WHERE state = 'open' "
     "AND raised_cents >= target_cents - covered_cents"},
    {"funded initiative below its target, less its covered lines (initiative, total, target)",
     "SELECT id, raised_cents, target_cents - covered_cents FROM initiatives WHERE state IN "
     "('gefinancierd', 'uitgevoerd') AND raised_cents + coalesce((SELECT sum(amount_cents) "
     "FROM ledger l WHERE l.initiative_id = initiatives.id AND l.kind IN ('release', 'return')), "
     "0) < target_cents - covered_cents"},
    {"covered amount differs from the lines of the accepted offers (initiative, cached, lines)",
     "SELECT i.id, i.covered_cents, coalesce((SELECT sum(b.amount_cents) FROM offers o "
     " JOIN budget_lines b ON b.id = o.budget_line_id WHERE o.initiative_id = i.id "
     " AND o.state = 'accepted'), 0) AS lines FROM initiatives i WHERE i.covered_cents <> lines"},
    {"budget line covered by more than one accepted offer (line, offers)",
     "SELECT budget_line_id, count(*) FROM offers WHERE state = 'accepted' "
     "GROUP BY budget_line_id HAVING count(*) > 1"},
    {"offer on a budget line of another initiative (offer, initiative, line's initiative)",
     "SELECT o.id, o.initiative_id, b.initiative_id FROM offers o JOIN budget_lines b "
     "ON b.id = o.budget_line_id WHERE b.initiative_id <> o.initiative_id"},
    {"accepted offer without its audit row, or without its place in the ledger (offer)",
     "SELECT o.id FROM offers o WHERE o.state = 'accepted' AND (o.ledger_seq IS NULL OR "
     "NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'offer-accept' "
     " AND a.subject = 'initiative:' || o.initiative_id AND a.reason = 'aanbod ' || o.id))"},
    {"release while the round was closed, or return while it was open (ledger row, kind)",
     "SELECT l.id, l.kind FROM ledger l JOIN vouchers v ON v.id = l.voucher_id "
     "JOIN rounds r ON r.id = v.round_id WHERE l.id > ?1 AND ((l.kind = 'release' "
     "AND l.at >= r.closes_at) OR (l.kind = 'return' AND l.at < r.closes_at))"},
    {"round totals do not add up: issued <> standing donations + unspent + returned "
     "(round, issued, donated, unspent, returned)",
     /* Each voucher counts once in donated, unspent or returned, except one whose donation
      * still stands after a return, which counts in both: only the rounds of such vouchers,
      * found from the return rows, can fail, and only they are counted. */
     "WITH suspect AS MATERIALIZED (SELECT DISTINCT v.round_id FROM ledger x "
     "  JOIN vouchers v ON v.id = x.voucher_id AND v.voided_at IS NULL WHERE x.kind = 'return' "
     /* a voucher with no rows but the return and what it reverses has nothing standing */
     "  AND EXISTS (SELECT 1 FROM ledger o WHERE o.voucher_id = x.voucher_id AND o.id <> x.id "
     "  AND o.id IS NOT x.reverses_id) "
     "  AND (SELECT sum(l.kind = 'donation') - sum(l.kind IN ('release', 'return')) FROM ledger l "
     "  WHERE l.voucher_id = x.voucher_id) > 0), "
     "per_voucher AS MATERIALIZED (SELECT voucher_id, "
     "  sum(kind = 'donation') - sum(kind IN ('release', 'return')) AS standing, "
     "  max(kind = 'return') AS was_returned FROM ledger WHERE voucher_id IN (SELECT v.id "
     "  FROM vouchers v WHERE v.round_id IN suspect) GROUP BY voucher_id) "
     "SELECT r.id, count(v.id) AS issued, count(v.id) FILTER (WHERE p.standing > 0) AS donated, "
     " count(v.id) FILTER (WHERE coalesce(p.standing, 0) <= 0 AND coalesce(p.was_returned, 0) = 0) "
     " AS unspent, count(v.id) FILTER (WHERE p.was_returned = 1) AS returned "
     "FROM rounds r LEFT JOIN vouchers v ON v.round_id = r.id AND v.voided_at IS NULL "
     "LEFT JOIN per_voucher p ON p.voucher_id = v.id WHERE r.id IN suspect "
     "GROUP BY r.id HAVING issued <> donated + unspent + returned"},
    {"cached paid-out total differs from the ledger (initiative, cached, ledger)",
     "SELECT i.id, i.paid_cents, coalesce(sum(l.amount_cents), 0) FROM initiatives i "
     "LEFT JOIN ledger l ON l.initiative_id = i.id AND l.kind = 'payout' GROUP BY i.id "
     "HAVING i.paid_cents <> coalesce(sum(l.amount_cents), 0)"},
    {"cached partner total differs from the ledger (initiative, cached, ledger)",
     "SELECT i.id, i.partner_cents, coalesce(sum(l.amount_cents), 0) FROM initiatives i "
     "LEFT JOIN ledger l ON l.initiative_id = i.id AND l.kind = 'contribution' GROUP BY i.id "
     "HAVING i.partner_cents <> coalesce(sum(l.amount_cents), 0)"},
    {"paid out more than the initiative raised (initiative, paid, raised)",
     "SELECT i.id, sum(l.amount_cents), i.raised_cents FROM initiatives i JOIN ledger l "
     "ON l.initiative_id = i.id AND l.kind = 'payout' GROUP BY i.id "
     "HAVING sum(l.amount_cents) > i.raised_cents"},
    {"payout to an initiative that is not funded (ledger row, state)",
     "SELECT l.id, i.state FROM ledger l JOIN initiatives i ON i.id = l.initiative_id "
     "WHERE l.kind = 'payout' AND i.state NOT IN ('gefinancierd', 'uitgevoerd')"},
    {"more than one voucher for a household in a round (round, household)",
     "SELECT round_id, household_id FROM vouchers WHERE voided_at IS NULL "
     "GROUP BY round_id, household_id HAVING count(*) > 1"},
    {"round summary differs from the vouchers and the ledger (round, area, summary issued, "
     "donated, cents, returned, recomputed issued, donated, cents, returned)",
     /* the sums per round and area of facts_sql */
     "WITH computed AS (SELECT value ->> 0 AS round_id, value ->> 1 AS area_id, "
     "  value ->> 2 AS i, value ->> 3 AS d, value ->> 4 AS c, value ->> 5 AS r "
     "  FROM json_each(?2)), "
     "both_sides AS (SELECT round_id, area_id, issued AS si, donated AS sd, donated_cents AS sc, "
     "  returned AS sr, 0 AS ci, 0 AS cd, 0 AS cc, 0 AS cr FROM round_area_totals UNION ALL "
     "  SELECT round_id, area_id, 0, 0, 0, 0, i, d, c, r FROM computed) "
     "SELECT round_id, area_id, sum(si), sum(sd), sum(sc), sum(sr), sum(ci), sum(cd), sum(cc), "
     "sum(cr) FROM both_sides GROUP BY 1, 2 HAVING sum(si) <> sum(ci) OR sum(sd) <> sum(cd) "
     "OR sum(sc) <> sum(cc) OR sum(sr) <> sum(cr)",
     FACT_AREAS},
    {"round initiatives summary differs from the ledger (round, initiative, summary, ledger)",
     "WITH computed AS (SELECT value ->> 0 AS round_id, value ->> 1 AS initiative_id, "
     "  value ->> 2 AS n FROM json_each(?2)), "
     "both_sides AS (SELECT round_id, initiative_id, donations AS s, 0 AS c FROM round_initiatives "
     "  UNION ALL SELECT round_id, initiative_id, 0, n FROM computed) "
     "SELECT round_id, initiative_id, sum(s), sum(c) FROM both_sides GROUP BY 1, 2 "
     "HAVING sum(s) <> sum(c)",
     FACT_INITIATIVES},
    {"round open-initiatives summary differs from the initiatives and the audit log (round, "
     "initiative, summary, recomputed)",
     "WITH left_open AS (SELECT CAST(substr(subject, 12) AS INTEGER) AS id, min(at) AS at "
     "  FROM audit_log WHERE action = 'state' AND from_value = 'open' "
     "  AND subject GLOB 'initiative:*' GROUP BY 1), "
     "computed AS (SELECT r.id AS round_id, i.id AS initiative_id FROM rounds r "
     "  JOIN initiatives i ON i.published_at IS NOT NULL AND i.published_at < r.closes_at "
     "  LEFT JOIN left_open lo ON lo.id = i.id WHERE lo.at IS NULL OR lo.at >= r.opens_at), "
     "both_sides AS (SELECT round_id, initiative_id, 1 AS s, 0 AS c FROM round_open_initiatives "
     "  UNION ALL SELECT round_id, initiative_id, 0, 1 FROM computed) "
     "SELECT round_id, initiative_id, sum(s), sum(c) FROM both_sides GROUP BY 1, 2 "
     "HAVING sum(s) <> sum(c)"},
    {"round funded summary differs from the audit log (round, initiative, summary, recomputed)",
     "WITH computed AS (SELECT DISTINCT r.id AS round_id, "
     "  CAST(substr(al.subject, 12) AS INTEGER) AS initiative_id FROM rounds r "
     "  JOIN audit_log al ON al.action = 'state' AND al.to_value = 'gefinancierd' "
     "  AND al.at >= r.opens_at AND al.at < r.closes_at WHERE al.subject GLOB 'initiative:*'), "
     "both_sides AS (SELECT round_id, initiative_id, 1 AS s, 0 AS c FROM round_funded "
     "  UNION ALL SELECT round_id, initiative_id, 0, 1 FROM computed) "
     "SELECT round_id, initiative_id, sum(s), sum(c) FROM both_sides GROUP BY 1, 2 "
     "HAVING sum(s) <> sum(c)"},
    {"households per area summary differs from the households (area, summary, households)",
     "WITH both_sides AS (SELECT area_id, households AS s, 0 AS c FROM area_households "
     "  UNION ALL SELECT area_id, 0, count(*) FROM households GROUP BY area_id) "
     "SELECT area_id, sum(s), sum(c) FROM both_sides GROUP BY 1 HAVING sum(s) <> sum(c)"},
    {"rounds overlap (round, round)",
     "SELECT a.id, b.id FROM rounds a JOIN rounds b ON a.id < b.id "
     "AND a.opens_at < b.closes_at AND b.opens_at < a.closes_at"},
};

/* verify_tally(key1, key2, v1, v2, v3, v4): the sums of v1..v4 per pair of keys, as the JSON
 * array [[key1, key2, sum1, sum2, sum3, sum4], ...] in no particular order. It is GROUP BY
 * key1, key2 for a few hundred or thousand groups of a million rows, in a hash table instead
 * of SQLite's sort of every row, which took most of the time of the summary rules. A row whose
 * sums are all zero is skipped: one query can feed several tallies, each from its own rows. */
struct tally_slot {
    int64_t key[2], sum[4];
    bool null[2], used;
};

struct tally {
    struct tally_slot *slots;
    size_t cap, n; /* cap a power of two, n <= cap / 2 */
};

static size_t tally_hash(const int64_t key[2], const bool null[2])
{
    uint64_t h = (uint64_t)key[0] * 0x9e3779b97f4a7c15u ^ (uint64_t)key[1] * 0xc2b2ae3d27d4eb4fu;
    h ^= (uint64_t)null[0] << 1 | (uint64_t)null[1];
    h ^= h >> 29;
    return (size_t)h;
}

static struct tally_slot *tally_find(struct tally *t, const int64_t key[2], const bool null[2])
{
    size_t i = tally_hash(key, null) & (t->cap - 1);
    while (t->slots[i].used && (t->slots[i].key[0] != key[0] || t->slots[i].key[1] != key[1] ||
                                t->slots[i].null[0] != null[0] || t->slots[i].null[1] != null[1]))
        i = (i + 1) & (t->cap - 1);
    return &t->slots[i];
}

static void tally_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct tally **tp = sqlite3_aggregate_context(ctx, sizeof *tp);
    if (!tp) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    bool zero = true; /* a row that adds nothing to a pair of keys neither makes it a group */
    for (int v = 2; v < argc && zero; v++)
        zero = sqlite3_value_int64(argv[v]) == 0;
    if (zero)
        return;
    struct tally *t = *tp;
    if (!t) {
        t = *tp = xcalloc(1, sizeof *t);
        t->cap = 64;
        t->slots = xcalloc(t->cap, sizeof *t->slots);
    }
    if (2 * (t->n + 1) > t->cap) {
        struct tally grown = {xcalloc(2 * t->cap, sizeof *t->slots), 2 * t->cap, t->n};
        for (size_t i = 0; i < t->cap; i++)
            if (t->slots[i].used)
                *tally_find(&grown, t->slots[i].key, t->slots[i].null) = t->slots[i];
        free(t->slots);
        *t = grown;
    }
    int64_t key[2];
    bool null[2];
    for (int k = 0; k < 2; k++) {
        null[k] = sqlite3_value_type(argv[k]) == SQLITE_NULL;
        key[k] = null[k] ? 0 : sqlite3_value_int64(argv[k]);
    }
    struct tally_slot *slot = tally_find(t, key, null);
    if (!slot->used) {
        *slot = (struct tally_slot){
            .key = {key[0], key[1]}, .null = {null[0], null[1]}, .used = true};
        t->n++;
    }
    for (int v = 0; v < 4 && v + 2 < argc; v++)
        slot->sum[v] += sqlite3_value_int64(argv[v + 2]);
}

static void tally_final(sqlite3_context *ctx)
{
    struct tally **tp = sqlite3_aggregate_context(ctx, 0);
    struct tally *t = tp ? *tp : NULL;
    struct buf json = {0};
    buf_putc(&json, '[');
    for (size_t i = 0, n = 0; t && i < t->cap; i++) {
        const struct tally_slot *s = &t->slots[i];
        if (!s->used)
            continue;
        buf_puts(&json, n++ ? ",[" : "[");
        for (int k = 0; k < 2; k++) {
            if (s->null[k])
                buf_puts(&json, "null,");
            else
                buf_printf(&json, "%lld,", (long long)s->key[k]);
        }
        buf_printf(&json, "%lld,%lld,%lld,%lld]", (long long)s->sum[0], (long long)s->sum[1],
                   (long long)s->sum[2], (long long)s->sum[3]);
    }
    buf_putc(&json, ']');
    sqlite3_result_text(ctx, json.data, (int)json.len, SQLITE_TRANSIENT);
    buf_free(&json);
    if (t) {
        free(t->slots);
        free(t);
    }
}

/* BUURTSAMEN_VERIFY_TIMES=1 prints each check's CPU and wall time to stderr, to find the one
 * that costs. */
static bool timing(void)
{
    static int on = -1;
    if (on < 0) {
        const char *v = getenv("BUURTSAMEN_VERIFY_TIMES");
        on = v && *v && strcmp(v, "0") != 0;
    }
    return on;
}

struct stamp {
    struct timespec cpu, wall;
};

static struct stamp stamp_now(void)
{
    struct stamp t = {0};
    if (timing()) {
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t.cpu);
        clock_gettime(CLOCK_MONOTONIC, &t.wall);
    }
    return t;
}

static double seconds(struct timespec a, struct timespec b)
{
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static void stamp_print(struct stamp since, const char *what)
{
    if (!timing())
        return;
    struct stamp now = stamp_now();
    fprintf(stderr, "verify: %6.3f s cpu %6.3f s wall  %.60s\n", seconds(since.cpu, now.cpu),
            seconds(since.wall, now.wall), what);
}

static int run_rule(struct db *db, const struct rule *rule, int64_t since, const char *fact,
                    breach_fn report, void *ctx)
{
    struct stamp start = stamp_now();
    sqlite3_stmt *s = db_prepare(db, rule->sql);
    if (!s) {
        char line[512];
        snprintf(line, sizeof line, "%s: query failed: %s", rule->what,
                 sqlite3_errmsg(db_handle(db)));
        report(ctx, line);
        return 1;
    }
    if (sqlite3_bind_parameter_count(s) > 0)
        sqlite3_bind_int64(s, 1, since);
    if (sqlite3_bind_parameter_count(s) > 1) /* no sums (their pass failed): every row differs */
        sqlite3_bind_text(s, 2, fact ? fact : "[]", -1, SQLITE_STATIC);
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct buf line = {0};
        buf_puts(&line, rule->what);
        buf_puts(&line, ":");
        for (int i = 0; i < sqlite3_column_count(s); i++) {
            const char *v = (const char *)sqlite3_column_text(s, i);
            buf_printf(&line, " %s", v ? v : "NULL");
        }
        report(ctx, line.data);
        buf_free(&line);
        n++;
    }
    if (rc != SQLITE_DONE) { /* stopped early (a page it could not read): never a silent pass */
        char line[512];
        snprintf(line, sizeof line, "%s: query failed: %s", rule->what,
                 sqlite3_errmsg(db_handle(db)));
        report(ctx, line);
        n++;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    stamp_print(start, rule->what);
    return n;
}

/* The summaries the public pages read (017_initiative_totals.sql), each recomputed whole. */
static const struct rule page_summary_rules[] = {
    {"initiative totals summary differs from the initiatives (area, state, theme, summary "
     "initiatives, cents, vouchers, counted initiatives, cents, vouchers)",
     "WITH computed AS (SELECT coalesce(area_id, 0) AS area_id, state, theme, count(*) AS n, "
     "  sum(raised_cents) AS r, sum(voucher_count) AS v FROM initiatives "
     "  WHERE published_at IS NOT NULL GROUP BY 1, 2, 3), "
     "both_sides AS (SELECT area_id, state, theme, initiatives AS sn, raised_cents AS sr, "
     "  voucher_count AS sv, 0 AS cn, 0 AS cr, 0 AS cv FROM initiative_totals UNION ALL "
     "  SELECT area_id, state, theme, 0, 0, 0, n, r, v FROM computed) "
     "SELECT area_id, state, theme, sum(sn), sum(sr), sum(sv), sum(cn), sum(cr), sum(cv) "
     "FROM both_sides GROUP BY 1, 2, 3 "
     "HAVING sum(sn) <> sum(cn) OR sum(sr) <> sum(cr) OR sum(sv) <> sum(cv)"},
    {"donations per hour summary differs from the ledger (round, hour, summary vouchers, "
     "cents, ledger vouchers, cents)",
     /* the sums per round and hour of facts_sql, the hour written as the summary's text */
     "WITH computed AS (SELECT value ->> 0 AS round_id, "
     "  strftime('%Y-%m-%d %H:00:00', (value ->> 1) * 3600, 'unixepoch') AS hour, "
     "  value ->> 2 AS n, value ->> 3 AS c FROM json_each(?2)), "
     "both_sides AS (SELECT round_id, hour, vouchers AS sn, cents AS sc, 0 AS cn, 0 AS cc "
     "  FROM round_donation_hours UNION ALL SELECT round_id, hour, 0, 0, n, c FROM computed) "
     "SELECT round_id, hour, sum(sn), sum(sc), sum(cn), sum(cc) FROM both_sides GROUP BY 1, 2 "
     "HAVING sum(sn) <> sum(cn) OR sum(sc) <> sum(cc)",
     FACT_HOURS},
    {"funded count per round differs from the round's list (round, count, list)",
     "WITH both_sides AS (SELECT round_id, initiatives AS s, 0 AS c FROM round_funded_counts "
     "  UNION ALL SELECT round_id, 0, count(*) FROM round_funded GROUP BY round_id) "
     "SELECT round_id, sum(s), sum(c) FROM both_sides GROUP BY 1 HAVING sum(s) <> sum(c)"},
};

static int verify_page_summaries(struct db *db, char *const facts[], breach_fn report, void *ctx)
{
    int breaches = 0;
    for (size_t i = 0; i < sizeof page_summary_rules / sizeof page_summary_rules[0]; i++) {
        const struct rule *r = &page_summary_rules[i];
        breaches += run_rule(db, r, 0, r->fact ? facts[r->fact - 1] : NULL, report, ctx);
    }
    return breaches;
}

/* facts_sql's three sums into facts[0..2] (to be freed); a failure is a breach. */
static int compute_facts(struct db *db, char *facts[3], breach_fn report, void *ctx)
{
    struct stamp start = stamp_now();
    sqlite3_stmt *s = db_prepare(db, facts_sql);
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
    if (rc == SQLITE_ROW)
        for (int i = 0; i < 3; i++) {
            const char *v = (const char *)sqlite3_column_text(s, i);
            facts[i] = v ? xstrdup(v) : NULL;
        }
    if (s)
        sqlite3_reset(s);
    stamp_print(start, "the pass over the vouchers and the ledger");
    if (rc == SQLITE_ROW)
        return 0;
    char line[512];
    snprintf(line, sizeof line, "summaries of the ledger: query failed: %s",
             sqlite3_errmsg(db_handle(db)));
    report(ctx, line);
    return 1;
}

static int64_t single_int(struct db *db, const char *sql, int64_t fallback)
{
    sqlite3_stmt *s = db_prepare(db, sql);
    int64_t v = fallback;
    if (s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    if (s)
        sqlite3_reset(s);
    return v;
}

int verify_run(struct db *db, bool full, breach_fn report, void *ctx)
{
    int breaches = 0;
    sqlite3_stmt *s = NULL;
    struct stamp start = stamp_now();
    /* The full run checks every page and index of the file and each row's CHECK constraints.
     * The regular one quick-checks each table but the ledger and the vouchers (pages, records,
     * NOT NULL; not again the CHECK constraints SQLite enforced when each row was written):
     * those two are nine tenths of the file, and the foreign-key rule below reads every row
     * of both, so that a page of theirs that cannot be read is a breach all the same. */
    static const char regular_check[] =
        "SELECT q.quick_check FROM sqlite_schema t, pragma_quick_check(t.name) q "
        "WHERE t.type = 'table' AND t.name NOT IN ('ledger', 'vouchers')";
    if (!full)
        db_exec(db, "PRAGMA ignore_check_constraints = ON");
    if (sqlite3_prepare_v2(db_handle(db), full ? "PRAGMA integrity_check" : regular_check, -1, &s,
                           NULL) == SQLITE_OK) {
        int rc;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(s, 0);
            if (v && strcmp(v, "ok") != 0) {
                char line[512];
                snprintf(line, sizeof line, "integrity: %s", v);
                report(ctx, line);
                breaches++;
            }
        }
        if (rc != SQLITE_DONE) {
            char line[512];
            snprintf(line, sizeof line, "integrity: the check failed: %s",
                     sqlite3_errmsg(db_handle(db)));
            report(ctx, line);
            breaches++;
        }
    } else {
        report(ctx, "integrity: the check could not start");
        breaches++;
    }
    sqlite3_finalize(s);
    if (!full)
        db_exec(db, "PRAGMA ignore_check_constraints = OFF");
    stamp_print(start, full ? "integrity check" : "quick check");
    int version = db_schema_version(db), known = db_known_version();
    if (version != known) {
        char line[128];
        snprintf(line, sizeof line, "schema version: database %d, program %d", version, known);
        report(ctx, line);
        return breaches + 1; /* the rules below assume the current schema */
    }
    /* One snapshot for all rules, so a running site cannot make them disagree. The per-row
     * rules of the regular run start after the last ledger row a clean run covered. */
    sqlite3_create_function_v2(db_handle(db), "verify_tally", 6, SQLITE_UTF8, NULL, NULL,
                               tally_step, tally_final, NULL);
    db_read_begin(db);
    int64_t since = full ? 0 : single_int(db, "SELECT ledger_id FROM verify_state WHERE id = 1", 0);
    int64_t last = single_int(db, "SELECT max(id) FROM ledger", 0);
    char *facts[3] = {NULL, NULL, NULL};
    breaches += compute_facts(db, facts, report, ctx);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        breaches += run_rule(db, &rules[i], since, rules[i].fact ? facts[rules[i].fact - 1] : NULL,
                             report, ctx);
    breaches += verify_page_summaries(db, facts, report, ctx);
    db_read_end(db);
    for (int i = 0; i < 3; i++)
        free(facts[i]);
    if (!breaches) {
        /* Remembered only when clean, so a breach is reported again until it is resolved. A
         * database opened read-only keeps no mark and is checked whole the next time. */
        sqlite3_stmt *mark = db_prepare(
            db, "INSERT INTO verify_state(id, ledger_id, verified_at) VALUES (1, ?1, "
                "datetime('now')) ON CONFLICT(id) DO UPDATE SET ledger_id = excluded.ledger_id, "
                "verified_at = excluded.verified_at");
        if (mark) {
            sqlite3_bind_int64(mark, 1, last);
            sqlite3_step(mark);
            sqlite3_reset(mark);
        }
    }
    return breaches;
}

int verify_all(struct db *db, breach_fn report, void *ctx)
{
    return verify_run(db, true, report, ctx);
}
