/* Municipality settings. */
#include "domain/settings.h"
#include "db/db.h"
#include "util/config.h"

json_t *settings_all(struct db *db)
{
    json_t *obj = json_object();
    sqlite3_stmt *stmt = db_prepare(db, "SELECT key, value FROM settings");
    if (!stmt)
        return obj;
    while (sqlite3_step(stmt) == SQLITE_ROW)
        json_object_set_new(obj, (const char *)sqlite3_column_text(stmt, 0),
                            json_string((const char *)sqlite3_column_text(stmt, 1)));
    sqlite3_reset(stmt);
    return obj;
}

static bool insert_default(struct db *db, const char *key, const char *value)
{
    sqlite3_stmt *stmt = db_prepare(db, "INSERT OR IGNORE INTO settings(key, value) VALUES (?, ?)");
    if (!stmt)
        return false;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(stmt) == SQLITE_DONE;
    sqlite3_reset(stmt);
    return ok;
}

bool settings_seed(struct db *db, const struct config *c)
{
    return insert_default(db, "gemeente_naam", c->gemeente_naam) &&
           insert_default(db, "site_naam", c->site_naam) &&
           insert_default(db, "basis_url", c->basis_url) &&
           insert_default(db, "contact_email", c->contact_email) &&
           insert_default(db, "tijdzone", c->tijdzone) &&
           insert_default(db, "voucher_cents", c->voucher_cents) &&
           insert_default(db, "streef_min_cents", "5000") &&
           insert_default(db, "streef_max_cents", "500000") &&
           insert_default(db, "mede_organisatoren", "2") &&
           insert_default(db, "voucher_pogingen", "10") &&
           insert_default(db, "voucher_venster_minuten", "10");
}

bool settings_set(struct db *db, const char *key, const char *value)
{
    sqlite3_stmt *stmt = db_prepare(
        db, "INSERT INTO settings(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!stmt)
        return false;
    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(stmt, 2, value, -1, SQLITE_STATIC);
    bool ok = sqlite3_step(stmt) == SQLITE_DONE;
    sqlite3_reset(stmt);
    return ok;
}
