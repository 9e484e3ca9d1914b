/* The municipal logo on the letters: a PNG or an SVG, checked before it is kept (type, size
 * in bytes and in pixels, that it decodes), and drawn into a cairo context (an SVG as
 * vectors, through librsvg). */
#ifndef BS_VIEW_LOGO_H
#define BS_VIEW_LOGO_H
#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

enum {
    LOGO_MAX_BYTES = 512 * 1024, /* a logo file; its base64 fits the brief_logo setting */
    LOGO_MAX_SIDE = 4000,        /* pixels a side (a PNG's, or an SVG's intrinsic size) */
    LOGO_MAX_PIXELS = 4000000,   /* a PNG's width × height: what decoding it may cost */
    LOGO_MIN_SIDE = 16,          /* smaller does not print legibly */
};

enum logo_kind { LOGO_PNG, LOGO_SVG };

enum logo_result {
    LOGO_OK,
    LOGO_EMPTY,      /* no bytes */
    LOGO_TOO_LARGE,  /* more than LOGO_MAX_BYTES */
    LOGO_WRONG_TYPE, /* neither a PNG nor an SVG */
    LOGO_TOO_MANY_PIXELS,
    LOGO_TOO_SMALL,
    LOGO_UNREADABLE, /* looks like one, but does not decode */
};

struct logo_info {
    enum logo_kind kind;
    double width, height; /* pixels (an SVG: its intrinsic size, or its viewBox's) */
};

/* Checks a logo file; on LOGO_OK fills info. A PNG's size is read from its header before
 * any decoding, so a huge image costs nothing. */
enum logo_result logo_check(const unsigned char *data, size_t len, struct logo_info *info);

/* A checked logo ready to draw many times (a PDF page each). NULL when it does not decode. */
struct logo;
struct logo *logo_load(const unsigned char *data, size_t len);
void logo_free(struct logo *logo);
/* Draws the logo into the box (x, y, max_w × max_h) of cr's user space, keeping its aspect
 * ratio, aligned to the box's right edge. */
void logo_draw(struct logo *logo, cairo_t *cr, double x, double y, double max_w, double max_h);
/* The media type of a logo file: image/png, image/svg+xml, or NULL. */
const char *logo_media_type(const unsigned char *data, size_t len);

#endif
