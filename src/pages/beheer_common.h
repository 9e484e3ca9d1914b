/* What the admin screens (money, settings, staff, audit log, outbox, areas, rounds,
 * households, issuance, staff areas) share. */
#ifndef BS_BEHEER_COMMON_H
#define BS_BEHEER_COMMON_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/users.h"
#include "http/request.h"

/* A page's data with the CSRF token, the staff member and, after ?gedaan, the notice. */
json_t *beheer_base(struct request *req, const struct user *user);
/* 303 to `to` after a change. */
void beheer_go(struct request *req, const char *to);
/* A one-line form field of at most max characters ("" when absent); NULL when invalid. */
const char *beheer_form_text(struct request *req, const char *name, size_t max, bool required);

#endif
