/* Logos: PNG through cairo, SVG through librsvg, both drawn by cairo. */
#include "view/logo.h"
#include "util/alloc.h"

#include <librsvg/rsvg.h>
#include <stdint.h>
#include <string.h>

static const unsigned char PNG_SIGNATURE[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

static bool is_png(const unsigned char *data, size_t len)
{
    return len >= 8 && memcmp(data, PNG_SIGNATURE, 8) == 0;
}

/* An SVG is XML whose root element is <svg>: after an optional BOM, XML declaration,
 * comments and a doctype, the first element is "svg" (with or without a prefix). */
static bool is_svg(const unsigned char *data, size_t len)
{
    size_t i = 0;
    if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
        i = 3;
    while (i < len) {
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
            i++;
        if (i >= len || data[i] != '<')
            return false;
        if (i + 1 < len && (data[i + 1] == '?' || data[i + 1] == '!')) {
            const char *end = data[i + 1] == '!' && len - i > 4 && !memcmp(data + i, "<!--", 4)
                                  ? "-->"
                                  : ">";
            const unsigned char *at = memmem(data + i, len - i, end, strlen(end));
            if (!at)
                return false;
            i = (size_t)(at - data) + strlen(end);
            continue;
        }
        size_t n = 1;
        while (i + n < len && data[i + n] != ' ' && data[i + n] != '>' && data[i + n] != '/' &&
               data[i + n] != '\t' && data[i + n] != '\r' && data[i + n] != '\n')
            n++;
        const unsigned char *name = data + i + 1;
        size_t name_len = n - 1;
        const unsigned char *colon = memchr(name, ':', name_len);
        if (colon) {
            name_len -= (size_t)(colon + 1 - name);
            name = colon + 1;
        }
        return name_len == 3 && !memcmp(name, "svg", 3);
    }
    return false;
}

const char *logo_media_type(const unsigned char *data, size_t len)
{
    return is_png(data, len) ? "image/png" : is_svg(data, len) ? "image/svg+xml" : NULL;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct png_source {
    const unsigned char *data;
    size_t len, at;
};

static cairo_status_t png_read(void *closure, unsigned char *data, unsigned int length)
{
    struct png_source *s = closure;
    if (s->len - s->at < length)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, s->data + s->at, length);
    s->at += length;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *png_decode(const unsigned char *data, size_t len)
{
    struct png_source src = {data, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &src);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || cairo_image_surface_get_width(s) <= 0 ||
        cairo_image_surface_get_height(s) <= 0) {
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

static RsvgHandle *svg_parse(const unsigned char *data, size_t len, double *w, double *h)
{
    GError *error = NULL;
    RsvgHandle *handle = rsvg_handle_new_from_data(data, len, &error);
    if (!handle) {
        g_clear_error(&error);
        return NULL;
    }
    gdouble width = 0, height = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(handle, &width, &height)) {
        /* Sizes in per cent, or none: the viewBox gives the proportions. */
        gboolean has_width, has_height, has_viewbox;
        RsvgLength lw, lh;
        RsvgRectangle viewbox;
        rsvg_handle_get_intrinsic_dimensions(handle, &has_width, &lw, &has_height, &lh,
                                             &has_viewbox, &viewbox);
        if (has_viewbox)
            width = viewbox.width, height = viewbox.height;
    }
    *w = width;
    *h = height;
    return handle;
}

enum logo_result logo_check(const unsigned char *data, size_t len, struct logo_info *info)
{
    if (!data || !len)
        return LOGO_EMPTY;
    if (len > LOGO_MAX_BYTES)
        return LOGO_TOO_LARGE;
    if (is_png(data, len)) {
        /* The IHDR chunk comes first: its size, before anything is decoded. */
        if (len < 33 || memcmp(data + 12, "IHDR", 4) != 0)
            return LOGO_UNREADABLE;
        uint32_t w = be32(data + 16), h = be32(data + 20);
        if (w > LOGO_MAX_SIDE || h > LOGO_MAX_SIDE || (uint64_t)w * h > LOGO_MAX_PIXELS)
            return LOGO_TOO_MANY_PIXELS;
        if (w < LOGO_MIN_SIDE || h < LOGO_MIN_SIDE)
            return LOGO_TOO_SMALL;
        cairo_surface_t *s = png_decode(data, len);
        if (!s)
            return LOGO_UNREADABLE;
        cairo_surface_destroy(s);
        *info = (struct logo_info){LOGO_PNG, w, h};
        return LOGO_OK;
    }
    if (!is_svg(data, len))
        return LOGO_WRONG_TYPE;
    double w = 0, h = 0;
    RsvgHandle *handle = svg_parse(data, len, &w, &h);
    if (!handle)
        return LOGO_UNREADABLE;
    enum logo_result r = LOGO_OK;
    if (!(w > 0 && h > 0))
        r = LOGO_UNREADABLE; /* no size and no viewBox: nothing to scale */
    else if (w > LOGO_MAX_SIDE || h > LOGO_MAX_SIDE)
        r = LOGO_TOO_MANY_PIXELS;
    else if (w < LOGO_MIN_SIDE || h < LOGO_MIN_SIDE)
        r = LOGO_TOO_SMALL;
    if (r == LOGO_OK) {
        /* It must draw, not only parse: into a recording surface, nothing kept. */
        cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
        cairo_t *cr = cairo_create(rec);
        RsvgRectangle viewport = {0, 0, w, h};
        GError *error = NULL;
        if (!rsvg_handle_render_document(handle, cr, &viewport, &error))
            r = LOGO_UNREADABLE;
        g_clear_error(&error);
        cairo_destroy(cr);
        cairo_surface_destroy(rec);
    }
    g_object_unref(handle);
    if (r == LOGO_OK)
        *info = (struct logo_info){LOGO_SVG, w, h};
    return r;
}

struct logo {
    cairo_surface_t *png; /* one of the two */
    RsvgHandle *svg;
    double width, height;
};

struct logo *logo_load(const unsigned char *data, size_t len)
{
    struct logo_info info;
    if (logo_check(data, len, &info) != LOGO_OK)
        return NULL;
    struct logo *logo = xcalloc(1, sizeof *logo);
    logo->width = info.width;
    logo->height = info.height;
    if (info.kind == LOGO_PNG)
        logo->png = png_decode(data, len);
    else
        logo->svg = svg_parse(data, len, &logo->width, &logo->height);
    if (!logo->png && !logo->svg) {
        free(logo);
        return NULL;
    }
    return logo;
}

void logo_free(struct logo *logo)
{
    if (!logo)
        return;
    if (logo->png)
        cairo_surface_destroy(logo->png);
    if (logo->svg)
        g_object_unref(logo->svg);
    free(logo);
}

void logo_draw(struct logo *logo, cairo_t *cr, double x, double y, double max_w, double max_h)
{
    if (!logo)
        return;
    double scale = max_w / logo->width < max_h / logo->height ? max_w / logo->width
                                                              : max_h / logo->height;
    double w = logo->width * scale, h = logo->height * scale;
    cairo_save(cr);
    if (logo->png) {
        cairo_translate(cr, x + max_w - w, y);
        cairo_scale(cr, scale, scale);
        cairo_set_source_surface(cr, logo->png, 0, 0);
        cairo_paint(cr);
    } else {
        /* Vectors: librsvg draws the paths into cairo's PDF surface as they are. */
        RsvgRectangle viewport = {x + max_w - w, y, w, h};
        rsvg_handle_render_document(logo->svg, cr, &viewport, NULL);
    }
    cairo_restore(cr);
}
