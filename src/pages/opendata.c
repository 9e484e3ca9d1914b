/* /open-data: what the open-data API offers, under which licence, and the public data as CSV
 * files for a spreadsheet (the same fields as the API, one row per initiative, area or round). */
#include "domain/areas.h"
#include "domain/initiatives.h"
#include "domain/rounds.h"
#include "domain/stats.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "util/csv_write.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

enum { CSV_MAX_INITIATIVES = 100000 }; /* every public one: a municipality has a few thousand */

void open_data_page(struct request *req)
{
    page_render(req, "open_data", "Open data", json_object());
}

/* A value of a row as CSV text: integers as digits, null as empty. */
static const char *cell(struct request *req, const json_t *v)
{
    if (json_is_integer(v))
        return arena_printf(&req->arena, "%lld", (long long)json_integer_value(v));
    return json_is_string(v) ? json_string_value(v) : "";
}

/* A database timestamp as in the API (ISO 8601, UTC with Z); empty when absent. */
static const char *iso(struct request *req, const json_t *v)
{
    time_t t = parse_utc(json_string_value(v));
    if (t == (time_t)-1)
        return "";
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[32];
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strndup(&req->arena, out, strlen(out));
}

static void initiatives_csv(struct request *req, struct buf *out)
{
    static const char *const head[] = {"id",        "titel",          "samenvatting",
                                       "status",    "gebied",         "streefbedrag_centen",
                                       "opgehaald_centen", "aantal_vouchers", "einddatum",
                                       "geplande_datum", "gepubliceerd_op"};
    enum { N = sizeof head / sizeof head[0] };
    csv_write_row(out, head, N, ';');
    struct initiative_filter f = {.sort = SORT_NEW, .limit = CSV_MAX_INITIATIVES};
    int64_t total = 0;
    json_t *rows = initiatives_search(req->db, &f, &total);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *area = json_string_value(json_object_get(r, "area_slug"));
        const char *row[N] = {cell(req, json_object_get(r, "id")),
                              cell(req, json_object_get(r, "title")),
                              cell(req, json_object_get(r, "summary")),
                              cell(req, json_object_get(r, "state")),
                              area ? area : "gemeentebreed",
                              cell(req, json_object_get(r, "target_cents")),
                              cell(req, json_object_get(r, "raised_cents")),
                              cell(req, json_object_get(r, "voucher_count")),
                              iso(req, json_object_get(r, "deadline")),
                              cell(req, json_object_get(r, "planned_date")),
                              iso(req, json_object_get(r, "published_at"))};
        csv_write_row(out, row, N, ';');
    }
    json_decref(rows);
}

static void areas_csv(struct request *req, struct buf *out)
{
    static const char *const head[] = {"slug", "naam", "soort", "valt_onder",
                                       "wijkaccommodatie", "open_initiatieven"};
    enum { N = sizeof head / sizeof head[0] };
    csv_write_row(out, head, N, ';');
    json_t *rows = areas_list(req->db);
    size_t i, k;
    json_t *r, *b;
    json_array_foreach(rows, i, r)
    {
        const char *row[N] = {cell(req, json_object_get(r, "slug")),
                              cell(req, json_object_get(r, "name")),
                              cell(req, json_object_get(r, "kind")), "",
                              cell(req, json_object_get(r, "venue_name")),
                              cell(req, json_object_get(r, "open_count"))};
        csv_write_row(out, row, N, ';');
        json_array_foreach(json_object_get(r, "buurten"), k, b)
        {
            const char *buurt[N] = {cell(req, json_object_get(b, "slug")),
                                    cell(req, json_object_get(b, "name")), "buurt",
                                    cell(req, json_object_get(r, "slug")), "", ""};
            csv_write_row(out, buurt, N, ';');
        }
    }
    json_decref(rows);
}

static void rounds_csv(struct request *req, struct buf *out)
{
    static const char *const head[] = {"id", "naam", "opent_op", "sluit_op",
                                       "voucherwaarde_centen", "vouchers_uitgegeven",
                                       "vouchers_gebruikt", "gedoneerd_centen",
                                       "aantal_gefinancierd", "deelname_promille"};
    enum { N = sizeof head / sizeof head[0] };
    csv_write_row(out, head, N, ';');
    json_t *rows = rounds_list(req->db);
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        json_t *s = stats_round(req->db, json_integer_value(json_object_get(r, "id")), 0);
        const char *row[N] = {cell(req, json_object_get(r, "id")),
                              cell(req, json_object_get(r, "name")),
                              iso(req, json_object_get(r, "opens_at")),
                              iso(req, json_object_get(r, "closes_at")),
                              cell(req, json_object_get(r, "voucher_cents")),
                              cell(req, json_object_get(s, "issued")),
                              cell(req, json_object_get(s, "vouchers_used")),
                              cell(req, json_object_get(s, "donated_cents")),
                              cell(req, json_object_get(s, "funded_count")),
                              cell(req, json_object_get(s, "participation_permille"))};
        csv_write_row(out, row, N, ';');
        json_decref(s);
    }
    json_decref(rows);
}

void open_data_csv(struct request *req)
{
    static const struct {
        const char *file;
        void (*write)(struct request *req, struct buf *out);
    } files[] = {{"initiatieven.csv", initiatives_csv},
                 {"wijken.csv", areas_csv},
                 {"rondes.csv", rounds_csv}};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        if (strcmp(req->params[0], files[k].file) != 0)
            continue;
        buf_reset(&req->resp.body);
        files[k].write(req, &req->resp.body);
        req->resp.status = 200;
        response_set_header(req, "Content-Type", "text/csv; charset=utf-8");
        response_set_header(
            req, "Content-Disposition",
            arena_printf(&req->arena, "attachment; filename=\"%s\"", files[k].file));
        response_set_header(req, "Cache-Control", "public, max-age=300");
        response_header(req, "Link",
                        "<https://creativecommons.org/publicdomain/zero/1.0/>; rel=\"license\"");
        return;
    }
    page_error(req, 404, "Dit bestand bestaat niet. Zie /open-data voor de bestanden.");
}
