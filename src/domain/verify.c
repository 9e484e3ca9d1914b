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
    int fact; /* FACT_*: those sums of compute_facts (as JSON) are bound to ?2 */
};

/* The sums the three summaries of the ledger's donations are checked against, computed once by
 * compute_facts (below) and bound to their rules as JSON. */
#define FACT_AREAS 1
#define FACT_INITIATIVES 2
#define FACT_HOURS 3

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
      * found from the return rows (each reverses a donation, the ledger's CHECK, so they are
      * read from the index of reverses_id, a tenth of the ledger), can fail, and only they are
      * counted. */
     "WITH suspect AS MATERIALIZED (SELECT DISTINCT v.round_id FROM ledger x "
     "  JOIN vouchers v ON v.id = x.voucher_id AND v.voided_at IS NULL "
     "  WHERE x.reverses_id IS NOT NULL AND x.kind = 'return' "
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
     /* the sums per round and area of compute_facts */
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

/* A tally: the sums of four values per pair of keys (a key may be NULL), in a hash table, for
 * GROUP BY of a few hundred or thousand groups of a million rows without SQLite's sort of
 * every row, which took most of the time of the summary rules. */
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

/* Adds v0..v3 to the sums of (k0, k1); a row that adds nothing makes no group. */
static void tally_add(struct tally *t, int64_t k0, bool null0, int64_t k1, bool null1, int64_t v0,
                      int64_t v1, int64_t v2, int64_t v3)
{
    if (!v0 && !v1 && !v2 && !v3)
        return;
    if (!t->slots) {
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
    int64_t key[2] = {null0 ? 0 : k0, null1 ? 0 : k1};
    bool null[2] = {null0, null1};
    struct tally_slot *slot = tally_find(t, key, null);
    if (!slot->used) {
        *slot = (struct tally_slot){.key = {key[0], key[1]}, .null = {null0, null1}, .used = true};
        t->n++;
    }
    slot->sum[0] += v0;
    slot->sum[1] += v1;
    slot->sum[2] += v2;
    slot->sum[3] += v3;
}

/* The tally as the JSON array [[key1, key2, sum1, sum2, sum3, sum4], ...] in no particular
 * order (to be freed); the tally is emptied. */
static char *tally_json(struct tally *t)
{
    struct buf json = {0};
    buf_putc(&json, '[');
    for (size_t i = 0, n = 0; i < t->cap; i++) {
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
    free(t->slots);
    *t = (struct tally){0};
    char *text = xstrdup(json.data);
    buf_free(&json);
    return text;
}

/* verify_tally(key1, key2, v1, v2, v3, v4): the tally as an SQL aggregate, its JSON the result;
 * what the test holds against GROUP BY, and at hand for a rule that sums in SQL. */
static void tally_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct tally *t = sqlite3_aggregate_context(ctx, sizeof *t);
    if (!t) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    int64_t v[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4 && i + 2 < argc; i++)
        v[i] = sqlite3_value_int64(argv[i + 2]);
    tally_add(t, sqlite3_value_int64(argv[0]), sqlite3_value_type(argv[0]) == SQLITE_NULL,
              sqlite3_value_int64(argv[1]), sqlite3_value_type(argv[1]) == SQLITE_NULL, v[0], v[1],
              v[2], v[3]);
}

static void tally_final(sqlite3_context *ctx)
{
    struct tally *t = sqlite3_aggregate_context(ctx, 0);
    struct tally none = {0};
    char *json = tally_json(t ? t : &none);
    sqlite3_result_text(ctx, json, -1, free);
}

/* The vouchers by id with their round and their household's area, for the ledger's rows to
 * find theirs without a look-up in two tables per row. */
struct voucher_place {
    int64_t id, round_id, area_id;
    bool area_null;
};

struct voucher_places {
    struct voucher_place *v;
    size_t n, cap;
};

static const struct voucher_place *voucher_place(const struct voucher_places *p, int64_t id)
{
    if (!p->n)
        return NULL;
    /* ids are mostly dense: try where it would be, then search (the list is in id order) */
    uint64_t guess = (uint64_t)id - (uint64_t)p->v[0].id;
    if (guess < p->n && p->v[guess].id == id)
        return &p->v[guess];
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->v[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < p->n && p->v[lo].id == id ? &p->v[lo] : NULL;
}

/* BUURTSAMEN_VERIFY_TIMES=1 prints each check's CPU and wall time to stderr, to find the one
 * that costs. */
static bool timing(void)
{
    const char *v = getenv("BUURTSAMEN_VERIFY_TIMES");
    return v && *v && strcmp(v, "0") != 0;
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
     /* the sums per round and hour of compute_facts, the hour written as the summary's text */
     "WITH computed AS (SELECT value ->> 0 AS round_id, "
     "  strftime('%Y-%m-%d %H:00:00', (value ->> 1) * 3600, 'unixepoch') AS hour, "
     "  value ->> 2 AS n, value ->> 3 AS c FROM json_each(?2)), "
     "both_sides AS (SELECT round_id, hour, vouchers AS sn, cents AS sc, 0 AS cn, 0 AS cc "
     "  FROM round_donation_hours UNION ALL SELECT round_id, hour, 0, 0, n, c FROM computed) "
     "SELECT round_id, hour, sum(sn), sum(sc), sum(cn), sum(cc) FROM both_sides GROUP BY 1, 2 "
     "HAVING sum(sn) <> sum(cn) OR sum(sc) <> sum(cc)",
     FACT_HOURS},
    {"round totals summary differs from the per-area summary (round, summary issued, donated, "
     "cents, areas issued, donated, cents)",
     "WITH both_sides AS (SELECT round_id, issued AS si, donated AS sd, donated_cents AS sc, "
     "  0 AS ai, 0 AS ad, 0 AS ac FROM round_totals UNION ALL SELECT round_id, 0, 0, 0, "
     "  sum(issued), sum(donated), sum(donated_cents) FROM round_area_totals GROUP BY round_id) "
     "SELECT round_id, sum(si), sum(sd), sum(sc), sum(ai), sum(ad), sum(ac) FROM both_sides "
     "GROUP BY 1 HAVING sum(si) <> sum(ai) OR sum(sd) <> sum(ad) OR sum(sc) <> sum(ac)"},
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

static bool step_or_fail(sqlite3_stmt *s, int *rc)
{
    return s && (*rc = sqlite3_step(s)) == SQLITE_ROW;
}

static int64_t col_int(sqlite3_stmt *s, int i, bool *null)
{
    if (null)
        *null = sqlite3_column_type(s, i) == SQLITE_NULL;
    return sqlite3_column_int64(s, i);
}

/* The sums the summaries of the ledger's donations are checked against, into facts[0..2] (to
 * be freed): per round and area the vouchers issued, the standing donations and their cents,
 * and the returns (round_area_totals); per round and initiative every donation
 * (round_initiatives); per round and hour (whole hours since 1970) the standing donations and
 * their cents (round_donation_hours). Each table is read once in its own order: the vouchers
 * with their household's area, the donations, and the reversing rows (a tenth of the ledger,
 * in the index of reverses_id) with the donation each reverses. A row whose voucher or
 * household is missing counts nowhere, and the foreign-key rule names it. A failure is a
 * breach. */
static int compute_facts(struct db *db, char *facts[3], breach_fn report, void *ctx)
{
    struct stamp start = stamp_now();
    struct tally sums[3] = {{0}};
    struct voucher_places places = {0};
    int rc = SQLITE_ERROR;
    bool null;
    sqlite3_stmt *s = db_prepare(db, "SELECT v.id, v.round_id, h.area_id, v.voided_at IS NULL "
                                     "FROM vouchers v CROSS JOIN households h "
                                     "ON h.id = v.household_id ORDER BY v.id");
    while (step_or_fail(s, &rc)) {
        if (places.n == places.cap) {
            places.cap = places.cap ? 2 * places.cap : 1024;
            places.v = xrealloc(places.v, places.cap * sizeof *places.v);
        }
        struct voucher_place *p = &places.v[places.n++];
        p->id = col_int(s, 0, NULL);
        p->round_id = col_int(s, 1, NULL);
        p->area_id = col_int(s, 2, &p->area_null);
        if (col_int(s, 3, NULL))
            tally_add(&sums[0], p->round_id, false, p->area_id, p->area_null, 1, 0, 0, 0);
    }
    if (s)
        sqlite3_reset(s);
    bool ok = rc == SQLITE_DONE;
    s = ok ? db_prepare(db, "SELECT voucher_id, initiative_id, amount_cents, "
                            "unixepoch(at) / 3600 FROM ledger WHERE kind = 'donation'")
           : NULL;
    rc = SQLITE_ERROR;
    while (step_or_fail(s, &rc)) {
        bool vnull;
        const struct voucher_place *p = voucher_place(&places, col_int(s, 0, &vnull));
        if (vnull || !p)
            continue;
        int64_t cents = col_int(s, 2, NULL), hour = col_int(s, 3, &null);
        bool inull;
        int64_t initiative = col_int(s, 1, &inull);
        tally_add(&sums[0], p->round_id, false, p->area_id, p->area_null, 0, 1, cents, 0);
        tally_add(&sums[1], p->round_id, false, initiative, inull, 1, 0, 0, 0);
        tally_add(&sums[2], p->round_id, false, hour, null, 1, cents, 0, 0);
    }
    if (s)
        sqlite3_reset(s);
    ok = ok && rc == SQLITE_DONE;
    s = ok ? db_prepare(db, "SELECT x.kind = 'return', x.voucher_id, d.kind = 'donation', "
                            "d.voucher_id, d.amount_cents, unixepoch(d.at) / 3600 FROM ledger x "
                            "LEFT JOIN ledger d ON d.id = x.reverses_id "
                            "WHERE x.reverses_id IS NOT NULL")
           : NULL;
    rc = SQLITE_ERROR;
    while (step_or_fail(s, &rc)) {
        bool vnull;
        const struct voucher_place *p;
        if (col_int(s, 2, NULL) && (p = voucher_place(&places, col_int(s, 3, &vnull))) && !vnull) {
            int64_t cents = col_int(s, 4, NULL), hour = col_int(s, 5, &null);
            tally_add(&sums[0], p->round_id, false, p->area_id, p->area_null, 0, -1, -cents, 0);
            tally_add(&sums[2], p->round_id, false, hour, null, -1, -cents, 0, 0);
        }
        if (col_int(s, 0, NULL) && (p = voucher_place(&places, col_int(s, 1, &vnull))) && !vnull)
            tally_add(&sums[0], p->round_id, false, p->area_id, p->area_null, 0, 0, 0, 1);
    }
    if (s)
        sqlite3_reset(s);
    ok = ok && rc == SQLITE_DONE;
    free(places.v);
    for (int i = 0; i < 3; i++)
        facts[i] = tally_json(&sums[i]);
    stamp_print(start, "the pass over the vouchers and the ledger");
    if (ok)
        return 0;
    for (int i = 0; i < 3; i++) { /* no sums: every summary row is reported as differing */
        free(facts[i]);
        facts[i] = NULL;
    }
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
