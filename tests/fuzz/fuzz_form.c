/* libFuzzer target: percent-decoding, query strings, multipart bodies and cookies; every
 * field that parses passes text_check and is in NFC, whether or not it was marked bad. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena arena = {0};
    struct fields fields = {0};
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *out;
    size_t out_len;
    url_decode(&arena, text, size, true, &out, &out_len);
    form_parse_urlencoded(&arena, text, size, &fields);
    struct fields query = {0};
    form_parse_query(&arena, text, size, &query);
    struct fields parts = {0};
    form_parse_multipart(&arena, "multipart/form-data; boundary=XyZ", text, size, &parts);
    /* The first line as a Content-Type header with its own boundary. */
    char *nl = strchr(text, '\n');
    if (nl) {
        *nl = '\0';
        struct fields more = {0};
        form_parse_multipart(&arena, text, nl + 1, size - (size_t)(nl + 1 - text), &more);
    }
    /* Oracle: every text field that parsed passes the one text check. */
    for (size_t i = 0; i < fields.count; i++) {
        const struct field *f = &fields.items[i];
        if (text_check(f->value, f->value_len, true) != TEXT_OK)
            abort();
        size_t n;
        char *nfc = text_nfc(f->value, f->value_len, &n);
        if (!nfc || n != f->value_len || memcmp(nfc, f->value, n) != 0)
            abort();
        free(nfc);
    }
    for (size_t i = 0; i < query.count; i++)
        if (query.items[i].bad_text ||
            text_check(query.items[i].value, query.items[i].value_len, true) != TEXT_OK)
            abort();
    for (size_t i = 0; i < parts.count; i++)
        if (!parts.items[i].filename &&
            text_check(parts.items[i].value, parts.items[i].value_len, true) != TEXT_OK)
            abort();
    struct fields cookies = {0};
    cookies_parse(&arena, text, &cookies);
    free(text);
    arena_free(&arena);
    return 0;
}
