/* The route table: the one place that names the page handlers, and who may reach each. */
#include "db/db.h"
#include "http/conditional.h"
#include "http/router.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"

#include <string.h>

static const struct route routes[] = {
    {M_GET, "/", home_page, 0},
    {M_GET, "/initiatieven", initiatives_list_page, 0},
    {M_GET, "/initiatieven/*", initiative_page, 0},
    {M_GET, "/wijken", areas_list_page, 0},
    {M_GET, "/wijken/*", area_page, 0},
    {M_GET, "/berichten", news_list_page, 0},
    {M_GET, "/berichten/*", news_page, 0},
    {M_GET, "/toegankelijkheid", accessibility_page, 0},
    {M_GET, "/privacy", privacy_page, 0},
    {M_GET, "/open-data", open_data_page, 0},
    {M_GET, "/open-data/*", open_data_csv, 0},
    {M_GET, "/healthz", health_page, 0},
    {M_GET, "/static/**", static_page, 0},
    {M_GET, "/doneren", donate_page, 0},
    {M_POST, "/doneren", donate_code_post, 0},
    {M_POST, "/doneren/kiezen", donate_choose_post, 0},
    {M_POST, "/doneren/bevestigen", donate_confirm_post, 0},
    {M_GET, "/doneren/ontvangst/*", donate_receipt_page, 0},
    {M_GET, "/doneren/meerdere", donate_multi_page, 0},
    {M_POST, "/doneren/meerdere", donate_multi_post, 0},
    {M_GET, "/initiatief-indienen", submit_page, 0},
    {M_POST, "/initiatief-indienen", submit_post, 0},
    {M_GET, "/mijn-initiatief/*", manage_page, ROUTE_SECRET_PATH},
    {M_POST, "/mijn-initiatief/*/bewerken", manage_edit_post, ROUTE_SECRET_PATH},
    {M_POST, "/mijn-initiatief/*/indienen", manage_resubmit_post, ROUTE_SECRET_PATH},
    {M_POST, "/mijn-initiatief/*/intrekken", manage_withdraw_post, ROUTE_SECRET_PATH},
    {M_POST, "/mijn-initiatief/*/update", manage_update_post, ROUTE_SECRET_PATH},
    {M_POST, "/mijn-initiatief/*/uitgevoerd", manage_complete_post, ROUTE_SECRET_PATH},
    {M_GET, "/fotos/*", photo_page, 0},
    {M_GET, "/beheer/inloggen", login_page, 0},
    {M_POST, "/beheer/inloggen", login_post, 0},
    {M_POST, "/beheer/uitloggen", logout_post, 0},
    {M_GET, "/beheer", staff_home_page, ROUTE_STAFF},
    {M_GET, "/beheer/initiatieven/*", staff_initiative_page, ROUTE_STAFF},
    {M_POST, "/beheer/initiatieven/*/goedkeuren", staff_approve_post, ROUTE_STAFF},
    {M_POST, "/beheer/initiatieven/*/wijziging", staff_changes_post, ROUTE_STAFF},
    {M_POST, "/beheer/initiatieven/*/afwijzen", staff_reject_post, ROUTE_STAFF},
    {M_POST, "/beheer/initiatieven/*/update", staff_update_post, ROUTE_STAFF},
    {M_GET, "/beheer/berichten", staff_news_page, ROUTE_STAFF},
    {M_GET, "/beheer/berichten/nieuw", staff_news_new_page, ROUTE_STAFF},
    {M_POST, "/beheer/berichten/nieuw", staff_news_new_post, ROUTE_STAFF},
    {M_GET, "/beheer/berichten/*", staff_news_edit_page, ROUTE_STAFF},
    {M_POST, "/beheer/berichten/*", staff_news_edit_post, ROUTE_STAFF},
    {M_POST, "/beheer/berichten/*/publiceren", staff_news_publish_post, ROUTE_STAFF},
    {M_POST, "/beheer/berichten/*/depubliceren", staff_news_unpublish_post, ROUTE_STAFF},
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
    {M_POST, "/beheer/geld/uitbetaling", admin_payout_post, ROUTE_ADMIN},
    {M_POST, "/beheer/geld/bijdrage", admin_contribution_post, ROUTE_ADMIN},
    {M_GET, "/beheer/instellingen", admin_settings_page, ROUTE_ADMIN},
    {M_POST, "/beheer/instellingen", admin_settings_post, ROUTE_ADMIN},
    {M_GET, "/beheer/medewerkers", admin_users_page, ROUTE_ADMIN},
    {M_POST, "/beheer/medewerkers", admin_users_post, ROUTE_ADMIN},
    {M_POST, "/beheer/medewerkers/*", admin_user_action_post, ROUTE_ADMIN},
    {M_GET, "/beheer/auditlog", admin_audit_page, ROUTE_ADMIN},
    {M_GET, "/beheer/email", admin_outbox_page, ROUTE_ADMIN},
    {M_GET, "/beheer/gebieden", setup_areas_page, ROUTE_ADMIN},
    {M_POST, "/beheer/gebieden", setup_area_add_post, ROUTE_ADMIN},
    {M_GET, "/beheer/gebieden/*", setup_area_page, ROUTE_ADMIN},
    {M_POST, "/beheer/gebieden/*", setup_area_edit_post, ROUTE_ADMIN},
    {M_GET, "/beheer/rondes", setup_rounds_page, ROUTE_ADMIN},
    {M_POST, "/beheer/rondes", setup_round_add_post, ROUTE_ADMIN},
    {M_POST, "/beheer/rondes/*", setup_round_edit_post, ROUTE_ADMIN},
    {M_POST, "/beheer/rondes/*/uitgeven", setup_issue_post, ROUTE_ADMIN},
    {M_POST, "/beheer/rondes/*/vervangen", setup_replace_post, ROUTE_ADMIN},
    {M_GET, "/beheer/uitgifte/*", setup_file_download, ROUTE_ADMIN},
    {M_POST, "/beheer/uitgifte/*/verwijderen", setup_file_delete_post, ROUTE_ADMIN},
    {M_GET, "/beheer/huishoudens", setup_households_page, ROUTE_ADMIN},
    {M_POST, "/beheer/huishoudens", setup_households_upload_post, ROUTE_ADMIN},
    {M_POST, "/beheer/huishoudens/*/importeren", setup_households_import_post, ROUTE_ADMIN},
    {M_GET, "/beheer/medewerkers/*", setup_user_page, ROUTE_ADMIN},
    {M_POST, "/beheer/medewerkers/*/gebieden", setup_user_areas_post, ROUTE_ADMIN},
    {M_GET, "/beheer/dashboard", dashboard_page, ROUTE_STAFF},
    {M_GET, "/beheer/export", export_download, ROUTE_ADMIN},
    {M_GET, "/transparantie", transparency_page, 0},
};

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

void site_handle(struct request *req)
{
    /* Pages that only read see one consistent snapshot and take the locks once. */
    bool reading = strcmp(req->method_name, "GET") == 0 || strcmp(req->method_name, "HEAD") == 0;
    if (reading && req->db)
        db_read_begin(req->db);
    if (req->db)
        db_take_busy(req->db); /* what an earlier request on this thread left */
    /* Under /api/ even the router's own refusals (405, bad encoding) answer in JSON. */
    error_fn on_error = strncmp(req->target, "/api/", 5) == 0 ? api_error : page_error;
    http_dispatch(req, routes, sizeof routes / sizeof routes[0], on_error, staff_allow);
    if (req->db && db_take_busy(req->db))
        answer_busy_writer(req, on_error);
    /* Every successful GET can be revalidated: feeds, the API and pages alike. */
    http_conditional(req);
    if (reading && req->db)
        db_read_end(req->db);
}
