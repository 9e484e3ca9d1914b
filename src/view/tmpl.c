/* Template parsing and rendering. */
#include "view/tmpl.h"
#include "util/alloc.h"
#include "util/text.h"
#include "view/escape.h"
#include "view/format.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum node_kind { N_TEXT, N_VAR, N_RAW, N_URL, N_PARAS, N_LOCAL, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
    enum node_kind kind;
    const char *text; /* N_TEXT: points into the template's copy */
    size_t len;
    char *name;       /* variables, sections, partials */
    char **path;      /* name split at dots; NULL-terminated; {"."} for the item */
    size_t *path_len; /* the length of each part of path */
    size_t partial;   /* N_PARTIAL: the set's index of the template named, or NO_TEMPLATE */
    struct node *children;
    size_t nchildren;
};

struct template {
    char *name;
    char *source;
    struct node *nodes;
    size_t nnodes;
};

struct tmpl_set {
    struct template *items;
    size_t count, cap;
};

enum { MAX_DEPTH = 32 };
#define NO_TEMPLATE SIZE_MAX

struct tmpl_set *tmpl_set_new(void)
{
    return xcalloc(1, sizeof(struct tmpl_set));
}

static void nodes_free(struct node *nodes, size_t n);

static void node_clear(struct node *node)
{
    free(node->name);
    if (node->path) {
        for (char **p = node->path; *p; p++)
            free(*p);
        free(node->path);
    }
    free(node->path_len);
    nodes_free(node->children, node->nchildren);
}

static void nodes_free(struct node *nodes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        node_clear(&nodes[i]);
    free(nodes);
}

void tmpl_set_free(struct tmpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++) {
        free(set->items[i].name);
        free(set->items[i].source);
        nodes_free(set->items[i].nodes, set->items[i].nnodes);
    }
    free(set->items);
    free(set);
}

struct parser {
    const char *src;
    size_t len, pos;
    char *err;
    size_t err_size;
};

static int line_of(const struct parser *p, size_t pos)
{
    int line = 1;
    for (size_t i = 0; i < pos && i < p->len; i++)
        if (p->src[i] == '\n')
            line++;
    return line;
}

static void push_node(struct node **nodes, size_t *n, size_t *cap, struct node node)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *nodes = xrealloc(*nodes, *cap * sizeof **nodes);
    }
    (*nodes)[(*n)++] = node;
}

static bool valid_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-' || *s == '/'))
            return false;
    return true;
}

static size_t *path_lengths(char **path)
{
    size_t parts = 0;
    while (path[parts])
        parts++;
    size_t *len = xcalloc(parts, sizeof *len);
    for (size_t k = 0; k < parts; k++)
        len[k] = strlen(path[k]);
    return len;
}

static char **split_path(const char *name)
{
    size_t parts = 1;
    for (const char *s = name; *s; s++)
        parts += *s == '.';
    char **path = xcalloc(parts + 1, sizeof *path);
    if (strcmp(name, ".") == 0) {
        path[0] = xstrdup(".");
        return path;
    }
    size_t k = 0;
    const char *start = name;
    for (const char *s = name;; s++) {
        if (*s == '.' || !*s) {
            path[k++] = xstrndup(start, (size_t)(s - start));
            if (!*s)
                break;
            start = s + 1;
        }
    }
    return path;
}

/* Parses until the end of input or the closing tag of `section` (NULL at top level). */
static bool parse_nodes(struct parser *p, const char *section, struct node **out, size_t *nout,
                        int depth)
{
    struct node *nodes = NULL;
    size_t n = 0, cap = 0;
    if (depth > MAX_DEPTH) {
        snprintf(p->err, p->err_size, "line %d: sections nested too deeply", line_of(p, p->pos));
        return false;
    }
    while (p->pos < p->len) {
        const char *open = strstr(p->src + p->pos, "{{");
        size_t open_pos = open ? (size_t)(open - p->src) : p->len;
        if (open_pos > p->pos)
            push_node(&nodes, &n, &cap,
                      (struct node){.kind = N_TEXT, .text = p->src + p->pos,
                                    .len = open_pos - p->pos});
        if (!open) {
            p->pos = p->len;
            break;
        }
        const char *close = strstr(open + 2, "}}");
        if (!close) {
            snprintf(p->err, p->err_size, "line %d: unclosed tag", line_of(p, open_pos));
            goto fail;
        }
        p->pos = (size_t)(close - p->src) + 2;
        const char *tag = open + 2;
        size_t tag_len = (size_t)(close - tag);
        char sigil = tag_len ? tag[0] : '\0';
        if (sigil == '!')
            continue;
        enum node_kind kind = N_VAR;
        if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>') {
            tag++, tag_len--;
        }
        while (tag_len && *tag == ' ')
            tag++, tag_len--;
        while (tag_len && tag[tag_len - 1] == ' ')
            tag_len--;
        if (sigil != '#' && sigil != '^' && sigil != '/' && sigil != '>') {
            if (tag_len > 4 && strncmp(tag, "raw ", 4) == 0)
                kind = N_RAW, tag += 4, tag_len -= 4;
            else if (tag_len > 4 && strncmp(tag, "url ", 4) == 0)
                kind = N_URL, tag += 4, tag_len -= 4;
            else if (tag_len > 6 && strncmp(tag, "paras ", 6) == 0)
                kind = N_PARAS, tag += 6, tag_len -= 6;
            else if (tag_len > 6 && strncmp(tag, "local ", 6) == 0)
                kind = N_LOCAL, tag += 6, tag_len -= 6;
            while (tag_len && *tag == ' ')
                tag++, tag_len--;
        }
        char *name = xstrndup(tag, tag_len);
        if (!valid_name(name)) {
            snprintf(p->err, p->err_size, "line %d: bad tag name '%.40s'", line_of(p, open_pos),
                     name);
            free(name);
            goto fail;
        }
        if (sigil == '/') {
            if (!section || strcmp(section, name) != 0) {
                snprintf(p->err, p->err_size, "line %d: unexpected {{/%.40s}}",
                         line_of(p, open_pos), name);
                free(name);
                goto fail;
            }
            free(name);
            *out = nodes;
            *nout = n;
            return true;
        }
        struct node node = {.name = name};
        if (sigil == '#' || sigil == '^') {
            node.kind = sigil == '#' ? N_SECTION : N_INVERTED;
            node.path = split_path(name);
            node.path_len = path_lengths(node.path);
            if (!parse_nodes(p, name, &node.children, &node.nchildren, depth + 1)) {
                node_clear(&node);
                goto fail;
            }
            /* parse_nodes returns at the end of input only at top level */
        } else if (sigil == '>') {
            node.kind = N_PARTIAL;
            node.partial = NO_TEMPLATE;
        } else {
            node.kind = kind;
            node.path = split_path(name);
            node.path_len = path_lengths(node.path);
        }
        push_node(&nodes, &n, &cap, node);
    }
    if (section) {
        snprintf(p->err, p->err_size, "section {{#%.40s}} is not closed", section);
        goto fail;
    }
    *out = nodes;
    *nout = n;
    return true;
fail:
    nodes_free(nodes, n);
    return false;
}

static const struct template *find(const struct tmpl_set *set, const char *name);

/* Partials are found by name when a template is added, not at each render: every {{>name}}
 * in the set holds the index of the template called name (replacing a template keeps its
 * index; none is ever removed). `name` NULL: resolve every partial of these nodes. */
static void resolve_partials(const struct tmpl_set *set, struct node *nodes, size_t n,
                             const char *name, size_t index)
{
    for (size_t i = 0; i < n; i++) {
        struct node *node = &nodes[i];
        if (node->kind == N_PARTIAL) {
            if (!name) {
                const struct template *t = find(set, node->name);
                node->partial = t ? (size_t)(t - set->items) : NO_TEMPLATE;
            } else if (strcmp(node->name, name) == 0) {
                node->partial = index;
            }
        }
        resolve_partials(set, node->children, node->nchildren, name, index);
    }
}

static void template_placed(struct tmpl_set *set, size_t index)
{
    struct template *t = &set->items[index];
    resolve_partials(set, t->nodes, t->nnodes, NULL, 0);
    for (size_t i = 0; i < set->count; i++)
        resolve_partials(set, set->items[i].nodes, set->items[i].nnodes, t->name, index);
}

bool tmpl_set_add(struct tmpl_set *set, const char *name, const char *text, size_t len,
                  char *err, size_t err_size)
{
    char dummy[8];
    if (!err) {
        err = dummy;
        err_size = sizeof dummy;
    }
    err[0] = '\0';
    struct template t = {.name = xstrdup(name), .source = xstrndup(text, len)};
    struct parser p = {.src = t.source, .len = len, .err = err, .err_size = err_size};
    if (memchr(text, '\0', len)) {
        snprintf(err, err_size, "template contains a NUL byte");
        free(t.name);
        free(t.source);
        return false;
    }
    if (!parse_nodes(&p, NULL, &t.nodes, &t.nnodes, 0)) {
        free(t.name);
        free(t.source);
        return false;
    }
    for (size_t i = 0; i < set->count; i++) {
        if (strcmp(set->items[i].name, name) == 0) {
            free(set->items[i].name);
            free(set->items[i].source);
            nodes_free(set->items[i].nodes, set->items[i].nnodes);
            set->items[i] = t;
            template_placed(set, i);
            return true;
        }
    }
    if (set->count == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 32;
        set->items = xrealloc(set->items, set->cap * sizeof *set->items);
    }
    set->items[set->count++] = t;
    template_placed(set, set->count - 1);
    return true;
}

static const struct template *find(const struct tmpl_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->items[i].name, name) == 0)
            return &set->items[i];
    return NULL;
}

bool tmpl_set_has(const struct tmpl_set *set, const char *name)
{
    return find(set, name) != NULL;
}

/* One context on the render stack. An ITEM is one element of an iterated array: one card, one
 * row. A GUARD is an element reached by index ({{#list.0}}), mostly used as "the list is not
 * empty" around the list itself. */
enum context_kind { C_PLAIN, C_ITEM, C_GUARD };
struct context {
    json_t *value;
    enum context_kind kind;
};

struct render {
    const struct tmpl_set *set;
    const char *content;
    struct context stack[MAX_DEPTH * 2 + 2];
    int depth;
    struct buf *out;
    bool ok;
};

/* Resolves a name from the innermost context outwards. Once the walk has left an array item,
 * contexts that are array elements (items and guards) are skipped: a card that lacks a key must
 * never show the value of another card (the list's first card from {{#items.0}}{{#items}}, or
 * the card a list is nested in), while the page's own values (csrf, settings) and plain
 * sections stay reachable. A guard's own content still reaches the item it was opened in
 * ({{#buurten.0}}{{#buurten}} inside an area card). `*from_array`: an array index was taken. */
static json_t *lookup_in(struct render *r, const struct node *node, bool *from_array)
{
    char **path = node->path;
    size_t first_len = node->path_len[0];
    *from_array = false;
    if (strcmp(path[0], ".") == 0)
        return r->stack[r->depth - 1].value;
    json_t *v = NULL;
    bool passed_item = false;
    for (int i = r->depth - 1; i >= 0; i--) {
        const struct context *c = &r->stack[i];
        if (c->kind != C_PLAIN && passed_item)
            continue;
        if (json_is_object(c->value) &&
            (v = json_object_getn(c->value, path[0], first_len)) != NULL)
            break;
        if (c->kind == C_ITEM)
            passed_item = true;
    }
    for (size_t k = 1; v && path[k]; k++) {
        if (json_is_array(v) && path[k][0] >= '0' && path[k][0] <= '9') {
            v = json_array_get(v, strtoul(path[k], NULL, 10));
            *from_array = true;
        } else {
            v = json_is_object(v) ? json_object_getn(v, path[k], node->path_len[k]) : NULL;
            *from_array = false;
        }
    }
    return v;
}

static json_t *lookup(struct render *r, const struct node *node)
{
    bool from_array;
    return lookup_in(r, node, &from_array);
}

static bool truthy(json_t *v)
{
    if (!v)
        return false;
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE:
        return false;
    case JSON_STRING:
        return json_string_length(v) > 0;
    case JSON_ARRAY:
        return json_array_size(v) > 0;
    case JSON_INTEGER:
        return json_integer_value(v) != 0;
    case JSON_REAL:
        return json_real_value(v) != 0;
    default:
        return true;
    }
}

static void write_value(struct render *r, enum node_kind kind, json_t *v)
{
    char tmp[32];
    const char *s = NULL;
    size_t len = 0;
    if (!v)
        return;
    if (kind == N_PARAS) {
        /* Plain text only: what format_paragraphs makes of it is escaped there. */
        if (json_is_string(v))
            format_paragraphs(r->out, json_string_value(v));
        return;
    }
    if (kind == N_LOCAL) {
        /* A moment as the database keeps it (UTC), written in the local time zone. */
        time_t t = json_is_string(v) ? parse_utc(json_string_value(v)) : (time_t)-1;
        if (t != (time_t)-1) {
            char when[64];
            format_datetime(when, sizeof when, t);
            escape_html(r->out, when, strlen(when));
            return;
        }
    }
    switch (json_typeof(v)) {
    case JSON_STRING:
        s = json_string_value(v);
        len = json_string_length(v);
        break;
    case JSON_INTEGER:
        len = int_text((long long)json_integer_value(v), tmp);
        s = tmp;
        break;
    case JSON_REAL:
        len = (size_t)snprintf(tmp, sizeof tmp, "%g", json_real_value(v));
        s = tmp;
        break;
    case JSON_TRUE:
        s = "true", len = 4;
        break;
    default:
        return;
    }
    if (kind == N_RAW) {
        buf_append(r->out, s, len);
    } else if (kind == N_URL) {
        struct buf tmpbuf = {0};
        escape_url(&tmpbuf, s, len);
        escape_html(r->out, tmpbuf.data ? tmpbuf.data : "", tmpbuf.len);
        buf_free(&tmpbuf);
    } else {
        escape_html(r->out, s, len);
    }
}

static void render_nodes(struct render *r, const struct node *nodes, size_t n, int partials);

static void push(struct render *r, json_t *v, enum context_kind kind)
{
    r->stack[r->depth++] = (struct context){.value = v, .kind = kind};
}

static void render_nodes(struct render *r, const struct node *nodes, size_t n, int partials)
{
    for (size_t i = 0; i < n && r->ok; i++) {
        const struct node *node = &nodes[i];
        switch (node->kind) {
        case N_TEXT:
            buf_append(r->out, node->text, node->len);
            break;
        case N_VAR:
        case N_RAW:
        case N_URL:
        case N_PARAS:
        case N_LOCAL:
            write_value(r, node->kind, lookup(r, node));
            break;
        case N_SECTION: {
            bool from_array;
            json_t *v = lookup_in(r, node, &from_array);
            if (!truthy(v))
                break;
            if ((size_t)r->depth >= sizeof r->stack / sizeof r->stack[0]) {
                r->ok = false;
                break;
            }
            if (json_is_array(v)) {
                size_t idx;
                json_t *item;
                json_array_foreach(v, idx, item)
                {
                    push(r, item, C_ITEM);
                    render_nodes(r, node->children, node->nchildren, partials);
                    r->depth--;
                }
            } else {
                push(r, v, from_array ? C_GUARD : C_PLAIN);
                render_nodes(r, node->children, node->nchildren, partials);
                r->depth--;
            }
            break;
        }
        case N_INVERTED:
            if (!truthy(lookup(r, node)))
                render_nodes(r, node->children, node->nchildren, partials);
            break;
        case N_PARTIAL: {
            const struct template *t = NULL;
            if (r->content && strcmp(node->name, "content") == 0)
                t = find(r->set, r->content);
            else if (node->partial != NO_TEMPLATE)
                t = &r->set->items[node->partial];
            if (!t || partials >= 8) {
                r->ok = false;
                break;
            }
            render_nodes(r, t->nodes, t->nnodes, partials + 1);
            break;
        }
        }
    }
}

bool tmpl_render(const struct tmpl_set *set, const char *name, const char *content, json_t *data,
                 struct buf *out)
{
    const struct template *t = find(set, name);
    if (!t)
        return false;
    struct render r = {.set = set, .content = content, .out = out, .ok = true};
    push(&r, data, C_PLAIN);
    render_nodes(&r, t->nodes, t->nnodes, 0);
    return r.ok;
}
