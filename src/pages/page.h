/* What every page handler shares: rendering into the layout, error pages, view helpers. */
#ifndef BS_PAGE_H
#define BS_PAGE_H
#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "domain/areas.h"
#include "http/request.h"

/* The label for what belongs to no wijk or dorp but to the whole municipality: the domain's
 * name for it, so that pages and queries say the same. */
#define LABEL_CITY_WIDE AREA_CITY_WIDE_NAME

/* Renders templates/NAME.html inside the layout with `data` (consumed) and the site-wide
 * values (settings, navigation). `title` is the page's own title. */
void page_render(struct request *req, const char *name, const char *title, json_t *data);
/* The message next to a form field whose text the one text check refused. */
#define PAGE_BAD_TEXT_MESSAGE                                                                      \
    "Dit veld bevat tekens die we niet kunnen opslaan (vaak onzichtbare tekens uit gekopieerde "   \
    "tekst). Haal ze weg of typ de tekst opnieuw."
/* For a route with ROUTE_FIELD_CHECKS: sets errors[name] to PAGE_BAD_TEXT_MESSAGE for every
 * form field with such text (errors may be NULL to only ask); true when there was one. The
 * handler then shows its form again, 422, and stores nothing. */
bool page_bad_fields(struct request *req, json_t *errors);
/* An HTML error page with a Dutch message. */
void page_error(struct request *req, int status, const char *message);
/* Plain-text response (consumes nothing). */
void page_text(struct request *req, int status, const char *text);

/* Adds display fields to an initiative row: url, money strings, percent, state label,
 * days left, area label. */
void page_decorate_initiative(json_t *item, time_t now);
void page_decorate_initiatives(json_t *items, time_t now);
/* Adds url, display date, area label and teaser to a news row (templates show the body with
 * {{paras body}}). */
void page_decorate_news(json_t *item);
/* Sets key to a formatted amount of cents. */
void page_set_money(json_t *obj, const char *key, int64_t cents);
/* Sets "from_vouchers" and "partner" on totals that have "raised_cents" (vouchers and partner
 * money together). */
void page_set_money_split(json_t *stats, int64_t partner_cents);
/* Sets key to "3 november 2026" from the UTC text in field src (nothing when absent). */
void page_set_date(json_t *obj, const char *key, const char *src_field);
/* Adds "round" (the current voucher round, with its ledger totals for area_id, 0 for all)
 * to data; nothing when no round is open. */
void page_add_round(struct request *req, json_t *data, int64_t area_id);
/* A leading decimal id in a path segment ("12-buurtbarbecue" → 12); 0 when none. */
int64_t page_id_param(const char *segment);

#endif
