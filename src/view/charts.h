/* Server-rendered SVG charts for the dashboard: accessible (role="img", <title> and <desc>
 * with the figures), styled only with attributes (the site's CSP forbids inline style
 * attributes and <style> is not needed), no script. */
#ifndef BS_CHARTS_H
#define BS_CHARTS_H
#include <stddef.h>

#include "util/buf.h"

struct chart_bar {
    const char *label;
    double value;
    const char *value_label; /* e.g. "42,5%"; NULL: the value in Dutch notation */
};

struct chart_point {
    const char *label; /* x-axis, e.g. "3 nov" */
    double value;
};

/* Horizontal bars, one row per item (labels left, value labels at the bar end), scaled to max
 * (0: the largest value, and at least 1). id must be unique on the page (for aria-labelledby).
 *
 * Common to both charts: the <desc> is desc followed by every label with its figure, because
 * role="img" hides the drawing itself from screen readers. id is reduced to [A-Za-z0-9_-].
 * Negative, NaN and infinite values count as 0. Labels are cut to a few dozen characters with
 * an ellipsis; malformed UTF-8 and control characters in any text are replaced, so the
 * output is always well-formed XML. No data at all gives a small "Nog geen gegevens" image. */
void chart_bars_svg(struct buf *out, const char *id, const char *title, const char *desc,
                    const struct chart_bar *bars, size_t n, double max);

/* A line over time with dots and a few x-axis labels (at most ~8, evenly spread) and y
 * gridlines. */
void chart_line_svg(struct buf *out, const char *id, const char *title, const char *desc,
                    const struct chart_point *points, size_t n);

#endif
