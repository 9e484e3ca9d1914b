/* Public bylines of staff (see byline.h). */
#include "domain/byline.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

bool staff_byline(struct db *db, const struct user *staff, char *out, size_t size)
{
    char role[200];
    if (strcmp(staff->role, "admin") == 0) {
        snprintf(role, sizeof role, "gemeente");
    } else {
        /* The wijken and dorpen the wijkregisseur looks after, by name. */
        sqlite3_stmt *s = db_prepare(db, "SELECT a.name FROM user_areas ua JOIN areas a "
                                         "ON a.id = ua.area_id WHERE ua.user_id = ? "
                                         "ORDER BY a.name LIMIT 4");
        if (!s)
            return false;
        sqlite3_bind_int64(s, 1, staff->id);
        const char *names[4];
        char buf[4][101];
        int n = 0;
        while (n < 4 && sqlite3_step(s) == SQLITE_ROW) {
            snprintf(buf[n], sizeof buf[n], "%s", (const char *)sqlite3_column_text(s, 0));
            names[n] = buf[n];
            n++;
        }
        sqlite3_reset(s);
        size_t len = (size_t)snprintf(role, sizeof role, "wijkregisseur");
        for (int i = 0; i < n && len < sizeof role; i++)
            len += (size_t)snprintf(role + len, sizeof role - len, "%s%s",
                                    i == 0 ? " " : (i == n - 1 ? " en " : ", "), names[i]);
    }
    bool named = staff->display_name[0] && strcmp(staff->display_name, staff->username) != 0;
    if (named)
        snprintf(out, size, "%s, %s", staff->display_name, role);
    else
        snprintf(out, size, "%c%s", role[0] >= 'a' && role[0] <= 'z' ? role[0] - 'a' + 'A' : role[0],
                 role + 1);
    return true;
}
