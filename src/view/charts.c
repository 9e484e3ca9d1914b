/* SVG bar and line charts: fixed viewBox geometry, escaped text, locale-free numbers. */
#include "view/charts.h"
#include "view/escape.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define COLOUR_BAR  "#1b6b2f"
#define COLOUR_LINE "#00447a"
#define COLOUR_TEXT "#1a1a1a"
#define COLOUR_GRID "#c9d3dc"
#define FONT        "font-family=\"system-ui, sans-serif\" font-size=\"14\" fill=\"" COLOUR_TEXT "\""

/* Larger figures are nonsense on a dashboard; the cap keeps every scaled figure finite. */
#define VALUE_MAX 1e15
/* Label lengths in characters, about what fits in the space left for them at font-size 14. */
#define BAR_LABEL_MAX   22
#define VALUE_LABEL_MAX 10
#define X_LABEL_MAX     8
#define DESC_LABEL_MAX  160
#define UNLIMITED       SIZE_MAX

/* Bar chart geometry (viewBox units): labels end at BARS_X - 8, value labels need VALUE_W. */
#define BARS_WIDTH 560
#define BARS_X     180
#define VALUE_W    80
#define BARS_PAD   8

/* Line chart geometry: the plot area inside the margins. */
#define LINE_WIDTH  560
#define LINE_HEIGHT 240
#define PLOT_LEFT   52
#define PLOT_RIGHT  32
#define PLOT_TOP    16
#define PLOT_BOTTOM 36
#define X_LABELS    8

static double chart_value(double v)
{
    if (!isfinite(v) || v <= 0)
        return 0;
    return v > VALUE_MAX ? VALUE_MAX : v;
}

/* Decodes one code point from s (len > 0) into *cp and returns its length in bytes; a
 * malformed sequence yields U+FFFD for its first byte, so the caller never cuts a character. */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n;
    uint32_t min, v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        n = 1, min = 0x80, v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2, min = 0x800, v = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3, min = 0x10000, v = c & 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len <= n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[k] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return n + 1;
}

/* Appends one code point, escaped; characters XML 1.0 does not allow become a space or U+FFFD. */
static void put_code_point(struct buf *out, uint32_t cp)
{
    char enc[4];
    size_t n;
    if (cp < 0x20)
        cp = ' '; /* tabs and newlines mean nothing inside a one-line label */
    else if (cp == 0xFFFE || cp == 0xFFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        enc[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        enc[0] = (char)(0xC0 | cp >> 6), enc[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        enc[0] = (char)(0xE0 | cp >> 12), enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        enc[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        enc[0] = (char)(0xF0 | cp >> 18), enc[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        enc[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), enc[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    escape_html(out, enc, n);
}

/* Appends user text escaped, at most max_chars characters: a longer text keeps max_chars - 1
 * and ends in "…". NULL counts as empty. */
static void put_text(struct buf *out, const char *text, size_t max_chars)
{
    assert(max_chars > 0);
    if (!text)
        return;
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), chars = 0;
    uint32_t cp;
    for (size_t i = 0; i < len; chars++)
        i += utf8_next(s + i, len - i, &cp);
    size_t keep = chars > max_chars ? max_chars - 1 : chars;
    size_t i = 0;
    for (size_t k = 0; k < keep; k++) {
        i += utf8_next(s + i, len - i, &cp);
        put_code_point(out, cp);
    }
    if (keep < chars)
        buf_puts(out, "\xe2\x80\xa6");
}

/* The id as a token: aria-labelledby is a space-separated list, so nothing else may pass. */
static void put_id(struct buf *out, const char *id)
{
    size_t start = out->len;
    for (const char *p = id ? id : ""; *p; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_';
        buf_putc(out, ok ? c : '-');
    }
    if (out->len == start)
        buf_puts(out, "chart");
}

/* A coordinate, non-negative and rounded to a tenth, printed without printf's locale-dependent
 * decimal point: "12" or "12.5". */
static void put_coord(struct buf *out, double v)
{
    if (!isfinite(v) || v < 0)
        v = 0;
    else if (v > 1e6)
        v = 1e6;
    unsigned long long tenths = (unsigned long long)(v * 10 + 0.5);
    if (tenths % 10)
        buf_printf(out, "%llu.%llu", tenths / 10, tenths % 10);
    else
        buf_printf(out, "%llu", tenths / 10);
}

/* A figure for people, in Dutch notation: "12.500", "42,5" (one decimal, only when needed). */
static void put_figure(struct buf *out, double v)
{
    unsigned long long tenths = (unsigned long long)(chart_value(v) * 10 + 0.5);
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%llu", tenths / 10);
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf_putc(out, '.');
        buf_putc(out, digits[i]);
    }
    if (tenths % 10)
        buf_printf(out, ",%llu", tenths % 10);
}

/* Opens the <svg> with its title and leaves <desc> open: the caller appends the figures and
 * closes it with "</desc>". */
static void svg_open(struct buf *out, const char *id, int width, int height, const char *title,
                     const char *desc)
{
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
               "role=\"img\" aria-labelledby=\"",
               width, height);
    put_id(out, id);
    buf_puts(out, "-title ");
    put_id(out, id);
    buf_puts(out, "-desc\"><title id=\"");
    put_id(out, id);
    buf_puts(out, "-title\">");
    put_text(out, title, UNLIMITED);
    buf_puts(out, "</title><desc id=\"");
    put_id(out, id);
    buf_puts(out, "-desc\">");
    put_text(out, desc, UNLIMITED);
}

static void svg_empty(struct buf *out, const char *id, const char *title, const char *desc)
{
    svg_open(out, id, BARS_WIDTH, 48, title, desc);
    buf_puts(out, desc && *desc ? " Nog geen gegevens.</desc>" : "Nog geen gegevens.</desc>");
    buf_printf(out,
               "<text x=\"%d\" y=\"24\" dy=\"0.35em\" text-anchor=\"middle\" " FONT
               ">Nog geen gegevens</text></svg>",
               BARS_WIDTH / 2);
}

/* "Noord: 42,5%; Zuid: 10." after the caller's description. */
static void put_desc_item(struct buf *out, size_t i, const char *desc, const char *label)
{
    if (i == 0 && desc && *desc)
        buf_putc(out, ' ');
    else if (i > 0)
        buf_puts(out, "; ");
    put_text(out, label, DESC_LABEL_MAX);
    buf_puts(out, ": ");
}

static void put_value_label(struct buf *out, const struct chart_bar *bar, size_t max_chars)
{
    if (bar->value_label)
        put_text(out, bar->value_label, max_chars);
    else
        put_figure(out, bar->value);
}

void chart_bars_svg(struct buf *out, const char *id, const char *title, const char *desc,
                    const struct chart_bar *bars, size_t n, double max)
{
    if (!bars || n == 0) {
        svg_empty(out, id, title, desc);
        return;
    }
    double top = chart_value(max);
    if (top == 0) {
        for (size_t i = 0; i < n; i++)
            if (chart_value(bars[i].value) > top)
                top = chart_value(bars[i].value);
        if (top < 1)
            top = 1;
    }
    /* Rows stay readable: a long list gets slightly tighter rows and simply grows taller. */
    double pitch = n <= 20 ? 28 : 22, bar_height = n <= 20 ? 18 : 14;
    double span = BARS_WIDTH - BARS_X - VALUE_W;
    double full_height = 2 * BARS_PAD + pitch * (double)n;
    int height = full_height > 1e6 ? 1000000 : (int)full_height; /* put_coord's bound too */

    svg_open(out, id, BARS_WIDTH, height, title, desc);
    for (size_t i = 0; i < n; i++) {
        put_desc_item(out, i, desc, bars[i].label);
        put_value_label(out, &bars[i], DESC_LABEL_MAX);
    }
    buf_puts(out, ".</desc><g " FONT ">");
    buf_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"", BARS_X, BARS_PAD, BARS_X);
    put_coord(out, BARS_PAD + pitch * (double)n);
    buf_puts(out, "\" stroke=\"" COLOUR_GRID "\"/>");

    for (size_t i = 0; i < n; i++) {
        double value = chart_value(bars[i].value);
        double width = span * (value > top ? 1 : value / top);
        double y = BARS_PAD + pitch * (double)i, middle = y + pitch / 2;
        buf_printf(out, "<text x=\"%d\" y=\"", BARS_X - 8);
        put_coord(out, middle);
        buf_puts(out, "\" dy=\"0.35em\" text-anchor=\"end\">");
        put_text(out, bars[i].label, BAR_LABEL_MAX);
        buf_puts(out, "</text>");
        if (width >= 0.05) {
            buf_printf(out, "<rect x=\"%d\" y=\"", BARS_X);
            put_coord(out, middle - bar_height / 2);
            buf_puts(out, "\" width=\"");
            put_coord(out, width);
            buf_puts(out, "\" height=\"");
            put_coord(out, bar_height);
            buf_puts(out, "\" fill=\"" COLOUR_BAR "\"/>");
        }
        buf_puts(out, "<text x=\"");
        put_coord(out, BARS_X + width + 6);
        buf_puts(out, "\" y=\"");
        put_coord(out, middle);
        buf_puts(out, "\" dy=\"0.35em\">");
        put_value_label(out, &bars[i], VALUE_LABEL_MAX);
        buf_puts(out, "</text>");
    }
    buf_puts(out, "</g></svg>");
}

/* A round gridline step (1, 2 or 5 times a power of ten) giving at most four intervals. */
static double nice_step(double top)
{
    double raw = top / 4, base = 1;
    while (base * 10 <= raw)
        base *= 10;
    while (base > raw)
        base /= 10;
    static const double factors[] = {1, 2, 5, 10};
    for (size_t i = 0; i < sizeof factors / sizeof factors[0]; i++)
        if (base * factors[i] >= raw)
            return base * factors[i];
    return base * 10;
}

void chart_line_svg(struct buf *out, const char *id, const char *title, const char *desc,
                    const struct chart_point *points, size_t n)
{
    if (!points || n == 0) {
        svg_empty(out, id, title, desc);
        return;
    }
    double largest = 1;
    for (size_t i = 0; i < n; i++)
        if (chart_value(points[i].value) > largest)
            largest = chart_value(points[i].value);
    double step = nice_step(largest);
    int intervals = 1;
    while (intervals < 10 && step * intervals < largest * (1 - 1e-9))
        intervals++;
    double top = step * intervals;
    double plot_w = LINE_WIDTH - PLOT_LEFT - PLOT_RIGHT,
           plot_h = LINE_HEIGHT - PLOT_TOP - PLOT_BOTTOM;
    double bottom = PLOT_TOP + plot_h;

    svg_open(out, id, LINE_WIDTH, LINE_HEIGHT, title, desc);
    for (size_t i = 0; i < n; i++) {
        put_desc_item(out, i, desc, points[i].label);
        put_figure(out, points[i].value);
    }
    buf_puts(out, ".</desc><g " FONT ">");

    for (int k = 0; k <= intervals; k++) {
        double y = bottom - plot_h * k / intervals;
        buf_printf(out, "<line x1=\"%d\" y1=\"", PLOT_LEFT);
        put_coord(out, y);
        buf_printf(out, "\" x2=\"%d\" y2=\"", LINE_WIDTH - PLOT_RIGHT);
        put_coord(out, y);
        buf_puts(out, "\" stroke=\"" COLOUR_GRID "\"/>");
        buf_printf(out, "<text x=\"%d\" y=\"", PLOT_LEFT - 6);
        put_coord(out, y);
        buf_puts(out, "\" dy=\"0.35em\" text-anchor=\"end\">");
        put_figure(out, step * k);
        buf_puts(out, "</text>");
    }

    /* x of point i: spread over the plot width, a single point in the middle */
    double gap = n > 1 ? plot_w / (double)(n - 1) : 0;
    double first_x = n > 1 ? PLOT_LEFT : PLOT_LEFT + plot_w / 2;
    if (n > 1) {
        buf_puts(out, "<polyline fill=\"none\" stroke=\"" COLOUR_LINE "\" stroke-width=\"2\" "
                      "stroke-linejoin=\"round\" points=\"");
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_putc(out, ' ');
            put_coord(out, first_x + gap * (double)i);
            buf_putc(out, ',');
            put_coord(out, bottom - plot_h * chart_value(points[i].value) / top);
        }
        buf_puts(out, "\"/>");
    }
    for (size_t i = 0; i < n; i++) {
        buf_puts(out, "<circle cx=\"");
        put_coord(out, first_x + gap * (double)i);
        buf_puts(out, "\" cy=\"");
        put_coord(out, bottom - plot_h * chart_value(points[i].value) / top);
        buf_puts(out, "\" r=\"3\" fill=\"" COLOUR_LINE "\"><title>");
        put_text(out, points[i].label, DESC_LABEL_MAX);
        buf_puts(out, ": ");
        put_figure(out, points[i].value);
        buf_puts(out, "</title></circle>");
    }

    /* At most X_LABELS labels, the first and last always among them, evenly spread between. */
    size_t labels = n < X_LABELS ? n : X_LABELS;
    for (size_t k = 0; k < labels; k++) {
        size_t i = labels > 1 ? (k * (n - 1) + (labels - 1) / 2) / (labels - 1) : 0;
        buf_puts(out, "<text x=\"");
        put_coord(out, first_x + gap * (double)i);
        buf_puts(out, "\" y=\"");
        put_coord(out, bottom + 20);
        buf_puts(out, "\" text-anchor=\"middle\">");
        put_text(out, points[i].label, X_LABEL_MAX);
        buf_puts(out, "</text>");
    }
    buf_puts(out, "</g></svg>");
}
