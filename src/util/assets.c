/* Lookup in the table of embedded files. */
#include "util/assets.h"

#include <stdlib.h>
#include <string.h>

static int compare(const void *key, const void *item)
{
    return strcmp(key, ((const struct asset *)item)->name);
}

const struct asset *asset_find(const char *name)
{
    return bsearch(name, assets, assets_count, sizeof assets[0], compare);
}
