/* What the whole process shares, read-only once serving starts: configuration, templates and
 * the request handler that the fronts call. */
#ifndef BS_APP_H
#define BS_APP_H
#include "util/config.h"

struct request;
struct tmpl_set;

struct app {
    struct config config;
    unsigned char secret[32]; /* hashes voucher codes and signs links; from the key file */
    struct tmpl_set *templates;
    void (*handle)(struct request *req); /* the router, set by main */
    void (*housekeeping)(const struct app *app); /* starts the periodic chores while serving */
    void (*housekeeping_stop)(void);             /* and ends them at a stop */
};

#endif
