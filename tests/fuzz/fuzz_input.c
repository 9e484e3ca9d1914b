/* libFuzzer target: voucher codes, addresses, amounts and photos as residents send them. */
#include <gd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/codes.h"
#include "domain/households.h"
#include "domain/photo.h"
#include "util/text.h"

static void quiet(int priority, const char *format, va_list args)
{
    (void)priority, (void)format, (void)args;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gdSetErrorMethod(quiet);
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char code[CODE_CHARS + 1], pc[8], add[11];
    int64_t n;
    code_normalize(text, code);
    postcode_normalize(text, pc);
    house_number_normalize(text, text, &n, add);
    parse_cents(text, 100000000, &n);
    utf8_valid(text, size);
    free(text);
    struct photo photo;
    if (photo_process(data, size, 64, &photo) == PHOTO_OK)
        photo_free(&photo);
    return 0;
}
