/* Initiatives: what residents propose, with budget lines and updates; public reading side. */
#ifndef BS_INITIATIVES_H
#define BS_INITIATIVES_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

enum initiative_sort { SORT_NEW, SORT_CLOSEST, SORT_POPULAR };

struct initiative_filter {
    const char *area_slug; /* a wijk/dorp includes its buurten; "gemeentebreed": city-wide */
    const char *state;     /* one public state, or NULL for all public ones */
    const char *query;     /* free text; NULL or "" for none */
    const char *theme;     /* one theme (themes.h), or NULL for all */
    enum initiative_sort sort;
    int limit, offset;
};

/* True for the states a visitor may filter on (those an initiative can be in once public). */
bool initiative_state_public(const char *state);
/* A state's Dutch label ("Open voor vouchers"); NULL for an unknown state. */
const char *initiative_state_label(const char *state);

/* Public initiatives matching the filter; *total gets the count without limit/offset. Each
 * row has the card's columns, "theme" among them. */
json_t *initiatives_search(struct db *db, const struct initiative_filter *f, int64_t *total);
/* Does any public initiative have this theme? (A theme taken off the list stays a filter for
 * the initiatives that have it.) */
bool initiatives_theme_used(struct db *db, const char *theme);
/* One public initiative with "area", "budget_lines" and "updates", or NULL. */
json_t *initiative_get_public(struct db *db, int64_t id);
/* Open initiatives that a voucher from this wijk/dorp may go to at `now`: its own area and
 * buurten first, then city-wide ones, closest to their target first. */
json_t *initiatives_open_for_area(struct db *db, int64_t home_area_id, time_t now);
/* Turns free text into a safe FTS5 query: each word a quoted prefix term, all required.
 * Writes "" when no word remains. */
void initiative_fts_query(const char *text, char *out, size_t out_size);

#endif
