/* Reports and exports: round and area figures against independent SQL, donations per local
 * day, and the CSV, JSON and XLSX exports (BOM, separators, decimal marks, neutralised
 * formulas, no voucher codes, totals equal to the ledger, real numbers in the sheet). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <unistd.h>

#include "ledger_fixture.h"
#include "domain/reports.h"
#include "util/buf.h"
#include "util/log.h"

#define LATE              (T0 + DAY_S + 55800) /* 2027-01-16 23:30 UTC: the 17th in Amsterdam */
#define HYPERLINK_PARTNER "=HYPERLINK(\"http://evil.example/\",\"klik\")"

struct world {
    struct fixture f;
    int64_t in_a, in_b, city, in_buurt, gone_before, gone_during;
};

static int64_t sql_int(struct db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t sql_int(struct db *db, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static int64_t home_area(struct world *w, size_t k)
{
    return sql_int(w->f.db, "SELECT area_id FROM households WHERE id = %lld",
                   (long long)w->f.vouchers[k].household_id);
}

static void donate(struct world *w, size_t k, int64_t initiative, time_t at)
{
    enum voucher_status vs;
    struct voucher_info info;
    struct receipt r;
    assert_int_equal(ledger_donate(w->f.db, w->f.secret, w->f.vouchers[k].code, initiative, at, "t",
                                   &vs, &info, &r),
                     DONATE_OK);
}

/* Twelve households in wijk A (1), its buurt A1 (3) and wijk B (2); round R1 with a voucher
 * each. Vouchers 0–7 go to their own wijk's initiative (one late in the evening), 8 and 9 fund
 * the city-wide one; B's donations are released and one voucher given again; 10 and 11 stay
 * unused. A partner adds to A and to A1's initiative (which took no donation), the
 * municipality pays the city-wide one. Two initiatives ended unfunded: one before R1, one
 * during it. */
static void world_open(struct world *w)
{
    assert_true(fixture_open(&w->f, ":memory:", 12));
    struct db *db = w->f.db;
    w->in_a = fixture_initiative(&w->f, 1, 200000);
    w->in_b = fixture_initiative(&w->f, 2, 100000);
    w->city = fixture_initiative(&w->f, 0, 1500);
    w->in_buurt = fixture_initiative(&w->f, 3, 5000);
    w->gone_before = fixture_initiative(&w->f, 2, 5000);
    w->gone_during = fixture_initiative(&w->f, 1, 5000);
    char sql[1024];
    snprintf(sql, sizeof sql,
             "UPDATE initiatives SET title = 'Speeltuin A' WHERE id = %lld; "
             "UPDATE initiatives SET title = 'Bankjes B' WHERE id = %lld; "
             "UPDATE initiatives SET title = 'Stadsfeest' WHERE id = %lld; "
             "UPDATE initiatives SET state = 'niet_gehaald' WHERE id IN (%lld, %lld)",
             (long long)w->in_a, (long long)w->in_b, (long long)w->city, (long long)w->gone_before,
             (long long)w->gone_during);
    assert_true(db_exec(db, sql));
    assert_true(audit_state_change(db, T0 - 5 * DAY_S, "test", w->gone_before, "open",
                                   "niet_gehaald", "test"));
    assert_true(audit_state_change(db, T0 + 2 * DAY_S, "test", w->gone_during, "open",
                                   "niet_gehaald", "test"));

    time_t now = T0 + DAY_S;
    size_t late = 0; /* the last of 0–7 that goes to A, so that its donation stands */
    for (size_t k = 0; k < 8; k++)
        if (home_area(w, k) != 2)
            late = k;
    for (size_t k = 0; k < 8; k++)
        donate(w, k, home_area(w, k) == 2 ? w->in_b : w->in_a, k == late ? LATE : now);
    donate(w, 8, w->city, now);
    donate(w, 9, w->city, now);
    assert_true(db_begin(db));
    assert_true(ledger_release_initiative(db, w->in_b, now + 10, "t") > 0);
    assert_true(db_commit(db));
    for (size_t k = 0; k < 8; k++) {
        if (home_area(w, k) == 2) {
            donate(w, k, w->in_b, now + 20);
            break;
        }
    }
    snprintf(sql, sizeof sql,
             "INSERT INTO ledger(at, kind, initiative_id, amount_cents, partner, actor) VALUES "
             "('2027-01-20 10:00:00', 'contribution', %lld, 125050, 'Woonstede', 't'), "
             "('2027-01-20 11:00:00', 'contribution', %lld, 2000, '%s', 't'); "
             "INSERT INTO ledger(at, kind, initiative_id, amount_cents, reference, actor) VALUES "
             "('2027-01-21 10:00:00', 'payout', %lld, 1500, 'BETAAL-1', 't'); "
             "UPDATE initiatives SET raised_cents = raised_cents + 125050 WHERE id = %lld; "
             "UPDATE initiatives SET raised_cents = raised_cents + 2000 WHERE id = %lld",
             (long long)w->in_a, (long long)w->in_buurt, HYPERLINK_PARTNER, (long long)w->city,
             (long long)w->in_a, (long long)w->in_buurt);
    assert_true(db_exec(db, sql));
    assert_int_equal(fixture_verify(&w->f), 0); /* the world itself is consistent */
}

static void world_close(struct world *w)
{
    fixture_close(&w->f);
}

/* Standing donations of the round's vouchers, by an independent query. */
#define STANDING                                                                                   \
    "FROM ledger d WHERE d.kind = 'donation' AND d.voucher_id IN (SELECT id FROM vouchers "        \
    "WHERE round_id = %lld) AND d.id NOT IN (SELECT reverses_id FROM ledger "                      \
    "WHERE reverses_id IS NOT NULL)"

/* A moment after both rounds of the fixture: every figure as it ends up. */
#define LATER (T0 + 400 * DAY_S)

static json_int_t field(json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    assert_non_null(v);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

/* A round still to come counts no initiative yet, whatever is open now; a round that ends
 * at local midnight has the day before as its last. */
static void rounds_to_come_and_last_days(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct db *db = w.f.db;
    /* Midsummer's round: 1 January to 30 June 2028, Amsterdam time. */
    assert_true(db_exec(db, "INSERT INTO rounds(name, opens_at, closes_at, voucher_cents) VALUES "
                            "('R3', '2027-12-31 23:00:00', '2028-06-30 22:00:00', 750)"));
    time_t before_r2 = T0 + 150 * DAY_S;
    json_t *rounds = report_rounds(db, 0, before_r2);
    assert_int_equal(json_array_size(rounds), 3);
    json_t *r2 = json_array_get(rounds, 1), *r3 = json_array_get(rounds, 2);
    assert_int_equal(field(r2, "round_id"), w.f.round2);
    assert_int_equal(field(r2, "open") + field(r2, "funded") + field(r2, "carried_out") +
                         field(r2, "not_reached"),
                     0);
    assert_int_equal(field(r3, "open"), 0);
    assert_string_equal(json_string_value(json_object_get(r3, "first_day")), "2028-01-01");
    assert_string_equal(json_string_value(json_object_get(r3, "last_day")), "2028-06-30");
    /* R1 has begun and ended by then: the same as ever after. */
    json_t *later = report_rounds(db, w.f.round1, LATER);
    assert_true(json_equal(json_array_get(rounds, 0), json_array_get(later, 0)));
    json_decref(later);
    json_decref(rounds);
    /* Once R2 has opened, what is open takes part in it. */
    rounds = report_rounds(db, w.f.round2, T0 + 201 * DAY_S);
    assert_int_equal(field(json_array_get(rounds, 0), "open"), 3);
    json_decref(rounds);
    json_t *areas = report_areas(db, w.f.round2, 0, before_r2);
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a) assert_int_equal(field(a, "open"), 0);
    json_decref(areas);
    /* The initiatives export of a round to come lists none. */
    size_t len = 0;
    struct export_options opt = {.kind = EXPORT_INITIATIVES,
                                 .format = EXPORT_JSON,
                                 .round_id = w.f.round2,
                                 .now = before_r2};
    char *text = NULL;
    FILE *out = open_memstream(&text, &len);
    char err[200];
    assert_true(export_write(db, &opt, out, NULL, err, sizeof err));
    fclose(out);
    json_error_t error;
    json_t *none = json_loadb(text, len, 0, &error);
    assert_true(json_is_array(none));
    assert_int_equal(json_array_size(none), 0);
    json_decref(none);
    free(text);
    world_close(&w);
}

static void round_figures_match_the_ledger(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct db *db = w.f.db;
    long long r1 = (long long)w.f.round1;
    json_t *rounds = report_rounds(db, 0, LATER);
    assert_non_null(rounds);
    assert_int_equal(json_array_size(rounds), 2);
    json_t *r = json_array_get(rounds, 0);
    assert_int_equal(field(r, "round_id"), w.f.round1);
    assert_string_equal(json_string_value(json_object_get(r, "round_name")), "R1");
    assert_int_equal(field(r, "households"), 12);
    int64_t issued = sql_int(db,
                             "SELECT count(*) FROM vouchers WHERE round_id = %lld AND "
                             "voided_at IS NULL",
                             r1);
    int64_t donated = sql_int(db, "SELECT count(*) " STANDING, r1);
    int64_t cents = sql_int(db, "SELECT sum(d.amount_cents) " STANDING, r1);
    assert_int_equal(issued, 12);
    int64_t released = sql_int(db, "SELECT count(*) FROM ledger WHERE kind = 'release'");
    assert_true(released > 0);
    assert_int_equal(donated, 8 - released + 1 + 2);
    assert_int_equal(field(r, "issued"), issued);
    assert_int_equal(field(r, "donated"), donated);
    assert_int_equal(field(r, "donated_cents"), cents);
    assert_int_equal(field(r, "participation_permille"), donated * 1000 / issued);
    /* A1's initiative took no donation of R1: its partner's money is not R1's. */
    assert_int_equal(field(r, "contributed_cents"), 125050);
    assert_int_equal(field(r, "paid_out_cents"), 1500);
    /* open: A, B, A1 (open during R1); funded: city; not reached: only the one during R1. */
    assert_int_equal(field(r, "open"), 3);
    assert_int_equal(field(r, "funded"), 1);
    assert_int_equal(field(r, "carried_out"), 0);
    assert_int_equal(field(r, "not_reached"), 1);
    /* R2 has no vouchers; the city-wide one was funded before it opened. */
    json_t *r2 = json_array_get(rounds, 1);
    assert_int_equal(field(r2, "round_id"), w.f.round2);
    assert_int_equal(field(r2, "issued"), 0);
    assert_int_equal(field(r2, "participation_permille"), 0);
    assert_int_equal(field(r2, "contributed_cents"), 0);
    assert_int_equal(field(r2, "open"), 3);
    assert_int_equal(field(r2, "funded"), 0);
    assert_int_equal(field(r2, "not_reached"), 0);
    json_t *one = report_rounds(db, w.f.round1, LATER);
    assert_int_equal(json_array_size(one), 1);
    assert_true(json_equal(json_array_get(one, 0), r));
    json_decref(one);
    one = report_rounds(db, 999, LATER);
    assert_int_equal(json_array_size(one), 0);
    json_decref(one);

    /* Areas: A with its buurt, and B; households, issued and donated add up to the round's. */
    json_t *areas = report_areas(db, w.f.round1, 0, LATER);
    assert_int_equal(json_array_size(areas), 2);
    json_int_t sum_issued = 0, sum_donated = 0, sum_cents = 0;
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a)
    {
        json_int_t id = field(a, "area_id");
        char in_area[160];
        snprintf(in_area, sizeof in_area,
                 "(SELECT id FROM households WHERE area_id IN (SELECT id FROM areas "
                 "WHERE id = %lld OR parent_id = %lld))",
                 (long long)id, (long long)id);
        assert_int_equal(field(a, "households"),
                         sql_int(db, "SELECT count(*) FROM households WHERE id IN %s", in_area));
        assert_int_equal(field(a, "issued"),
                         sql_int(db,
                                 "SELECT count(*) FROM vouchers WHERE round_id = %lld "
                                 "AND household_id IN %s",
                                 r1, in_area));
        assert_int_equal(field(a, "donated"),
                         sql_int(db,
                                 "SELECT count(*) " STANDING " AND d.voucher_id IN (SELECT "
                                 "id FROM vouchers WHERE household_id IN %s)",
                                 r1, in_area));
        assert_int_equal(field(a, "donated_cents"),
                         sql_int(db,
                                 "SELECT coalesce(sum(d.amount_cents), 0) " STANDING
                                 " AND d.voucher_id IN (SELECT id FROM vouchers WHERE "
                                 "household_id IN %s)",
                                 r1, in_area));
        sum_issued += field(a, "issued");
        sum_donated += field(a, "donated");
        sum_cents += field(a, "donated_cents");
        if (id == 1) {
            assert_string_equal(json_string_value(json_object_get(a, "area")), "A");
            assert_int_equal(field(a, "households"), 8);
            assert_int_equal(field(a, "contributed_cents"), 125050);
            assert_int_equal(field(a, "open"), 2); /* A and A1's */
            assert_int_equal(field(a, "not_reached"), 1);
            assert_int_equal(field(a, "funded"), 0); /* the city-wide one is in no area */
        } else {
            assert_int_equal(id, 2);
            assert_int_equal(field(a, "open"), 1);
            assert_int_equal(field(a, "not_reached"), 0); /* ended before R1 */
            assert_int_equal(field(a, "paid_out_cents"), 0);
        }
    }
    assert_int_equal(sum_issued, issued);
    assert_int_equal(sum_donated, donated);
    assert_int_equal(sum_cents, cents);
    json_decref(areas);
    areas = report_areas(db, w.f.round1, 2, LATER);
    assert_int_equal(json_array_size(areas), 1);
    assert_int_equal(field(json_array_get(areas, 0), "area_id"), 2);
    json_decref(areas);
    /* Every round together: every contribution counts. */
    areas = report_areas(db, 0, 1, LATER);
    assert_int_equal(field(json_array_get(areas, 0), "contributed_cents"), 125050 + 2000);
    json_decref(areas);

    /* Donations per local day: voucher 7 was given at 23:30 UTC, the 17th in Amsterdam. */
    json_t *days = report_donations_per_day(db, w.f.round1, 0);
    assert_int_equal(json_array_size(days), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(days, 0), "day")),
                        "2027-01-16");
    json_t *late = json_array_get(days, 1);
    assert_string_equal(json_string_value(json_object_get(late, "day")), "2027-01-17");
    assert_int_equal(field(late, "vouchers"), 1);
    assert_int_equal(field(late, "cents"), 750);
    assert_int_equal(field(json_array_get(days, 0), "vouchers") + 1, donated);
    assert_int_equal(field(json_array_get(days, 0), "cents") + 750, cents);
    json_decref(days);
    days = report_donations_per_day(db, w.f.round1, 2);
    json_int_t b_vouchers = 0;
    json_array_foreach(days, i, a)
    {
        b_vouchers += field(a, "vouchers");
    }
    assert_int_equal(b_vouchers, sql_int(db,
                                         "SELECT count(*) " STANDING " AND d.voucher_id IN "
                                         "(SELECT v.id FROM vouchers v JOIN households h ON "
                                         "h.id = v.household_id WHERE h.area_id = 2)",
                                         r1));
    json_decref(days);
    json_decref(rounds);
    world_close(&w);
}

/* Runs an export into memory; the result is NUL-terminated, to free. */
static char *export_to_memory(struct db *db, enum export_kind kind, enum export_format format,
                              int64_t round_id, char sep, size_t *len)
{
    char *data = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&data, &size);
    assert_non_null(out);
    struct export_options opt = {
        .kind = kind, .format = format, .round_id = round_id, .sep = sep, .now = LATER};
    char err[256];
    bool ok = export_write(db, &opt, out, NULL, err, sizeof err);
    if (!ok)
        fprintf(stderr, "export: %s\n", err);
    assert_true(ok);
    assert_int_equal(fclose(out), 0);
    if (len)
        *len = size;
    return data;
}

static void assert_no_voucher_codes(struct world *w, const char *text)
{
    for (size_t k = 0; k < w->f.nvouchers; k++) {
        char plain[CODE_DISPLAY], *p = plain;
        for (const char *c = w->f.vouchers[k].code; *c; c++)
            if (*c != '-')
                *p++ = *c;
        *p = '\0';
        assert_null(strstr(text, w->f.vouchers[k].code));
        assert_null(strstr(text, plain));
    }
}

static void assert_starts(const char *text, const char *prefix)
{
    if (strncmp(text, prefix, strlen(prefix)) != 0)
        fail_msg("expected '%s' at the start of '%.200s'", prefix, text);
}

static void csv_exports(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct db *db = w.f.db;
    long long r1 = (long long)w.f.round1;
    int64_t cents = sql_int(db, "SELECT sum(d.amount_cents) " STANDING, r1);
    char expect[256];

    char *csv = export_to_memory(db, EXPORT_TOTALS, EXPORT_CSV, 0, 0, NULL);
    assert_memory_equal(csv, "\xef\xbb\xbf", 3);
    assert_starts(csv + 3, "ronde;naam;eerste_dag;tot_en_met;huishoudens;uitgegeven;gedoneerd;"
                           "deelname_pct;gedoneerd_bedrag;bijdragen;uitbetaald;open;"
                           "gefinancierd;uitgevoerd;niet_gehaald\r\n");
    /* R1 runs from 2027-01-15 08:00 UTC to 2027-04-25 08:00 UTC (exclusive): its days. */
    snprintf(expect, sizeof expect, "\r\n%lld;R1;2027-01-15;2027-04-25;", r1);
    assert_non_null(strstr(csv, expect));
    snprintf(expect, sizeof expect, ";%lld,%02lld;1250,50;15,00;3;1;0;1\r\n",
             (long long)(cents / 100), (long long)(cents % 100));
    assert_non_null(strstr(csv, expect));
    free(csv);

    /* With ',' the decimal mark is a point, so the file stays parseable. */
    csv = export_to_memory(db, EXPORT_TOTALS, EXPORT_CSV, 0, ',', NULL);
    assert_starts(csv + 3, "ronde,naam,eerste_dag,tot_en_met,");
    assert_non_null(strstr(csv, ",1250.50,15.00,"));
    assert_null(strstr(csv, ";"));
    free(csv);

    csv = export_to_memory(db, EXPORT_AREAS, EXPORT_CSV, w.f.round1, 0, NULL);
    assert_starts(csv + 3, "ronde;rondenaam;gebied_id;gebied;huishoudens;");
    snprintf(expect, sizeof expect, "\r\n%lld;R1;1;A;8;8;", r1);
    assert_non_null(strstr(csv, expect));
    free(csv);

    csv = export_to_memory(db, EXPORT_INITIATIVES, EXPORT_CSV, 0, 0, NULL);
    assert_starts(csv + 3, "id;titel;gebied;status;streefbedrag;totaal;vouchers;"
                           "bijdragen;uitbetaald;gepubliceerd;deadline;helpers;vragen;aanbod;"
                           "gedekt\r\n");
    snprintf(expect, sizeof expect,
             "\r\n%lld;Stadsfeest;Gemeentebreed;gefinancierd;15,00;15,00;"
             "2;0,00;15,00;2027-01-01 01:00;;0;0;0;0,00\r\n",
             (long long)w.city);
    assert_non_null(strstr(csv, expect));
    assert_null(strstr(csv, "example.org")); /* the initiator's e-mail stays private */
    free(csv);

    csv = export_to_memory(db, EXPORT_LEDGER, EXPORT_CSV, 0, 0, NULL);
    assert_starts(csv + 3, "id;tijdstip;soort;initiatief_id;initiatief;ronde;rondenaam;"
                           "bedrag;partner;referentie\r\n");
    assert_no_voucher_codes(&w, csv);
    /* The partner's formula is neutralised, never a cell that starts with '='. */
    assert_non_null(strstr(csv, ";\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"klik\"\")\";"));
    assert_null(strstr(csv, ";=HYPERLINK"));
    assert_non_null(strstr(csv, ";bijdrage;"));
    assert_non_null(strstr(csv, ";1250,50;Woonstede;\r\n"));
    assert_non_null(strstr(csv, ";uitbetaling;"));
    assert_non_null(strstr(csv, ";15,00;;BETAAL-1\r\n"));
    /* A release is a negative number, not text. */
    snprintf(expect, sizeof expect, ";vrijgave;%lld;Bankjes B;%lld;R1;-7,50;;\r\n",
             (long long)w.in_b, r1);
    assert_non_null(strstr(csv, expect));
    /* Local time: voucher 7 at 23:30 UTC. */
    assert_non_null(strstr(csv, ";2027-01-17 00:30;donatie;"));
    int lines = 0;
    for (const char *p = csv; (p = strstr(p, "\r\n")); p += 2)
        lines++;
    assert_int_equal(lines, 1 + sql_int(db, "SELECT count(*) FROM ledger"));
    free(csv);

    /* One round: its vouchers' rows and the money of initiatives that took its donations;
     * A1's partner gave to an initiative without any. */
    csv = export_to_memory(db, EXPORT_LEDGER, EXPORT_CSV, w.f.round1, 0, NULL);
    assert_non_null(strstr(csv, "Woonstede"));
    assert_non_null(strstr(csv, "BETAAL-1"));
    assert_null(strstr(csv, "HYPERLINK"));
    free(csv);
    world_close(&w);
}

static void json_exports(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct db *db = w.f.db;
    size_t len;
    char *text = export_to_memory(db, EXPORT_LEDGER, EXPORT_JSON, 0, 0, &len);
    assert_no_voucher_codes(&w, text);
    json_error_t error;
    json_t *rows = json_loadb(text, len, 0, &error);
    assert_non_null(rows);
    assert_true(json_is_array(rows));
    assert_int_equal(json_array_size(rows), sql_int(db, "SELECT count(*) FROM ledger"));
    /* Each initiative's total from the export equals its total in the ledger. */
    size_t i;
    json_t *row;
    json_int_t totals[16] = {0};
    json_array_foreach(rows, i, row)
    {
        assert_null(json_object_get(row, "voucher_id"));
        assert_null(json_object_get(row, "household_id"));
        const char *at = json_string_value(json_object_get(row, "at"));
        assert_int_equal(strlen(at), 20);
        assert_int_equal(at[19], 'Z');
        json_int_t id = field(row, "initiative_id");
        assert_true(id > 0 && id < 16);
        if (strcmp(json_string_value(json_object_get(row, "kind")), "payout") != 0)
            totals[id] += field(row, "amount_cents");
    }
    for (int64_t id = 1; id < 16; id++)
        assert_int_equal(totals[id], sql_int(db,
                                             "SELECT coalesce(sum(amount_cents), 0) FROM "
                                             "ledger WHERE initiative_id = %lld AND kind <> "
                                             "'payout'",
                                             (long long)id));
    json_decref(rows);
    free(text);

    text = export_to_memory(db, EXPORT_TOTALS, EXPORT_JSON, w.f.round1, 0, &len);
    rows = json_loadb(text, len, 0, &error);
    assert_int_equal(json_array_size(rows), 1);
    row = json_array_get(rows, 0);
    assert_int_equal(field(row, "donated_cents"),
                     sql_int(db, "SELECT sum(d.amount_cents) " STANDING, (long long)w.f.round1));
    assert_int_equal(field(row, "contributed_cents"), 125050);
    assert_string_equal(json_string_value(json_object_get(row, "first_day")), "2027-01-15");
    assert_string_equal(json_string_value(json_object_get(row, "last_day")), "2027-04-25");
    json_t *reported = report_rounds(db, w.f.round1, LATER);
    assert_int_equal(field(row, "participation_permille"),
                     field(json_array_get(reported, 0), "participation_permille"));
    json_decref(reported);
    json_decref(rows);
    free(text);

    text = export_to_memory(db, EXPORT_INITIATIVES, EXPORT_JSON, 0, 0, &len);
    rows = json_loadb(text, len, 0, &error);
    assert_int_equal(json_array_size(rows), 6);
    json_array_foreach(rows, i, row)
    {
        assert_null(json_object_get(row, "initiator_email"));
        assert_int_equal(field(row, "total_cents"),
                         sql_int(db,
                                 "SELECT coalesce(sum(amount_cents), 0) FROM ledger "
                                 "WHERE initiative_id = %lld AND kind <> 'payout'",
                                 (long long)field(row, "id")));
    }
    json_decref(rows);
    free(text);

    /* An empty export is still an array. */
    text = export_to_memory(db, EXPORT_AREAS, EXPORT_JSON, w.f.round2, 0, &len);
    rows = json_loadb(text, len, 0, &error);
    assert_int_equal(json_array_size(rows), 2);
    assert_int_equal(field(json_array_get(rows, 0), "round_id"), w.f.round2);
    json_decref(rows);
    free(text);
    world_close(&w);
}

/* The first worksheet's XML of an XLSX file, through unzip. */
static char *sheet_xml(const char *path)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_append(&b, chunk, n);
    assert_int_equal(pclose(p), 0);
    return buf_detach(&b);
}

static void write_xlsx(struct db *db, enum export_kind kind, const char *path)
{
    struct export_options opt = {.kind = kind, .format = EXPORT_XLSX, .now = LATER};
    char err[256];
    bool ok = export_write(db, &opt, NULL, path, err, sizeof err);
    if (!ok)
        fprintf(stderr, "export: %s\n", err);
    assert_true(ok);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char magic[2] = {0};
    assert_int_equal(fread(magic, 1, 2, f), 2);
    fclose(f);
    assert_memory_equal(magic, "PK", 2);
}

static void xlsx_exports(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct db *db = w.f.db;
    char path[] = "/tmp/test_reports_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);

    write_xlsx(db, EXPORT_TOTALS, path);
    char *xml = sheet_xml(path);
    assert_non_null(strstr(xml, "<t>ronde</t>"));
    assert_non_null(strstr(xml, "<t>gedoneerd_bedrag</t>"));
    assert_non_null(strstr(xml, "<v>12</v>"));        /* issued: a number cell */
    assert_non_null(strstr(xml, "<v>1250.5</v>"));    /* contributed, in euros */
    assert_non_null(strstr(xml, "<v>46402</v>"));     /* the first day, 2027-01-15 */
    assert_non_null(strstr(xml, "<cols>"));           /* column widths */
    free(xml);

    write_xlsx(db, EXPORT_LEDGER, path);
    xml = sheet_xml(path);
    assert_non_null(strstr(xml, "<t>BETAAL-1</t>"));
    assert_non_null(strstr(xml, "<v>-7.5</v>"));
    /* The partner's text is a string cell, never a formula. */
    assert_non_null(strstr(xml, "<t>=HYPERLINK("));
    assert_null(strstr(xml, "<f>"));
    assert_no_voucher_codes(&w, xml);
    free(xml);
    unlink(path);

    /* Wrong use is refused with a reason. */
    struct export_options opt = {.kind = EXPORT_TOTALS, .format = EXPORT_XLSX};
    char err[256];
    assert_false(export_write(db, &opt, stdout, NULL, err, sizeof err));
    assert_true(err[0]);
    opt = (struct export_options){.kind = EXPORT_LEDGER, .format = EXPORT_CSV, .round_id = 99};
    assert_false(export_write(db, &opt, stdout, NULL, err, sizeof err));
    assert_string_equal(err, "there is no round 99");
    world_close(&w);
}

/* The transparency page's list, the dashboard's areas for a wijkregisseur, the cache key and
 * the download's temporary file. */
static void funded_areas_version_and_download(void **state)
{
    (void)state;
    struct world w;
    world_open(&w);
    struct db *db = w.f.db;

    /* Only the city-wide initiative reached its target, during R1. */
    json_t *funded = report_funded_in_round(db, w.f.round1);
    assert_non_null(funded);
    assert_int_equal(json_array_size(funded), 1);
    json_t *one = json_array_get(funded, 0);
    assert_int_equal(field(one, "id"), w.city);
    assert_string_equal(json_string_value(json_object_get(one, "title")), "Stadsfeest");
    assert_string_equal(json_string_value(json_object_get(one, "area_name")), "Gemeentebreed");
    assert_string_equal(json_string_value(json_object_get(one, "state")), "gefinancierd");
    assert_int_equal(field(one, "raised_cents"), 1500);
    json_decref(funded);
    funded = report_funded_in_round(db, w.f.round2); /* funded before R2 opened */
    assert_int_equal(json_array_size(funded), 0);
    json_decref(funded);
    funded = report_funded_in_round(db, 999);
    assert_int_equal(json_array_size(funded), 0);
    json_decref(funded);

    /* A buurt counts with its wijk; each wijk once. */
    assert_true(db_exec(db, "INSERT INTO users(id, username, display_name, role, password_hash) "
                            "VALUES (7, 'wr', 'wr', 'wijkregisseur', 'x'), "
                            "(8, 'leeg', 'leeg', 'wijkregisseur', 'x'); "
                            "INSERT INTO user_areas(user_id, area_id) VALUES (7, 3), (7, 2), (7, 1)"));
    int64_t ids[4];
    assert_int_equal(report_areas_of_user(db, 7, ids, 4), 2);
    assert_int_equal(ids[0], 1);
    assert_int_equal(ids[1], 2);
    assert_int_equal(report_areas_of_user(db, 7, ids, 1), 1);
    assert_int_equal(report_areas_of_user(db, 8, ids, 4), 0);

    /* The cache key moves with every change. */
    int64_t v = report_data_version(db);
    assert_int_equal(report_data_version(db), v);
    assert_true(db_exec(db, "UPDATE initiatives SET title = 'Stadsfeest!' WHERE title = 'Stadsfeest'"));
    assert_true(report_data_version(db) != v);

    /* The download: a readable, already unlinked file with the whole export. */
    struct export_options opt = {
        .kind = EXPORT_TOTALS, .format = EXPORT_CSV, .sep = ';', .now = LATER};
    int fd = -1;
    size_t len = 0;
    char err[256];
    assert_true(export_write_tmpfile(db, &opt, &fd, &len, err, sizeof err));
    char text[4096];
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    assert_true(got > 0 && (size_t)got == len);
    text[got] = '\0';
    assert_starts(text, "\xef\xbb\xbfronde;naam;eerste_dag;tot_en_met;");
    opt.format = EXPORT_XLSX;
    assert_true(export_write_tmpfile(db, &opt, &fd, &len, err, sizeof err));
    assert_true(read(fd, text, 2) == 2 && memcmp(text, "PK", 2) == 0 && len > 1000);
    close(fd);
    opt.round_id = 999;
    assert_false(export_write_tmpfile(db, &opt, &fd, &len, err, sizeof err));
    assert_string_equal(err, "there is no round 999");
    world_close(&w);
}

static void names_parse(void **state)
{
    (void)state;
    enum export_kind k;
    enum export_format f;
    assert_true(export_kind_parse("totals", &k) && k == EXPORT_TOTALS);
    assert_true(export_kind_parse("areas", &k) && k == EXPORT_AREAS);
    assert_true(export_kind_parse("initiatives", &k) && k == EXPORT_INITIATIVES);
    assert_true(export_kind_parse("ledger", &k) && k == EXPORT_LEDGER);
    assert_false(export_kind_parse("Ledger", &k));
    assert_false(export_kind_parse("", &k));
    assert_true(export_format_parse("csv", &f) && f == EXPORT_CSV);
    assert_true(export_format_parse("xlsx", &f) && f == EXPORT_XLSX);
    assert_true(export_format_parse("json", &f) && f == EXPORT_JSON);
    assert_false(export_format_parse("xls", &f));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_figures_match_the_ledger),
        cmocka_unit_test(rounds_to_come_and_last_days),
        cmocka_unit_test(csv_exports),
        cmocka_unit_test(json_exports),
        cmocka_unit_test(xlsx_exports),
        cmocka_unit_test(funded_areas_version_and_download),
        cmocka_unit_test(names_parse),
    };
    log_set_quiet(1);
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    return cmocka_run_group_tests_name("reports", tests, NULL, NULL);
}
