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
#include "util/buf.h"

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

/* Why issuing (or replacing) is refused before anything is made. */
enum issue_refusal {
    ISSUE_ALLOWED,
    ISSUE_REFUSED_NO_ROUND,
    ISSUE_REFUSED_CLOSED,      /* the round has ended: a letter would offer a dead code */
    ISSUE_REFUSED_URL_DEFAULT, /* the public base URL is still an example/reserved name */
    ISSUE_REFUSED_URL_LOCAL,   /* ... or a loopback or private address: every QR code and
                                * letter would point where no resident can reach */
    ISSUE_REFUSED_URL_INVALID, /* ... or no http(s) address at all */
};
/* A round opening further ahead than this is issued only after a warning (the letters would
 * lie on doormats for months). */
enum { ISSUE_WARN_WEEKS = 8 };

/* The base URL rule on its own: ISSUE_ALLOWED or one of the URL refusals. */
enum issue_refusal letters_base_url_check(const char *url);

/* What an issuance would make, for the confirmation step. */
struct issue_preview {
    char round_name[96];
    char base_url[256];
    long letters;    /* households without a voucher in the round */
    long areas;      /* the wijken and dorpen they live in */
    long weeks_away; /* whole weeks until the round opens; 0 when it is open */
    bool far_ahead;  /* it opens more than ISSUE_WARN_WEEKS weeks from now: warn first */
};
/* Checks a round, the base URL (setting, else config) and the time before issuing, and counts
 * what would be issued. The preview is filled as far as known, also when refused. */
enum issue_refusal letters_issue_check(struct db *db, const struct config *config,
                                       int64_t round_id, time_t now, struct issue_preview *out);

enum issue_result {
    ISSUE_OK,
    ISSUE_NO_ROUND,
    ISSUE_CLOSED,       /* the round has ended */
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

/* The municipal logo for the PDF letters: the PNG or SVG in the setting brief_logo (base64),
 * appended to out; false (out unchanged) when there is none or it is not base64. */
bool letters_logo(struct db *db, struct buf *out);
/* Keeps a logo file (already checked: view/logo.h) as the setting brief_logo, or removes it
 * (len 0), with an audit row ("logo", to: `what`, a short description such as "PNG, 12 kB")
 * in one transaction. False when the database refused. */
bool letters_logo_save(struct db *db, const unsigned char *data, size_t len, const char *what,
                       const char *actor, time_t now);

/* What is kept of an issuance to render its letters again: one line per letter,
 * "household_id voucher_id CODE". Plain codes: the caller wipes it (sodium_memzero). */
struct letter_codes {
    struct buf text;
    long count;
};
/* Adds one letter's line; the shape of an issue_sink's letter callback (ctx: letter_codes). */
bool letters_codes_add(void *ctx, const struct letter *letter);

/* Renders stored codes again: for each line the household's address and areas are read and
 * letter(ctx, ...) is called, in the order they were issued. A letter whose voucher was voided
 * since (a lost letter replaced) or whose household is gone is left out: its code no longer
 * works. Returns the number of letters given to letter(), -1 when the codes are malformed, the
 * database failed or letter() returned false. */
long letters_replay(struct db *db, const char *codes, size_t len,
                    bool (*letter)(void *ctx, const struct letter *letter), void *ctx);

#endif
