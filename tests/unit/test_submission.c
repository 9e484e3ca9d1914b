/* Submitting initiatives: every field's validation with its message under the right key, all
 * errors reported at once, storing a new initiative with its management token, and editing it
 * only before it is published. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/audit.h"
#include "domain/codes.h"
#include "domain/photo.h"
#include "domain/settings.h"
#include "domain/submission.h"
#include "domain/verify.h"
#include "domain/workflow.h"
#include "util/config.h"
#include "util/log.h"
#include "db_fixture.h"

#define T0    ((time_t)1800000000) /* 2027-01-15 08:00 UTC */
#define DAY_S 86400

static const char base_url[] = "https://buurtsamen.example";

/* ---- A form as a small table of name → value ---- */

struct form {
    char names[64][32];
    char *values[64];
    int n;
};

static const char *form_get(void *ctx, const char *name)
{
    struct form *f = ctx;
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->names[i], name))
            return f->values[i];
    return NULL;
}

/* Sets a field; NULL removes it. */
static void form_set(struct form *f, const char *name, const char *value)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->names[i], name)) {
            free(f->values[i]);
            if (value) {
                f->values[i] = strdup(value);
            } else {
                f->n--;
                memcpy(f->names[i], f->names[f->n], sizeof f->names[i]);
                f->values[i] = f->values[f->n];
            }
            return;
        }
    if (!value)
        return;
    assert_true(f->n < 64);
    snprintf(f->names[f->n], sizeof f->names[0], "%s", name);
    f->values[f->n++] = strdup(value);
}

static void form_free(struct form *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->values[i]);
    f->n = 0;
}

static const char description[] =
    "We zetten een bank neer bij de speeltuin, zodat ouders en grootouders kunnen zitten.";

/* A complete, valid form: two budget lines (200 + 50 = target 250), two co-organisers. */
static void valid_form(struct form *f)
{
    memset(f, 0, sizeof *f);
    form_set(f, "titel", "Bankje bij de speeltuin");
    form_set(f, "samenvatting", "Een bank voor ouders bij de speeltuin.");
    form_set(f, "beschrijving", description);
    form_set(f, "gebied", "wijk-a");
    form_set(f, "streefbedrag", "250");
    form_set(f, "post_1_omschrijving", "Bank");
    form_set(f, "post_1_bedrag", "200");
    form_set(f, "post_2_omschrijving", "Plaatsing");
    form_set(f, "post_2_bedrag", "50,00");
    form_set(f, "datum", "2027-05-16");
    form_set(f, "naam", "Fatima Yilmaz");
    form_set(f, "email", "fatima@example.org");
    form_set(f, "telefoon", "06-12345678");
    form_set(f, "postcode", "7607 ab");
    form_set(f, "huisnummer", "12");
    form_set(f, "mede_1_naam", "Piet Jansen");
    form_set(f, "mede_1_postcode", "7607 AC");
    form_set(f, "mede_1_huisnummer", "3");
    form_set(f, "mede_2_naam", "Anna de Boer");
    form_set(f, "mede_2_postcode", "7608AB");
    form_set(f, "mede_2_huisnummer", "14a");
    form_set(f, "akkoord", "ja");
}

/* ---- The database ---- */

static struct db *open_db(void)
{
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    struct config c;
    config_defaults(&c);
    assert_true(settings_seed(db, &c));
    assert_true(db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                            "'A'), (2, 'wijk', 'wijk-b', 'B')"));
    assert_true(db_exec(db, "INSERT INTO areas(id, parent_id, kind, slug, name) VALUES "
                            "(3, 1, 'buurt', 'buurt-a1', 'A1')"));
    return db;
}

static void secret_init(unsigned char secret[SECRET_BYTES])
{
    for (int i = 0; i < SECRET_BYTES; i++)
        secret[i] = (unsigned char)(i * 7 + 1);
}

static void print_errors(json_t *errors)
{
    const char *key;
    json_t *value;
    json_object_foreach(errors, key, value)
        fprintf(stderr, "  %s: %s\n", key, json_string_value(value));
}

/* Validates a form with `rows` budget rows and `co_rows` co-organiser rows at T0. */
static bool validate(struct db *db, struct form *f, int rows, int co_rows, json_t *errors,
                     struct submission *out)
{
    bool ok = submission_validate(db, form_get, f, rows, co_rows, T0, out, errors);
    assert_int_equal(ok, json_object_size(errors) == 0);
    return ok;
}

static void valid_form_passes(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct form f;
    valid_form(&f);
    json_t *errors = json_object();
    struct submission s;
    bool ok = validate(db, &f, 2, 2, errors, &s);
    if (!ok)
        print_errors(errors);
    assert_true(ok);
    assert_string_equal(s.title, "Bankje bij de speeltuin");
    assert_string_equal(s.summary, "Een bank voor ouders bij de speeltuin.");
    assert_string_equal(s.description, description);
    assert_int_equal(s.area_id, 1);
    assert_int_equal(s.target_cents, 25000);
    assert_int_equal(s.nlines, 2);
    assert_string_equal(s.lines[0].item, "Bank");
    assert_int_equal(s.lines[0].amount_cents, 20000);
    assert_string_equal(s.lines[1].item, "Plaatsing");
    assert_int_equal(s.lines[1].amount_cents, 5000);
    assert_string_equal(s.planned_date, "2027-05-16");
    assert_string_equal(s.name, "Fatima Yilmaz");
    assert_string_equal(s.email, "fatima@example.org");
    assert_string_equal(s.phone, "06-12345678");
    assert_string_equal(s.postcode, "7607 AB");
    assert_string_equal(s.house_number, "12");
    assert_int_equal(s.nco, 2);
    assert_string_equal(s.co[0].name, "Piet Jansen");
    assert_string_equal(s.co[0].postcode, "7607 AC");
    assert_string_equal(s.co[0].house_number, "3");
    assert_string_equal(s.co[1].postcode, "7608 AB");
    assert_string_equal(s.co[1].house_number, "14a");
    submission_free(&s);
    json_decref(errors);
    form_free(&f);
    db_close(db);
}

/* Valid variants: each still passes. */
static void valid_variants_pass(void **state)
{
    (void)state;
    struct db *db = open_db();
    char title120[241] = "", desc10000[10001];
    for (int i = 0; i < 120; i++)
        strcat(title120, "\xc3\xa9"); /* é: 120 characters, 240 bytes */
    memset(desc10000, 'x', 10000);
    desc10000[10000] = '\0';
    static const struct {
        const char *field, *value;
    } variants[] = {
        {"telefoon", ""},
        {"telefoon", NULL},
        {"telefoon", "+31 (0)546 123 456"},
        {"gebied", "gemeentebreed"},
        {"gebied", "buurt-a1"},
        {"titel", "  Bank!  "},
        {"datum", "2028-12-31"},
        {"datum", "2027-01-16"},
        {"email", "fatima.yilmaz+buurt@mail.example.org"},
        {"huisnummer", "12"},
        {"postcode", "7607AB"},
        {"samenvatting", "Tien teken"},
        {"beschrijving", "Dertig tekens, precies zo lang"},
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        struct form f;
        valid_form(&f);
        form_set(&f, variants[i].field, variants[i].value);
        json_t *errors = json_object();
        struct submission s;
        bool ok = validate(db, &f, 2, 2, errors, &s);
        if (!ok) {
            fprintf(stderr, "variant %s = '%s' refused:\n", variants[i].field,
                    variants[i].value ? variants[i].value : "(absent)");
            print_errors(errors);
        }
        assert_true(ok);
        if (!strcmp(variants[i].value ? variants[i].value : "", "gemeentebreed"))
            assert_int_equal(s.area_id, 0);
        if (!strcmp(variants[i].value ? variants[i].value : "", "buurt-a1"))
            assert_int_equal(s.area_id, 3);
        if (!strcmp(variants[i].field, "titel"))
            assert_string_equal(s.title, "Bank!");
        submission_free(&s);
        json_decref(errors);
        form_free(&f);
    }
    /* Limits that are just allowed: 120 characters of title, 10 000 of description, the
     * lowest and highest target. */
    struct form f;
    valid_form(&f);
    form_set(&f, "titel", title120);
    form_set(&f, "beschrijving", desc10000);
    json_t *errors = json_object();
    struct submission s;
    assert_true(validate(db, &f, 2, 2, errors, &s));
    assert_int_equal(strlen(s.description), 10000);
    submission_free(&s);
    json_decref(errors);
    form_set(&f, "streefbedrag", "50");
    form_set(&f, "post_1_bedrag", "49,50");
    form_set(&f, "post_2_bedrag", "0,50");
    errors = json_object();
    assert_true(validate(db, &f, 2, 2, errors, &s));
    assert_int_equal(s.target_cents, 5000);
    submission_free(&s);
    json_decref(errors);
    form_set(&f, "streefbedrag", "5000");
    form_set(&f, "post_1_bedrag", "4999");
    form_set(&f, "post_2_bedrag", "1");
    errors = json_object();
    assert_true(validate(db, &f, 2, 2, errors, &s));
    assert_int_equal(s.target_cents, 500000);
    submission_free(&s);
    json_decref(errors);
    /* Empty rows in between are skipped. */
    form_set(&f, "post_2_omschrijving", NULL);
    form_set(&f, "post_2_bedrag", NULL);
    form_set(&f, "post_3_omschrijving", "Rest");
    form_set(&f, "post_3_bedrag", "1");
    errors = json_object();
    assert_true(validate(db, &f, 3, 2, errors, &s));
    assert_int_equal(s.nlines, 2);
    submission_free(&s);
    json_decref(errors);
    form_free(&f);
    db_close(db);
}

/* Just over the limits, filled in by every_field_has_its_error. */
static char title121[122], summary301[302], description10001[10002];

/* One invalid change to the valid form and the keys it must produce (and no others). */
struct bad_case {
    const char *field, *value;
    const char *keys[3];
    int rows, co_rows; /* 0: the form's 2 and 2 */
    const char *field2, *value2;
    const char *field3, *value3;
};

static const struct bad_case bad_cases[] = {
    /* Title */
    {"titel", "Bank", {"titel"}},
    {"titel", "    Bank    ", {"titel"}},
    {"titel", "", {"titel"}},
    {"titel", NULL, {"titel"}},
    {"titel", title121, {"titel"}},
    {"titel", "Bankje bij\nde speeltuin", {"titel"}},
    {"titel", "Bankje bij\tde speeltuin", {"titel"}},
    /* Summary */
    {"samenvatting", "Te kort!", {"samenvatting"}},
    {"samenvatting", "", {"samenvatting"}},
    {"samenvatting", summary301, {"samenvatting"}},
    {"samenvatting", "Negen tk.", {"samenvatting"}},
    /* Description */
    {"beschrijving", "Een bank bij de speeltuin.", {"beschrijving"}},
    {"beschrijving", "Dertig tekens, bijna zo lang.", {"beschrijving"}}, /* 29 */
    {"beschrijving", NULL, {"beschrijving"}},
    {"beschrijving", description10001, {"beschrijving"}},
    /* Area */
    {"gebied", "nergens", {"gebied"}},
    {"gebied", "", {"gebied"}},
    {"gebied", NULL, {"gebied"}},
    {"gebied", "WIJK-A", {"gebied"}},
    /* Theme: one of the setting's list (none chosen: overig) */
    {"thema", "politiek", {"thema"}},
    {"thema", "Groen", {"thema"}},
    /* Target: whole euros, within the limits */
    {"streefbedrag", "250,50", {"streefbedrag"}},
    {"streefbedrag", "250.5", {"streefbedrag"}}, /* "250.00" and "250,00" are 250 euros */
    {"streefbedrag", "2,500", {"streefbedrag"}},
    {"streefbedrag", "veel", {"streefbedrag"}},
    {"streefbedrag", "", {"streefbedrag"}},
    {"streefbedrag", NULL, {"streefbedrag"}},
    {"streefbedrag", "-250", {"streefbedrag"}},
    {"streefbedrag", "0", {"streefbedrag"}},
    {"streefbedrag", "49", {"streefbedrag"}},
    {"streefbedrag", "5001", {"streefbedrag"}},
    {"streefbedrag", "99999999999999999999", {"streefbedrag"}},
    {"streefbedrag", "2.5e2", {"streefbedrag"}},
    /* Budget lines */
    {"streefbedrag", "300", {"begroting"}},
    {"post_2_bedrag", "49,99", {"begroting"}},
    {"post_3_bedrag", "10", {"post_3_omschrijving"}, 3},
    {"post_3_bedrag", "-5", {"post_3_bedrag"}, 3, 0, "post_3_omschrijving", "Extra"},
    {"post_3_bedrag", "veel", {"post_3_bedrag"}, 3, 0, "post_3_omschrijving", "Extra"},
    {"post_3_bedrag", "0", {"post_3_bedrag"}, 3, 0, "post_3_omschrijving", "Extra"},
    {"post_3_bedrag", "1,234", {"post_3_bedrag"}, 3, 0, "post_3_omschrijving", "Extra"},
    {"post_3_omschrijving", "Extra", {"post_3_bedrag"}, 3},
    {"post_3_omschrijving", "Twee\nregels", {"post_3_omschrijving"}, 3, 0, "post_3_bedrag", "1"},
    {"post_1_omschrijving", "", {"post_1_omschrijving", "begroting"}},
    {"post_1_bedrag", "", {"post_1_bedrag", "begroting"}},
    {"post_1_bedrag", NULL, {"begroting"}, 1, 0, "post_1_omschrijving", NULL},
    /* Date */
    {"datum", "16-05-2027", {"datum"}},
    {"datum", "2027-5-16", {"datum"}},
    {"datum", "2027/05/16", {"datum"}},
    {"datum", "2027-13-01", {"datum"}},
    {"datum", "2027-05-32", {"datum"}},
    {"datum", "morgen", {"datum"}},
    {"datum", "", {"datum"}},
    {"datum", NULL, {"datum"}},
    {"datum", "2026-12-01", {"datum"}},
    {"datum", "2027-01-14", {"datum"}},
    {"datum", "2027-01-15", {"datum"}}, /* today (T0) is not in the future */
    {"datum", "2029-02-01", {"datum"}},
    {"datum", "2035-05-16", {"datum"}},
    /* Name */
    {"naam", "", {"naam"}},
    {"naam", NULL, {"naam"}},
    {"naam", "F", {"naam"}},
    {"naam", "Fatima\nYilmaz", {"naam"}},
    /* E-mail */
    {"email", "fatima.example.org", {"email"}},
    {"email", "fatima @example.org", {"email"}},
    {"email", "fatima:x@example.org", {"email"}},
    {"email", "fatima@example.org\r\nBcc: iedereen@example.org", {"email"}},
    {"email", "fatima@exa\r\nmple.org", {"email"}},
    {"email", "fatima@@example.org", {"email"}},
    {"email", "fatima@example", {"email"}},
    {"email", "@example.org", {"email"}},
    {"email", "\"fatima\"@example.org", {"email"}},
    {"email", "", {"email"}},
    {"email", NULL, {"email"}},
    /* Phone */
    {"telefoon", "06-1234abcd", {"telefoon"}},
    {"telefoon", "bel me maar", {"telefoon"}},
    {"telefoon", "06-123", {"telefoon"}},
    {"telefoon", "123456789", {"telefoon"}},
    {"telefoon", "1234567890123456", {"telefoon"}},
    /* Postcode and house number */
    {"postcode", "0607 AB", {"postcode"}},
    {"postcode", "7607", {"postcode"}},
    {"postcode", "7607 A1", {"postcode"}},
    {"postcode", "ABCD EF", {"postcode"}},
    {"postcode", "7607 ABC", {"postcode"}},
    {"postcode", "", {"postcode"}},
    {"postcode", NULL, {"postcode"}},
    {"huisnummer", "", {"huisnummer"}},
    {"huisnummer", NULL, {"huisnummer"}},
    {"huisnummer", "0", {"huisnummer"}},
    {"huisnummer", "abc", {"huisnummer"}},
    {"huisnummer", "12/3", {"huisnummer"}},
    {"huisnummer", "123456", {"huisnummer"}},
    /* Co-organisers */
    {"mede_2_naam", NULL, {"mede"}, 0, 0, "mede_2_postcode", NULL, "mede_2_huisnummer", NULL},
    {"mede_2_naam", "", {"mede"}, 0, 0, "mede_2_postcode", "", "mede_2_huisnummer", " "},
    {"mede_2_naam", NULL, {"mede_2_naam", "mede"}},
    {"mede_2_postcode", "7607", {"mede_2_postcode", "mede"}},
    {"mede_2_huisnummer", "nul", {"mede_2_huisnummer", "mede"}},
    {"mede_2_huisnummer", "", {"mede_2_huisnummer", "mede"}},
    {"mede_2_naam", "Anna\nde Boer", {"mede_2_naam", "mede"}},
    {"mede_1_naam", "Piet", {"mede"}, 0, 1},
    /* At the initiator's own address (written differently) */
    {"mede_2_postcode", "7607AB", {"mede_2_huisnummer", "mede"}, 0, 0, "mede_2_huisnummer", " 12"},
    {"mede_2_postcode", "7607 ab", {"mede_2_huisnummer"}, 0, 3, "mede_2_huisnummer", "12"},
    /* Two at the same address */
    {"mede_2_postcode", "7607 ac", {"mede_2_huisnummer", "mede"}, 0, 0, "mede_2_huisnummer", "3"},
    {"mede_2_postcode", "7607AC", {"mede_2_huisnummer"}, 0, 3, "mede_2_huisnummer", "3"},
    /* Agreement */
    {"akkoord", NULL, {"akkoord"}},
    {"akkoord", "", {"akkoord"}},
    {"akkoord", "nee", {"akkoord"}},
    {"akkoord", "on", {"akkoord"}},
};

static void every_field_has_its_error(void **state)
{
    (void)state;
    memset(title121, 'T', 121);
    memset(summary301, 's', 301);
    memset(description10001, 'd', 10001);
    struct db *db = open_db();
    int failures = 0;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        const struct bad_case *c = &bad_cases[i];
        struct form f;
        valid_form(&f);
        /* A valid third co-organiser, used by the cases with three rows. */
        form_set(&f, "mede_3_naam", "Kees Smit");
        form_set(&f, "mede_3_postcode", "7609 XZ");
        form_set(&f, "mede_3_huisnummer", "101");
        form_set(&f, c->field, c->value);
        if (c->field2)
            form_set(&f, c->field2, c->value2);
        if (c->field3)
            form_set(&f, c->field3, c->value3);
        json_t *errors = json_object();
        struct submission s;
        bool ok = validate(db, &f, c->rows ? c->rows : 2, c->co_rows ? c->co_rows : 2, errors, &s);
        size_t want = 0;
        bool right = !ok;
        for (; want < 3 && c->keys[want]; want++) {
            json_t *msg = json_object_get(errors, c->keys[want]);
            if (!msg || !json_is_string(msg) || !*json_string_value(msg))
                right = false;
        }
        if (json_object_size(errors) != want)
            right = false;
        if (!right) {
            fprintf(stderr, "case %zu: %s = '%s' should give %s%s%s, gave:\n", i, c->field,
                    c->value ? c->value : "(absent)", c->keys[0], c->keys[1] ? " + " : "",
                    c->keys[1] ? c->keys[1] : "");
            print_errors(errors);
            failures++;
        }
        submission_free(&s);
        json_decref(errors);
        form_free(&f);
    }
    assert_int_equal(failures, 0);
    db_close(db);
}

static void settings_decide_the_limits(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct form f;
    valid_form(&f);
    json_t *errors = json_object();
    struct submission s;
    /* Three co-organisers needed: two are not enough, and the message says three. */
    assert_true(settings_set(db, "mede_organisatoren", "3"));
    assert_false(validate(db, &f, 2, 2, errors, &s));
    assert_int_equal(json_object_size(errors), 1);
    assert_non_null(strstr(json_string_value(json_object_get(errors, "mede")), "3"));
    submission_free(&s);
    json_decref(errors);
    form_set(&f, "mede_3_naam", "Kees Smit");
    form_set(&f, "mede_3_postcode", "7609 XZ");
    form_set(&f, "mede_3_huisnummer", "101");
    errors = json_object();
    assert_true(validate(db, &f, 2, 3, errors, &s));
    assert_int_equal(s.nco, 3);
    submission_free(&s);
    json_decref(errors);
    /* A lower maximum target. */
    assert_true(settings_set(db, "streef_max_cents", "20000"));
    errors = json_object();
    assert_false(validate(db, &f, 2, 3, errors, &s));
    assert_non_null(json_object_get(errors, "streefbedrag"));
    submission_free(&s);
    json_decref(errors);
    form_free(&f);
    db_close(db);
}

static void all_errors_at_once(void **state)
{
    (void)state;
    struct db *db = open_db();
    /* Nothing filled in at all. */
    struct form f;
    memset(&f, 0, sizeof f);
    json_t *errors = json_object();
    struct submission s;
    assert_false(validate(db, &f, 3, 2, errors, &s));
    static const char *const keys[] = {
        "titel", "samenvatting", "beschrijving", "gebied",     "streefbedrag", "begroting", "datum",
        "naam",  "email",        "postcode",     "huisnummer", "mede",         "akkoord"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!json_object_get(errors, keys[i]))
            fprintf(stderr, "missing error for %s\n", keys[i]);
        assert_non_null(json_object_get(errors, keys[i]));
    }
    assert_null(json_object_get(errors, "telefoon"));
    assert_int_equal(json_object_size(errors), sizeof keys / sizeof keys[0]);
    submission_free(&s);
    json_decref(errors);
    /* A filled form with several mistakes reports each of them. */
    valid_form(&f);
    form_set(&f, "titel", "Bank");
    form_set(&f, "email", "fatima.example.org");
    form_set(&f, "datum", "2026-01-01");
    form_set(&f, "post_2_bedrag", "40");
    form_set(&f, "telefoon", "06-1234abcd");
    form_set(&f, "akkoord", NULL);
    errors = json_object();
    assert_false(validate(db, &f, 2, 2, errors, &s));
    static const char *const some[] = {"titel",     "email",    "datum",
                                       "begroting", "telefoon", "akkoord"};
    for (size_t i = 0; i < sizeof some / sizeof some[0]; i++)
        assert_non_null(json_object_get(errors, some[i]));
    assert_int_equal(json_object_size(errors), sizeof some / sizeof some[0]);
    submission_free(&s);
    json_decref(errors);
    form_free(&f);
    db_close(db);
}

/* ---- Storing ---- */

static void valid_submission(struct db *db, struct form *f, struct submission *s)
{
    json_t *errors = json_object();
    bool ok = validate(db, f, 3, 3, errors, s);
    if (!ok)
        print_errors(errors);
    assert_true(ok);
    json_decref(errors);
}

static int64_t count_id(struct db *db, const char *sql, int64_t id)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void text_of(struct db *db, const char *sql, int64_t id, char *out, size_t size)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_int64(s, 1, id);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    const char *v = (const char *)sqlite3_column_text(s, 0);
    snprintf(out, size, "%s", v ? v : "");
    sqlite3_finalize(s);
}

static void breach(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "breach: %s\n", line);
}

static void create_stores_everything(void **state)
{
    (void)state;
    struct db *db = open_db();
    unsigned char secret[SECRET_BYTES];
    secret_init(secret);
    /* The wijkregisseur of wijk A hears about it. */
    assert_true(db_exec(db, "INSERT INTO users(id, username, email, role, password_hash) "
                            "VALUES (7, 'ria', 'ria@almelo.example', 'wijkregisseur', 'x'), "
                            "(8, 'kees', 'kees@almelo.example', 'wijkregisseur', 'x')"));
    assert_true(db_exec(db, "INSERT INTO user_areas(user_id, area_id) VALUES (7, 1), (8, 2)"));
    struct form f;
    valid_form(&f);
    struct submission s;
    valid_submission(db, &f, &s);
    int64_t id = 0;
    char token[MANAGE_TOKEN_CHARS + 1] = "";
    assert_true(submission_create(db, secret, &s, 0, base_url, T0, &id, token));
    assert_true(id > 0);
    assert_int_equal(strlen(token), 43);
    assert_int_equal(strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789-_"),
                     43);
    char text[512];
    text_of(db, "SELECT state FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "ingediend");
    text_of(db, "SELECT title FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "Bankje bij de speeltuin");
    text_of(db, "SELECT initiator_email FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "fatima@example.org");
    text_of(db, "SELECT coalesce(published_at, '') FROM initiatives WHERE id = ?", id, text,
            sizeof text);
    assert_string_equal(text, "");
    assert_int_equal(count_id(db, "SELECT target_cents FROM initiatives WHERE id = ?", id), 25000);
    assert_int_equal(count_id(db, "SELECT area_id FROM initiatives WHERE id = ?", id), 1);
    assert_int_equal(count_id(db, "SELECT co_organisers FROM initiatives WHERE id = ?", id), 2);
    /* Budget lines, in order, and co-organisers. */
    assert_int_equal(count_id(db, "SELECT count(*) FROM budget_lines WHERE initiative_id = ?", id),
                     2);
    assert_int_equal(
        count_id(db, "SELECT sum(amount_cents) FROM budget_lines WHERE initiative_id = ?", id),
        25000);
    text_of(db,
            "SELECT group_concat(item, '|') FROM (SELECT item FROM budget_lines WHERE "
            "initiative_id = ? ORDER BY position)",
            id, text, sizeof text);
    assert_string_equal(text, "Bank|Plaatsing");
    assert_int_equal(count_id(db, "SELECT count(*) FROM co_organisers WHERE initiative_id = ?", id),
                     2);
    text_of(db,
            "SELECT group_concat(name || '@' || postcode || '/' || house_number, '|') FROM "
            "(SELECT * FROM co_organisers WHERE initiative_id = ? ORDER BY id)",
            id, text, sizeof text);
    assert_string_equal(text, "Piet Jansen@7607 AC/3|Anna de Boer@7608 AB/14a");
    /* The token is not stored, only a keyed hash of it. */
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT manage_token_hash FROM initiatives WHERE id = ?",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_int64(q, 1, id);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_type(q, 0), SQLITE_BLOB);
    assert_int_equal(sqlite3_column_bytes(q, 0), 32);
    assert_true(memcmp(sqlite3_column_blob(q, 0), token, 32) != 0);
    sqlite3_finalize(q);
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives WHERE manage_token_hash IS NULL"),
                     0);
    /* The token finds it; a wrong, short, missing token or another key does not. */
    assert_int_equal(submission_by_token(db, secret, token), id);
    char wrong[MANAGE_TOKEN_CHARS + 1];
    memcpy(wrong, token, sizeof wrong);
    wrong[20] = wrong[20] == 'A' ? 'B' : 'A';
    assert_int_equal(submission_by_token(db, secret, wrong), 0);
    char shorter[MANAGE_TOKEN_CHARS + 1];
    memcpy(shorter, token, sizeof shorter);
    shorter[42] = '\0';
    assert_int_equal(submission_by_token(db, secret, shorter), 0);
    assert_int_equal(submission_by_token(db, secret, ""), 0);
    assert_int_equal(submission_by_token(db, secret, NULL), 0);
    unsigned char other_secret[SECRET_BYTES];
    secret_init(other_secret);
    other_secret[0] ^= 1;
    assert_int_equal(submission_by_token(db, other_secret, token), 0);
    /* The audit entry and the e-mails: the initiator gets the management link. */
    assert_int_equal(count_id(db,
                              "SELECT count(*) FROM audit_log WHERE action = 'state' AND "
                              "subject = 'initiative:' || ? AND from_value = '' AND "
                              "to_value = 'ingediend'",
                              id),
                     1);
    char url[128];
    snprintf(url, sizeof url, "%s/mijn-initiatief/%s", base_url, token);
    q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db),
                                        "SELECT count(*) FROM outbox WHERE to_addr = ? AND "
                                        "instr(body, ?) > 0",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, "fatima@example.org", -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, url, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(q, 0), 1);
    sqlite3_finalize(q);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'ria@almelo.example'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox WHERE to_addr = 'kees@almelo.example'"),
                     0);
    /* A second submission gets its own id and token. */
    int64_t id2 = 0;
    char token2[MANAGE_TOKEN_CHARS + 1];
    assert_true(submission_create(db, secret, &s, 0, base_url, T0 + 60, &id2, token2));
    assert_true(id2 != id);
    assert_string_not_equal(token, token2);
    assert_int_equal(submission_by_token(db, secret, token2), id2);
    assert_int_equal(submission_by_token(db, secret, token), id);
    assert_int_equal(verify_all(db, breach, NULL), 0);
    submission_free(&s);
    form_free(&f);
    db_close(db);
}

/* "Hulp gezocht" at submission: the box and one line of at most 200 characters, stored with
 * the initiative; a longer or broken line is refused at its field. */
static void help_wanted_is_asked_and_stored(void **state)
{
    (void)state;
    struct db *db = open_db();
    unsigned char secret[SECRET_BYTES];
    secret_init(secret);
    struct form f;
    valid_form(&f);
    char longest[201];
    memset(longest, 'x', 200);
    longest[200] = '\0';
    const char *refused[] = {"een\ntwee", "tab\there", NULL};
    char too_long[202];
    memset(too_long, 'x', 201);
    too_long[201] = '\0';
    refused[2] = too_long;
    for (size_t i = 0; i < 3; i++) {
        form_set(&f, "hulp_tekst", refused[i]);
        json_t *errors = json_object();
        struct submission s;
        assert_false(validate(db, &f, 3, 3, errors, &s));
        assert_non_null(json_object_get(errors, "hulp_tekst"));
        assert_int_equal(json_object_size(errors), 1);
        submission_free(&s);
        json_decref(errors);
    }
    form_set(&f, "hulp_gezocht", "ja");
    form_set(&f, "hulp_tekst", longest);
    struct submission s;
    valid_submission(db, &f, &s);
    assert_true(s.help_wanted);
    int64_t id = 0;
    char token[MANAGE_TOKEN_CHARS + 1] = "";
    assert_true(submission_create(db, secret, &s, 0, base_url, T0, &id, token));
    submission_free(&s);
    char text[256];
    text_of(db, "SELECT help_wanted || '|' || help_text FROM initiatives WHERE id = ?", id, text,
            sizeof text);
    assert_int_equal(strlen(text), 202);
    assert_memory_equal(text, "1|xxx", 5);
    /* Without the box: no help wanted, and no text either when none was typed. */
    form_set(&f, "hulp_gezocht", NULL);
    form_set(&f, "hulp_tekst", NULL);
    form_set(&f, "titel", "Een tweede initiatief zonder hulp");
    valid_submission(db, &f, &s);
    assert_false(s.help_wanted);
    assert_true(submission_create(db, secret, &s, 0, base_url, T0, &id, token));
    submission_free(&s);
    text_of(db, "SELECT help_wanted || '|' || help_text FROM initiatives WHERE id = ?", id, text,
            sizeof text);
    assert_string_equal(text, "0|");
    form_free(&f);
    db_close(db);
}

static void update_only_before_publication(void **state)
{
    (void)state;
    struct db *db = open_db();
    unsigned char secret[SECRET_BYTES];
    secret_init(secret);
    struct form f;
    valid_form(&f);
    struct submission s;
    valid_submission(db, &f, &s);
    int64_t id = 0;
    char token[MANAGE_TOKEN_CHARS + 1];
    assert_true(submission_create(db, secret, &s, 0, base_url, T0, &id, token));
    submission_free(&s);
    /* Edited while 'ingediend': new title, target and three lines, another area. */
    form_set(&f, "titel", "Twee bankjes bij de speeltuin");
    form_set(&f, "gebied", "buurt-a1");
    form_set(&f, "streefbedrag", "400");
    form_set(&f, "post_1_bedrag", "300");
    form_set(&f, "post_3_omschrijving", "Tegels");
    form_set(&f, "post_3_bedrag", "50");
    valid_submission(db, &f, &s);
    int64_t edits = count(db, "SELECT count(*) FROM audit_log WHERE action = 'edit'");
    assert_true(submission_update(db, id, &s, 0, T0 + 60));
    submission_free(&s);
    char text[256];
    text_of(db, "SELECT title FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "Twee bankjes bij de speeltuin");
    assert_int_equal(count_id(db, "SELECT target_cents FROM initiatives WHERE id = ?", id), 40000);
    assert_int_equal(count_id(db, "SELECT area_id FROM initiatives WHERE id = ?", id), 3);
    assert_int_equal(count_id(db, "SELECT count(*) FROM budget_lines WHERE initiative_id = ?", id),
                     3);
    assert_int_equal(
        count_id(db, "SELECT sum(amount_cents) FROM budget_lines WHERE initiative_id = ?", id),
        40000);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'edit'"), edits + 1);
    text_of(db, "SELECT state FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "ingediend");
    /* The token still works after an edit. */
    assert_int_equal(submission_by_token(db, secret, token), id);
    /* Also while changes are requested. */
    assert_int_equal(workflow_transition(db, id, "wijziging_gevraagd", ACTOR_STAFF, "ria",
                                         "Graag een foto.", T0 + 120),
                     WF_OK);
    form_set(&f, "samenvatting", "Twee banken voor ouders bij de speeltuin.");
    valid_submission(db, &f, &s);
    assert_true(submission_update(db, id, &s, 0, T0 + 180));
    submission_free(&s);
    text_of(db, "SELECT summary FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "Twee banken voor ouders bij de speeltuin.");
    /* Published: no more edits, and nothing changes. */
    assert_int_equal(
        workflow_transition(db, id, "ingediend", ACTOR_INITIATOR, "initiatiefnemer", "", T0 + 240),
        WF_OK);
    assert_int_equal(workflow_transition(db, id, "open", ACTOR_STAFF, "ria", "", T0 + 300), WF_OK);
    edits = count(db, "SELECT count(*) FROM audit_log WHERE action = 'edit'");
    form_set(&f, "titel", "Drie bankjes bij de speeltuin");
    form_set(&f, "streefbedrag", "250");
    form_set(&f, "post_1_bedrag", "200");
    form_set(&f, "post_3_omschrijving", NULL);
    form_set(&f, "post_3_bedrag", NULL);
    valid_submission(db, &f, &s);
    assert_false(submission_update(db, id, &s, 0, T0 + 360));
    text_of(db, "SELECT title FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "Twee bankjes bij de speeltuin");
    assert_int_equal(count_id(db, "SELECT target_cents FROM initiatives WHERE id = ?", id), 40000);
    assert_int_equal(count_id(db, "SELECT count(*) FROM budget_lines WHERE initiative_id = ?", id),
                     3);
    assert_int_equal(
        count_id(db, "SELECT sum(amount_cents) FROM budget_lines WHERE initiative_id = ?", id),
        40000);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'edit'"), edits);
    text_of(db, "SELECT state FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "open");
    /* No such initiative. */
    assert_false(submission_update(db, id + 100, &s, 0, T0 + 360));
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'edit'"), edits);
    submission_free(&s);
    assert_int_equal(verify_all(db, breach, NULL), 0);
    form_free(&f);
    db_close(db);
}

/* ---- The initiator's management page ---- */

/* A stored submission at T0 in wijk A (lines Bank 200 and Plaatsing 50, two co-organisers). */
static int64_t stored(struct db *db, struct form *f)
{
    unsigned char secret[SECRET_BYTES];
    secret_init(secret);
    valid_form(f);
    struct submission s;
    valid_submission(db, f, &s);
    int64_t id = 0;
    char token[MANAGE_TOKEN_CHARS + 1];
    assert_true(submission_create(db, secret, &s, 0, base_url, T0, &id, token));
    submission_free(&s);
    return id;
}

static const char *string_at(const json_t *array, size_t i, const char *key)
{
    const char *v = json_string_value(json_object_get(json_array_get(array, i), key));
    assert_non_null(v);
    return v;
}

static void load_has_the_children(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct form f;
    int64_t id = stored(db, &f);
    assert_int_equal(workflow_transition(db, id, "wijziging_gevraagd", ACTOR_STAFF, "ria",
                                         "Graag een foto.", T0 + 60),
                     WF_OK);
    json_t *item = submission_load(db, id);
    assert_non_null(item);
    assert_string_equal(json_string_value(json_object_get(item, "title")),
                        "Bankje bij de speeltuin");
    assert_string_equal(json_string_value(json_object_get(item, "area_slug")), "wijk-a");
    assert_string_equal(json_string_value(json_object_get(item, "area_name")), "A");
    assert_string_equal(json_string_value(json_object_get(item, "state")), "wijziging_gevraagd");
    json_t *lines = json_object_get(item, "budget_lines");
    assert_int_equal(json_array_size(lines), 2);
    assert_string_equal(string_at(lines, 0, "item"), "Bank");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(lines, 1), "amount_cents")),
                     5000);
    json_t *co = json_object_get(item, "co_organisers");
    assert_int_equal(json_array_size(co), 2);
    assert_string_equal(string_at(co, 1, "house_number"), "14a");
    json_t *messages = json_object_get(item, "messages");
    assert_int_equal(json_array_size(messages), 1);
    assert_string_equal(string_at(messages, 0, "body"), "Graag een foto.");
    assert_string_equal(string_at(messages, 0, "author_role"), "wijkregisseur");
    json_t *history = json_object_get(item, "history");
    assert_int_equal(json_array_size(history), 2);
    assert_string_equal(string_at(history, 0, "to_value"), "ingediend");
    assert_string_equal(string_at(history, 1, "from_value"), "ingediend");
    assert_string_equal(string_at(history, 1, "to_value"), "wijziging_gevraagd");
    assert_null(json_object_get(json_array_get(history, 1), "actor"));

    /* The form values come back as the form had them; cents only when there are some. */
    assert_true(db_exec(db, "UPDATE budget_lines SET amount_cents = 4995 WHERE position = 2"));
    json_decref(item);
    item = submission_load(db, id);
    int nlines = -1, nco = -1;
    json_t *v = submission_form_values(item, &nlines, &nco);
    assert_int_equal(nlines, 2);
    assert_int_equal(nco, 2);
    assert_string_equal(json_string_value(json_object_get(v, "titel")), "Bankje bij de speeltuin");
    assert_string_equal(json_string_value(json_object_get(v, "gebied")), "wijk-a");
    assert_string_equal(json_string_value(json_object_get(v, "streefbedrag")), "250");
    assert_string_equal(json_string_value(json_object_get(v, "post_1_omschrijving")), "Bank");
    assert_string_equal(json_string_value(json_object_get(v, "post_1_bedrag")), "200");
    assert_string_equal(json_string_value(json_object_get(v, "post_2_bedrag")), "49,95");
    assert_string_equal(json_string_value(json_object_get(v, "mede_2_naam")), "Anna de Boer");
    assert_string_equal(json_string_value(json_object_get(v, "mede_2_postcode")), "7608 AB");
    assert_string_equal(json_string_value(json_object_get(v, "akkoord")), "ja");
    assert_null(json_object_get(v, "post_3_omschrijving"));
    json_decref(v);
    json_decref(item);
    /* City-wide, and none at all. */
    assert_true(db_exec(db, "UPDATE initiatives SET area_id = NULL"));
    item = submission_load(db, id);
    assert_string_equal(json_string_value(json_object_get(item, "area_slug")), "gemeentebreed");
    json_decref(item);
    assert_null(submission_load(db, id + 100));
    form_free(&f);
    db_close(db);
}

static void texts_are_checked(void **state)
{
    (void)state;
    char *longest = malloc(SUBMISSION_TEXT_MAX * 2 + 2);
    /* "é" is two bytes but one character: the limit counts characters. */
    for (int i = 0; i < SUBMISSION_TEXT_MAX; i++)
        memcpy(longest + 2 * i, "\xc3\xa9", 2);
    longest[2 * SUBMISSION_TEXT_MAX] = '\0';
    assert_int_equal(submission_check_text(longest, true), SUBMISSION_OK);
    strcat(longest, "x");
    assert_int_equal(submission_check_text(longest, true), SUBMISSION_TEXT_INVALID);
    assert_int_equal(submission_check_text(longest, false), SUBMISSION_TEXT_INVALID);
    free(longest);
    assert_int_equal(submission_check_text("", false), SUBMISSION_OK);
    assert_int_equal(submission_check_text(NULL, false), SUBMISSION_OK);
    assert_int_equal(submission_check_text("", true), SUBMISSION_TEXT_INVALID);
    assert_int_equal(submission_check_text(" \r\n ", true), SUBMISSION_TEXT_INVALID);
    assert_int_equal(submission_check_text(NULL, true), SUBMISSION_TEXT_INVALID);
    assert_int_equal(submission_check_text("\nKlaar", true), SUBMISSION_OK);
}

static void resubmission_is_one_transaction(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct form f;
    int64_t id = stored(db, &f);
    /* Not asked for a change: refused, and the answer is not kept. */
    assert_int_equal(submission_resubmit(db, id, "Hier is de foto.", T0 + 30),
                     SUBMISSION_NOT_ALLOWED);
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_messages"), 0);
    assert_int_equal(submission_resubmit(db, id + 100, "", T0 + 30), SUBMISSION_NOT_FOUND);
    assert_int_equal(workflow_transition(db, id, "wijziging_gevraagd", ACTOR_STAFF, "ria",
                                         "Graag een foto.", T0 + 60),
                     WF_OK);
    int64_t audits = count(db, "SELECT count(*) FROM audit_log");
    int64_t mails = count(db, "SELECT count(*) FROM outbox");
    /* When the message cannot be stored, the state does not change either. */
    assert_true(db_exec(db, "CREATE TEMP TRIGGER no_answers BEFORE INSERT ON initiative_messages "
                            "WHEN NEW.author_role = 'initiatiefnemer' "
                            "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(submission_resubmit(db, id, "Hier is de foto.", T0 + 90), SUBMISSION_BUSY);
    assert_int_equal(db_depth(db), 0);
    char text[256];
    text_of(db, "SELECT state FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "wijziging_gevraagd");
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);
    assert_int_equal(count(db, "SELECT count(*) FROM outbox"), mails);
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_messages"), 1);
    assert_true(db_exec(db, "DROP TRIGGER no_answers"));
    /* Too long: nothing happens. */
    char *too_long = malloc(SUBMISSION_TEXT_MAX + 2);
    memset(too_long, 'a', SUBMISSION_TEXT_MAX + 1);
    too_long[SUBMISSION_TEXT_MAX + 1] = '\0';
    assert_int_equal(submission_resubmit(db, id, too_long, T0 + 100), SUBMISSION_TEXT_INVALID);
    free(too_long);
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);
    /* Both together. */
    assert_int_equal(submission_resubmit(db, id, "\nHier is de foto.", T0 + 120), SUBMISSION_OK);
    text_of(db, "SELECT state FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "ingediend");
    text_of(db,
            "SELECT author_role || '|' || author_name || '|' || body || '|' || created_at "
            "FROM initiative_messages WHERE initiative_id = ? ORDER BY id DESC LIMIT 1",
            id, text, sizeof text);
    assert_string_equal(text, "initiatiefnemer|Fatima Yilmaz|Hier is de foto.|"
                              "2027-01-15 08:02:00");
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'state' AND "
                               "from_value = 'wijziging_gevraagd' AND to_value = 'ingediend'"),
                     1);
    /* Without an answer: resubmitted, no empty message. */
    assert_int_equal(workflow_transition(db, id, "wijziging_gevraagd", ACTOR_STAFF, "ria",
                                         "Nog iets.", T0 + 180),
                     WF_OK);
    int64_t messages = count(db, "SELECT count(*) FROM initiative_messages");
    assert_int_equal(submission_resubmit(db, id, " ", T0 + 240), SUBMISSION_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_messages"), messages);
    assert_int_equal(verify_all(db, breach, NULL), 0);
    form_free(&f);
    db_close(db);
}

static void withdrawal(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct form f;
    int64_t id = stored(db, &f);
    assert_int_equal(submission_withdraw(db, id, T0 + 60), SUBMISSION_OK);
    char text[64];
    text_of(db, "SELECT state FROM initiatives WHERE id = ?", id, text, sizeof text);
    assert_string_equal(text, "ingetrokken");
    assert_int_equal(submission_withdraw(db, id, T0 + 120), SUBMISSION_NOT_ALLOWED);
    assert_int_equal(submission_withdraw(db, id + 100, T0 + 120), SUBMISSION_NOT_FOUND);
    form_free(&f);
    db_close(db);
}

static const struct photo test_photo = {(unsigned char *)"\xff\xd8\xff jpeg", 8, 4, 3};

static void updates_only_while_online(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct form f;
    int64_t id = stored(db, &f);
    /* Under review: refused, and its photo is not kept. */
    assert_int_equal(submission_post_update(db, id, "Nieuws", &test_photo, T0 + 30),
                     SUBMISSION_NOT_ALLOWED);
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_updates"), 0);
    assert_int_equal(workflow_transition(db, id, "open", ACTOR_STAFF, "ria", "", T0 + 60), WF_OK);
    assert_int_equal(submission_post_update(db, id, "  \n", NULL, T0 + 90),
                     SUBMISSION_TEXT_INVALID);
    assert_int_equal(submission_post_update(db, id + 100, "Nieuws", NULL, T0 + 90),
                     SUBMISSION_NOT_FOUND);
    int64_t audits = count(db, "SELECT count(*) FROM audit_log WHERE action = 'update'");
    assert_int_equal(
        submission_post_update(db, id, "\r\nDe bank is besteld.", &test_photo, T0 + 120),
        SUBMISSION_OK);
    char text[256];
    text_of(db,
            "SELECT author_role || '|' || author_name || '|' || body || '|' || created_at || '|' "
            "|| (SELECT width FROM photos p WHERE p.id = u.photo_id) FROM initiative_updates u "
            "WHERE initiative_id = ?",
            id, text, sizeof text);
    assert_string_equal(text, "initiatiefnemer|Fatima Yilmaz|De bank is besteld.|"
                              "2027-01-15 08:02:00|4");
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'update' AND "
                               "actor = 'initiatiefnemer'"),
                     audits + 1);
    /* Without a photo; and a failing insert leaves neither update nor audit entry. */
    assert_int_equal(submission_post_update(db, id, "Nog een.", NULL, T0 + 180), SUBMISSION_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_updates WHERE photo_id IS NULL"),
                     1);
    assert_true(db_exec(db, "CREATE TEMP TRIGGER no_audit BEFORE INSERT ON audit_log "
                            "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(submission_post_update(db, id, "Derde.", &test_photo, T0 + 240),
                     SUBMISSION_BUSY);
    assert_true(db_exec(db, "DROP TRIGGER no_audit"));
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_updates"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 1);
    assert_int_equal(db_depth(db), 0);
    form_free(&f);
    db_close(db);
}

static void completion_is_one_transaction(void **state)
{
    (void)state;
    struct db *db = open_db();
    struct form f;
    int64_t id = stored(db, &f);
    assert_int_equal(workflow_transition(db, id, "open", ACTOR_STAFF, "ria", "", T0 + 60), WF_OK);
    /* Open but not funded: refused, nothing stored. */
    assert_int_equal(submission_complete(db, id, "Klaar!", &test_photo, T0 + 90),
                     SUBMISSION_NOT_ALLOWED);
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_updates"), 0);
    /* Funded (as the ledger would make it). */
    assert_true(db_exec(db, "UPDATE initiatives SET state = 'gefinancierd'"));
    int64_t audits = count(db, "SELECT count(*) FROM audit_log");
    assert_int_equal(submission_complete(db, id, "", NULL, T0 + 100), SUBMISSION_TEXT_INVALID);
    /* When the report cannot become an update, the state stays. */
    assert_true(db_exec(db, "CREATE TEMP TRIGGER no_updates BEFORE INSERT ON initiative_updates "
                            "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
    assert_int_equal(submission_complete(db, id, "Klaar!", &test_photo, T0 + 120), SUBMISSION_BUSY);
    assert_int_equal(db_depth(db), 0);
    char text[256];
    text_of(db, "SELECT state || '|' || coalesce(state_reason, '') FROM initiatives WHERE id = ?",
            id, text, sizeof text);
    assert_string_equal(text, "gefinancierd|");
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log"), audits);
    assert_int_equal(count(db, "SELECT count(*) FROM photos"), 0);
    assert_true(db_exec(db, "DROP TRIGGER no_updates"));
    /* Both together: the state with its report, the audit entry, the update. */
    assert_int_equal(
        submission_complete(db, id, "\nKlaar! De bank staat er.", &test_photo, T0 + 180),
        SUBMISSION_OK);
    text_of(db, "SELECT state || '|' || state_reason FROM initiatives WHERE id = ?", id, text,
            sizeof text);
    assert_string_equal(text, "uitgevoerd|Klaar! De bank staat er.");
    text_of(db,
            "SELECT body || '|' || created_at || '|' || (photo_id IS NOT NULL) "
            "FROM initiative_updates WHERE initiative_id = ?",
            id, text, sizeof text);
    assert_string_equal(text, "Klaar! De bank staat er.|2027-01-15 08:03:00|1");
    assert_int_equal(count(db, "SELECT count(*) FROM audit_log WHERE action = 'state' AND "
                               "from_value = 'gefinancierd' AND to_value = 'uitgevoerd'"),
                     1);
    /* Once only. */
    assert_int_equal(submission_complete(db, id, "Nog eens.", NULL, T0 + 240),
                     SUBMISSION_NOT_ALLOWED);
    assert_int_equal(count(db, "SELECT count(*) FROM initiative_updates"), 1);
    form_free(&f);
    db_close(db);
}


/* A submission form sent twice makes one initiative: the second create fails on the form's
 * key, and submission_by_form finds the first with the same management token. Another
 * browser with the same form token is another form. Address and theme are stored. */
static void one_initiative_per_form(void **state)
{
    (void)state;
    struct db *db = open_db();
    unsigned char secret[SECRET_BYTES];
    secret_init(secret);
    struct form f;
    valid_form(&f);
    form_set(&f, "thema", "spelen");
    struct submission s;
    valid_submission(db, &f, &s);
    char form_token[MANAGE_TOKEN_CHARS + 1], token[MANAGE_TOKEN_CHARS + 1] = "";
    char again[MANAGE_TOKEN_CHARS + 1] = "", found[MANAGE_TOKEN_CHARS + 1] = "";
    submission_form_token(form_token);
    assert_true(submission_form_token_valid(form_token));
    assert_false(submission_form_token_valid("kort"));
    assert_false(submission_form_token_valid(NULL));
    assert_int_equal(submission_by_form(db, secret, "browser-a", form_token, found), 0);
    int64_t id = 0, id2 = 0;
    assert_true(submission_create_from_form(db, secret, &s, 0, base_url, "browser-a", form_token,
                                            T0, &id, token));
    assert_int_equal(submission_by_token(db, secret, token), id);
    int64_t before = count(db, "SELECT count(*) FROM initiatives");
    assert_false(submission_create_from_form(db, secret, &s, 0, base_url, "browser-a",
                                             form_token, T0 + 1, &id2, again));
    assert_int_equal(count(db, "SELECT count(*) FROM initiatives"), before);
    assert_int_equal(submission_by_form(db, secret, "browser-a", form_token, found), id);
    assert_string_equal(found, token);
    /* Another browser: not this initiative. */
    assert_int_equal(submission_by_form(db, secret, "browser-b", form_token, found), 0);
    assert_true(submission_create_from_form(db, secret, &s, 0, base_url, "browser-b", form_token,
                                            T0 + 2, &id2, again));
    assert_true(id2 != id);
    assert_string_not_equal(again, token);
    char text[512];
    text_of(db,
            "SELECT initiator_postcode || '|' || initiator_house_number || '|' || theme FROM "
            "initiatives WHERE id = ?",
            id, text, sizeof text);
    assert_string_equal(text, "7607 AB|12|spelen");
    /* The edit form comes back with them. */
    json_t *item = submission_load(db, id);
    int lines, co;
    json_t *values = submission_form_values(item, &lines, &co);
    assert_string_equal(json_string_value(json_object_get(values, "postcode")), "7607 AB");
    assert_string_equal(json_string_value(json_object_get(values, "huisnummer")), "12");
    assert_string_equal(json_string_value(json_object_get(values, "thema")), "spelen");
    json_decref(values);
    json_decref(item);
    /* No theme chosen: overig. */
    submission_free(&s);
    form_set(&f, "thema", NULL);
    valid_submission(db, &f, &s);
    assert_string_equal(s.theme, "overig");
    submission_free(&s);
    form_free(&f);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_form_passes),
        cmocka_unit_test(valid_variants_pass),
        cmocka_unit_test(every_field_has_its_error),
        cmocka_unit_test(settings_decide_the_limits),
        cmocka_unit_test(all_errors_at_once),
        cmocka_unit_test(create_stores_everything),
        cmocka_unit_test(help_wanted_is_asked_and_stored),
        cmocka_unit_test(one_initiative_per_form),
        cmocka_unit_test(update_only_before_publication),
        cmocka_unit_test(load_has_the_children),
        cmocka_unit_test(texts_are_checked),
        cmocka_unit_test(resubmission_is_one_transaction),
        cmocka_unit_test(withdrawal),
        cmocka_unit_test(updates_only_while_online),
        cmocka_unit_test(completion_is_one_transaction),
    };
    log_set_quiet(1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
