/* area add|list|edit: the wijken, dorpen and buurten from the command line. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"
#include "domain/areas.h"
#include "domain/submission.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* The options that set an area's public fields, and how long each may be. */
static const struct {
    const char *option;
    size_t max;
} text_options[] = {
    {"--name", 80},           {"--description", 2000},   {"--venue-name", 200},
    {"--venue-address", 200}, {"--director-name", 200}, {"--director-email", 200},
    {"--director-phone", 200},
};
enum { NAME, DESCRIPTION, VENUE_NAME, VENUE_ADDRESS, DIRECTOR_NAME, DIRECTOR_EMAIL,
       DIRECTOR_PHONE, TEXT_OPTIONS };

static void usage(FILE *out)
{
    fprintf(out,
            "usage: buurtsamen area list\n"
            "       buurtsamen area add NAME --kind wijk|dorp|buurt [--parent SLUG] [--slug SLUG]\n"
            "                           [FIELD OPTIONS]\n"
            "       buurtsamen area edit SLUG [--name NAME] [FIELD OPTIONS]\n"
            "field options: --description TEXT --venue-name TEXT --venue-address TEXT\n"
            "               --director-name TEXT --director-email ADDRESS --director-phone TEXT\n"
            "A buurt needs --parent, the slug of its wijk or dorp. The slug (the web address,\n"
            "/wijken/SLUG) is made from the name unless --slug is given; it cannot be changed.\n");
}

/* Through the one text check (a description may have newlines), at most max characters. */
static bool text_ok(const char *s, size_t max, bool multiline)
{
    size_t len = strlen(s);
    return text_check(s, len, multiline) == TEXT_OK && utf8_length(s, len) <= max;
}

/* The value in NFC, as the web forms store it (an area's name is compared and made a slug);
 * lives until the command exits. */
static const char *nfc_of(const char *s)
{
    size_t len;
    char *nfc = text_nfc(s, strlen(s), &len);
    return nfc ? nfc : s;
}

/* Reads --option value pairs from argv[first..] into vals; false (with a message) on an
 * unknown option, a missing value or a bad text. */
static bool read_options(int argc, char **argv, int first, const char *vals[TEXT_OPTIONS],
                         const char **kind, const char **parent, const char **slug)
{
    for (int i = first; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "buurtsamen area: %s needs a value (see --help)\n", argv[i]);
            return false;
        }
        const char *v = argv[i + 1];
        bool known = false;
        for (int k = 0; k < TEXT_OPTIONS; k++) {
            if (strcmp(argv[i], text_options[k].option) != 0)
                continue;
            if (!text_ok(v, text_options[k].max, k == DESCRIPTION)) {
                fprintf(stderr, "buurtsamen area: %s must be text of at most %zu characters\n",
                        argv[i], text_options[k].max);
                return false;
            }
            vals[k] = nfc_of(v), known = true;
        }
        if (kind && strcmp(argv[i], "--kind") == 0)
            *kind = v, known = true;
        else if (parent && strcmp(argv[i], "--parent") == 0)
            *parent = v, known = true;
        else if (slug && strcmp(argv[i], "--slug") == 0)
            *slug = v, known = true;
        if (!known) {
            fprintf(stderr, "buurtsamen area: unexpected argument '%s' (see --help)\n", argv[i]);
            return false;
        }
    }
    if (vals[DIRECTOR_EMAIL] && *vals[DIRECTOR_EMAIL] && !email_valid(vals[DIRECTOR_EMAIL])) {
        fprintf(stderr, "buurtsamen area: --director-email is not an e-mail address\n");
        return false;
    }
    return true;
}

static const char *result_message(enum area_result r)
{
    switch (r) {
    case AREA_OK:
        return "saved";
    case AREA_NOT_FOUND:
        return "no such area";
    case AREA_BAD_KIND:
        return "--kind must be wijk, dorp or buurt";
    case AREA_BAD_PARENT:
        return "a buurt needs --parent, the slug of an existing wijk or dorp (and only a buurt "
               "has one)";
    case AREA_BAD_SLUG:
        return "that web address cannot be used (empty, or the reserved 'gemeentebreed')";
    case AREA_DUPLICATE:
        return "an area with that web address exists already";
    case AREA_DB:
        break;
    }
    return "the database refused the change; try again";
}

static void list(struct db *db)
{
    json_t *rows = areas_admin_list(db);
    printf("%-5s %-6s %-28s %-28s %s\n", "id", "kind", "slug", "name", "part of");
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        const char *parent = json_string_value(json_object_get(r, "parent_name"));
        printf("%-5lld %-6s %-28s %-28s %s\n",
               (long long)json_integer_value(json_object_get(r, "id")),
               json_string_value(json_object_get(r, "kind")),
               json_string_value(json_object_get(r, "slug")),
               json_string_value(json_object_get(r, "name")), parent ? parent : "");
    }
    json_decref(rows);
}

/* A text column of a stored area, "" when absent. */
static const char *stored(const json_t *area, const char *column)
{
    const char *s = json_string_value(json_object_get(area, column));
    return s ? s : "";
}

static int add(struct db *db, int argc, char **argv)
{
    const char *vals[TEXT_OPTIONS] = {0}, *kind = NULL, *parent_slug = NULL, *given_slug = NULL;
    vals[NAME] = argv[2];
    if (!text_ok(argv[2], text_options[NAME].max, false) || !*argv[2]) {
        fprintf(stderr, "buurtsamen area add: NAME must be text of 1 to 80 characters\n");
        return EXIT_USAGE;
    }
    if (!read_options(argc, argv, 3, vals, &kind, &parent_slug, &given_slug))
        return EXIT_USAGE;
    if (!kind) {
        fprintf(stderr, "buurtsamen area add: --kind wijk|dorp|buurt is required\n");
        return EXIT_USAGE;
    }
    int64_t parent = 0;
    if (parent_slug) {
        json_t *p = area_by_slug(db, parent_slug);
        parent = p ? json_integer_value(json_object_get(p, "id")) : -1;
        json_decref(p);
    }
    char slug[80];
    format_slug(slug, sizeof slug, given_slug ? given_slug : vals[NAME]);
    struct area_fields f = {.name = vals[NAME],
                            .description = vals[DESCRIPTION] ? vals[DESCRIPTION] : "",
                            .venue_name = vals[VENUE_NAME] ? vals[VENUE_NAME] : "",
                            .venue_address = vals[VENUE_ADDRESS] ? vals[VENUE_ADDRESS] : "",
                            .director_name = vals[DIRECTOR_NAME] ? vals[DIRECTOR_NAME] : "",
                            .director_email = vals[DIRECTOR_EMAIL] ? vals[DIRECTOR_EMAIL] : "",
                            .director_phone = vals[DIRECTOR_PHONE] ? vals[DIRECTOR_PHONE] : "",
                            .kind = kind,
                            .parent_id = parent,
                            .slug = slug};
    int64_t id = 0;
    enum area_result r = area_save(db, &f, "cli", time(NULL), &id);
    if (r != AREA_OK) {
        fprintf(stderr, "buurtsamen area add: %s\n", result_message(r));
        return EXIT_FAIL;
    }
    printf("area %lld added: %s (/wijken/%s)\n", (long long)id, vals[NAME], slug);
    return EXIT_OK;
}

static int edit(struct db *db, int argc, char **argv)
{
    json_t *found = area_by_slug(db, argv[2]);
    int64_t id = found ? json_integer_value(json_object_get(found, "id")) : 0;
    json_decref(found);
    json_t *area = id ? area_get(db, id) : NULL;
    if (!area) {
        fprintf(stderr, "buurtsamen area edit: no area with slug '%s' (see area list)\n",
                argv[2]);
        return EXIT_FAIL;
    }
    const char *vals[TEXT_OPTIONS] = {0};
    if (!read_options(argc, argv, 3, vals, NULL, NULL, NULL)) {
        json_decref(area);
        return EXIT_USAGE;
    }
    if (vals[NAME] && !*vals[NAME]) {
        fprintf(stderr, "buurtsamen area edit: --name may not be empty\n");
        json_decref(area);
        return EXIT_USAGE;
    }
    static const char *const columns[TEXT_OPTIONS] = {
        "name", "description", "venue_name", "venue_address", "director_name", "director_email",
        "director_phone"};
    for (int k = 0; k < TEXT_OPTIONS; k++)
        if (!vals[k])
            vals[k] = stored(area, columns[k]);
    struct area_fields f = {.name = vals[NAME],
                            .description = vals[DESCRIPTION],
                            .venue_name = vals[VENUE_NAME],
                            .venue_address = vals[VENUE_ADDRESS],
                            .director_name = vals[DIRECTOR_NAME],
                            .director_email = vals[DIRECTOR_EMAIL],
                            .director_phone = vals[DIRECTOR_PHONE]};
    enum area_result r = area_save(db, &f, "cli", time(NULL), &id);
    json_decref(area);
    if (r != AREA_OK) {
        fprintf(stderr, "buurtsamen area edit: %s\n", result_message(r));
        return EXIT_FAIL;
    }
    printf("area %s saved\n", argv[2]);
    return EXIT_OK;
}

int cli_area(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return EXIT_OK;
    }
    bool listing = argc == 2 && strcmp(argv[1], "list") == 0;
    bool adding = argc >= 3 && strcmp(argv[1], "add") == 0;
    bool editing = argc >= 3 && strcmp(argv[1], "edit") == 0;
    if (!listing && !adding && !editing) {
        fprintf(stderr, "buurtsamen area: expected 'list', 'add NAME …' or 'edit SLUG …' "
                        "(see --help)\n");
        return EXIT_USAGE;
    }
    struct db *db = cli_open_db(app, false);
    if (!db)
        return EXIT_FAIL;
    int rc = EXIT_OK;
    if (listing)
        list(db);
    else
        rc = adding ? add(db, argc, argv) : edit(db, argc, argv);
    db_close(db);
    return rc;
}
