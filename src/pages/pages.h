/* The page handlers, one file per resource; the route table in routes.c names them. */
#ifndef BS_PAGES_H
#define BS_PAGES_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/request.h"

void home_page(struct request *req);
void initiatives_list_page(struct request *req);
void initiative_page(struct request *req);
void follow_page(struct request *req);
void follow_post(struct request *req);
void follow_requested_page(struct request *req);
void follow_confirm_page(struct request *req);
void follow_confirm_post(struct request *req);
void follow_confirmed_page(struct request *req);
void unsubscribe_page(struct request *req);
void unsubscribe_post(struct request *req);
void takingpart_help_page(struct request *req);
void takingpart_question_page(struct request *req);
void takingpart_help_post(struct request *req);
void takingpart_question_post(struct request *req);
/* Adds "tp" (counts, help wanted, which forms show, a thank-you notice) to an initiative's
 * page data. */
void takingpart_add_view(struct request *req, int64_t id, json_t *data);
/* A resident's action that sends mail, counted per hour against the internet address and the
 * e-mail address (buckets `name` and `name`-email, the limit from setting `setting`); past it a
 * 429 in Dutch ("Er zijn kort na elkaar veel <what> verstuurd …") and false. */
bool takingpart_rate_take(struct request *req, const char *name, const char *setting,
                          const char *what, const char *email, int64_t ids[2]);
/* "Ik kan iets lenen": /initiatieven/ID/lenen, and the initiator's decision. */
void offers_form_page(struct request *req);
void offers_form_post(struct request *req);
/* Marks the covered lines in the initiative `item` of the public page and adds to "tp" whether
 * the page links to the form. */
void offers_add_view(struct request *req, int64_t id, json_t *item, json_t *data);
void manage_offer_post(struct request *req);
void areas_list_page(struct request *req);
void area_page(struct request *req);
void news_list_page(struct request *req);
void news_page(struct request *req);
void accessibility_page(struct request *req);
void privacy_page(struct request *req);
void rules_page(struct request *req);
void address_page(struct request *req);
void address_post(struct request *req);
void lost_letter_page(struct request *req);
void lost_letter_post(struct request *req);
void admin_letter_requests_page(struct request *req);
void admin_letter_request_close_post(struct request *req);
void open_data_page(struct request *req);
void open_data_csv(struct request *req);
void health_page(struct request *req);
void static_page(struct request *req);
void donate_page(struct request *req);
void donate_code_post(struct request *req);
void donate_choose_post(struct request *req);
void donate_confirm_post(struct request *req);
void donate_receipt_page(struct request *req);
void donate_multi_page(struct request *req);
void donate_multi_post(struct request *req);

void login_page(struct request *req);
void login_post(struct request *req);
void logout_post(struct request *req);
void staff_home_page(struct request *req);
void staff_initiative_page(struct request *req);
void staff_approve_post(struct request *req);
void staff_changes_post(struct request *req);
void staff_reject_post(struct request *req);
void staff_update_post(struct request *req);

void submit_page(struct request *req);
void submit_post(struct request *req);
void manage_page(struct request *req);
void manage_edit_post(struct request *req);
void manage_resubmit_post(struct request *req);
void manage_withdraw_post(struct request *req);
void manage_update_post(struct request *req);
void manage_complete_post(struct request *req);
void manage_takingpart_post(struct request *req);
void manage_photo_page(struct request *req);
void photo_page(struct request *req);
void photo_held_page(struct request *req);

void staff_news_page(struct request *req);
void staff_news_new_page(struct request *req);
void staff_news_new_post(struct request *req);
void staff_news_edit_page(struct request *req);
void staff_news_edit_post(struct request *req);
void staff_news_publish_post(struct request *req);
void staff_news_unpublish_post(struct request *req);
void feed_page(struct request *req);
void initiative_feed_page(struct request *req);

void admin_money_page(struct request *req);
void admin_payout_post(struct request *req);
void admin_contribution_post(struct request *req);
void admin_settings_page(struct request *req);
void admin_settings_post(struct request *req);
void admin_users_page(struct request *req);
void admin_users_post(struct request *req);
void admin_user_action_post(struct request *req);
void admin_audit_page(struct request *req);
void admin_logo_page(struct request *req);
void admin_logo_post(struct request *req);
void admin_logo_delete_post(struct request *req);
void admin_logo_file(struct request *req);
void admin_outbox_page(struct request *req);

void dashboard_page(struct request *req);
void export_download(struct request *req);
void transparency_page(struct request *req);

void api_initiatives(struct request *req);
void api_initiative(struct request *req);
void api_areas(struct request *req);
void api_area(struct request *req);
void api_rounds(struct request *req);
void api_totals(struct request *req);
void api_not_found(struct request *req);
void api_openapi(struct request *req);
void api_error(struct request *req, int status, const char *message);

void setup_areas_page(struct request *req);
void setup_area_page(struct request *req);
void setup_area_add_post(struct request *req);
void setup_area_edit_post(struct request *req);
void setup_rounds_page(struct request *req);
void setup_round_add_post(struct request *req);
void setup_round_edit_post(struct request *req);
void setup_issue_post(struct request *req);
void setup_replace_post(struct request *req);
void setup_file_download(struct request *req);
void setup_file_delete_post(struct request *req);
void setup_households_page(struct request *req);
void setup_households_upload_post(struct request *req);
void setup_households_import_post(struct request *req);
void setup_user_page(struct request *req);
void setup_user_areas_post(struct request *req);

/* The route table (for the test that checks its flags). */
struct route;
const struct route *site_routes(size_t *count);

/* The entry point the fronts call for every request. */
void site_handle(struct request *req);

#endif
