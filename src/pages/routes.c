/* The route table: the one place that names the page handlers, and who may reach each. */
#include "app.h"
#include "db/db.h"
#include "domain/reports.h"
#include "http/cache.h"
#include "http/conditional.h"
#include "http/router.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

/* Every POST route either shows a refused text at its field (ROUTE_FIELD_CHECKS) or has no
 * field a person types (ROUTE_NO_TYPED_TEXT: a bare button, check boxes, a chosen file), so the
 * router's refusal of the whole request is only ever met by a forged one; test_router checks
 * this table. */
static const struct route routes[] = {
    {M_GET, "/", home_page, 0},
    {M_GET, "/initiatieven", initiatives_list_page, 0},
    {M_GET, "/initiatieven/*", initiative_page, 0},
    {M_GET, "/initiatieven/*/helpen", takingpart_help_page, 0},
    {M_POST, "/initiatieven/*/helpen", takingpart_help_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/initiatieven/*/vraag", takingpart_question_page, 0},
    {M_POST, "/initiatieven/*/vraag", takingpart_question_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/volgen", follow_page, 0},
    {M_POST, "/volgen", follow_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/volgen/aangevraagd", follow_requested_page, 0},
    {M_GET, "/volgen/bevestigd", follow_confirmed_page, 0},
    {M_GET, "/volgen/bevestigen/*", follow_confirm_page, ROUTE_SECRET_PATH},
    {M_POST, "/volgen/bevestigen/*", follow_confirm_post,
     ROUTE_SECRET_PATH | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/afmelden/*", unsubscribe_page, ROUTE_SECRET_PATH},
    /* RFC 8058 one-click unsubscribe: mail programs POST here without cookies or a CSRF
     * token; the secret token in the path is the proof (see unsubscribe_post). */
    {M_POST, "/afmelden/*", unsubscribe_post, ROUTE_SECRET_PATH | ROUTE_NO_CSRF |
     ROUTE_NO_TYPED_TEXT},
    {M_GET, "/initiatieven/*/lenen", offers_form_page, 0},
    {M_POST, "/initiatieven/*/lenen", offers_form_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/wijken", areas_list_page, 0},
    {M_GET, "/wijken/*", area_page, 0},
    {M_GET, "/berichten", news_list_page, 0},
    {M_GET, "/berichten/*", news_page, 0},
    {M_GET, "/toegankelijkheid", accessibility_page, 0},
    {M_GET, "/privacy", privacy_page, 0},
    {M_GET, "/spelregels", rules_page, 0},
    {M_GET, "/adres", address_page, 0},
    {M_POST, "/adres", address_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/brief-kwijt", lost_letter_page, 0},
    {M_POST, "/brief-kwijt", lost_letter_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/open-data", open_data_page, 0},
    {M_GET, "/open-data/*", open_data_csv, 0},
    {M_GET, "/healthz", health_page, 0},
    {M_GET, "/static/**", static_page, 0},
    {M_GET, "/doneren", donate_page, 0},
    {M_POST, "/doneren", donate_code_post, ROUTE_FIELD_CHECKS},
    {M_POST, "/doneren/kiezen", donate_choose_post, ROUTE_FIELD_CHECKS},
    {M_POST, "/doneren/bevestigen", donate_confirm_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/doneren/ontvangst/*", donate_receipt_page, 0},
    {M_GET, "/doneren/meerdere", donate_multi_page, 0},
    {M_POST, "/doneren/meerdere", donate_multi_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/initiatief-indienen", submit_page, 0},
    {M_POST, "/initiatief-indienen", submit_post, ROUTE_FIELD_CHECKS},
    {M_GET, "/mijn-initiatief/*", manage_page, ROUTE_SECRET_PATH},
    {M_POST, "/mijn-initiatief/*/bewerken", manage_edit_post,
     ROUTE_SECRET_PATH | ROUTE_FIELD_CHECKS},
    {M_POST, "/mijn-initiatief/*/indienen", manage_resubmit_post,
     ROUTE_SECRET_PATH | ROUTE_FIELD_CHECKS},
    {M_POST, "/mijn-initiatief/*/intrekken", manage_withdraw_post,
     ROUTE_SECRET_PATH | ROUTE_NO_TYPED_TEXT},
    {M_POST, "/mijn-initiatief/*/update", manage_update_post,
     ROUTE_SECRET_PATH | ROUTE_FIELD_CHECKS},
    {M_POST, "/mijn-initiatief/*/uitgevoerd", manage_complete_post,
     ROUTE_SECRET_PATH | ROUTE_FIELD_CHECKS},
    {M_POST, "/mijn-initiatief/*/meedoen", manage_takingpart_post,
     ROUTE_SECRET_PATH | ROUTE_FIELD_CHECKS},
    {M_POST, "/mijn-initiatief/*/aanbod", manage_offer_post,
     ROUTE_SECRET_PATH | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/mijn-initiatief/*/foto.jpg", manage_photo_page, ROUTE_SECRET_PATH},
    {M_GET, "/fotos/*", photo_page, 0},
    {M_GET, "/fotos/voorlopig/*", photo_held_page, ROUTE_SECRET_PATH},
    {M_GET, "/beheer/inloggen", login_page, 0},
    {M_POST, "/beheer/inloggen", login_post, ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/uitloggen", logout_post, ROUTE_NO_TYPED_TEXT},
    {M_GET, "/beheer", staff_home_page, ROUTE_STAFF},
    {M_GET, "/beheer/initiatieven/*", staff_initiative_page, ROUTE_STAFF},
    {M_POST, "/beheer/initiatieven/*/goedkeuren", staff_approve_post,
     ROUTE_STAFF | ROUTE_NO_TYPED_TEXT},
    {M_POST, "/beheer/initiatieven/*/wijziging", staff_changes_post,
     ROUTE_STAFF | ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/initiatieven/*/afwijzen", staff_reject_post,
     ROUTE_STAFF | ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/initiatieven/*/update", staff_update_post, ROUTE_STAFF | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/berichten", staff_news_page, ROUTE_STAFF},
    {M_GET, "/beheer/berichten/nieuw", staff_news_new_page, ROUTE_STAFF},
    {M_POST, "/beheer/berichten/nieuw", staff_news_new_post, ROUTE_STAFF | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/berichten/*", staff_news_edit_page, ROUTE_STAFF},
    {M_POST, "/beheer/berichten/*", staff_news_edit_post, ROUTE_STAFF | ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/berichten/*/publiceren", staff_news_publish_post,
     ROUTE_STAFF | ROUTE_NO_TYPED_TEXT},
    {M_POST, "/beheer/berichten/*/depubliceren", staff_news_unpublish_post,
     ROUTE_STAFF | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/feeds/initiatieven/*", initiative_feed_page, 0},
    {M_GET, "/feeds/*", feed_page, 0},
    {M_GET, "/api/v1/openapi.json", api_openapi, 0},
    {M_GET, "/api/v1/initiatieven", api_initiatives, 0},
    {M_GET, "/api/v1/initiatieven/*", api_initiative, 0},
    {M_GET, "/api/v1/wijken", api_areas, 0},
    {M_GET, "/api/v1/wijken/*", api_area, 0},
    {M_GET, "/api/v1/rondes", api_rounds, 0},
    {M_GET, "/api/v1/totalen", api_totals, 0},
    {M_GET, "/api/v1/**", api_not_found, 0},
    {M_GET, "/beheer/geld", admin_money_page, ROUTE_ADMIN},
    {M_POST, "/beheer/geld/uitbetaling", admin_payout_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/geld/bijdrage", admin_contribution_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/instellingen", admin_settings_page, ROUTE_ADMIN},
    {M_POST, "/beheer/instellingen", admin_settings_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/instellingen/logo", admin_logo_page, ROUTE_ADMIN},
    {M_POST, "/beheer/instellingen/logo", admin_logo_post, ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/beheer/instellingen/logo/bestand", admin_logo_file, ROUTE_ADMIN},
    {M_POST, "/beheer/instellingen/logo/verwijderen", admin_logo_delete_post,
     ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/beheer/medewerkers", admin_users_page, ROUTE_ADMIN},
    {M_POST, "/beheer/medewerkers", admin_users_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/medewerkers/*", admin_user_action_post, ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/beheer/auditlog", admin_audit_page, ROUTE_ADMIN},
    {M_GET, "/beheer/email", admin_outbox_page, ROUTE_ADMIN},
    {M_GET, "/beheer/briefaanvragen", admin_letter_requests_page, ROUTE_ADMIN},
    {M_POST, "/beheer/briefaanvragen/*/sluiten", admin_letter_request_close_post,
     ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/gebieden", setup_areas_page, ROUTE_ADMIN},
    {M_POST, "/beheer/gebieden", setup_area_add_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/gebieden/*", setup_area_page, ROUTE_ADMIN},
    {M_POST, "/beheer/gebieden/*", setup_area_edit_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/rondes", setup_rounds_page, ROUTE_ADMIN},
    {M_POST, "/beheer/rondes", setup_round_add_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/rondes/*", setup_round_edit_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_POST, "/beheer/rondes/*/uitgeven", setup_issue_post, ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_POST, "/beheer/rondes/*/vervangen", setup_replace_post, ROUTE_ADMIN | ROUTE_FIELD_CHECKS},
    {M_GET, "/beheer/uitgifte/*", setup_file_download, ROUTE_ADMIN},
    {M_POST, "/beheer/uitgifte/*/verwijderen", setup_file_delete_post,
     ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/beheer/huishoudens", setup_households_page, ROUTE_ADMIN},
    {M_POST, "/beheer/huishoudens", setup_households_upload_post,
     ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_POST, "/beheer/huishoudens/*/importeren", setup_households_import_post,
     ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/beheer/medewerkers/*", setup_user_page, ROUTE_ADMIN},
    {M_POST, "/beheer/medewerkers/*/gebieden", setup_user_areas_post,
     ROUTE_ADMIN | ROUTE_NO_TYPED_TEXT},
    {M_GET, "/beheer/dashboard", dashboard_page, ROUTE_STAFF},
    {M_GET, "/beheer/export", export_download, ROUTE_ADMIN},
    {M_GET, "/transparantie", transparency_page, 0},
};

const struct route *site_routes(size_t *count)
{
    *count = sizeof routes / sizeof routes[0];
    return routes;
}

/* The response cache of anonymous public pages, made on the first request from the
 * configuration; NULL when it is switched off. */
static struct http_cache *site_cache(const struct app *app)
{
    static _Atomic(struct http_cache *) cache;
    static atomic_bool made;
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    if (atomic_load_explicit(&made, memory_order_acquire))
        return atomic_load_explicit(&cache, memory_order_relaxed);
    pthread_mutex_lock(&lock);
    if (!atomic_load(&made)) {
        if (app->config.response_cache_mb > 0 && app->config.response_cache_seconds > 0)
            atomic_store(&cache, http_cache_new((size_t)app->config.response_cache_mb << 20,
                                                app->config.response_cache_seconds));
        atomic_store_explicit(&made, true, memory_order_release);
    }
    pthread_mutex_unlock(&lock);
    return atomic_load(&cache);
}

/* Paths whose answers are never shared: staff pages, the donation flow (a receipt is one
 * resident's), secret links, files served from memory anyway, and the health check, which
 * must look at the database each time. */
static bool path_private(const char *path)
{
    static const char *const prefixes[] = {"/beheer", "/doneren", "/mijn-initiatief", "/static/",
                                           "/healthz", "/initiatief-indienen", "/volgen",
                                           "/afmelden"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* A GET or HEAD that no staff session comes with (any cookie of that name, valid or not). */
static bool anonymous_read(const struct request *req, bool reading)
{
    if (!reading || req->refusal_status || !req->db || !req->app || req->target[0] != '/')
        return false;
    const char *cookie = request_header(req, "Cookie");
    return !(cookie && strstr(cookie, SESSION_COOKIE)) && !path_private(req->target);
}

/* The database version this thread's connection saw last (one connection per thread). */
static _Thread_local int64_t seen_version = HTTP_CACHE_UNSEEN;

/* A write that gave up on the writer lane (full, or the lock held too long) changed nothing:
 * the client may simply try again. A page that said so itself keeps its own words. */
static void answer_busy_writer(struct request *req, error_fn on_error)
{
    if (req->resp.status < 500)
        return; /* the page went on without the write and said what it did */
    if (req->resp.status != 503)
        on_error(req, 503, "Het is op dit moment erg druk; probeer het over een paar seconden "
                           "opnieuw.");
    response_set_header(req, "Retry-After", "2");
}

static void site_answer(struct request *req)
{
    bool reading = strcmp(req->method_name, "GET") == 0 || strcmp(req->method_name, "HEAD") == 0;
    struct http_cache *cache = anonymous_read(req, reading) ? site_cache(req->app) : NULL;
    uint64_t generation = 0;
    const char *key = NULL;
    enum http_cache_lookup filling = HTTP_CACHE_MISS;
    time_t now = time(NULL);
    if (cache) {
        /* Before the snapshot begins: a page is never kept under a newer version than the
         * data it shows. The scheme is part of the key, as HSTS and cookie names differ. */
        double start = http_clock_ms();
        generation = http_cache_generation(cache, &seen_version, report_data_version(req->db));
        key = arena_printf(&req->arena, "%c%s", req->https ? 's' : 'h', req->target);
        filling =
            http_cache_answer_or_fill(cache, key, generation, now, req, HTTP_CACHE_FILL_WAIT_MS);
        if (filling == HTTP_CACHE_HIT) {
            req->method = strcmp(req->method_name, "HEAD") == 0 ? M_HEAD : M_GET;
            response_header(req, "X-Cache", "hit");
            http_conditional(req);
            http_log_request(req, arena_strndup(&req->arena, req->target, strcspn(req->target, "?")),
                             start);
            return;
        }
    }
    /* Pages that only read see one consistent snapshot and take the locks once. */
    if (reading && req->db)
        db_read_begin(req->db);
    if (req->db)
        db_take_busy(req->db); /* what an earlier request on this thread left */
    /* Under /api/ even the router's own refusals (405, bad encoding) answer in JSON. */
    error_fn on_error = strncmp(req->target, "/api/", 5) == 0 ? api_error : page_error;
    http_dispatch(req, routes, sizeof routes / sizeof routes[0], on_error, staff_allow);
    if (req->db && db_take_busy(req->db))
        answer_busy_writer(req, on_error);
    if (cache) {
        /* Only a GET's answer is kept (a HEAD's body may be left out), and only for a path
         * that may be shared once decoded. */
        http_etag(req);
        if (req->method == M_GET && !path_private(req->path))
            http_cache_store(cache, key, generation, now, req);
        if (filling == HTTP_CACHE_FILL)
            http_cache_fill_done(cache, key, generation); /* the others waiting go on */
        response_header(req, "X-Cache", "miss");
    }
    /* Every successful GET can be revalidated: feeds, the API and pages alike. */
    http_conditional(req);
    if (reading && req->db)
        db_read_end(req->db);
}

/* Every jansson value of the request comes from the thread's request arena and is given back
 * at once when the answer is built: the answer itself is bytes in req->resp. */
void site_handle(struct request *req)
{
    alloc_request_begin();
    site_answer(req);
    alloc_request_end();
}
