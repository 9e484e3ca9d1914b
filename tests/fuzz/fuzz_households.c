/* libFuzzer target: the household CSV import (preview, so nothing is written). Oracle: the
 * counts add up, and whatever the file, the database still has no households afterwards. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/households.h"
#include "util/log.h"

static struct db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db) {
        char err[256];
        log_set_quiet(1);
        db = db_open(":memory:", true, err, sizeof err);
        if (!db || !db_migrate(db, err, sizeof err) ||
            !db_exec(db, "INSERT INTO areas(id, kind, slug, name) VALUES (1, 'wijk', 'wijk-a', "
                         "'A')"))
            abort();
    }
    struct import_report report;
    households_preview(db, (const char *)data, size, &report);
    if (report.nerrors > (size_t)report.total_errors || report.total_errors < 0)
        abort();
    import_report_free(&report);
    if (households_count(db) != 0)
        abort();
    return 0;
}
