/* Municipality settings: one typed table of every setting (name, type, default, limits, Dutch
 * label and description), stored values in the database, and the one base-URL policy. */
#ifndef BS_SETTINGS_H
#define BS_SETTINGS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct config;

enum setting_type {
    SETTING_TEXT,       /* one line of min..max characters */
    SETTING_PARAGRAPHS, /* text with newlines, min..max characters */
    SETTING_INT,        /* a whole number in min..max */
    SETTING_CENTS,      /* an amount in cents in min..max */
    SETTING_URL,        /* http(s)://…, no trailing '/', min..max characters */
    SETTING_EMAIL,      /* an e-mail address */
    SETTING_TIMEZONE,   /* a tz database name such as Europe/Amsterdam */
};

struct setting {
    const char *name;
    enum setting_type type;
    /* The default; NULL: the config's value of the same name (config file or config.c). */
    const char *fallback;
    int64_t min, max; /* the range of a number, else the length in characters */
    bool in_form;     /* edited on the settings page */
    const char *label, *description; /* Dutch, for the settings page */
};

extern const struct setting settings_table[];
extern const size_t settings_count;

/* The table's row for name, or NULL. */
const struct setting *setting_find(const char *name);
/* The default of a setting: its fallback, else the config's value (config NULL: config.c's
 * built-in defaults). */
const char *setting_default(const struct setting *s, const struct config *config);
/* Is value acceptable for this setting on its own? */
bool setting_valid(const struct setting *s, const char *value);

enum setting_error {
    SETTING_VALID,
    SETTING_BAD,           /* refused by its own type and limits */
    SETTING_BELOW_MINIMUM, /* streef_max_cents below streef_min_cents */
};
/* Checks values[i] for settings_table[i] (NULL counts as ""), the rules between settings too;
 * errors[i] says why each is refused. True when all are valid. */
bool settings_check(const char *const *values, enum setting_error *errors);

/* All settings as an object of strings (the caller's own reference; do not change the
 * strings in it). Read from the database once and kept by the thread for that connection
 * until the database changes, so a request reads them at most once however many readers it
 * has, and an admin's change is seen by the next read on every connection. */
json_t *settings_all(struct db *db);
/* A setting from settings_all's object when set and not empty, else its default. */
const char *settings_value(json_t *all, const char *name, const struct config *config);
/* Writes the default of every setting not yet set (those with an empty default stay unset). */
bool settings_seed(struct db *db, const struct config *config);
bool settings_set(struct db *db, const char *key, const char *value);

/* The one base-URL policy for links that leave the site (mail, QR codes, feeds, the API): the
 * setting basis_url, else its default, without a trailing '/'. Always a string in out. */
void settings_base_url(struct db *db, const struct config *config, char *out, size_t size);

#endif
