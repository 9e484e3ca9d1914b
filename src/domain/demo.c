/* Demo ledger: every total on the demo site comes from real donations of real vouchers. */
#include "domain/demo.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/households.h"
#include "domain/issuance.h"
#include "domain/ledger.h"
#include "domain/rounds.h"
#include "util/alloc.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DAY = 86400 };

struct demo_initiative {
    int64_t id, home_area; /* home_area 0: city-wide */
    char state[24];
    int64_t vouchers;      /* how many demo.sql shows */
    time_t published, deadline, planned;
};

struct demo_voucher {
    int64_t voucher_id, household_id, home_area;
    char code[CODE_DISPLAY];
    bool used;
};

struct collector {
    struct demo_voucher *items;
    size_t count, cap;
    struct db *db;
};

static bool collect(void *ctx, const struct letter *l)
{
    struct collector *c = ctx;
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->items = xrealloc(c->items, c->cap * sizeof *c->items);
    }
    struct demo_voucher *v = &c->items[c->count++];
    memset(v, 0, sizeof *v);
    v->voucher_id = l->voucher_id;
    v->household_id = l->household_id;
    snprintf(v->code, sizeof v->code, "%s", l->code);
    return true;
}

/* A small deterministic generator, so that the demo looks the same every time. */
static unsigned long long rng_state = 88172645463325252ULL;
static unsigned rng(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static const char *const streets[] = {
    "Grotestraat", "Wierdensestraat", "Ootmarsumsestraat", "Bornsestraat", "Vriezenveenseweg",
    "Molenstraat", "Kerkstraat", "Schoolstraat", "Lindenlaan", "Eikenlaan", "Berkenstraat",
    "Esweg", "Hofstraat", "Wilhelminastraat", "Julianastraat", "Prinsenstraat", "Beukenlaan",
    "Kastanjelaan", "Tuinstraat", "Akkerstraat",
};

static bool add_households(struct db *db, int64_t area_id, int area_index, long count, long *total)
{
    sqlite3_stmt *ins = db_prepare(db, "INSERT INTO households(postcode, house_number, addition, "
                                       "street, city, area_id) VALUES (?, ?, ?, ?, ?, ?)");
    if (!ins)
        return false;
    for (long k = 0; k < count; k++) {
        /* Distinct per area (digits) and per block of 80 addresses (letters). */
        char postcode[8];
        int street = (area_index * 3 + (int)(k / 80)) % (int)(sizeof streets / sizeof streets[0]);
        snprintf(postcode, sizeof postcode, "%04d %c%c", 7600 + area_index % 100,
                 'A' + (int)((k / 80) / 26 % 26), 'A' + (int)((k / 80) % 26));
        sqlite3_bind_text(ins, 1, postcode, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(ins, 2, 1 + k % 80);
        sqlite3_bind_text(ins, 3, k % 17 == 5 ? "A" : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, streets[street], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, "Almelo", -1, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, area_id);
        int rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        if (rc != SQLITE_DONE)
            return false;
        (*total)++;
    }
    return true;
}

/* The wijk or dorp of each household, to match vouchers with initiatives. */
static void load_homes(struct db *db, struct collector *c)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT coalesce(a.parent_id, a.id) FROM households h "
                                     "JOIN areas a ON a.id = h.area_id WHERE h.id = ?");
    for (size_t i = 0; s && i < c->count; i++) {
        sqlite3_bind_int64(s, 1, c->items[i].household_id);
        if (sqlite3_step(s) == SQLITE_ROW)
            c->items[i].home_area = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
    }
}

static bool set_state(struct db *db, int64_t id, const char *from, const char *to, time_t at,
                      const char *reason)
{
    sqlite3_stmt *s = db_prepare(db, "UPDATE initiatives SET state = ? WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok && audit_state_change(db, at, "demo", id, from, to, reason);
}

/* Donates vouchers of `pool` to one initiative at times spread over [from, to). Stops after
 * `count` donations, or when the initiative is funded if count < 0. */
static long donate_some(struct db *db, const unsigned char *secret, struct collector *pool,
                        const struct demo_initiative *in, long count, time_t from, time_t to)
{
    long done = 0;
    if (to <= from)
        return 0;
    size_t start = rng((unsigned)pool->count);
    for (size_t k = 0; k < pool->count && (count < 0 || done < count); k++) {
        struct demo_voucher *v = &pool->items[(start + k) % pool->count];
        if (v->used || (in->home_area && v->home_area != in->home_area))
            continue;
        long steps = count > 0 ? count : in->vouchers + 10;
        time_t at = from + (time_t)((double)(to - from) * (double)(done + 1) / (double)(steps + 1));
        enum voucher_status vs;
        struct voucher_info info;
        struct receipt r;
        enum donate_status st =
            ledger_donate(db, secret, v->code, in->id, at, "demo", &vs, &info, &r);
        if (st != DONATE_OK)
            break;
        v->used = true;
        done++;
        if (r.funded && count < 0)
            break;
    }
    return done;
}

static time_t max_t(time_t a, time_t b)
{
    return a > b ? a : b;
}
static time_t min_t(time_t a, time_t b)
{
    return a < b ? a : b;
}

bool demo_generate(struct db *db, const unsigned char secret[SECRET_BYTES], time_t now,
                   struct demo_result *result, char *err, size_t err_size)
{
    memset(result, 0, sizeof *result);
    struct demo_initiative *ins = NULL;
    size_t nins = 0;
    struct collector prev = {.db = db}, cur = {.db = db};
    bool ok = false;

    /* 1. What demo.sql shows, before its cached totals are replaced by real donations. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT i.id, coalesce(a.parent_id, a.id, 0), i.state, i.voucher_count, "
            "i.published_at, i.deadline, i.planned_date FROM initiatives i "
            "LEFT JOIN areas a ON a.id = i.area_id WHERE i.published_at IS NOT NULL ORDER BY i.id");
    if (!s)
        goto out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        ins = xrealloc(ins, (nins + 1) * sizeof *ins);
        struct demo_initiative *in = &ins[nins++];
        in->id = sqlite3_column_int64(s, 0);
        in->home_area = sqlite3_column_int64(s, 1);
        snprintf(in->state, sizeof in->state, "%s", (const char *)sqlite3_column_text(s, 2));
        in->vouchers = sqlite3_column_int64(s, 3);
        in->published = parse_utc((const char *)sqlite3_column_text(s, 4));
        in->deadline = parse_utc((const char *)sqlite3_column_text(s, 5));
        in->planned = parse_utc((const char *)sqlite3_column_text(s, 6));
    }
    sqlite3_reset(s);

    /* 2. Two rounds: the previous one (closed) and the current one. */
    time_t prev_open = now - 300 * DAY, prev_close = now - 150 * DAY;
    time_t cur_open = now - 60 * DAY, cur_close = now + 45 * DAY;
    int64_t prev_id, cur_id;
    char name[64];
    struct tm tm;
    localtime_r(&prev_open, &tm);
    snprintf(name, sizeof name, "%s %d", tm.tm_mon < 6 ? "Voorjaar" : "Najaar", tm.tm_year + 1900);
    if (round_add(db, name, prev_open, prev_close, 750, &prev_id) != ROUND_OK)
        goto out;
    localtime_r(&cur_open, &tm);
    snprintf(name, sizeof name, "%s %d", tm.tm_mon < 6 ? "Voorjaar" : "Najaar", tm.tm_year + 1900);
    if (round_add(db, name, cur_open, cur_close, 750, &cur_id) != ROUND_OK) {
        strcat(name, " (2)");
        if (round_add(db, name, cur_open, cur_close, 750, &cur_id) != ROUND_OK)
            goto out;
    }
    /* A deadline never lies beyond the round whose codes pay for it. */
    for (size_t i = 0; i < nins; i++) {
        if (ins[i].deadline != (time_t)-1 && ins[i].deadline > cur_close) {
            ins[i].deadline = cur_close;
            char t[20];
            utc_text(cur_close, t);
            sqlite3_stmt *p = db_prepare(db, "UPDATE initiatives SET deadline = ? WHERE id = ?");
            if (!p)
                goto out;
            sqlite3_bind_text(p, 1, t, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(p, 2, ins[i].id);
            sqlite3_step(p);
            sqlite3_reset(p);
        }
    }

    /* 3. Households: enough in each wijk and dorp for its initiatives, plus spare ones. */
    if (!db_begin(db))
        goto out;
    sqlite3_stmt *areas = NULL;
    if (sqlite3_prepare_v2(db_handle(db),
                           "SELECT a.id, (SELECT min(b.id) FROM areas b WHERE b.parent_id = a.id) "
                           "FROM areas a WHERE a.parent_id IS NULL ORDER BY a.id",
                           -1, &areas, NULL) != SQLITE_OK)
        goto out;
    long citywide = 0;
    for (size_t i = 0; i < nins; i++)
        if (!ins[i].home_area)
            citywide += ins[i].vouchers + 20;
    int area_index = 0;
    while (sqlite3_step(areas) == SQLITE_ROW) {
        int64_t area = sqlite3_column_int64(areas, 0), buurt = sqlite3_column_int64(areas, 1);
        long need = 0;
        for (size_t i = 0; i < nins; i++)
            if (ins[i].home_area == area)
                need += ins[i].vouchers + 20;
        long count = need + citywide / 10 + 60;
        if (buurt) {
            add_households(db, area, area_index, count / 2, &result->households);
            add_households(db, buurt, area_index + 20, count - count / 2, &result->households);
        } else {
            add_households(db, area, area_index, count, &result->households);
        }
        area_index++;
    }
    sqlite3_finalize(areas);
    if (!db_commit(db))
        goto out;

    /* 4. Vouchers for both rounds; the codes stay in memory for the donations below. */
    struct issue_sink sink = {.ctx = &prev, .letter = collect};
    if (vouchers_issue(db, secret, prev_id, prev_open - DAY, &sink, err, err_size) < 0)
        goto out;
    sink.ctx = &cur;
    if (vouchers_issue(db, secret, cur_id, cur_open - DAY, &sink, err, err_size) < 0)
        goto out;
    load_homes(db, &prev);
    load_homes(db, &cur);
    result->vouchers = (long)(prev.count + cur.count);

    /* 5. Every public initiative starts open, with an audited state. */
    if (!db_begin(db) ||
        !db_exec(db, "UPDATE initiatives SET raised_cents = 0, voucher_count = 0, "
                     "state = 'open' WHERE published_at IS NOT NULL"))
        goto out;
    for (size_t i = 0; i < nins; i++) {
        struct demo_initiative *in = &ins[i];
        if (!strcmp(in->state, "uitgevoerd")) {
            in->published = prev_open + 10 * DAY; /* funded in the previous round */
            char t[20];
            utc_text(in->published, t);
            sqlite3_stmt *p = db_prepare(
                db, "UPDATE initiatives SET published_at = ?, deadline = NULL WHERE id = ?");
            sqlite3_bind_text(p, 1, t, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(p, 2, in->id);
            sqlite3_step(p);
            sqlite3_reset(p);
        }
        if (!audit_state_change(db, in->published, "demo", in->id, "ingediend", "open",
                                "goedgekeurd"))
            goto out;
    }
    if (!db_commit(db))
        goto out;

    /* 6. Donations, initiative by initiative, in time order within each. */
    for (size_t i = 0; i < nins; i++) {
        struct demo_initiative *in = &ins[i];
        time_t end = in->deadline != (time_t)-1 ? min_t(in->deadline, now - 3600) : now - 3600;
        if (!strcmp(in->state, "open")) {
            result->donations += donate_some(db, secret, &cur, in, in->vouchers,
                                             max_t(in->published, cur_open), end);
        } else if (!strcmp(in->state, "gefinancierd")) {
            result->donations += donate_some(db, secret, &cur, in, -1,
                                             max_t(in->published, cur_open), end);
        } else if (!strcmp(in->state, "uitgevoerd")) {
            result->donations += donate_some(db, secret, &prev, in, -1, in->published,
                                             prev_close - DAY);
            time_t done_at = min_t(prev_close + 20 * DAY, now - DAY);
            if (!db_begin(db) ||
                !set_state(db, in->id, "gefinancierd", "uitgevoerd", done_at, "uitgevoerd") ||
                !db_commit(db))
                goto out;
        } else if (!strcmp(in->state, "niet_gehaald") || !strcmp(in->state, "ingetrokken")) {
            bool withdrawn = !strcmp(in->state, "ingetrokken");
            time_t stop = withdrawn ? now - 5 * DAY : end;
            result->donations += donate_some(db, secret, &cur, in, 8,
                                             max_t(in->published, cur_open), stop);
            if (!db_begin(db) || ledger_release_initiative(db, in->id, stop, "demo") < 0 ||
                !set_state(db, in->id, "open", in->state, stop,
                           withdrawn ? "ingetrokken door de initiatiefnemer"
                                     : "deadline verstreken") ||
                !db_commit(db))
                goto out;
            for (size_t k = 0; k < cur.count; k++) /* released: usable again */
                cur.items[k].used = false;
            sqlite3_stmt *u = db_prepare(
                db, "SELECT v.id FROM vouchers v WHERE v.round_id = ? AND EXISTS (SELECT 1 FROM "
                    "ledger d WHERE d.voucher_id = v.id AND d.kind = 'donation' AND NOT EXISTS "
                    "(SELECT 1 FROM ledger x WHERE x.reverses_id = d.id))");
            sqlite3_bind_int64(u, 1, cur_id);
            while (sqlite3_step(u) == SQLITE_ROW) {
                int64_t vid = sqlite3_column_int64(u, 0);
                for (size_t k = 0; k < cur.count; k++)
                    if (cur.items[k].voucher_id == vid)
                        cur.items[k].used = true;
            }
            sqlite3_reset(u);
        }
    }

    /* 7. A few codes to try: unused ones from different areas, and one used one. */
    int64_t last_area = -1;
    for (size_t k = 0; k < cur.count && result->ncodes < DEMO_CODES; k++) {
        struct demo_voucher *v = &cur.items[(k * 97) % cur.count];
        if (v->used || v->home_area == last_area)
            continue;
        last_area = v->home_area;
        struct demo_code *c = &result->codes[result->ncodes++];
        snprintf(c->code, sizeof c->code, "%s", v->code);
        sqlite3_stmt *h = db_prepare(
            db, "SELECT a.name, h.postcode, h.house_number, h.addition FROM households h "
                "JOIN areas a ON a.id = coalesce((SELECT parent_id FROM areas WHERE id = h.area_id), "
                "h.area_id) WHERE h.id = ?");
        sqlite3_bind_int64(h, 1, v->household_id);
        if (sqlite3_step(h) == SQLITE_ROW) {
            char hn[24];
            house_number_format(sqlite3_column_int64(h, 2), (const char *)sqlite3_column_text(h, 3),
                                hn);
            snprintf(c->area, sizeof c->area, "%s", (const char *)sqlite3_column_text(h, 0));
            snprintf(c->address, sizeof c->address, "%s %s",
                     (const char *)sqlite3_column_text(h, 1), hn);
        }
        sqlite3_reset(h);
    }
    for (size_t k = 0; k < cur.count; k++) {
        if (cur.items[k].used) {
            struct demo_code *c = &result->codes[result->ncodes++];
            snprintf(c->code, sizeof c->code, "%s", cur.items[k].code);
            c->used = true;
            break;
        }
    }
    ok = true;
out:
    if (!ok) {
        db_rollback(db);
        if (!*err)
            snprintf(err, err_size, "generating the demo ledger failed: %s",
                     sqlite3_errmsg(db_handle(db)));
    }
    free(ins);
    free(prev.items);
    free(cur.items);
    return ok;
}
