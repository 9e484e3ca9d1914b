/* The voucher letters assembled in one place for the CLI and the admin screens: the printer's
 * CSV (address, code, QR link) and the printable HTML letters with their QR codes. */
#ifndef BS_VIEW_LETTERS_H
#define BS_VIEW_LETTERS_H
#include <jansson.h>
#include <stdbool.h>

#include "domain/issuance.h"
#include "domain/letters.h"
#include "util/buf.h"

struct tmpl_set;

/* The letters of one issuance, collected as the vouchers are made. They hold plain codes:
 * letters_end wipes them. */
struct letters {
    char base_url[256];
    struct buf csv;  /* BOM, header, one row per letter */
    json_t *letters; /* one object per letter for the HTML; NULL when only the CSV is wanted */
};

/* Starts the CSV; base_url from settings_base_url (or letters_info). */
void letters_begin(struct letters *l, const char *base_url, bool html);
/* Adds one letter; the shape of an issue_sink's letter callback (ctx: struct letters). */
bool letters_add(void *ctx, const struct letter *letter);
/* The donation link of a code: BASE/doneren?code=CODE, what the QR code holds. */
void letters_link(char *out, size_t size, const char *base_url, const char *code);
/* The printable letters (templates/letters.html) into out; false when rendering failed. */
bool letters_render(const struct letters *l, const struct tmpl_set *templates,
                    const struct letters_info *info, struct buf *out);
/* Wipes and frees what the letters hold. */
void letters_end(struct letters *l);

#endif
