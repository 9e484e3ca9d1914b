/* The data of the voucher letters: the base URL of their QR links, the round and the
 * municipality they name, and issuing or replacing vouchers with the audit row. The CLI and
 * the admin screens both read them here; view/letters.h renders them. */
#ifndef BS_DOMAIN_LETTERS_H
#define BS_DOMAIN_LETTERS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/codes.h"
#include "domain/issuance.h"

struct db;
struct config;

/* What every letter of a round says besides the address and the code. */
struct letters_info {
    char base_url[256];
    char round_name[96];
    int64_t value_cents;
    time_t valid_until;                                     /* the last second of the round */
    char site_name[128], gemeente[128], contact_email[128]; /* settings, else the config's */
};

/* False when there is no such round. */
bool letters_info_load(struct db *db, const struct config *config, int64_t round_id,
                       struct letters_info *out);

enum issue_result {
    ISSUE_OK,
    ISSUE_NO_ROUND,
    ISSUE_NO_HOUSEHOLD, /* a replacement for an address not in the register */
    ISSUE_USED,         /* a replacement for a voucher that was given already */
    ISSUE_FAILED        /* the database or the sink refused; nothing issued */
};

/* vouchers_issue (every household without a voucher in the round) and its audit row
 * (vouchers-issue, to: the number issued), in one transaction; *issued is that number. */
enum issue_result letters_issue(struct db *db, const unsigned char secret[SECRET_BYTES],
                                int64_t round_id, const char *actor, time_t now,
                                const struct issue_sink *sink, long *issued);
/* vouchers_replace (a lost letter) and its audit row (vouchers-replace), in one transaction. */
enum issue_result letters_replace(struct db *db, const unsigned char secret[SECRET_BYTES],
                                  int64_t round_id, const char *postcode, int64_t number,
                                  const char *addition, const char *actor, time_t now,
                                  const struct issue_sink *sink);

#endif
