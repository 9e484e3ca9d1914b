/* Themes of initiatives, read from the setting 'themas'. */
#include "domain/themes.h"
#include "domain/settings.h"
#include "util/text.h"

#include <string.h>

/* Appends the names of a comma-separated list to themes. */
static void add_names(json_t *themes, const char *list)
{
    const char *p = list;
    while (*p && json_array_size(themes) < THEMES_MAX) {
        const char *end = p;
        while (*end && *end != ',' && *end != '\n')
            end++;
        const char *a = p, *b = end;
        while (a < b && (*a == ' ' || *a == '\t' || *a == '\r'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r'))
            b--;
        size_t len = (size_t)(b - a);
        if (len && utf8_valid(a, len) && utf8_length(a, len) <= THEME_MAX_CHARS &&
            text_check(a, len, false) == TEXT_OK) {
            json_t *name = json_stringn(a, len);
            if (!theme_listed(themes, json_string_value(name)))
                json_array_append(themes, name);
            json_decref(name);
        }
        p = *end ? end + 1 : end;
    }
}

json_t *themes_list(struct db *db)
{
    json_t *settings = settings_all(db);
    json_t *themes = json_array();
    add_names(themes, settings_value(settings, "themas", NULL));
    json_decref(settings);
    if (json_array_size(themes) == 0)
        add_names(themes, setting_default(setting_find("themas"), NULL));
    if (json_array_size(themes) == 0)
        json_array_append_new(themes, json_string(THEME_DEFAULT));
    return themes;
}

bool theme_listed(const json_t *themes, const char *theme)
{
    size_t i;
    json_t *t;
    json_array_foreach(themes, i, t)
    {
        if (theme && !strcmp(json_string_value(t), theme))
            return true;
    }
    return false;
}

const char *theme_default(const json_t *themes)
{
    if (theme_listed(themes, THEME_DEFAULT))
        return THEME_DEFAULT;
    return json_string_value(json_array_get(themes, json_array_size(themes) - 1));
}
