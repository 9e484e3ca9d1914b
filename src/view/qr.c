/* QR code to SVG: one path of unit squares, with the standard quiet zone of four modules. */
#include "view/qr.h"

#include <qrencode.h>

bool qr_svg(struct buf *out, const char *text, int size_mm)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return false;
    int w = qr->width, full = w + 8;
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%dmm\" "
               "height=\"%dmm\" shape-rendering=\"crispEdges\" role=\"img\" "
               "aria-label=\"QR-code\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path d=\"",
               full, full, size_mm, size_mm, full, full);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (qr->data[y * w + x] & 1)
                buf_printf(out, "M%d %dh1v1h-1z", x + 4, y + 4);
    buf_puts(out, "\" fill=\"#000\"/></svg>");
    QRcode_free(qr);
    return true;
}
