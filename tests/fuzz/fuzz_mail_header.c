/* libFuzzer target: mail header encoding. The first line is the From value (the admin-editable
 * site name), the second the subject, the rest a follower's unsubscribe URL. Oracle: the header
 * block has exactly the headers written (no value can start one of its own; List-Unsubscribe
 * and List-Unsubscribe-Post only for a usable URL), every line ends in CRLF and is at most 998
 * octets. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/mail_format.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *nl = memchr(text, '\n', size);
    const char *from = text, *subject = "Onderwerp", *url = NULL;
    if (nl) {
        *nl = '\0';
        subject = nl + 1;
        char *second = strchr(nl + 1, '\n');
        if (second) {
            *second = '\0';
            url = second + 1;
        }
    }
    if (mail_subject_usable(subject)) {
        struct buf out = {0};
        mail_format_message(&out, from, NULL, url, 1795730400, 1, "piet@example.nl", subject, "x");
        const char *end = strstr(out.data, "\r\n\r\n");
        if (!end)
            abort();
        int headers = 0;
        for (const char *line = out.data; line <= end;) {
            const char *eol = strstr(line, "\r\n");
            if (!eol || eol - line > 998 || memchr(line, '\r', (size_t)(eol - line)) ||
                memchr(line, '\n', (size_t)(eol - line)))
                abort();
            if (*line != ' ' && *line != '\t')
                headers++;
            line = eol + 2;
        }
        /* From To Subject Date Message-ID MIME-Version Content-Type C-T-E Auto-Submitted */
        if (headers != 9 + (url && mail_unsubscribe_usable(url) ? 2 : 0))
            abort();
        buf_free(&out);
    }
    free(text);
    return 0;
}
