/* libFuzzer target: route matching. The first line is a pattern, the rest a path. Oracle: a
 * match fills at most the pattern's wildcards, each a NUL-terminated piece of the path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *nl = memchr(text, '\n', size);
    const char *pattern = "/initiatieven/*/fotos/*", *path = text;
    if (nl) {
        *nl = '\0';
        pattern = text;
        path = nl + 1;
    }
    size_t wildcards = 0;
    for (const char *p = pattern; *p; p++)
        wildcards += *p == '*';
    struct arena arena = {0};
    const char *params[4] = {0};
    if (wildcards <= 4 && route_match(&arena, pattern, path, params)) {
        for (size_t i = 0; i < 4; i++)
            if (params[i] && (i >= wildcards || strlen(params[i]) > strlen(path)))
                abort();
    }
    arena_free(&arena);
    free(text);
    return 0;
}
