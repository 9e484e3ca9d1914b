/* Fixed pages: accessibility statement, privacy statement, health check, static files. */
#include "db/db.h"
#include "http/static.h"
#include "pages/page.h"
#include "pages/pages.h"

void accessibility_page(struct request *req)
{
    page_render(req, "toegankelijkheid", "Toegankelijkheidsverklaring", json_object());
}

void privacy_page(struct request *req)
{
    page_render(req, "privacy", "Privacyverklaring", json_object());
}

/* For monitoring: 200 "ok" only when the database answers and could take a write. Cheap
 * enough for frequent polls: one SELECT and a look at the file and its disk, no lock. */
void health_page(struct request *req)
{
    int64_t one = 0;
    if (!req->db || !db_get_int(req->db, "SELECT 1", &one) || one != 1) {
        page_text(req, 503, "database unavailable\n");
        return;
    }
    const char *problem = db_write_problem(req->db);
    if (problem) {
        page_text(req, 503, arena_printf(&req->arena, "database not writable: %s\n", problem));
        return;
    }
    page_text(req, 200, "ok\n");
}

void static_page(struct request *req)
{
    if (!static_serve(req))
        page_error(req, 404, "Dit bestand bestaat niet.");
}
