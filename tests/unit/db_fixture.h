/* Small helpers the database unit tests share: a count from SQL, and an audit log that refuses
 * every row (to show that a change does not land without its audit row). */
#ifndef BS_TEST_DB_FIXTURE_H
#define BS_TEST_DB_FIXTURE_H
#include "db/db.h"

/* One integer from SQL; fails the test when the statement does not answer. */
static inline int64_t count(struct db *db, const char *sql)
{
    int64_t n = -1;
    assert_true(db_get_int(db, sql, &n));
    return n;
}

/* Every later audit row is refused, as a full disk or a broken log would. */
static inline void refuse_audit(struct db *db)
{
    assert_true(db_exec(db, "CREATE TRIGGER audit_refused BEFORE INSERT ON audit_log "
                            "BEGIN SELECT RAISE(ABORT, 'refused'); END"));
}

#endif
