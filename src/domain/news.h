/* News posts (berichten) by wijkregisseurs and the municipality, per area or city-wide. */
#ifndef BS_NEWS_H
#define BS_NEWS_H
#include <jansson.h>
#include <stdint.h>

struct db;

/* Published posts, newest first. area_id > 0: that area's posts plus city-wide ones;
 * 0: all; limit caps the count. */
json_t *news_list(struct db *db, int64_t area_id, int limit, int offset, int64_t *total);
/* One published post with its area, or NULL. */
json_t *news_get_public(struct db *db, int64_t id);

#endif
