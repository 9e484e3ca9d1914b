/* Municipality settings, stored in the database (defaults come from the config at init). */
#ifndef BS_SETTINGS_H
#define BS_SETTINGS_H
#include <jansson.h>
#include <stdbool.h>

struct db;
struct config;

/* All settings as an object of strings. */
json_t *settings_all(struct db *db);
/* Writes the config's municipality values for keys not yet set. */
bool settings_seed(struct db *db, const struct config *config);
bool settings_set(struct db *db, const char *key, const char *value);

#endif
