/* /beheer/auditlog: who changed what, when, searched by who, what and dates. */
#include "app.h"
#include "domain/audit.h"
#include "http/csrf.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/alloc.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The audit log, filtered by who, what and a date range. */
void admin_audit_page(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *who = request_query(req, "wie"), *what = request_query(req, "wat");
    const char *from = request_query(req, "van"), *to = request_query(req, "tot");
    if ((who && strlen(who) > 40) || (what && strlen(what) > 40) ||
        (from && *from && parse_utc(from) == (time_t)-1) || (to && *to && parse_utc(to) == (time_t)-1)) {
        page_error(req, 400, "Controleer de filters: data als jjjj-mm-dd.");
        return;
    }
    struct audit_filter filter = {.actor = who, .action = what, .from = from, .to = to};
    json_t *rows = audit_search(req->db, &filter, 500);
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "rows", rows ? rows : json_array());
    json_object_set_new(data, "wie", json_string(who ? who : ""));
    json_object_set_new(data, "wat", json_string(what ? what : ""));
    json_object_set_new(data, "van", json_string(from ? from : ""));
    json_object_set_new(data, "tot", json_string(to ? to : ""));
    page_render(req, "admin_audit", "Auditlog", data);
}
