/* News posts (berichten) by wijkregisseurs and the municipality, per area or city-wide. */
#ifndef BS_NEWS_H
#define BS_NEWS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

/* Published posts, newest first. area_id > 0: that area's posts plus city-wide ones;
 * 0: all; limit caps the count. *total (when not NULL) gets how many there are. */
json_t *news_list(struct db *db, int64_t area_id, int limit, int offset, int64_t *total);
/* One published post with its area, or NULL. */
json_t *news_get_public(struct db *db, int64_t id);

/* Staff side. area_id 0 is city-wide. */
enum { NEWS_TITLE_MAX = 150, NEWS_BODY_MAX = 20000 };
/* Posts a staff member may manage (admins: all), drafts first, then newest first: `limit`
 * (< 0: all) from `offset`, with in *total (when not NULL) how many. Each has id, title,
 * published, published_at and area_name. */
json_t *news_for_staff_page(struct db *db, int64_t user_id, bool admin, int limit, int64_t offset,
                            int64_t *total);
/* One post, published or not, with area_id (0: city-wide). */
json_t *news_get_any(struct db *db, int64_t id);
/* Creates (id 0) or updates a post; returns its id, 0 on failure. Audited. */
int64_t news_save(struct db *db, int64_t id, int64_t area_id, const char *title, const char *body,
                  const char *author, const char *actor, bool publish, time_t now);
bool news_set_published(struct db *db, int64_t id, bool publish, const char *actor, time_t now);
/* The areas a staff member may post for (id, name, kind): the member's wijken and dorpen and
 * their buurten, all areas for admins; wijken and dorpen first, then by name. City-wide
 * (admins only) is not a row. An empty array on error. */
json_t *news_areas_for_staff(struct db *db, int64_t user_id, bool admin);

#endif
