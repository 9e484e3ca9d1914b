/* Staff sessions: logging in (throttled per address and per account, audited), the session
 * behind a cookie, logging out, and ending sessions. Only a hash of each token is stored. */
#ifndef BS_SESSIONS_H
#define BS_SESSIONS_H
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "domain/users.h"

struct db;

enum { SESSION_TOKEN_CHARS = 43, SESSION_HOURS = 12 };

enum login_result {
    LOGIN_OK,        /* a new session: its token is in token_out, the user in *out */
    LOGIN_REFUSED,   /* unknown name, wrong password or disabled account (alike on purpose) */
    LOGIN_THROTTLED, /* too many failures from this address or for this name: *wait_seconds */
    LOGIN_BUSY,      /* the password was right but no session could be stored */
};

/* One login attempt from client_addr. Checks the throttles first, then the password (outside
 * any transaction: argon2id is slow); a failure counts against the address and the name, a
 * success replaces the session of old_token (may be NULL). Each outcome writes its audit row
 * (login: geblokkeerd, mislukt, gelukt) in the same transaction as its change. */
enum login_result session_login(struct db *db, const char *username, const char *password,
                                const char *client_addr, const char *old_token, time_t now,
                                struct user *out, char token_out[SESSION_TOKEN_CHARS + 1],
                                int64_t *wait_seconds);
/* Ends the session of token (NULL or unknown: nothing), audited (logout) when it was live. */
bool session_logout(struct db *db, const char *token, time_t now);

/* A new session (the token, for the cookie, goes to token_out); removes the old one given. */
bool session_create(struct db *db, int64_t user_id, time_t now, const char *old_token,
                    char token_out[SESSION_TOKEN_CHARS + 1]);
/* The user of a valid, unexpired session of an enabled account. */
bool session_user(struct db *db, const char *token, time_t now, struct user *out);
/* Removes one session (NULL or unknown token: nothing to do, true). */
bool session_delete(struct db *db, const char *token);
/* Ends every session of one account (a new password, a disabled account). */
bool sessions_end_for_user(struct db *db, int64_t user_id);
/* Housekeeping: removes expired sessions; how many, -1 on error. */
int sessions_purge_expired(struct db *db, time_t now);

#endif
