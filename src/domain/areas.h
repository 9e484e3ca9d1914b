/* Areas: wijken and dorpen, with their buurten, wijkaccommodatie and wijkregisseur contact. */
#ifndef BS_AREAS_H
#define BS_AREAS_H
#include <jansson.h>

struct db;

/* Wijken and dorpen, by name, each with "buurten" (array) and "open_count". */
json_t *areas_list(struct db *db);
/* One area by slug with its "buurten" and "parent" (for a buurt), or NULL. */
json_t *area_by_slug(struct db *db, const char *slug);

#endif
