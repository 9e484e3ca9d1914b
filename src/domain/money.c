/* Reads for the money screen; see money.h. */
#include "domain/money.h"
#include "db/db.h"
#include "db/rows.h"
#include "domain/areas.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *money_unpaid_page(struct db *db, int limit, int64_t offset, int64_t *total)
{
    /* The partial index of funded initiatives still to be paid (014_funded_round.sql): the
     * page reads only those, and only the ones it shows. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT i.id, i.title, i.state, i.raised_cents, coalesce(a.name, ?1) AS area_name, "
            "i.paid_cents FROM initiatives i INDEXED BY initiatives_unpaid "
            "LEFT JOIN areas a ON a.id = i.area_id WHERE i.state IN ('gefinancierd', "
            "'uitgevoerd') AND i.raised_cents > i.paid_cents ORDER BY i.updated_at, i.id "
            "LIMIT ?2 OFFSET ?3");
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, AREA_CITY_WIDE_NAME, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, limit < 0 ? -1 : limit);
    sqlite3_bind_int64(s, 3, offset > 0 ? offset : 0);
    json_t *rows = db_rows_array(s);
    if (rows && total) {
        sqlite3_stmt *c = db_prepare(
            db, "SELECT count(*) FROM initiatives INDEXED BY initiatives_unpaid WHERE state IN "
                "('gefinancierd', 'uitgevoerd') AND raised_cents > paid_cents");
        bool ok = c && sqlite3_step(c) == SQLITE_ROW;
        *total = ok ? sqlite3_column_int64(c, 0) : 0;
        if (c)
            sqlite3_reset(c);
        if (!ok) {
            json_decref(rows);
            return NULL;
        }
    }
    return rows;
}

json_t *money_unpaid(struct db *db)
{
    return money_unpaid_page(db, -1, 0, NULL);
}

json_t *money_initiatives_to_choose(struct db *db, const char *search, int64_t chosen, int limit,
                                    bool *more)
{
    *more = false;
    bool number =
        search && *search && strspn(search, "0123456789") == strlen(search) && strlen(search) <= 18;
    sqlite3_stmt *s;
    if (number) {
        s = db_prepare(db, "SELECT i.id, i.title FROM initiatives i WHERE i.id = ?1 AND "
                           "i.state IN ('open', 'gefinancierd')");
        if (!s)
            return NULL;
        sqlite3_bind_int64(s, 1, strtoll(search, NULL, 10));
    } else {
        /* The typed letters anywhere in the title, % and _ as themselves. */
        struct buf like = {0};
        buf_putc(&like, '%');
        for (const char *c = search ? search : ""; *c; c++) {
            if (*c == '%' || *c == '_' || *c == '\\')
                buf_putc(&like, '\\');
            buf_putc(&like, *c);
        }
        buf_putc(&like, '%');
        s = db_prepare(db, "SELECT i.id, i.title FROM initiatives i INDEXED BY "
                           "initiatives_money_choice WHERE i.state IN ('open', 'gefinancierd') "
                           /* (?1 || ''), not ?1: SQLite plans `LIKE ?` again at every
                            * new pattern, and a leading % allows no index anyway. */
                           "AND i.title LIKE (?1 || '') ESCAPE '\\' "
                           "ORDER BY i.updated_at DESC, i.id DESC LIMIT ?2");
        if (!s) {
            buf_free(&like);
            return NULL;
        }
        sqlite3_bind_text(s, 1, like.data, (int)like.len, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 2, limit + 1);
        buf_free(&like);
    }
    json_t *rows = db_rows_array(s);
    if (!rows)
        return NULL;
    if ((int)json_array_size(rows) > limit) {
        *more = true;
        json_array_remove(rows, (size_t)limit);
    }
    /* The initiative chosen before stays on offer. */
    bool listed = chosen <= 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row) listed =
        listed || json_integer_value(json_object_get(row, "id")) == chosen;
    if (!listed) {
        s = db_prepare(db, "SELECT i.id, i.title FROM initiatives i WHERE i.id = ?1 AND "
                           "i.state IN ('open', 'gefinancierd')");
        if (s) {
            sqlite3_bind_int64(s, 1, chosen);
            json_t *one = db_first_row(s);
            if (one)
                json_array_insert_new(rows, 0, one);
        }
    }
    return rows;
}

json_t *money_recent(struct db *db, int limit)
{
    /* The partial index of money rows (007_summaries.sql): the newest first, no donations. */
    sqlite3_stmt *s = db_prepare(
        db, "SELECT l.at, l.kind, l.amount_cents, l.partner, l.reference, l.actor, i.title "
            "FROM ledger l INDEXED BY ledger_money JOIN initiatives i ON i.id = l.initiative_id "
            "WHERE l.kind IN ('contribution', 'payout') ORDER BY l.id DESC LIMIT ?");
    if (!s)
        return NULL;
    sqlite3_bind_int(s, 1, limit);
    return db_rows_array(s);
}

enum money_result money_payout_check(struct db *db, int64_t initiative_id, int64_t cents,
                                     char *title, size_t title_size, int64_t *remaining)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT title, state, raised_cents - coalesce((SELECT sum(amount_cents) FROM ledger "
            "WHERE initiative_id = i.id AND kind = 'payout'), 0) FROM initiatives i WHERE id = ?");
    if (!s)
        return MONEY_BUSY;
    sqlite3_bind_int64(s, 1, initiative_id);
    int rc = sqlite3_step(s);
    enum money_result r = MONEY_NO_INITIATIVE;
    if (rc == SQLITE_ROW) {
        snprintf(title, title_size, "%s", (const char *)sqlite3_column_text(s, 0));
        const char *state = (const char *)sqlite3_column_text(s, 1);
        *remaining = sqlite3_column_int64(s, 2);
        if (strcmp(state, "gefinancierd") && strcmp(state, "uitgevoerd"))
            r = MONEY_WRONG_STATE;
        else
            r = cents > *remaining ? MONEY_TOO_MUCH : MONEY_OK;
    } else if (rc != SQLITE_DONE) {
        r = MONEY_BUSY;
    }
    sqlite3_reset(s);
    return r;
}
