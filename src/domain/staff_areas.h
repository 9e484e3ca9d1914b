/* The areas a staff member looks after (wijken and dorpen), as the admin sets them. */
#ifndef BS_STAFF_AREAS_H
#define BS_STAFF_AREAS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;

/* Every wijk and dorp (slug, name) by name, with "mine" set when the user looks after it. */
json_t *staff_areas_list(struct db *db, int64_t user_id);

enum staff_areas_result {
    STAFF_AREAS_OK,
    STAFF_AREAS_UNKNOWN_AREA, /* a slug that is not a wijk or dorp: nothing changed */
    STAFF_AREAS_DB
};

/* Replaces the user's areas by the given slugs (a slug twice counts once) and writes the
 * audit row (subject: the username; to: the slugs as given, comma-separated), in one
 * transaction. */
enum staff_areas_result staff_areas_set(struct db *db, int64_t user_id, const char *username,
                                        const char *const *slugs, size_t nslugs, const char *actor,
                                        time_t now);

#endif
