/* Page rendering helpers. */
#include "pages/page.h"
#include "app.h"
#include "domain/eligibility.h"
#include "domain/reports.h"
#include "domain/initiatives.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "domain/stats.h"
#include "util/log.h"
#include "util/text.h"
#include "view/format.h"
#include "view/tmpl.h"

#include <stdio.h>
#include <string.h>

static const char *const status_titles[][2] = {
    {"400", "Ongeldig verzoek"},     {"403", "Geen toegang"},
    {"404", "Pagina niet gevonden"}, {"405", "Handeling niet toegestaan"},
    {"413", "Te groot"},             {"414", "Adres te lang"},
    {"429", "Even geduld"},          {"500", "Er ging iets mis"},
    {"503", "Tijdelijk niet beschikbaar"},
};

static const char *status_title(int status)
{
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    for (size_t i = 0; i < sizeof status_titles / sizeof status_titles[0]; i++)
        if (strcmp(status_titles[i][0], code) == 0)
            return status_titles[i][1];
    return "Fout";
}

void page_text(struct request *req, int status, const char *text)
{
    req->resp.status = status;
    buf_reset(&req->resp.body);
    buf_puts(&req->resp.body, text);
    response_set_header(req, "Content-Type", "text/plain; charset=utf-8");
}

/* Open Graph and description meta for the layout: the canonical address from the base URL
 * setting and the page's own path (or "canonical_path" the handler set), its description
 * ("meta_description", else the site's), its photo ("meta_image_path"); and "share_text" for
 * share links. */
static void page_add_sharing(struct request *req, json_t *data, json_t *settings, const char *site)
{
    const char *base = json_string_value(json_object_get(settings, "basis_url"));
    if (!base || !*base)
        base = req->app->config.basis_url;
    if (!base)
        base = "";
    size_t blen = strlen(base);
    while (blen && base[blen - 1] == '/')
        blen--;
    const char *path = json_string_value(json_object_get(data, "canonical_path"));
    if (!path)
        path = req->path;
    json_object_set_new(data, "canonical_url",
                        json_string(arena_printf(&req->arena, "%.*s%s", (int)blen, base, path)));
    const char *image = json_string_value(json_object_get(data, "meta_image_path"));
    if (image)
        json_object_set_new(data, "meta_image",
                            json_string(arena_printf(&req->arena, "%.*s%s", (int)blen, base, image)));
    if (!json_string_value(json_object_get(data, "meta_description")))
        json_object_set_new(
            data, "meta_description",
            json_string(arena_printf(&req->arena,
                                     "%s: bewoners zetten initiatieven op voor hun buurt, wijk of "
                                     "dorp, en elk huishouden steunt er een met zijn voucher.",
                                     site)));
    const char *share = json_string_value(json_object_get(data, "share_title"));
    if (share)
        json_object_set_new(data, "share_text",
                            json_string(arena_printf(
                                &req->arena, "%s %s", share,
                                json_string_value(json_object_get(data, "canonical_url")))));
}

void page_render(struct request *req, const char *name, const char *title, json_t *data)
{
    json_t *settings = req->db ? settings_all(req->db) : json_object();
    const char *site = json_string_value(json_object_get(settings, "site_naam"));
    if (!site)
        site = req->app->config.site_naam;
    int64_t voucher_cents = 0;
    const char *vc = json_string_value(json_object_get(settings, "voucher_cents"));
    if (vc && parse_int64(vc, 1, 100000, &voucher_cents))
        page_set_money(data, "voucher_value", voucher_cents);
    json_object_set_new(data, "site", settings);
    json_object_set_new(data, "site_name", json_string(site));
    json_object_set_new(data, "page_title", json_string(title));
    char full[300];
    if (strcmp(title, site) == 0)
        snprintf(full, sizeof full, "%s", site);
    else
        snprintf(full, sizeof full, "%s \xe2\x80\x94 %s", title, site);
    json_object_set_new(data, "document_title", json_string(full));
    /* Which top-level section the navigation marks as current. */
    /* aria-current: "page" on the section's own page, "true" on the pages below it. */
    static const struct {
        const char *prefix, *key;
    } sections[] = {{"/initiatieven", "nav_initiatieven"},
                    {"/wijken", "nav_wijken"},
                    {"/berichten", "nav_berichten"},
                    {"/doneren", "nav_doneren"}};
    if (strcmp(req->path, "/") == 0)
        json_object_set_new(data, "nav_home", json_string("page"));
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        size_t n = strlen(sections[i].prefix);
        if (strncmp(req->path, sections[i].prefix, n) == 0 &&
            (req->path[n] == '\0' || req->path[n] == '/'))
            json_object_set_new(data, sections[i].key,
                                json_string(req->path[n] == '\0' ? "page" : "true"));
    }

    page_add_sharing(req, data, settings, site);

    char template_name[64];
    snprintf(template_name, sizeof template_name, "%s", name);
    buf_reset(&req->resp.body);
    if (!tmpl_render(req->app->templates, "layout", template_name, data, &req->resp.body)) {
        log_error("template %s could not be rendered (a missing partial or nesting too deep)",
                  template_name);
        buf_reset(&req->resp.body);
        buf_puts(&req->resp.body, "<!doctype html><title>Fout</title><p>Er ging iets mis.</p>");
        req->resp.status = 500;
    }
    response_set_header(req, "Content-Type", "text/html; charset=utf-8");
    json_decref(data);
}

bool page_bad_fields(struct request *req, json_t *errors)
{
    bool any = false;
    for (size_t i = 0; i < req->form_fields.count; i++) {
        const struct field *f = &req->form_fields.items[i];
        if (!f->bad_text)
            continue;
        any = true;
        if (errors && !json_object_get(errors, f->name))
            json_object_set_new(errors, f->name, json_string(PAGE_BAD_TEXT_MESSAGE));
    }
    return any;
}

void page_error(struct request *req, int status, const char *message)
{
    req->resp.status = status;
    json_t *data = json_pack("{s:s, s:i}", "message", message, "status", status);
    const char *title = status_title(status);
    json_object_set_new(data, "title", json_string(title));
    if (status == 404)
        json_object_set_new(data, "is_404", json_true());
    page_render(req, "error", title, data);
    req->resp.status = status;
}

void page_set_money(json_t *obj, const char *key, int64_t cents)
{
    char money[48];
    format_money(money, sizeof money, cents); /* well-formed UTF-8: "€", a no-break space */
    json_object_set_new_nocheck(obj, key, json_stringn_nocheck(money, strlen(money)));
}

void page_set_money_split(json_t *stats, int64_t partner_cents)
{
    json_int_t raised = json_integer_value(json_object_get(stats, "raised_cents"));
    page_set_money(stats, "from_vouchers", raised - partner_cents);
    page_set_money(stats, "partner", partner_cents);
}

void page_set_date(json_t *obj, const char *key, const char *src_field)
{
    time_t t = parse_utc(json_string_value(json_object_get(obj, src_field)));
    if (t == (time_t)-1)
        return;
    /* Both texts are ASCII and the keys are the caller's literals: no UTF-8 checks per row. */
    char date[64];
    format_date(date, sizeof date, t);
    json_object_set_new_nocheck(obj, key, json_stringn_nocheck(date, strlen(date)));
    /* The same moment for <time datetime>, with its zone. */
    char iso[21], iso_key[64];
    utc_iso8601(t, iso);
    size_t n = strlen(key);
    if (n + sizeof "_datetime" > sizeof iso_key)
        return;
    memcpy(iso_key, key, n);
    memcpy(iso_key + n, "_datetime", sizeof "_datetime");
    json_object_set_new_nocheck(obj, iso_key, json_stringn_nocheck(iso, strlen(iso)));
}

int64_t page_id_param(const char *segment)
{
    int64_t id = 0;
    if (!segment)
        return 0;
    for (const char *p = segment; *p; p++) {
        if (*p == '-' && p != segment)
            break;
        if (*p < '0' || *p > '9')
            return 0;
        if (id > 100000000000LL)
            return 0;
        id = id * 10 + (*p - '0');
    }
    return id;
}

void page_decorate_initiative(json_t *item, time_t now)
{
    json_int_t id = json_integer_value(json_object_get(item, "id"));
    const char *title = json_string_value(json_object_get(item, "title"));
    char slug[80], url[128];
    format_slug(slug, sizeof slug, title ? title : "");
    snprintf(url, sizeof url, "/initiatieven/%lld%s%s", (long long)id, *slug ? "-" : "", slug);
    json_object_set_new(item, "url", json_string(url));

    /* Budget lines that accepted offers cover lower the target still to raise. */
    json_int_t target = json_integer_value(json_object_get(item, "target_cents"));
    json_int_t covered = json_integer_value(json_object_get(item, "covered_cents"));
    json_int_t raised = json_integer_value(json_object_get(item, "raised_cents"));
    if (covered > 0) {
        page_set_money(item, "budget_total", target);
        page_set_money(item, "covered", covered);
        target -= covered;
    }
    page_set_money(item, "target", target);
    page_set_money(item, "raised", raised);
    json_int_t percent = target > 0 ? raised * 100 / target : 100;
    json_object_set_new(item, "percent", json_integer(percent > 100 ? 100 : percent));
    json_int_t vouchers = json_integer_value(json_object_get(item, "voucher_count"));
    char vouchers_label[32];
    snprintf(vouchers_label, sizeof vouchers_label, "%lld voucher%s", (long long)vouchers,
             vouchers == 1 ? "" : "s");
    json_object_set_new(item, "vouchers_label", json_string(vouchers_label));
    if (raised < target)
        page_set_money(item, "remaining", target - raised);
    /* Partner money is told apart from the vouchers; the bar still shows the total. */
    json_int_t partner = json_integer_value(json_object_get(item, "partner_cents"));
    if (partner > 0) {
        page_set_money(item, "partner", partner);
        page_set_money(item, "from_vouchers", raised - partner);
    }

    /* The state as of now: a deadline that passed closes it even before housekeeping ran. */
    const char *stored = json_string_value(json_object_get(item, "state"));
    const char *state = stored ? initiative_state_at(
                                     stored, json_string_value(json_object_get(item, "deadline")), now)
                               : NULL;
    if (stored && state != stored)
        json_object_set_new(item, "state", json_string(state));
    state = json_string_value(json_object_get(item, "state"));
    const char *label = state ? initiative_state_label(state) : NULL;
    json_object_set_new(item, "state_label", json_string(label ? label : ""));
    if (state) {
        char key[40];
        snprintf(key, sizeof key, "is_%s", state);
        json_object_set_new(item, key, json_true());
    }
    const char *area = json_string_value(json_object_get(item, "area_name"));
    json_object_set_new(item, "area_label", json_string(area ? area : LABEL_CITY_WIDE));

    time_t deadline = parse_utc(json_string_value(json_object_get(item, "deadline")));
    if (deadline != (time_t)-1 && state && strcmp(state, "open") == 0) {
        int64_t days = days_until(deadline, now);
        char text[64];
        if (days <= 0)
            snprintf(text, sizeof text, "Sluit vandaag");
        else if (days == 1)
            snprintf(text, sizeof text, "Nog 1 dag");
        else
            snprintf(text, sizeof text, "Nog %lld dagen", (long long)days);
        json_object_set_new(item, "days_left", json_string(text));
        page_set_date(item, "deadline_date", "deadline");
    }
    char planned[64];
    if (format_calendar_date(planned, sizeof planned,
                             json_string_value(json_object_get(item, "planned_date"))))
        json_object_set_new(item, "planned", json_string(planned));
    page_set_date(item, "published", "published_at");
}

void page_decorate_initiatives(json_t *items, time_t now)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) page_decorate_initiative(item, now);
}

void page_decorate_news(json_t *item)
{
    char url[64];
    snprintf(url, sizeof url, "/berichten/%lld",
             (long long)json_integer_value(json_object_get(item, "id")));
    json_object_set_new(item, "url", json_string(url));
    page_set_date(item, "published", "published_at");
    const char *area = json_string_value(json_object_get(item, "area_name"));
    json_object_set_new(item, "area_label", json_string(area ? area : LABEL_CITY_WIDE));
    const char *body = json_string_value(json_object_get(item, "body"));
    if (body) {
        /* A short teaser: the first paragraph, cut at a word boundary. */
        size_t len = strcspn(body, "\n");
        bool cut = false;
        if (len > 220) {
            len = 220;
            while (len > 0 && body[len] != ' ')
                len--;
            cut = true;
        }
        /* An ellipsis only where a sentence was cut, never after its full stop ("…."). */
        while (cut && len > 0 && strchr(" .,;:", body[len - 1]))
            len--;
        char teaser[240];
        snprintf(teaser, sizeof teaser, "%.*s%s", (int)len, body, cut ? "\xe2\x80\xa6" : "");
        json_object_set_new(item, "teaser", json_string(teaser));
    }
}

/* The open round with its totals, NULL when none is open. */
static json_t *round_made(struct request *req, time_t now, int64_t area_id)
{
    json_t *round = round_current(req->db, now);
    if (!round)
        return NULL;
    time_t closes = parse_utc(json_string_value(json_object_get(round, "closes_at")));
    char until[64];
    format_date(until, sizeof until, closes - 1);
    json_object_set_new(round, "until", json_string(until));
    int64_t days = days_until(closes, time(NULL));
    json_object_set_new(round, "days_left", json_integer(days));
    page_set_money(round, "value", json_integer_value(json_object_get(round, "voucher_cents")));
    json_t *stats = stats_round(req->db, json_integer_value(json_object_get(round, "id")), area_id);
    page_set_money(stats, "donated", json_integer_value(json_object_get(stats, "donated_cents")));
    json_int_t permille = json_integer_value(json_object_get(stats, "participation_permille"));
    char pct[48];
    snprintf(pct, sizeof pct, "%lld,%lld%%", (long long)(permille / 10), (long long)(permille % 10));
    json_object_set_new(stats, "participation", json_string(pct));
    json_object_set_new(round, "stats", stats);
    return round;
}

/* The round totals scan the ledger, so each thread keeps recent answers until the database
 * changes (PRAGMA data_version sees other connections' commits) or a few seconds pass. */
struct round_cache_entry {
    int64_t area_id, version;
    time_t at;
    json_t *round; /* NULL: no round open */
};
static _Thread_local struct round_cache_entry round_cache[16];

void page_add_round(struct request *req, json_t *data, int64_t area_id)
{
    time_t now = time(NULL);
    int64_t version = report_data_version(req->db);
    struct round_cache_entry *slot = &round_cache[(uint64_t)area_id % 16];
    if (slot->at && slot->area_id == area_id && slot->version == version && now - slot->at < 5) {
        if (slot->round)
            json_object_set(data, "round", slot->round);
        return;
    }
    json_decref(slot->round);
    *slot = (struct round_cache_entry){.area_id = area_id, .version = version, .at = now};
    /* Kept past this request: never memory of the request's arena. */
    alloc_heap_begin();
    slot->round = round_made(req, now, area_id);
    alloc_heap_end();
    if (slot->round)
        json_object_set(data, "round", slot->round);
}
