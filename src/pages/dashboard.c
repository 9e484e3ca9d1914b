/* The dashboard for staff (per round and per area, with SVG charts), the exports in the
 * browser, and the public transparency page. */
#include "app.h"
#include "domain/export.h"
#include "domain/follow.h"
#include "domain/reports.h"
#include "domain/rounds.h"
#include "domain/initiatives.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/log.h"
#include "util/text.h"
#include "view/charts.h"
#include "view/format.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The reports read the summaries kept with the ledger and the initiatives (007, 014, 017), so
 * they are computed for each view: nothing is kept between requests. */
enum report_kind { R_AREAS, R_ROUNDS, R_DAYS };

static json_t *report(struct request *req, enum report_kind kind, int64_t round_id,
                      int64_t area_id)
{
    return kind == R_AREAS    ? report_areas(req->db, round_id, area_id, time(NULL))
           : kind == R_ROUNDS ? report_rounds(req->db, round_id, time(NULL))
                              : report_donations_per_day(req->db, round_id, area_id);
}

static void percent(json_t *row)
{
    json_int_t permille = json_integer_value(json_object_get(row, "participation_permille"));
    json_object_set_new(row, "participation",
                        json_sprintf("%lld,%lld%%", (long long)(permille / 10),
                                     (long long)(permille % 10)));
}

static void money_fields(json_t *row)
{
    page_set_money(row, "donated_amount", json_integer_value(json_object_get(row, "donated_cents")));
    page_set_money(row, "contributed",
                   json_integer_value(json_object_get(row, "contributed_cents")));
    page_set_money(row, "paid_out", json_integer_value(json_object_get(row, "paid_out_cents")));
    percent(row);
}

/* The round asked for (?ronde=ID), else the current one, else the newest; 0 when none. */
static int64_t chosen_round(struct request *req, json_t **rounds_out)
{
    json_t *rounds = rounds_list(req->db);
    int64_t chosen = 0, asked = 0;
    const char *r = request_query(req, "ronde");
    if (r && *r)
        parse_int64(r, 1, INT64_MAX, &asked);
    json_t *current = round_current(req->db, time(NULL));
    int64_t current_id = current ? json_integer_value(json_object_get(current, "id")) : 0;
    json_decref(current);
    size_t i;
    json_t *row;
    json_array_foreach(rounds, i, row)
    {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        if (id == asked)
            chosen = id;
    }
    if (!chosen)
        chosen = current_id ? current_id
                            : json_integer_value(json_object_get(json_array_get(rounds, 0), "id"));
    json_array_foreach(rounds, i, row)
        json_object_set_new(row, "selected",
                            json_boolean(json_integer_value(json_object_get(row, "id")) == chosen));
    *rounds_out = rounds;
    return chosen;
}

void dashboard_page(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *r = request_query(req, "ronde");
    int64_t tmp;
    if (r && *r && !parse_int64(r, 1, INT64_MAX, &tmp)) {
        page_error(req, 400, "Deze ronde bestaat niet.");
        return;
    }
    json_t *rounds;
    int64_t round_id = chosen_round(req, &rounds);
    bool admin = user_is_admin(user);
    json_t *areas = json_array();
    if (admin) {
        json_t *all = report(req, R_AREAS, round_id, 0);
        if (all)
            json_array_extend(areas, all);
        json_decref(all);
    } else {
        /* A wijkregisseur sees the wijken and dorpen assigned (a buurt counts with its wijk). */
        int64_t ids[64];
        int n = report_areas_of_user(req->db, user->id, ids, 64);
        for (int k = 0; k < n; k++) {
            json_t *one = report(req, R_AREAS, round_id, ids[k]);
            if (one)
                json_array_extend(areas, one);
            json_decref(one);
        }
    }
    size_t i;
    json_t *row;
    size_t nbars = json_array_size(areas);
    struct chart_bar *bars = xcalloc(nbars ? nbars : 1, sizeof *bars);
    json_array_foreach(areas, i, row)
    {
        money_fields(row);
        bars[i].label = json_string_value(json_object_get(row, "area"));
        bars[i].value = (double)json_integer_value(json_object_get(row, "participation_permille")) / 10.0;
        bars[i].value_label = json_string_value(json_object_get(row, "participation"));
    }
    struct buf svg = {0};
    chart_bars_svg(&svg, "deelname", "Deelname per gebied",
                   "Het deel van de vouchers van deze ronde dat is gedoneerd, per wijk en dorp.",
                   bars, nbars, 100);
    free(bars);
    json_t *data = json_object();
    json_object_set_new(data, "bars_svg", json_string(svg.data ? svg.data : ""));
    buf_free(&svg);

    /* The line is for the whole municipality, so admins only. */
    json_t *days = admin ? report(req, R_DAYS, round_id, 0) : json_array();
    if (!days)
        days = json_array();
    size_t npoints = json_array_size(days);
    struct chart_point *points = xcalloc(npoints ? npoints : 1, sizeof *points);
    char (*labels)[16] = xcalloc(npoints ? npoints : 1, sizeof *labels);
    json_array_foreach(days, i, row)
    {
        const char *day = json_string_value(json_object_get(row, "day"));
        snprintf(labels[i], sizeof labels[i], "%.5s", day ? day + 5 : "");
        points[i].label = labels[i];
        points[i].value = (double)json_integer_value(json_object_get(row, "vouchers"));
    }
    if (admin) {
        chart_line_svg(&svg, "per-dag", "Donaties per dag",
                       "Het aantal gedoneerde vouchers per dag in deze ronde.", points, npoints);
        json_object_set_new(data, "line_svg", json_string(svg.data ? svg.data : ""));
        buf_free(&svg);
    }
    free(points);
    free(labels);
    json_decref(days);

    json_t *totals = round_id ? report(req, R_ROUNDS, round_id, 0) : NULL;
    json_t *total = totals ? json_array_get(totals, 0) : NULL;
    if (total && admin) {
        money_fields(total);
        json_object_set(data, "total", total);
    }
    json_decref(totals);
    json_object_set_new(data, "areas", areas);
    json_object_set_new(data, "rounds", rounds);
    json_object_set_new(data, "round_id", json_integer(round_id));
    /* Following by e-mail, for admins: how many, never who. */
    struct follow_counts fc;
    if (admin && follow_counts(req->db, time(NULL), 30, &fc))
        json_object_set_new(data, "follow",
                            json_pack("{s:I, s:I, s:I, s:I}", "following", (json_int_t)fc.following,
                                      "pending", (json_int_t)fc.pending, "confirmed",
                                      (json_int_t)fc.confirmed_days, "unsubscribed",
                                      (json_int_t)fc.unsubscribed_days));
    json_object_set_new(data, "is_admin", json_boolean(admin));
    json_object_set_new(data, "csrf", json_string(csrf_token(req)));
    staff_view(data, user);
    page_render(req, "dashboard", "Dashboard", data);
}

/* An export as a download: written to an unlinked temporary file, sent from there. */
void export_download(struct request *req)
{
    /* ROUTE_ADMIN: the router let only an admin in. */
    struct export_options opt = {.sep = ';'};
    const char *kind = request_query(req, "soort"), *format = request_query(req, "formaat");
    const char *round = request_query(req, "ronde"), *sep = request_query(req, "scheiding");
    if (!kind || !export_kind_parse(kind, &opt.kind) || !format ||
        !export_format_parse(format, &opt.format) ||
        (round && *round && !parse_int64(round, 1, INT64_MAX, &opt.round_id)) ||
        (sep && *sep && strcmp(sep, ",") && strcmp(sep, ";"))) {
        page_error(req, 400, "Kies een export (totalen, gebieden, initiatieven of grootboek) en "
                             "een formaat (csv, xlsx of json).");
        return;
    }
    if (sep && *sep)
        opt.sep = sep[0];
    if (opt.round_id) {
        json_t *exists = round_get(req->db, opt.round_id);
        if (!exists) {
            page_error(req, 404, "Deze ronde bestaat niet.");
            return;
        }
        json_decref(exists);
    }
    int fd;
    size_t len;
    char err[256] = "";
    if (!export_write_tmpfile(req->db, &opt, &fd, &len, err, sizeof err)) {
        log_error("export %s as %s: %s", kind, format, err);
        page_error(req, 503, "De export kon niet worden gemaakt.");
        return;
    }
    req->resp.file_fd = fd;
    req->resp.file_len = len;
    response_set_header(req, "Content-Type", export_format_content_type(opt.format));
    response_set_header(req, "Content-Disposition",
                        arena_printf(&req->arena, "attachment; filename=\"buurtsamen-%s%s%s.%s\"",
                                     kind, opt.round_id ? "-ronde-" : "",
                                     opt.round_id ? arena_printf(&req->arena, "%lld", (long long)opt.round_id) : "",
                                     export_format_extension(opt.format)));
}

/* The overview shows the newest rounds that have opened (and the next one to come) in full,
 * each with its first funded initiatives, and links to the other rounds; a round's own page (/transparantie?ronde=ID) lists all it funded,
 * a page at a time (&pagina=N). So neither grows with the years. */
#define TRANSPARENCY_ROUNDS 2
#define TRANSPARENCY_LIST 10
#define TRANSPARENCY_PAGE 50

/* One round's figures (report_rounds) with its funded initiatives (`limit` from `offset`)
 * for the template; NULL on an error or an unknown round. */
static json_t *transparency_round(struct request *req, int64_t round_id, int limit,
                                  int64_t offset, int64_t *total)
{
    json_t *rows = report_rounds(req->db, round_id, time(NULL));
    json_t *row = json_array_get(rows, 0);
    if (!row) {
        json_decref(rows);
        return NULL;
    }
    json_incref(row);
    json_decref(rows);
    money_fields(row);
    page_set_date(row, "opens", "opens_at");
    /* The last day, not the exclusive end: "t/m 30 juni", never "tot 1 juli". */
    char last[64];
    const char *last_day = json_string_value(json_object_get(row, "last_day"));
    if (last_day && format_calendar_date(last, sizeof last, last_day))
        json_object_set_new(row, "last", json_string(last));
    *total = 0;
    json_t *funded = report_funded_in_round_page(req->db, round_id, limit, offset, total);
    size_t k;
    json_t *f;
    json_array_foreach(funded, k, f)
    {
        page_set_money(f, "raised", json_integer_value(json_object_get(f, "raised_cents")));
        page_decorate_initiative(f, time(NULL));
    }
    json_object_set_new(row, "funded_list", funded ? funded : json_array());
    return row;
}

/* Public: per round the totals, and the initiatives it funded with what they did; with
 * ?ronde=ID only that round, with all of them. */
void transparency_page(struct request *req)
{
    const char *r = request_query(req, "ronde"), *p = request_query(req, "pagina");
    int64_t only = 0, page = 1;
    if (r && !parse_int64(r, 1, INT64_MAX, &only)) {
        page_error(req, 400, "Deze ronde bestaat niet.");
        return;
    }
    if (p && !parse_int64(p, 1, 1000000, &page)) {
        page_error(req, 400, "Deze pagina bestaat niet.");
        return;
    }
    json_t *data = json_object(), *shown = json_array();
    int64_t total = 0;
    if (only) {
        json_t *row = transparency_round(req, only, TRANSPARENCY_PAGE,
                                         (page - 1) * TRANSPARENCY_PAGE, &total);
        int64_t pages = (total + TRANSPARENCY_PAGE - 1) / TRANSPARENCY_PAGE;
        if (!row || (page > 1 && page > pages)) {
            json_decref(row);
            json_decref(shown);
            json_decref(data);
            page_error(req, 404, row ? "Deze pagina bestaat niet." : "Deze ronde bestaat niet.");
            return;
        }
        if (pages > 1) {
            json_object_set_new(data, "pages", json_integer(pages));
            json_object_set_new(data, "page", json_integer(page));
            if (page > 1)
                json_object_set_new(data, "prev", json_pack("{s:s}", "url", arena_printf(&req->arena,
                                    "/transparantie?ronde=%lld&pagina=%lld", (long long)only,
                                    (long long)(page - 1))));
            if (page < pages)
                json_object_set_new(data, "next", json_pack("{s:s}", "url", arena_printf(&req->arena,
                                    "/transparantie?ronde=%lld&pagina=%lld", (long long)only,
                                    (long long)(page + 1))));
        }
        json_array_append_new(shown, row);
    } else {
        /* Newest round first for readers. */
        json_t *rounds = rounds_list(req->db), *older = json_array(), *row;
        char now[20];
        utc_text(time(NULL), now);
        int opened = 0, to_come = 0;
        size_t i;
        json_array_foreach(rounds, i, row)
        {
            int64_t id = json_integer_value(json_object_get(row, "id"));
            const char *opens = json_string_value(json_object_get(row, "opens_at"));
            bool coming = opens && strcmp(opens, now) > 0;
            /* In full: the next round to come, and the newest that have opened. */
            if (coming ? to_come++ >= 1 : opened++ >= TRANSPARENCY_ROUNDS) {
                json_t *link = json_pack("{s:I, s:O, s:O}", "round_id", (json_int_t)id,
                                         "round_name", json_object_get(row, "name"), "opens_at",
                                         json_object_get(row, "opens_at"));
                page_set_date(link, "opens", "opens_at");
                json_array_append_new(older, link);
                continue;
            }
            json_t *full = transparency_round(req, id, TRANSPARENCY_LIST, 0, &total);
            if (!full) {
                json_decref(rounds);
                json_decref(older);
                json_decref(shown);
                json_decref(data);
                page_error(req, 500, "De cijfers konden niet worden geladen.");
                return;
            }
            if ((int64_t)json_array_size(json_object_get(full, "funded_list")) < total) {
                json_object_set_new(full, "funded_more", json_true());
                json_object_set_new(full, "funded_total", json_integer(total));
            }
            json_array_append_new(shown, full);
        }
        json_decref(rounds);
        json_object_set_new(data, "older", older);
    }
    json_object_set_new(data, "rounds", shown);
    json_object_set_new(data, "one_round", json_boolean(only != 0));
    page_render(req, "transparency", "Verantwoording", data);
}
