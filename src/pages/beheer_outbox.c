/* /beheer/email: the e-mail outbox, what waits, what failed and why. */
#include "app.h"
#include "domain/outbox_list.h"
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

/* The e-mail outbox: what waits, what failed and why. */
void admin_outbox_page(struct request *req)
{
    const struct user *user = staff_user(req);
    json_t *rows = outbox_list(req->db, 200);
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "rows", rows ? rows : json_array());
    int64_t waiting = outbox_waiting(req->db);
    json_object_set_new(data, "waiting", json_integer(waiting > 0 ? waiting : 0));
    page_render(req, "admin_outbox", "E-mail", data);
}
