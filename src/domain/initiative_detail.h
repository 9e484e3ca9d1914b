/* Initiatives as staff and their initiators see them: one with everything that belongs to it,
 * and the queue of a staff member's areas. Private fields included: never for the public. */
#ifndef BS_INITIATIVE_DETAIL_H
#define BS_INITIATIVE_DETAIL_H
#include <jansson.h>
#include <stdint.h>

struct db;
struct user;

/* One initiative in any state with its private contact, or NULL: the initiative's columns
 * (area_id 0 and area_name/area_slug null when city-wide), plus the arrays "budget_lines"
 * (item, amount_cents; in order), "co_organisers" (name, postcode, house_number),
 * "messages" (author_role, author_name, body, created_at; oldest first) and "history"
 * (at, actor, from_value, to_value, reason: its changes of state, oldest first), the public
 * co_organiser_count, and "duplicates" (as initiative_likely_duplicates). */
json_t *initiative_get_full(struct db *db, int64_t id);

/* Other initiatives submitted within a day of this one that look like the same: the same
 * title (case and outer spaces aside), the same initiator e-mail address, or a co-organiser
 * at the same home address. Rows: id, title, state, reason ("titel", "e-mailadres" or
 * "adres"), oldest first. NULL on a database error. */
json_t *initiative_likely_duplicates(struct db *db, int64_t id);

/* What a staff member works on: initiatives ingediend, wijziging_gevraagd, open or
 * gefinancierd in the member's areas (a wijk includes its buurten); for admins everywhere,
 * city-wide ones included. Ingediend first, then wijziging_gevraagd, then the rest; within
 * each the longest untouched first. Rows: id, title, state, created_at, updated_at, area_name
 * (null: city-wide), and for those ingediend "duplicates" (initiative_likely_duplicates).
 * An empty array on error. */
json_t *initiatives_staff_queue(struct db *db, const struct user *staff);
/* The same with at most `running_limit` (< 0: all) of those open or gefinancierd, and in
 * *running_total (when not NULL) how many of those there are. */
json_t *initiatives_staff_queue_first(struct db *db, const struct user *staff, int running_limit,
                                      int64_t *running_total);

#endif
