/* Which wijk or dorp an address belongs to, from the household register: the area's name and
 * nothing else about the household. */
#ifndef BS_ADDRESS_LOOKUP_H
#define BS_ADDRESS_LOOKUP_H
#include <stdint.h>

struct db;

struct address_area {
    char name[128]; /* the wijk or dorp */
    char slug[64];
    char kind[8];    /* "wijk" or "dorp" */
    char buurt[128]; /* the buurt within it, "" when the household is in the wijk itself */
};

enum address_result {
    ADDRESS_FOUND,
    ADDRESS_UNKNOWN,        /* no household at this address */
    ADDRESS_NEEDS_ADDITION, /* several households at this number in different areas */
    ADDRESS_DB,
};

/* The area of the household at a normalised postcode, number and addition. With an empty
 * addition, the households at that number count when they all lie in one area. */
enum address_result address_area(struct db *db, const char *postcode, int64_t number,
                                 const char *addition, struct address_area *out);

#endif
