/* Admin screens for the household register: the count, an upload with its preview, and the
 * import of an upload once confirmed. */
#include "domain/households.h"
#include "domain/printfiles.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"

#include <stdio.h>

/* The page with the upload form; error: why the upload was refused, at the file field (NULL:
 * none). */
static void render_page(struct request *req, const char *error, int status)
{
    const struct user *user = staff_user(req);
    json_t *data = beheer_base(req, user);
    int64_t n = households_count(req->db);
    json_object_set_new(data, "count", json_integer(n > 0 ? n : 0));
    if (error) {
        json_object_set_new(data, "e", json_pack("{s:s}", "bestand", error));
        json_object_set_new(data, "form_errors",
                            json_pack("[{s:s, s:s, s:s}]", "id", "bestand", "label",
                                      "Adressenbestand", "message", error));
        json_object_set_new(data, "refused", json_true());
    }
    page_render(req, "setup_households", "Huishoudens", data);
    req->resp.status = status;
}

void setup_households_page(struct request *req)
{
    render_page(req, NULL, 200);
}

/* One kind of change as a list for the template, and how many more there are. */
static void set_changes(json_t *data, const char *key, const struct import_changes *c, long total)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s}", "address", c->list[i].address,
                                              "from", c->list[i].from, "to", c->list[i].to));
    json_object_set_new(data, key, list);
    char more[48];
    snprintf(more, sizeof more, "%s_more", key);
    json_object_set_new(data, more, json_integer(total > (long)c->n ? total - (long)c->n : 0));
}

static void render_report(struct request *req, const struct user *user,
                          const struct import_report *r, int64_t pending, bool imported, int status)
{
    json_t *data = beheer_base(req, user);
    json_t *errors = json_array();
    for (size_t i = 0; i < r->nerrors; i++)
        json_array_append_new(errors, json_pack("{s:I, s:s}", "line", (json_int_t)r->errors[i].line,
                                                "message", r->errors[i].message));
    json_object_set_new(data, "errors", errors);
    json_object_set_new(data, "more_errors",
                        json_integer(r->total_errors - (long)r->nerrors > 0
                                         ? r->total_errors - (long)r->nerrors
                                         : 0));
    json_object_set_new(data, "rows", json_integer(r->rows));
    json_object_set_new(data, "added", json_integer(r->added));
    json_object_set_new(data, "updated", json_integer(r->updated));
    json_object_set_new(data, "unchanged", json_integer(r->unchanged));
    json_object_set_new(data, "moved", json_integer(r->moved));
    json_object_set_new(data, "missing", json_integer(r->missing));
    set_changes(data, "added_list", &r->added_list, r->added);
    set_changes(data, "moved_list", &r->moved_list, r->moved);
    set_changes(data, "missing_list", &r->missing_list, r->missing);
    json_object_set_new(data, "pending", json_integer(pending));
    json_object_set_new(data, "imported", json_boolean(imported));
    page_render(req, "setup_households_report",
                imported ? "Huishoudens ingelezen" : "Voorbeeld van de import", data);
    req->resp.status = status;
}

void setup_households_upload_post(struct request *req)
{
    const struct user *user = staff_user(req);
    const struct field *f = fields_get(&req->form_fields, "bestand");
    if (!f || !f->filename || f->value_len == 0) {
        render_page(req, "Kies een CSV-bestand met adressen.", 400);
        return;
    }
    struct import_report r;
    bool ok = households_preview(req->db, f->value, f->value_len, &r);
    int64_t pending = ok ? upload_store(req->db, f->value, f->value_len, user->username) : 0;
    render_report(req, user, &r, pending, false, ok ? 200 : 400);
    import_report_free(&r);
}

void setup_households_import_post(struct request *req)
{
    const struct user *user = staff_user(req);
    struct import_report r;
    enum households_result res = households_import_upload(req->db, page_id_param(req->params[0]),
                                                          user->username, time(NULL), &r);
    switch (res) {
    case HOUSEHOLDS_NO_UPLOAD:
        page_error(req, 404, "Deze upload bestaat niet (meer). Upload het bestand opnieuw.");
        break;
    case HOUSEHOLDS_IMPORTED:
    case HOUSEHOLDS_REFUSED:
    case HOUSEHOLDS_DB:
        /* The report lists the file's errors, or the database's refusal. */
        render_report(req, user, &r, 0, res == HOUSEHOLDS_IMPORTED,
                      res == HOUSEHOLDS_IMPORTED  ? 200
                      : res == HOUSEHOLDS_REFUSED ? 409
                                                  : 503);
        break;
    }
    import_report_free(&r);
}
