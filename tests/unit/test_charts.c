/* Unit tests for the SVG charts: well-formed, accessible, escaped, finite, valid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "view/charts.h"

#define ELLIPSIS "\xe2\x80\xa6"

/* --- checkers written independently of the code under test --- */

static bool utf8_ok(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned c = *s, n, cp, min;
        if (c < 0x80) {
            s++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07, min = 0x10000;
        else
            return false;
        for (unsigned k = 1; k <= n; k++) {
            if ((s[k] & 0xC0) != 0x80) /* also stops at the NUL */
                return false;
            cp = cp << 6 | (s[k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        s += n + 1;
    }
    return true;
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* After '&': one of the five XML entities or a numeric reference, ending in ';'. */
static bool xml_reference(const char **p)
{
    static const char *const names[] = {"amp;", "lt;", "gt;", "quot;", "apos;"};
    const char *s = *p + 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strncmp(s, names[i], strlen(names[i])) == 0) {
            *p = s + strlen(names[i]);
            return true;
        }
    if (*s++ != '#')
        return false;
    const char *digits = s;
    while ((*s >= '0' && *s <= '9'))
        s++;
    if (s == digits || *s != ';')
        return false;
    *p = s + 1;
    return true;
}

static bool xml_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == ':' || c == '.';
}

static bool xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A tiny stack-based matcher: one root element, tags nest, attributes are quoted and unique,
 * '<' never appears in text or values, '&' always starts a reference, no control characters. */
static bool xml_well_formed(const char *s)
{
    char stack[64][32];
    int depth = 0, roots = 0;
    while (*s) {
        if ((unsigned char)*s < 0x20 && !xml_space(*s))
            return false;
        if (*s == '&') {
            if (depth == 0 || !xml_reference(&s))
                return false;
            continue;
        }
        if (*s != '<') {
            if (depth == 0 && !xml_space(*s))
                return false;
            s++;
            continue;
        }
        s++;
        bool closing = *s == '/';
        if (closing)
            s++;
        const char *name = s;
        while (xml_name_char(*s))
            s++;
        size_t name_len = (size_t)(s - name);
        if (name_len == 0 || name_len >= sizeof stack[0])
            return false;
        if (closing) {
            while (xml_space(*s))
                s++;
            if (*s++ != '>' || depth == 0)
                return false;
            depth--;
            if (strlen(stack[depth]) != name_len || memcmp(stack[depth], name, name_len) != 0)
                return false;
            continue;
        }
        if (depth == 0 && roots++ > 0)
            return false;
        char attrs[32][32];
        int n_attrs = 0;
        for (;;) {
            bool spaced = xml_space(*s);
            while (xml_space(*s))
                s++;
            if (s[0] == '/' && s[1] == '>') {
                s += 2;
                break;
            }
            if (*s == '>') {
                if (depth == (int)(sizeof stack / sizeof stack[0]))
                    return false;
                memcpy(stack[depth], name, name_len);
                stack[depth++][name_len] = '\0';
                s++;
                break;
            }
            const char *attr = s;
            while (xml_name_char(*s))
                s++;
            size_t attr_len = (size_t)(s - attr);
            if (!spaced || attr_len == 0 || attr_len >= sizeof attrs[0] || n_attrs == 32)
                return false;
            for (int i = 0; i < n_attrs; i++)
                if (strlen(attrs[i]) == attr_len && memcmp(attrs[i], attr, attr_len) == 0)
                    return false;
            memcpy(attrs[n_attrs], attr, attr_len);
            attrs[n_attrs++][attr_len] = '\0';
            if (*s++ != '=')
                return false;
            char quote = *s++;
            if (quote != '"' && quote != '\'')
                return false;
            while (*s != quote) {
                if (*s == '\0' || *s == '<' || ((unsigned char)*s < 0x20 && !xml_space(*s)))
                    return false;
                if (*s == '&') {
                    if (!xml_reference(&s))
                        return false;
                } else {
                    s++;
                }
            }
            s++;
        }
    }
    return depth == 0 && roots == 1;
}

/* The second opinion of a real XML parser, when one is installed. */
static void xmllint_accepts(const char *svg)
{
    if (access("/usr/bin/xmllint", X_OK) != 0)
        return;
    char path[] = "/tmp/test_charts_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(svg, f);
    fclose(f);
    char command[128];
    snprintf(command, sizeof command, "/usr/bin/xmllint --noout %s 2>&1", path);
    FILE *p = popen(command, "r");
    assert_non_null(p);
    char message[512] = "";
    size_t got = fread(message, 1, sizeof message - 1, p);
    message[got] = '\0';
    int status = pclose(p);
    unlink(path);
    if (status != 0)
        fail_msg("xmllint: %s", message);
}

/* Every numeric attribute holds digits only, so no "nan" or "inf" can hide in a coordinate. */
static bool coordinates_finite(const char *svg)
{
    static const char *const numeric[] = {" x=\"",  " y=\"",      " x1=\"",     " y1=\"",
                                          " x2=\"", " y2=\"",     " cx=\"",     " cy=\"",
                                          " r=\"",  " height=\"", " points=\"", " viewBox=\""};
    for (size_t i = 0; i < sizeof numeric / sizeof numeric[0]; i++)
        for (const char *p = strstr(svg, numeric[i]); p; p = strstr(p, numeric[i])) {
            p += strlen(numeric[i]);
            size_t len = strcspn(p, "\"");
            if (len == 0 || strspn(p, "0123456789., -") != len)
                return false;
        }
    for (const char *p = strstr(svg, "<rect"); p; p = strstr(p + 1, "<rect")) {
        const char *w = strstr(p, " width=\"");
        if (!w || strspn(w + 8, "0123456789.") != strcspn(w + 8, "\""))
            return false;
    }
    return true;
}

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static int view_height(const char *svg)
{
    int w = 0, h = 0;
    const char *p = strstr(svg, "viewBox=\"");
    assert_non_null(p);
    assert_int_equal(sscanf(p, "viewBox=\"0 0 %d %d\"", &w, &h), 2);
    return h;
}

/* An attribute such as onload="…" */
static bool has_event_handler(const char *svg)
{
    for (const char *p = strcasestr(svg, " on"); p; p = strcasestr(p + 1, " on")) {
        size_t letters = strspn(p + 3, "abcdefghijklmnopqrstuvwxyz");
        if (letters > 0 && p[3 + letters] == '=')
            return true;
    }
    return false;
}

/* What every chart must be: well-formed, accessible, scalable, no inline style or script. */
static void check_svg(const char *svg, const char *id)
{
    assert_non_null(svg);
    if (!xml_well_formed(svg))
        fail_msg("not well-formed: %s", svg);
    xmllint_accepts(svg);
    assert_true(utf8_ok(svg));
    assert_true(coordinates_finite(svg));
    assert_null(strcasestr(svg, "style"));
    assert_null(strcasestr(svg, "<script"));
    assert_false(has_event_handler(svg));
    assert_true(strncmp(svg, "<svg ", 5) == 0);
    assert_non_null(strstr(svg, " role=\"img\""));
    assert_non_null(strstr(svg, " width=\"100%\""));
    char expect[256];
    snprintf(expect, sizeof expect, " aria-labelledby=\"%s-title %s-desc\"", id, id);
    assert_non_null(strstr(svg, expect));
    snprintf(expect, sizeof expect, "<title id=\"%s-title\">", id);
    assert_non_null(strstr(svg, expect));
    snprintf(expect, sizeof expect, "<desc id=\"%s-desc\">", id);
    assert_non_null(strstr(svg, expect));
    assert_true(view_height(svg) > 0);
}

/* --- bars --- */

static void bars_empty(void **state)
{
    (void)state;
    struct buf out = {0};
    chart_bars_svg(&out, "leeg", "Stemmen per wijk", "Aantal stemmen.", NULL, 0, 0);
    check_svg(out.data, "leeg");
    assert_non_null(strstr(out.data, ">Nog geen gegevens</text>"));
    assert_int_equal(count(out.data, "<rect"), 0);
    assert_true(view_height(out.data) <= 100);

    struct chart_bar unused = {"Noord", 5, NULL};
    buf_reset(&out);
    chart_bars_svg(&out, "leeg2", NULL, NULL, &unused, 0, 0);
    check_svg(out.data, "leeg2");
    assert_non_null(strstr(out.data, "Nog geen gegevens"));
    buf_free(&out);
}

static void bars_one_escaped(void **state)
{
    (void)state;
    struct buf out = {0};
    struct chart_bar bar = {"<&\"'>", 3, NULL};
    chart_bars_svg(&out, "een", "Titel <b>", "Beschrijving & meer", &bar, 1, 0);
    check_svg(out.data, "een");
    assert_null(strstr(out.data, "<&\"'>"));
    assert_null(strstr(out.data, "<b>"));
    assert_non_null(strstr(out.data, ">&lt;&amp;&quot;&#39;&gt;</text>"));
    assert_non_null(strstr(out.data, "<title id=\"een-title\">Titel &lt;b&gt;</title>"));
    /* the figures are in the description, for screen readers */
    assert_non_null(
        strstr(out.data, "Beschrijving &amp; meer &lt;&amp;&quot;&#39;&gt;: 3.</desc>"));
    assert_int_equal(count(out.data, "<rect"), 1);
    assert_non_null(strstr(out.data, "fill=\"#1b6b2f\""));

    buf_reset(&out);
    struct chart_bar percent = {"Zuid", 42.5, "42,5% <"};
    chart_bars_svg(&out, "pct", "Opkomst", "", &percent, 1, 100);
    check_svg(out.data, "pct");
    assert_non_null(strstr(out.data, ">42,5% &lt;</text>"));
    assert_non_null(strstr(out.data, "\">Zuid: 42,5% &lt;.</desc>"));
    buf_free(&out);
}

static void bars_hundred(void **state)
{
    (void)state;
    struct chart_bar bars[100];
    char labels[100][24];
    for (int i = 0; i < 100; i++) {
        snprintf(labels[i], sizeof labels[i], "Wijk %d", i);
        bars[i] = (struct chart_bar){labels[i], (i + 1) * 1.5, NULL};
    }
    struct buf out = {0};
    chart_bars_svg(&out, "honderd", "Honderd wijken", "Bedragen per wijk.", bars, 100, 0);
    check_svg(out.data, "honderd");
    assert_int_equal(count(out.data, "<rect"), 100);
    assert_int_equal(count(out.data, "<text"), 200);
    int height = view_height(out.data);
    assert_true(height >= 100 * 16); /* rows stay legible */
    assert_true(height <= 100 * 30 + 60);
    assert_non_null(strstr(out.data, ">Wijk 99</text>"));
    assert_non_null(strstr(out.data, "Wijk 99: 150.</desc>"));
    assert_non_null(strstr(out.data, "Wijk 0: 1,5; Wijk 1: 3; "));
    buf_free(&out);
}

static void bars_bad_values(void **state)
{
    (void)state;
    struct chart_bar bars[] = {
        {"A", NAN, NULL},       {"B", -4, NULL}, {"C", INFINITY, NULL},
        {"D", -INFINITY, NULL}, {"E", 0, NULL},
    };
    size_t n = sizeof bars / sizeof bars[0];
    double maxes[] = {0, -1, NAN, INFINITY, 1e-300};
    struct buf out = {0};
    for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
        buf_reset(&out);
        chart_bars_svg(&out, "raar", "Raar", "Rare waarden.", bars, n, maxes[m]);
        check_svg(out.data, "raar");
        assert_null(strcasestr(out.data, "nan"));
        assert_null(strcasestr(out.data, "inf"));
        assert_int_equal(count(out.data, "<rect"), 0); /* all count as 0 */
        assert_non_null(strstr(out.data, "A: 0; B: 0; C: 0; D: 0; E: 0."));
    }
    /* a value beyond max fills the row but no more; huge values stay finite */
    struct chart_bar big[] = {{"Veel", 50, NULL}, {"Enorm", 1e300, NULL}, {"Klein", 1e-300, NULL}};
    buf_reset(&out);
    chart_bars_svg(&out, "groot", "Groot", "", big, 3, 10);
    check_svg(out.data, "groot");
    assert_null(strcasestr(out.data, "nan"));
    assert_null(strcasestr(out.data, "inf"));
    const char *w1 = strstr(out.data, "<rect");
    const char *w2 = strstr(w1 + 1, "<rect");
    assert_non_null(w2);
    double width1 = strtod(strstr(w1, " width=\"") + 8, NULL);
    double width2 = strtod(strstr(w2, " width=\"") + 8, NULL);
    assert_true(width1 > 100 && width1 <= 640 && width1 == width2);
    buf_reset(&out);
    chart_bars_svg(&out, "groot", "Groot", "", big, 3, 0);
    check_svg(out.data, "groot");
    buf_free(&out);
}

static void long_utf8_label(void **state)
{
    (void)state;
    /* 200 characters of 1, 2, 3 and 4 bytes */
    char label[1024] = "";
    for (int i = 0; i < 50; i++)
        strcat(label, "a\xc3\xab\xe2\x82\xac\xf0\x9f\x98\x80");
    assert_int_equal(utf8_chars(label, strlen(label)), 200);
    static const size_t starts[] = {0, 1, 3, 6}; /* the cut lands on each width in turn */
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        struct chart_bar bar = {
            label + starts[s], 7,
            "\xe2\x82\xac 7 \xe2\x82\xac \xe2\x82\xac \xe2\x82\xac \xe2\x82\xac"};
        struct buf out = {0};
        chart_bars_svg(&out, "lang", "Lange naam", "", &bar, 1, 0);
        check_svg(out.data, "lang");
        const char *end = strstr(out.data, ELLIPSIS "</text>");
        assert_non_null(end);
        const char *start = end;
        while (start > out.data && start[-1] != '>')
            start--;
        size_t kept = (size_t)(end - start);
        size_t chars = utf8_chars(start, kept) + 1;
        assert_true(chars >= 10 && chars <= 40);
        assert_true(kept > 0 && memcmp(start, bar.label, kept) == 0); /* a prefix, whole chars */
        assert_null(strstr(out.data, bar.label)); /* cut everywhere, the description too */
        buf_free(&out);
    }

    /* malformed UTF-8 and control characters still give valid output */
    struct chart_bar bad[] = {
        {"\xff\xfe kapot \xc3", 1, "\xe2\x82"},
        {"tab\tnieuw\nregel\x01\x1b", 2, NULL},
        {"\xed\xa0\x80 surrogaat \xc0\xaf overlang", 3, NULL},
        {NULL, 4, NULL},
    };
    struct buf out = {0};
    chart_bars_svg(&out, "kapot", "Kapot \xf5\x80", "\x7f\x02", bad, 4, 0);
    check_svg(out.data, "kapot");
    assert_non_null(strstr(out.data, "kapot \xef\xbf\xbd"));
    assert_non_null(strstr(out.data, "tab nieuw regel  "));
    buf_free(&out);
}

static void id_is_a_token(void **state)
{
    (void)state;
    struct chart_bar bar = {"Noord", 1, NULL};
    struct buf out = {0};
    chart_bars_svg(&out, "a b\"<&", "T", "D", &bar, 1, 0);
    check_svg(out.data, "a-b---");
    buf_reset(&out);
    chart_bars_svg(&out, NULL, "T", "D", &bar, 1, 0);
    check_svg(out.data, "chart");
    buf_reset(&out);
    chart_line_svg(&out, "", "T", "D", NULL, 0);
    check_svg(out.data, "chart");
    buf_free(&out);
}

/* --- line --- */

static void line_empty(void **state)
{
    (void)state;
    struct buf out = {0};
    chart_line_svg(&out, "tijd", "Donaties per dag", "Aantal donaties.", NULL, 0);
    check_svg(out.data, "tijd");
    assert_non_null(strstr(out.data, ">Nog geen gegevens</text>"));
    assert_non_null(strstr(out.data, "Aantal donaties. Nog geen gegevens.</desc>"));
    assert_int_equal(count(out.data, "<circle"), 0);
    buf_free(&out);
}

static void line_one(void **state)
{
    (void)state;
    struct chart_point point = {"3 nov", 12};
    struct buf out = {0};
    chart_line_svg(&out, "een", "Donaties", "Per dag.", &point, 1);
    check_svg(out.data, "een");
    assert_int_equal(count(out.data, "<circle"), 1);
    assert_int_equal(count(out.data, "<polyline"), 0);
    assert_non_null(strstr(out.data, ">3 nov</text>"));
    assert_non_null(strstr(out.data, "Per dag. 3 nov: 12.</desc>"));
    assert_non_null(strstr(out.data, "stroke=\"#c9d3dc\""));

    /* a single zero still has an axis, and no division by zero */
    point.value = 0;
    buf_reset(&out);
    chart_line_svg(&out, "nul", "Donaties", "", &point, 1);
    check_svg(out.data, "nul");
    assert_null(strcasestr(out.data, "nan"));
    assert_null(strcasestr(out.data, "inf"));
    assert_non_null(strstr(out.data, ">1</text>"));
    buf_free(&out);
}

static void line_sixty(void **state)
{
    (void)state;
    struct chart_point points[60];
    char labels[60][24];
    for (int i = 0; i < 60; i++) {
        snprintf(labels[i], sizeof labels[i], "d%d", i);
        points[i] = (struct chart_point){labels[i], (i % 7) * 3.25};
    }
    points[10].value = NAN;
    points[11].value = -3;
    points[12].value = INFINITY;
    struct buf out = {0};
    chart_line_svg(&out, "zestig", "Zestig dagen", "Per dag.", points, 60);
    check_svg(out.data, "zestig");
    assert_null(strcasestr(out.data, "nan"));
    assert_null(strcasestr(out.data, "inf"));
    assert_int_equal(count(out.data, "<circle"), 60);
    assert_int_equal(count(out.data, "<polyline"), 1);
    size_t x_labels = 0;
    for (int i = 0; i < 60; i++) {
        char needle[24];
        snprintf(needle, sizeof needle, ">d%d</text>", i);
        x_labels += count(out.data, needle);
    }
    assert_true(x_labels >= 4 && x_labels <= 8);
    assert_non_null(strstr(out.data, ">d0</text>"));
    assert_non_null(strstr(out.data, ">d59</text>"));
    assert_non_null(strstr(out.data, "d10: 0; d11: 0; d12: 0; d13: 19,5;"));
    /* y gridlines: a few, each with a label */
    size_t grid = count(out.data, "stroke=\"#c9d3dc\"");
    assert_true(grid >= 2 && grid <= 11);

    /* few points: every label shown */
    buf_reset(&out);
    chart_line_svg(&out, "vijf", "Vijf", "", points, 5);
    check_svg(out.data, "vijf");
    for (int i = 0; i < 5; i++) {
        char needle[24];
        snprintf(needle, sizeof needle, ">d%d</text>", i);
        assert_int_equal(count(out.data, needle), 1);
    }
    buf_free(&out);
}

static void line_escaped_and_extreme(void **state)
{
    (void)state;
    char long_label[1024] = "";
    for (int i = 0; i < 200; i++)
        strcat(long_label, "\xc3\xab");
    struct chart_point points[] = {
        {"<&\"'>", 1e300},
        {long_label, 0.25},
        {NULL, 2},
        {"\xff", 1e15},
    };
    struct buf out = {0};
    chart_line_svg(&out, "raar", "Raar <script>", "", points, 4);
    check_svg(out.data, "raar");
    assert_null(strcasestr(out.data, "nan"));
    assert_null(strcasestr(out.data, "inf"));
    assert_non_null(strstr(out.data, ">&lt;&amp;&quot;&#39;&gt;</text>"));
    assert_non_null(strstr(out.data, ELLIPSIS "</text>"));

    /* fractions below 1: the axis still reaches 1 */
    struct chart_point small[] = {{"a", 0.1}, {"b", 0.3}};
    buf_reset(&out);
    chart_line_svg(&out, "klein", "Klein", "", small, 2);
    check_svg(out.data, "klein");
    assert_non_null(strstr(out.data, ">0,5</text>"));
    assert_non_null(strstr(out.data, "a: 0,1; b: 0,3."));
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bars_empty),      cmocka_unit_test(bars_one_escaped),
        cmocka_unit_test(bars_hundred),    cmocka_unit_test(bars_bad_values),
        cmocka_unit_test(long_utf8_label), cmocka_unit_test(id_is_a_token),
        cmocka_unit_test(line_empty),      cmocka_unit_test(line_one),
        cmocka_unit_test(line_sixty),      cmocka_unit_test(line_escaped_and_extreme),
    };
    return cmocka_run_group_tests_name("charts", tests, NULL, NULL);
}
