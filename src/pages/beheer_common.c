/* Helpers of the admin screens. */
#include "pages/beheer_common.h"
#include "http/csrf.h"
#include "pages/page.h"
#include "pages/staff.h"
#include "util/text.h"

#include <string.h>

json_t *beheer_base(struct request *req, const struct user *user)
{
    json_t *data = json_pack("{s:s}", "csrf", csrf_token(req));
    staff_view(data, user);
    const char *done = request_query(req, "gedaan");
    if (done && *done && strlen(done) < 40)
        json_object_set_new(data, "notice", json_string("De wijziging is opgeslagen."));
    return data;
}

void beheer_go(struct request *req, const char *to)
{
    response_set_header(req, "Location", to);
    page_text(req, 303, "Gedaan.\n");
}

const char *beheer_form_text(struct request *req, const char *name, size_t max, bool required)
{
    const char *v = request_form(req, name);
    if (!v)
        v = "";
    if ((required && !*v) || utf8_length(v, strlen(v)) > max || strchr(v, '\n'))
        return NULL;
    return v;
}
