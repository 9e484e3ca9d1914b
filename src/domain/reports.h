/* Figures for staff and the council: per round and per area, donations per day, and the
 * exports (totals, areas, initiatives, the ledger) as CSV, XLSX or JSON. */
#ifndef BS_REPORTS_H
#define BS_REPORTS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "domain/export.h"

struct db;

/* What the figures count, for one round R (the same rules in every report and export):
 *
 *  households             addresses in the register now, in the area (the register keeps no
 *                         history, so every round shows today's number);
 *  issued                 R's vouchers that are not voided, by the household's area;
 *  donated, donated_cents R's vouchers with a standing donation (one not released or
 *                         returned) and their sum, by the household's area, whatever the
 *                         initiative; participation_permille = donated * 1000 / issued;
 *  contributed_cents,     contribution and payout rows (whenever made) of the initiatives
 *  paid_out_cents         that received a donation of one of R's vouchers — the same
 *                         initiatives whose contributions and payouts `export ledger --round`
 *                         lists; by the initiative's area;
 *  open, funded,          initiatives that took part in R, counted by their state now
 *  carried_out,           (open, gefinancierd, uitgevoerd, niet_gehaald): those that received a
 *  not_reached            donation of R, or were open for donations at some moment of R that
 *                         has come by `now` (R opened, the initiative published before R
 *                         closed and not moved out of 'open' before R opened, by the audit
 *                         log); by the initiative's area. A round still to come has none.
 *
 * By area: a wijk or dorp counts with its buurten. City-wide initiatives belong to no area:
 * they count in the round's figures but in no area's, so the areas' initiative counts and
 * contributions may add up to less than the round's; households, issued and donated always
 * add up. Amounts are int64 cents. Times are UTC 'YYYY-MM-DD HH:MM:SS' as stored. */

/* One object per round, oldest first (round_id 0: every round; else that one, or an empty
 * array when there is none): round_id, round_name, opens_at, closes_at (exclusive),
 * first_day and last_day (the local dates 'YYYY-MM-DD' of its first and last day, the
 * process's TZ), households, issued, donated, participation_permille, donated_cents,
 * contributed_cents, paid_out_cents, open, funded, carried_out, not_reached, as of `now`.
 * NULL on a database error. */
json_t *report_rounds(struct db *db, int64_t round_id, time_t now);

/* One object per top-level area (wijken first, then dorpen, by name; only_area 0: all, else
 * that wijk or dorp): area_id, area, households, issued, donated, participation_permille,
 * donated_cents, contributed_cents, paid_out_cents, open, funded, carried_out, not_reached,
 * for round_id. round_id 0 takes every round together: all vouchers, every contribution and
 * payout, and every initiative ever published. NULL on a database error. */
json_t *report_areas(struct db *db, int64_t round_id, int64_t only_area, time_t now);

/* Standing donations of the round's vouchers (round_id 0: every round) by the local date
 * (the process's TZ) they were made: [{day: "YYYY-MM-DD", vouchers, cents}], days in order,
 * only days with donations. only_area (a wijk or dorp, 0: all) selects by household.
 * The sums equal report_rounds' donated and donated_cents. NULL on a database error. */
json_t *report_donations_per_day(struct db *db, int64_t round_id, int64_t only_area);

/* The initiatives funded during round_id, for the transparency page: those now gefinancierd
 * or uitgevoerd whose move to gefinancierd (by the audit log) falls between the round's
 * opening and closing, by title: id, title, state, raised_cents, state_reason, area_name
 * ("Gemeentebreed" for city-wide). An empty array for an unknown round, NULL on an error. */
json_t *report_funded_in_round(struct db *db, int64_t round_id);
/* The first `limit` of them (limit < 0: all), with in *total (when not NULL) how many there
 * are: a page shows a bounded list and links to the rest. */
json_t *report_funded_in_round_first(struct db *db, int64_t round_id, int limit, int64_t *total);
/* The same from the `offset`th on: the round's own page shows them a page at a time. */
json_t *report_funded_in_round_page(struct db *db, int64_t round_id, int limit, int64_t offset,
                                    int64_t *total);

/* The wijken and dorpen whose figures a wijkregisseur sees: the top-level areas of the
 * areas assigned (a buurt counts with its wijk), at most max ids into ids, smallest first.
 * Returns how many, or -1 on a database error. */
int report_areas_of_user(struct db *db, int64_t user_id, int64_t *ids, int max);

/* A number that changes whenever the figures may have changed (any change to the database,
 * by any connection): the key for caches of reports. */
int64_t report_data_version(struct db *db);

enum export_kind { EXPORT_TOTALS, EXPORT_AREAS, EXPORT_INITIATIVES, EXPORT_LEDGER };

struct export_options {
    enum export_kind kind;
    enum export_format format;
    int64_t round_id; /* 0: every round */
    char sep;         /* CSV: ';' (the default, also for 0) or ',' */
    time_t now;       /* the moment the figures are taken at; 0: the clock's */
};

bool export_kind_parse(const char *s, enum export_kind *out); /* totals areas initiatives ledger */

/* Writes the export through the writer of export.h. CSV and JSON stream to `out` row by row in
 * bounded memory; XLSX is written to the file `xlsx_path` with libxlsxwriter in constant-memory
 * mode (a sheet holds 1 048 575 rows; more go on a second sheet with the same header). All of it is
 * read in one snapshot. On failure returns false with a one-line reason in err.
 *
 *  totals       report_rounds (every round, or the round_id): the rounds' first and last
 *               days ("tot_en_met", the day before the exclusive end) and the figures;
 *  areas        report_areas for each round (or the round_id), with the round's id and name;
 *  initiatives  every initiative ever published (with a round: those that took part in it, as
 *               above): id, title, area, state, target, total from the ledger, standing
 *               vouchers, contributed, paid out, published_at, deadline — never the
 *               initiator's contact details;
 *  ledger       every row (with a round: rows whose voucher is of that round, plus the
 *               contributions and payouts of initiatives that received a donation of it):
 *               id, at, kind, initiative, round of the voucher, amount (signed by its effect
 *               on the initiative's total; payouts positive), partner, reference — never a
 *               voucher, household or address.
 *
 * The formats (export.h): CSV: UTF-8 with BOM, a Dutch header row, CRLF; amounts in euros with a
 * decimal comma (a point when sep is ','), no thousands separator; participation in per cent with
 * one decimal; times as local 'YYYY-MM-DD HH:MM'; text cells through csv_write_field. XLSX: the
 * same columns with real numbers, euros formatted "#,##0.00", date-time cells. JSON: an
 * array of objects with English snake_case names, amounts in integer cents, times in UTC as
 * "YYYY-MM-DDTHH:MM:SSZ", kinds as stored. */
bool export_write(struct db *db, const struct export_options *opt, FILE *out, const char *xlsx_path,
                  char *err, size_t err_size);

/* The export (as export_write) in an unlinked temporary file, for a download: on success
 * *fd_out is open for reading at its start (the caller closes it) and *len_out its size. */
bool export_write_tmpfile(struct db *db, const struct export_options *opt, int *fd_out,
                          size_t *len_out, char *err, size_t err_size);

#endif
