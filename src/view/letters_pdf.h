/* The voucher letters as a print-ready PDF for the mail house (cairo): one A4 page per letter,
 * the address placed for a window envelope, the QR code as vectors, written page by page. */
#ifndef BS_VIEW_LETTERS_PDF_H
#define BS_VIEW_LETTERS_PDF_H
#include <stdbool.h>
#include <stddef.h>

#include "domain/issuance.h"
#include "domain/letters.h"

/* Where the PDF's bytes go as cairo writes them; false stops the PDF. */
typedef bool (*letters_pdf_write_fn)(void *ctx, const unsigned char *data, size_t len);

struct letters_pdf;

/* Starts a PDF. logo_png (may be NULL) is a PNG or SVG file's bytes (view/logo.h), drawn top
 * right on every page, an SVG as vectors; a logo that does not pass logo_check is left out.
 * NULL when cairo cannot start. */
struct letters_pdf *letters_pdf_begin(const struct letters_info *info, const unsigned char *logo_png,
                                      size_t logo_len, letters_pdf_write_fn write, void *ctx);
/* Draws one letter on a page of its own and emits that page; the shape of an issue_sink's
 * letter callback (ctx: struct letters_pdf). */
bool letters_pdf_add(void *ctx, const struct letter *letter);
/* Finishes the PDF and frees it; false when anything failed on the way. */
bool letters_pdf_end(struct letters_pdf *pdf);

/* A write function for a FILE * (ctx). */
bool letters_pdf_write_file(void *ctx, const unsigned char *data, size_t len);

#endif
