/* Dutch formatting of money, dates and plain text for pages. */
#ifndef BS_FORMAT_H
#define BS_FORMAT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/buf.h"
#include "util/text.h"

/* "€ 1.250" (a non-breaking space after €, so the sign never ends a line) for whole euros, "€ 1.250,50" otherwise; "-€ 5,00" below zero. */
void format_money(char *out, size_t size, int64_t cents);
/* "3 november 2026" in local time (the process's TZ, set from the settings). */
void format_date(char *out, size_t size, time_t t);
/* A calendar date 'YYYY-MM-DD' as "3 november 2026"; false when it is not one. */
bool format_calendar_date(char *out, size_t size, const char *yyyy_mm_dd);
/* "3 november 2026 om 14:05". */
void format_datetime(char *out, size_t size, time_t t);
/* Whole days from now until t, rounded up; negative when past. */
int64_t days_until(time_t t, time_t now);
/* Plain text as HTML: escaped, blank lines as paragraphs, single newlines as <br>, and
 * http(s) links made clickable (the URL escaped as an attribute). NULL writes nothing. */
void format_paragraphs(struct buf *out, const char *text);
/* "buurtbarbecue-de-riet": lower-case ASCII words joined by hyphens, at most max bytes. */
void format_slug(char *out, size_t size, const char *text);

#endif
