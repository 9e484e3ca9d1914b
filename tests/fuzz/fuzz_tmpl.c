/* libFuzzer target: template parsing and rendering of whatever parses. */
#include <stdint.h>
#include <string.h>

#include "view/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tmpl_set *set = tmpl_set_new();
    char err[128];
    if (tmpl_set_add(set, "t", (const char *)data, size, err, sizeof err)) {
        json_t *v = json_pack("{s:s, s:[{s:s}, {s:i}], s:b, s:{s:s}}", "a", "<x>", "list", "b",
                              "&", "b", 2, "flag", 1, "obj", "c", "\"");
        struct buf out = {0};
        tmpl_render(set, "t", "t", v, &out);
        buf_free(&out);
        json_decref(v);
    }
    tmpl_set_free(set);
    return 0;
}
