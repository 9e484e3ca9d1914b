/* Areas: wijken and dorpen, with their buurten, wijkaccommodatie and wijkregisseur contact. */
#ifndef BS_AREAS_H
#define BS_AREAS_H
#include <jansson.h>
#include <stdint.h>
#include <time.h>

struct db;

/* The area name of what belongs to no area, bound where a query names it. */
#define AREA_CITY_WIDE_NAME "Gemeentebreed"

/* Wijken and dorpen, by name, each with "buurten" (array) and "open_count". */
json_t *areas_list(struct db *db);
/* One area by slug with its "buurten" and "parent" (for a buurt), or NULL. */
json_t *area_by_slug(struct db *db, const char *slug);

/* ---- For the admin screens ---- */

/* Every area with its parent's name (parent_name), grouped under its wijk or dorp. */
json_t *areas_admin_list(struct db *db);
/* The wijken and dorpen (id, slug, name), by name: the possible parents of a buurt. */
json_t *areas_top_level(struct db *db);
/* One area by id with all its columns, or NULL. */
json_t *area_get(struct db *db, int64_t id);

/* What an admin may set on an area; kind, parent and slug only when it is added. */
struct area_fields {
    const char *name, *description, *venue_name, *venue_address, *director_name,
        *director_email, *director_phone;
    const char *kind;  /* "wijk", "dorp" or "buurt" */
    int64_t parent_id; /* a buurt's wijk or dorp; 0 for the others */
    const char *slug;  /* the web address, already made from the name or the given text */
};

enum area_result {
    AREA_OK,
    AREA_NOT_FOUND,   /* no area with this id */
    AREA_BAD_KIND,    /* not wijk, dorp or buurt */
    AREA_BAD_PARENT,  /* a buurt without an existing wijk or dorp, or another with a parent */
    AREA_BAD_SLUG,    /* empty, or the reserved "gemeentebreed" */
    AREA_DUPLICATE,   /* the web address is taken */
    AREA_DB
};

/* Adds (*id == 0) or edits (*id) an area and writes its audit row, in one transaction; on
 * AREA_OK *id is the area's. */
enum area_result area_save(struct db *db, const struct area_fields *fields, const char *actor,
                           time_t now, int64_t *id);

#endif
