/* What the public sees as the author of staff posts: a display name and a public role line
 * ("wijkregisseur De Riet"), never the login name. */
#ifndef BS_BYLINE_H
#define BS_BYLINE_H
#include <stdbool.h>
#include <stddef.h>

#include "domain/users.h"

struct db;

/* Writes "Name, wijkregisseur De Riet en Aadorp" (or "Wijkregisseur De Riet" when the account
 * has no display name of its own, "…, gemeente" for admins) into out. The login name is never
 * used: a display name equal to it counts as none. False when the database did not answer. */
bool staff_byline(struct db *db, const struct user *staff, char *out, size_t size);

#endif
