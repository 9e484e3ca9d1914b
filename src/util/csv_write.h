/* Writing CSV for people's spreadsheets: quoted when needed, and cells that a spreadsheet
 * would run as a formula (= + - @, tab, CR) neutralised with a leading apostrophe. */
#ifndef BS_CSV_WRITE_H
#define BS_CSV_WRITE_H
#include <stdbool.h>

#include "util/buf.h"

void csv_write_field(struct buf *out, const char *value, char sep);
/* Fields separated by sep, ended with CRLF. */
void csv_write_row(struct buf *out, const char *const *fields, int n, char sep);

#endif
