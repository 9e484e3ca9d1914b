/* Residents' requests for a replacement letter: recorded for the admin's queue, never a new
 * code by themselves (the new letter goes by post to the address). */
#ifndef BS_LETTER_REQUESTS_H
#define BS_LETTER_REQUESTS_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct db;

enum letter_request_result {
    LETTER_REQUEST_TAKEN, /* recorded, or one was open already, or no such household */
    LETTER_REQUEST_DB,    /* the database refused; nothing recorded */
};

/* Records a request for the household at this normalised address with its audit row
 * (letter-request) in one transaction. A household with an open request, and an address that
 * is not in the register, record nothing and answer the same: the answer never tells whether
 * an address exists. */
enum letter_request_result letter_request_add(struct db *db, const char *postcode, int64_t number,
                                              const char *addition, time_t now);

/* Open requests, oldest first: id, created_at, postcode, house_number, addition, street, city,
 * area (wijk or dorp), round_id and voucher ("geen", "ongebruikt", "gebruikt": the household's
 * voucher in the round open now). A request counts as handled once a letter was made for its
 * household after it, or when closed. NULL on a database error. */
json_t *letter_requests_open(struct db *db, time_t now, int limit);
/* How many are open. */
int64_t letter_requests_open_count(struct db *db);

enum letter_close_result { LETTER_CLOSED, LETTER_CLOSE_NOT_OPEN, LETTER_CLOSE_DB };
/* Closes an open request without a new letter (reason required, at most 500 characters), with
 * its audit row (letter-request-close), in one transaction. */
enum letter_close_result letter_request_close(struct db *db, int64_t id, const char *actor,
                                              const char *reason, time_t now);

#endif
