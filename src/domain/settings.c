/* Municipality settings: the table of every setting, and their stored values. */
#include "domain/settings.h"
#include "db/db.h"
#include "domain/submission.h"
#include "util/alloc.h"
#include "util/config.h"
#include "util/text.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Like Fossil's SETTING table: every setting once, read by the seed, the settings page and
 * every reader that needs a default. */
const struct setting settings_table[] = {
    {"gemeente_naam", SETTING_TEXT, NULL, 1, 80, true, "Naam van de gemeente", ""},
    {"site_naam", SETTING_TEXT, NULL, 1, 80, true, "Naam van de website", ""},
    {"basis_url", SETTING_URL, NULL, 8, 200, true, "Adres van de website",
     "Voor links in e-mail en de QR-codes op brieven."},
    {"contact_email", SETTING_EMAIL, NULL, 5, 254, true, "Contactadres", ""},
    {"tijdzone", SETTING_TIMEZONE, NULL, 1, 63, false, "Tijdzone", ""},
    {"voucher_cents", SETTING_CENTS, NULL, 1, 100000, true, "Waarde van een voucher (€)",
     "Voor nieuwe rondes, in euro's: bijvoorbeeld 7,50."},
    {"streef_min_cents", SETTING_CENTS, "5000", 100, 100000000, true,
     "Kleinste streefbedrag (€)", "In euro's, bijvoorbeeld 50."},
    {"streef_max_cents", SETTING_CENTS, "500000", 100, 100000000, true,
     "Grootste streefbedrag (€)", "In euro's, bijvoorbeeld 5.000."},
    {"mede_organisatoren", SETTING_INT, "2", 0, 8, true, "Aantal mede-organisatoren",
     "Van andere adressen."},
    {"voucher_pogingen", SETTING_INT, "10", 1, 10000, true, "Onbekende codes per internetadres",
     "Binnen het venster hieronder."},
    {"voucher_venster_minuten", SETTING_INT, "10", 1, 1440, true,
     "Venster voor onbekende codes (minuten)", ""},
    {"indienen_per_uur", SETTING_INT, "5", 1, 100000, false,
     "Nieuwe initiatieven per uur", "Per internetadres en per e-mailadres."},
    {"wijzigingen_per_uur", SETTING_INT, "20", 1, 100000, false,
     "Wijzigingen per uur", "Via een beheerlink, per internetadres en per initiatief."},
    {"fotos_per_uur", SETTING_INT, "20", 1, 100000, false, "Bewaarde foto's per uur",
     "Foto's bij een formulier dat terugkomt, per internetadres en per browser."},
    {"hulp_per_uur", SETTING_INT, "5", 1, 100000, false, "Aanmeldingen om te helpen per uur",
     "Per internetadres en per e-mailadres."},
    {"vragen_per_uur", SETTING_INT, "5", 1, 100000, false, "Vragen aan initiatiefnemers per uur",
     "Per internetadres en per e-mailadres."},
    {"volgen_per_uur", SETTING_INT, "5", 1, 100000, false, "Aanvragen om te volgen per uur",
     "Per e-mail: per internetadres en per e-mailadres."},
    {"aanbod_per_uur", SETTING_INT, "5", 1, 100000, false, "Aanbiedingen om iets te lenen per uur",
     "Per internetadres en per e-mailadres."},
    {"adres_per_uur", SETTING_INT, "30", 1, 100000, false, "Adressen opzoeken per uur",
     "Welke wijk hoort bij mijn adres: per internetadres."},
    {"brief_per_uur", SETTING_INT, "5", 1, 100000, false, "Nieuwe brieven aanvragen per uur",
     "Per internetadres en per adres van een huishouden."},
    {"brief_logo", SETTING_TEXT, "", 0, 1400000, false, "Logo op de brieven",
     "Een PNG, base64."},
    {"themas", SETTING_TEXT,
     "groen, spelen, ontmoeting, veiligheid, duurzaamheid, sport en bewegen, kunst en cultuur, "
     "overig",
     1, 1000, true, "Thema's van initiatieven",
     "Gescheiden door komma's; \"overig\" is de standaard. Een thema dat u weghaalt, blijft "
     "staan bij de initiatieven die het al hebben."},
    {"regels", SETTING_PARAGRAPHS, "", 0, 4000, true, "Regels voor initiatieven",
     "Staat boven het indienformulier. Een lege regel begint een nieuwe alinea. Leeg: de "
     "standaardregels."},
    /* The page /spelregels: each text in paragraphs; the defaults hold until an admin writes
     * their own, and come back when a text is emptied. */
    {"spelregels_betaald", SETTING_PARAGRAPHS,
     "Wel: wat bewoners nodig hebben om hun initiatief uit te voeren, zoals materiaal, huur van "
     "een ruimte of tent, gereedschap, planten, eten en drinken voor een buurtactiviteit en "
     "drukwerk.\n\nNiet: commerciële activiteiten, politieke of religieuze campagnes, "
     "salarissen en vergoedingen voor de organisatoren, vaste lasten, en wat al uit een andere "
     "regeling van de gemeente wordt betaald.",
     0, 4000, true, "Spelregels: wat wel en niet wordt betaald",
     "Op de pagina /spelregels. Een lege regel begint een nieuwe alinea. Leeg: de standaardtekst."},
    {"spelregels_vouchers", SETTING_PARAGRAPHS,
     "Elk huishouden krijgt per voucherronde een brief met één code. Met die code geeft u de "
     "voucher aan één initiatief in uw eigen wijk of dorp, of aan een initiatief voor de hele "
     "gemeente. De voucher gaat in zijn geheel naar dat initiatief; een gebruikte code kan niet "
     "opnieuw worden gebruikt.\n\nWie aan welk initiatief geeft, is nergens openbaar te zien. Bent u "
     "de brief kwijt, dan kunt u een nieuwe brief aanvragen; de oude code vervalt dan.",
     0, 4000, true, "Spelregels: zo werken de vouchers",
     "Op de pagina /spelregels. Leeg: de standaardtekst."},
    {"spelregels_restgeld", SETTING_PARAGRAPHS,
     "Haalt een initiatief zijn streefbedrag niet voor de deadline, dan komen de vouchers weer "
     "vrij zolang de ronde loopt: het huishouden kan de code dan aan een ander initiatief geven. "
     "Is de ronde voorbij, dan gaat het geld terug naar het budget van de wijk of het dorp.\n\n"
     "Codes die niet worden gebruikt, vervallen aan het eind van de ronde. Blijft er geld over "
     "nadat een initiatief is uitgevoerd, dan overlegt de initiatiefnemer met de wijkregisseur "
     "wat ermee gebeurt.",
     0, 4000, true, "Spelregels: geld dat niet wordt besteed",
     "Op de pagina /spelregels. Leeg: de standaardtekst."},
    {"spelregels_vragen", SETTING_PARAGRAPHS,
     "Mag ik meer dan één voucher geven?\nNee. Elk adres krijgt per ronde één code, die één keer "
     "te gebruiken is.\n\nKan ik de voucher verdelen over twee initiatieven?\nNee, de voucher gaat "
     "in zijn geheel naar één initiatief.\n\nIk heb geen internet. Wat nu?\nNeem de brief mee naar "
     "uw wijkaccommodatie, of geef hem aan een initiatiefnemer die langskomt: die kan de code "
     "voor u invoeren.\n\nBij welke wijk hoort mijn adres?\nDat ziet u op de pagina Welke wijk "
     "hoort bij mijn adres, en op de keuzepagina nadat u uw code hebt ingevuld.",
     0, 8000, true, "Spelregels: veelgestelde vragen",
     "Elke vraag op een eigen regel, het antwoord op de regels eronder; een lege regel begint de "
     "volgende vraag. Leeg: de standaardvragen."},
};
const size_t settings_count = sizeof settings_table / sizeof settings_table[0];

const struct setting *setting_find(const char *name)
{
    for (size_t i = 0; i < settings_count; i++)
        if (strcmp(settings_table[i].name, name) == 0)
            return &settings_table[i];
    return NULL;
}

/* config.c's defaults, for readers that have no config at hand (the domain's mail). */
static struct config built_in;
static pthread_once_t built_in_once = PTHREAD_ONCE_INIT;
static void built_in_load(void)
{
    config_defaults(&built_in);
}

const char *setting_default(const struct setting *s, const struct config *c)
{
    if (s->fallback)
        return s->fallback;
    if (!c) {
        pthread_once(&built_in_once, built_in_load);
        c = &built_in;
    }
    /* The settings a deployment may preset in its config file. */
    const char *name = s->name;
    return !strcmp(name, "gemeente_naam")   ? c->gemeente_naam
           : !strcmp(name, "site_naam")     ? c->site_naam
           : !strcmp(name, "basis_url")     ? c->basis_url
           : !strcmp(name, "contact_email") ? c->contact_email
           : !strcmp(name, "tijdzone")      ? c->tijdzone
           : !strcmp(name, "voucher_cents") ? c->voucher_cents
                                            : "";
}

static bool timezone_valid(const char *v)
{
    /* A name from the tz database: letters, digits, '_', '-', '+' and '/' between parts. */
    if (!*v || *v == '/' || strstr(v, "..") || strstr(v, "//"))
        return false;
    for (const char *p = v; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '-' || *p == '+' || *p == '/'))
            return false;
    return true;
}

bool setting_valid(const struct setting *s, const char *v)
{
    if (!v)
        v = "";
    size_t bytes = strlen(v), len = utf8_length(v, bytes);
    int64_t n;
    switch (s->type) {
    case SETTING_INT:
    case SETTING_CENTS:
        return parse_int64(v, s->min, s->max, &n);
    case SETTING_PARAGRAPHS:
        return len >= (size_t)s->min && len <= (size_t)s->max;
    case SETTING_TEXT:
        return len >= (size_t)s->min && len <= (size_t)s->max && !strchr(v, '\n');
    case SETTING_EMAIL:
        return len >= (size_t)s->min && len <= (size_t)s->max && email_valid(v);
    case SETTING_URL:
        return len >= (size_t)s->min && len <= (size_t)s->max &&
               (!strncmp(v, "https://", 8) || !strncmp(v, "http://", 7)) && !strchr(v, ' ') &&
               !strchr(v, '\n') && v[bytes - 1] != '/';
    case SETTING_TIMEZONE:
        return len >= (size_t)s->min && len <= (size_t)s->max && timezone_valid(v);
    }
    return false;
}

bool settings_check(const char *const *values, enum setting_error *errors)
{
    bool ok = true;
    size_t min_at = 0, max_at = 0;
    for (size_t i = 0; i < settings_count; i++) {
        errors[i] = setting_valid(&settings_table[i], values[i]) ? SETTING_VALID : SETTING_BAD;
        ok = ok && errors[i] == SETTING_VALID;
        if (!strcmp(settings_table[i].name, "streef_min_cents"))
            min_at = i;
        if (!strcmp(settings_table[i].name, "streef_max_cents"))
            max_at = i;
    }
    int64_t lo = 0, hi = 0;
    if (ok && parse_int64(values[min_at], 0, INT64_MAX, &lo) &&
        parse_int64(values[max_at], 0, INT64_MAX, &hi) && lo > hi) {
        errors[max_at] = SETTING_BELOW_MINIMUM;
        ok = false;
    }
    return ok;
}

static json_t *settings_read(struct db *db)
{
    json_t *obj = json_object();
    sqlite3_stmt *stmt = db_prepare(db, "SELECT key, value FROM settings");
    if (!stmt)
        return obj;
    while (sqlite3_step(stmt) == SQLITE_ROW)
        json_object_set_new(obj, (const char *)sqlite3_column_text(stmt, 0),
                            json_string((const char *)sqlite3_column_text(stmt, 1)));
    sqlite3_reset(stmt);
    return obj;
}

/* Every page, feed and mail reads the settings, several times a request; they change only
 * when an admin saves them. So each thread keeps the copy it read last, for the connection
 * it read it on, until the database changes (db_data_version: any commit by another
 * connection, any change by this one). A connection's copy dies with the connection: the
 * marker function below is destroyed by sqlite3_close, so that a later connection at the
 * same address never takes it for its own. */
struct connection_mark {
    atomic_int refs;    /* the connection's and the cache's */
    atomic_bool closed; /* the connection was closed */
};

static void mark_release(struct connection_mark *m)
{
    if (m && atomic_fetch_sub(&m->refs, 1) == 1)
        free(m);
}

static void mark_connection_closed(void *p)
{
    struct connection_mark *m = p;
    atomic_store(&m->closed, true);
    mark_release(m);
}

static void mark_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_null(ctx);
}

struct settings_cache {
    sqlite3 *conn;
    struct connection_mark *mark;
    int64_t version;
    json_t *all;
};
static _Thread_local struct settings_cache cached;

/* A thread that ends takes its copy along (the key's destructor runs in that thread). */
static pthread_key_t cache_key;
static pthread_once_t cache_key_once = PTHREAD_ONCE_INIT;
static void cache_drop(void *p)
{
    struct settings_cache *c = p;
    json_decref(c->all);
    mark_release(c->mark);
    *c = (struct settings_cache){0};
}
static void cache_key_make(void)
{
    pthread_key_create(&cache_key, cache_drop);
}

json_t *settings_all(struct db *db)
{
    /* Inside a write transaction the copy could outlive a rollback: read afresh. */
    if (db_depth(db) > 0)
        return settings_read(db);
    sqlite3 *conn = db_handle(db);
    int64_t version = db_data_version(db);
    if (cached.all && cached.conn == conn && !atomic_load(&cached.mark->closed) &&
        cached.version == version)
        return json_copy(cached.all);
    if (cached.conn != conn || !cached.mark || atomic_load(&cached.mark->closed)) {
        struct connection_mark *m = xcalloc(1, sizeof *m);
        atomic_init(&m->refs, 2);
        atomic_init(&m->closed, false);
        if (sqlite3_create_function_v2(conn, "buurtsamen_settings_mark", 0, SQLITE_UTF8, m,
                                       mark_function, NULL, NULL,
                                       mark_connection_closed) != SQLITE_OK) {
            /* SQLite called the destructor already; without a mark nothing is kept. */
            mark_release(m);
            return settings_read(db);
        }
        mark_release(cached.mark);
        cached.mark = m;
        cached.conn = conn;
        pthread_once(&cache_key_once, cache_key_make);
        pthread_setspecific(cache_key, &cached);
        /* Registering a function made the connection's statements re-prepare: a new version. */
        version = db_data_version(db);
    }
    json_decref(cached.all);
    alloc_heap_begin(); /* kept past this request: never arena memory */
    cached.all = settings_read(db);
    alloc_heap_end();
    cached.version = version;
    return json_copy(cached.all);
}

const char *settings_value(json_t *all, const char *name, const struct config *config)
{
    const char *v = json_string_value(json_object_get(all, name));
    if (v && *v)
        return v;
    const struct setting *s = setting_find(name);
    return s ? setting_default(s, config) : "";
}

static bool insert_default(struct db *db, const char *key, const char *value)
{
    sqlite3_stmt *stmt = db_prepare(db, "INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)");
    if (!stmt)
        return false;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(stmt) == SQLITE_DONE;
    sqlite3_reset(stmt);
    return ok;
}

bool settings_seed(struct db *db, const struct config *config)
{
    for (size_t i = 0; i < settings_count; i++) {
        const char *v = setting_default(&settings_table[i], config);
        if (*v && !insert_default(db, settings_table[i].name, v))
            return false;
    }
    return true;
}

bool settings_set(struct db *db, const char *key, const char *value)
{
    sqlite3_stmt *stmt = db_prepare(
        db, "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!stmt)
        return false;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(stmt) == SQLITE_DONE;
    sqlite3_reset(stmt);
    return ok;
}

void settings_base_url(struct db *db, const struct config *config, char *out, size_t size)
{
    json_t *all = settings_all(db);
    snprintf(out, size, "%s", settings_value(all, "basis_url", config));
    json_decref(all);
    size_t len = strlen(out);
    while (len && out[len - 1] == '/')
        out[--len] = '\0';
}
