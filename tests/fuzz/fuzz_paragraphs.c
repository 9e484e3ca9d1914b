/* libFuzzer target: paragraph formatting ({{paras}}). Oracle: whatever the text, the output
 * holds no tag but the ones the formatter writes (p, br, a) and no raw '<' from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"
#include "view/format.h"

static const char *const allowed[] = {"<p>", "</p>", "<br>", "<a ", "</a>"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    if (utf8_valid(text, size)) {
        struct buf out = {0};
        format_paragraphs(&out, text);
        for (const char *p = out.data ? strchr(out.data, '<') : NULL; p; p = strchr(p + 1, '<')) {
            bool known = false;
            for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
                known = known || strncmp(p, allowed[i], strlen(allowed[i])) == 0;
            if (!known)
                abort(); /* a '<' that the formatter did not write: input reached the page */
        }
        buf_free(&out);
    }
    free(text);
    return 0;
}
