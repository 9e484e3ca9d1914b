/* Themes of initiatives (groen, spelen, …): the list is the setting 'themas', names separated
 * by commas. An initiative keeps the name it was given, also after the list changes. */
#ifndef BS_THEMES_H
#define BS_THEMES_H
#include <jansson.h>
#include <stdbool.h>

struct db;

enum { THEME_MAX_CHARS = 40, THEMES_MAX = 30 };
#define THEME_DEFAULT "overig"

/* The themes as an array of strings, in the setting's order: trimmed, without empty names,
 * duplicates and names above THEME_MAX_CHARS; the setting's default when none is left. */
json_t *themes_list(struct db *db);
/* Is theme one of themes_list's names? */
bool theme_listed(const json_t *themes, const char *theme);
/* The theme a new initiative starts with: "overig" when listed, else the last one. */
const char *theme_default(const json_t *themes);

#endif
