/* QR codes as inline SVG (libqrencode), for the QR link on voucher letters. */
#ifndef BS_QR_H
#define BS_QR_H
#include <stdbool.h>

#include "util/buf.h"

/* Appends an <svg> of the QR code for text; false when it cannot be encoded. */
bool qr_svg(struct buf *out, const char *text, int size_mm);

#endif
