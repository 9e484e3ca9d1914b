/* Unit tests for the template engine: escaping, sections, partials, malformed templates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "view/tmpl.h"

static struct tmpl_set *set;

static char *render(const char *tmpl, const char *json)
{
    json_error_t jerr;
    json_t *data = json_loads(json, 0, &jerr);
    assert_non_null(data);
    char err[128];
    assert_true(tmpl_set_add(set, "t", tmpl, strlen(tmpl), err, sizeof err));
    struct buf out = {0};
    assert_true(tmpl_render(set, "t", NULL, data, &out));
    json_decref(data);
    return buf_detach(&out);
}

static int setup(void **state)
{
    (void)state;
    set = tmpl_set_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tmpl_set_free(set);
    return 0;
}

static void escapes_by_default(void **state)
{
    (void)state;
    char *s = render("<p title=\"{{v}}\">{{v}}</p>", "{\"v\": \"<b>&\\\"'x\"}");
    assert_string_equal(s, "<p title=\"&lt;b&gt;&amp;&quot;&#39;x\">&lt;b&gt;&amp;&quot;&#39;x</p>");
    free(s);
}

static void raw_needs_its_name(void **state)
{
    (void)state;
    char *s = render("{{raw v}}|{{v}}", "{\"v\": \"<i>x</i>\"}");
    assert_string_equal(s, "<i>x</i>|&lt;i&gt;x&lt;/i&gt;");
    free(s);
}

static void paras_renders_plain_text_as_paragraphs(void **state)
{
    (void)state;
    char *s = render("<div>{{paras v}}</div>",
                     "{\"v\": \"Een <b>&\\nregel\\n\\nzie https://example.org/a?b=1&c=2\"}");
    assert_string_equal(s, "<div><p>Een &lt;b&gt;&amp;<br>\nregel</p>\n"
                           "<p>zie <a href=\"https://example.org/a?b=1&amp;c=2\" "
                           "rel=\"nofollow noopener\">https://example.org/a?b=1&amp;c=2</a></p>\n"
                           "</div>");
    free(s);
    /* Missing, null, empty and non-string values give nothing; dotted names and items work. */
    s = render("[{{paras x}}{{paras n}}{{paras e}}{{paras i}}{{paras o}}]",
               "{\"n\": null, \"e\": \"\", \"i\": 5, \"o\": {\"a\": 1}}");
    assert_string_equal(s, "[]");
    free(s);
    s = render("{{paras a.b}}|{{#l}}{{paras .}}{{/l}}",
               "{\"a\": {\"b\": \"x\"}, \"l\": [\"y\", \"<z>\"]}");
    assert_string_equal(s, "<p>x</p>\n|<p>y</p>\n<p>&lt;z&gt;</p>\n");
    free(s);
    /* "paras" alone is an ordinary name, and the filter needs a valid one. */
    s = render("{{paras}}", "{\"paras\": \"<p>\"}");
    assert_string_equal(s, "&lt;p&gt;");
    free(s);
    char err[128];
    assert_false(tmpl_set_add(set, "bad", "{{paras a b}}", 13, err, sizeof err));
}

static void url_escaping(void **state)
{
    (void)state;
    char *s = render("/x?q={{url v}}", "{\"v\": \"a b&c=\\\"é\"}");
    assert_string_equal(s, "/x?q=a%20b%26c%3D%22%C3%A9");
    free(s);
}

static void local_time(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    /* Winter (UTC+1) and summer (UTC+2); a value that is no moment stays as it is, escaped. */
    char *s = render("{{local a}}|{{local b}}|{{local c}}|{{local d}}",
                     "{\"a\": \"2026-12-02 18:05:00\", \"b\": \"2026-06-30 22:30:00\", "
                     "\"c\": \"<nu>\", \"d\": 7}");
    assert_string_equal(s, "2 december 2026 om 19:05|1 juli 2026 om 00:30|&lt;nu&gt;|7");
    free(s);
}

static void sections_and_inverted(void **state)
{
    (void)state;
    char *s = render("{{#items}}[{{name}}]{{/items}}{{^items}}none{{/items}}",
                     "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");
    assert_string_equal(s, "[a][b]");
    free(s);
    s = render("{{#items}}[{{name}}]{{/items}}{{^items}}none{{/items}}", "{\"items\": []}");
    assert_string_equal(s, "none");
    free(s);
    s = render("{{#flag}}yes{{/flag}}{{^flag}}no{{/flag}}", "{\"flag\": false}");
    assert_string_equal(s, "no");
    free(s);
    s = render("{{#missing}}yes{{/missing}}{{^missing}}no{{/missing}}", "{}");
    assert_string_equal(s, "no");
    free(s);
    s = render("{{#obj}}{{a}}-{{outer}}{{/obj}}", "{\"obj\": {\"a\": 1}, \"outer\": \"o\"}");
    assert_string_equal(s, "1-o");
    free(s);
    s = render("{{#list}}{{.}},{{/list}}", "{\"list\": [\"x\", 2, \"<\"]}");
    assert_string_equal(s, "x,2,&lt;,");
    free(s);
    s = render("{{a.b.c}} {{list.1}} {{#list.0}}first{{/list.0}}",
               "{\"a\": {\"b\": {\"c\": \"deep\"}}, \"list\": [\"p\", \"q\"]}");
    assert_string_equal(s, "deep q first");
    free(s);
    s = render("{{! a comment }}x{{n}}", "{\"n\": 0}");
    assert_string_equal(s, "x0");
    free(s);
}

static void partials_and_layout(void **state)
{
    (void)state;
    const char *card = "<li>{{name}}</li>";
    const char *layout = "<main>{{>content}}</main>";
    const char *page = "<ul>{{#items}}{{>card}}{{/items}}</ul>";
    assert_true(tmpl_set_add(set, "card", card, strlen(card), NULL, 0));
    assert_true(tmpl_set_add(set, "layout", layout, strlen(layout), NULL, 0));
    assert_true(tmpl_set_add(set, "page", page, strlen(page), NULL, 0));
    json_t *data = json_loads("{\"items\": [{\"name\": \"<a>\"}]}", 0, NULL);
    struct buf out = {0};
    assert_true(tmpl_render(set, "layout", "page", data, &out));
    assert_string_equal(out.data, "<main><ul><li>&lt;a&gt;</li></ul></main>");
    buf_free(&out);
    /* A missing partial fails the render instead of printing half a page silently. */
    const char *broken = "{{>nope}}";
    assert_true(tmpl_set_add(set, "broken", broken, strlen(broken), NULL, 0));
    assert_false(tmpl_render(set, "broken", NULL, data, &out));
    buf_free(&out);
    /* A partial that includes itself is stopped. */
    const char *loop = "x{{>loop}}";
    assert_true(tmpl_set_add(set, "loop", loop, strlen(loop), NULL, 0));
    assert_false(tmpl_render(set, "loop", NULL, data, &out));
    buf_free(&out);
    assert_false(tmpl_render(set, "no-such-template", NULL, data, &out));
    buf_free(&out);
    json_decref(data);
}

/* Partials are found when templates are added: one added after the template that names it,
 * or replaced by a later add, is still the one rendered. */
static void partials_added_later_or_replaced(void **state)
{
    (void)state;
    const char *page = "[{{#items}}{{>row}}{{/items}}]";
    const char *row1 = "<{{name}}>", *row2 = "({{name}})";
    assert_true(tmpl_set_add(set, "page", page, strlen(page), NULL, 0));
    json_t *data = json_loads("{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", 0, NULL);
    struct buf out = {0};
    assert_false(tmpl_render(set, "page", NULL, data, &out)); /* no row yet */
    buf_free(&out);
    assert_true(tmpl_set_add(set, "row", row1, strlen(row1), NULL, 0));
    assert_true(tmpl_render(set, "page", NULL, data, &out));
    assert_string_equal(out.data, "[<a><b>]");
    buf_free(&out);
    assert_true(tmpl_set_add(set, "row", row2, strlen(row2), NULL, 0));
    assert_true(tmpl_render(set, "page", NULL, data, &out));
    assert_string_equal(out.data, "[(a)(b)]");
    buf_free(&out);
    /* Replacing the page itself resolves its own partials again. */
    const char *page2 = "{{#items}}{{>row}}{{>row}}{{/items}}";
    assert_true(tmpl_set_add(set, "page", page2, strlen(page2), NULL, 0));
    assert_true(tmpl_render(set, "page", NULL, data, &out));
    assert_string_equal(out.data, "(a)(a)(b)(b)");
    buf_free(&out);
    /* {{>content}} is the page the layout is asked for, else a template of that name. */
    const char *layout = "<{{>content}}>", *content = "c";
    assert_true(tmpl_set_add(set, "layout", layout, strlen(layout), NULL, 0));
    assert_false(tmpl_render(set, "layout", NULL, data, &out));
    buf_free(&out);
    assert_true(tmpl_set_add(set, "content", content, strlen(content), NULL, 0));
    assert_true(tmpl_render(set, "layout", NULL, data, &out));
    assert_string_equal(out.data, "<c>");
    buf_free(&out);
    assert_true(tmpl_render(set, "layout", "row", data, &out));
    assert_string_equal(out.data, "<()>");
    buf_free(&out);
    json_decref(data);
}

static void numbers_as_printf_writes_them(void **state)
{
    (void)state;
    char *s = render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f.g}}",
                     "{\"a\": 0, \"b\": -7, \"c\": 1234567890123, \"d\": 9223372036854775807,"
                     " \"e\": -9223372036854775808, \"f\": {\"g\": 42}}");
    assert_string_equal(s, "0 -7 1234567890123 9223372036854775807 -9223372036854775808 42");
    free(s);
}

static void malformed_templates_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "{{unclosed",     "{{#a}}never closed", "{{/a}}",  "{{#a}}{{/b}}",
        "{{bad name!}}",  "{{}}",               "{{raw <b>}}", "{{#a}}{{#b}}{{/a}}{{/b}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128] = "";
        if (tmpl_set_add(set, "bad", bad[i], strlen(bad[i]), err, sizeof err))
            fail_msg("accepted malformed template %s", bad[i]);
        assert_true(strlen(err) > 0);
    }
    /* Deep nesting is refused rather than exhausting the stack. */
    char deep[64 * 12 + 1] = "";
    for (int i = 0; i < 40; i++)
        strcat(deep, "{{#a}}");
    for (int i = 0; i < 40; i++)
        strcat(deep, "{{/a}}");
    assert_false(tmpl_set_add(set, "deep", deep, strlen(deep), NULL, 0));
    const char nul[] = {'a', '\0', 'b'};
    assert_false(tmpl_set_add(set, "nul", nul, sizeof nul, NULL, 0));
}

static void missing_keys_never_come_from_another_item(void **state)
{
    (void)state;
    /* The list's first card is a context ({{#items.0}}); a later card without days must not
     * show the first card's days. */
    char *s = render("{{#items.0}}<ul>{{#items}}<li>{{t}}{{#d}} {{d}}{{/d}}</li>{{/items}}</ul>"
                     "{{/items.0}}",
                     "{\"items\": [{\"t\": \"a\", \"d\": \"Nog 3 dagen\"}, {\"t\": \"b\"}]}");
    assert_string_equal(s, "<ul><li>a Nog 3 dagen</li><li>b</li></ul>");
    free(s);
    /* A nested list's item does not see the item around it either. */
    s = render("{{#rows}}[{{#cells}}{{v}}{{^v}}-{{/v}}{{/cells}}]{{/rows}}",
               "{\"rows\": [{\"v\": \"R\", \"cells\": [{\"v\": 1}, {}]}]}");
    assert_string_equal(s, "[1-]");
    free(s);
    /* Page-level values stay reachable from inside items, and an item's own object and scalar
     * sections still reach that item. */
    s = render("{{#items}}<form>{{csrf}}{{#box}}{{t}}{{/box}}{{#t}}={{t}}{{/t}}</form>{{/items}}",
               "{\"csrf\": \"K\", \"t\": \"page\", \"items\": [{\"t\": \"x\", \"box\": {}}, "
               "{\"box\": {}}]}");
    assert_string_equal(s, "<form>Kx=x</form><form>Kpage=page</form>");
    free(s);
    /* A guard's content reaches the item it was opened in; the nested list's items do not see
     * that outer item nor the guard. */
    s = render("{{#areas}}({{#subs.0}}{{n}}:{{#subs}}{{s}}{{x}}{{/subs}}{{/subs.0}}){{/areas}}",
               "{\"areas\": [{\"n\": \"A\", \"x\": \"!\", \"subs\": [{\"s\": \"a\", \"x\": \"?\"}, "
               "{\"s\": \"b\"}]}]}");
    assert_string_equal(s, "(A:a?b)");
    free(s);
    /* {{#name}}{{paras name}}{{/name}} keeps working for a value of an object section. */
    s = render("{{#i}}{{#r}}{{paras r}}{{/r}}{{/i}}", "{\"i\": {\"r\": \"why\"}}");
    assert_string_equal(s, "<p>why</p>\n");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(escapes_by_default, setup, teardown),
        cmocka_unit_test_setup_teardown(raw_needs_its_name, setup, teardown),
        cmocka_unit_test_setup_teardown(paras_renders_plain_text_as_paragraphs, setup, teardown),
        cmocka_unit_test_setup_teardown(url_escaping, setup, teardown),
        cmocka_unit_test_setup_teardown(local_time, setup, teardown),
        cmocka_unit_test_setup_teardown(sections_and_inverted, setup, teardown),
        cmocka_unit_test_setup_teardown(partials_and_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(partials_added_later_or_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(numbers_as_printf_writes_them, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_templates_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_keys_never_come_from_another_item, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("template engine", tests, NULL, NULL);
}
