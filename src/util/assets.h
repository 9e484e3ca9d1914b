/* Files compiled into the binary: templates/, static/ and sql/, found by their repo path. */
#ifndef BS_ASSETS_H
#define BS_ASSETS_H
#include <stddef.h>

struct asset {
    const char *name; /* e.g. "templates/home.html" */
    const unsigned char *data;
    size_t len;
    const char *etag; /* quoted, ready for the ETag header */
};

extern const struct asset assets[]; /* sorted by name */
extern const size_t assets_count;

const struct asset *asset_find(const char *name);

#endif
