/* Text helpers. */
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

bool utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned min;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (len - i <= n)
            return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

enum text_problem text_check(const char *str, size_t len, bool multiline)
{
    if (!utf8_valid(str, len))
        return TEXT_BAD_UTF8;
    const unsigned char *s = (const unsigned char *)str;
    for (size_t i = 0; i < len;) {
        unsigned c = s[i], cp;
        size_t n;
        if (c < 0x80)
            cp = c, n = 1;
        else if (c < 0xE0)
            cp = (c & 0x1Fu) << 6 | (s[i + 1] & 0x3Fu), n = 2;
        else if (c < 0xF0)
            cp = (c & 0x0Fu) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu), n = 3;
        else
            cp = (c & 0x07u) << 18 | (s[i + 1] & 0x3Fu) << 12 | (s[i + 2] & 0x3Fu) << 6 |
                 (s[i + 3] & 0x3Fu),
            n = 4;
        bool allowed_control =
            cp == '\t' || (multiline && (cp == '\n' || (cp == '\r' && i + 1 < len && s[i + 1] == '\n')));
        if ((cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) && !allowed_control)
            return TEXT_CONTROL;
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
            return TEXT_NONCHARACTER;
        i += n;
    }
    return TEXT_OK;
}

/* The code point at s[i] and its length in bytes; false for a byte that does not start a
 * well-formed sequence (then *n is 1, to skip just that byte). */
static bool utf8_next(const unsigned char *s, size_t len, size_t i, unsigned *cp, size_t *n)
{
    *n = 1;
    if (s[i] == 0)
        return false;
    size_t want = s[i] < 0x80 ? 1 : s[i] < 0xE0 ? 2 : s[i] < 0xF0 ? 3 : 4;
    if (want > len - i || !utf8_valid((const char *)s + i, want))
        return false;
    const unsigned char *p = s + i;
    *cp = want == 1   ? p[0]
          : want == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
          : want == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
                      : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 |
                            (p[3] & 0x3Fu);
    *n = want;
    return true;
}

size_t text_clean(char *str, size_t len, bool multiline)
{
    unsigned char *s = (unsigned char *)str;
    size_t out = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp = 0;
        size_t n;
        bool keep = utf8_next(s, len, i, &cp, &n);
        if (keep) {
            bool allowed_control = cp == '\t' || (multiline && (cp == '\n' || (cp == '\r' &&
                                                                                i + 1 < len &&
                                                                                s[i + 1] == '\n')));
            keep = !((cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) && !allowed_control) &&
                   !((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE);
        }
        if (keep)
            memmove(s + out, s + i, n), out += n;
        i += n;
    }
    s[out] = '\0';
    return out;
}

char *text_nfc(const char *s, size_t len, size_t *out_len)
{
    if (!utf8_valid(s, len))
        return NULL;
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = len ? utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                            &dst, UTF8PROC_STABLE | UTF8PROC_COMPOSE)
                             : 0;
    if (n < 0)
        return NULL;
    if (!dst) {
        dst = malloc(1);
        if (!dst)
            abort();
        dst[0] = '\0';
    }
    *out_len = (size_t)n;
    return (char *)dst;
}

size_t text_crlf_to_lf(char *s, size_t len)
{
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
            continue;
        s[out++] = s[i];
    }
    s[out] = '\0';
    return out;
}

size_t utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s || isspace((unsigned char)*s))
        return false;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool ascii_ieqn(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
            return false;
        if (!a[i])
            return true;
    }
    return true;
}

bool ascii_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        if (!*a)
            return true;
    }
}


/* One "%Nd" of scanf, by hand (it used to be sscanf, at 3-5 % of every page): blanks skipped,
 * then an optional sign and digits, at most width characters for both. False when no digit
 * comes; *p moves past what was read. The looser forms this takes ("2026-2-1", " 2026-...")
 * are the ones the parsers have always taken, and their tests pin them. */
static bool scan_field(const char **p, int width, int *out)
{
    const char *s = *p;
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    bool negative = false;
    if (*s == '+' || *s == '-') {
        negative = *s == '-';
        s++;
        width--;
    }
    int value = 0, digits = 0;
    while (digits < width && *s >= '0' && *s <= '9') {
        value = value * 10 + (*s++ - '0');
        digits++;
    }
    if (!digits)
        return false;
    *out = negative ? -value : value;
    *p = s;
    return true;
}

/* How many of "%4d-%2d-%2d" s holds, as sscanf would count them; *p after the last. */
static int scan_date(const char **p, int *y, int *m, int *d)
{
    if (!scan_field(p, 4, y))
        return 0;
    if (**p != '-' || (++*p, !scan_field(p, 2, m)))
        return 1;
    if (**p != '-' || (++*p, !scan_field(p, 2, d)))
        return 2;
    return 3;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); linear
 * in the day, so 31 February is 3 March, as timegm would make it. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The calendar date of a day count (the inverse of days_from_civil), with weekday and day of
 * the year. */
static void civil_from_days(int64_t z, struct tm *tm)
{
    int64_t days = z;
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int64_t y = yoe + era * 400 + (m <= 2);
    tm->tm_year = (int)(y - 1900);
    tm->tm_mon = m - 1;
    tm->tm_mday = d;
    tm->tm_wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
    tm->tm_yday = (int)(days - days_from_civil(y, 1, 1));
}

/* t as 'YYYY-MM-DD' + sep + 'HH:MM:SS' in UTC, digit by digit (no gmtime_r and strftime per
 * row); false, with nothing written, for a year strftime would not write with four digits. */
static bool utc_digits(time_t t, char sep, char *out)
{
    int64_t v = (int64_t)t;
    int64_t day = v >= 0 ? v / 86400 : -((-v + 86399) / 86400);
    int64_t rest = v - day * 86400;
    struct tm tm;
    civil_from_days(day, &tm);
    int year = tm.tm_year + 1900;
    if (year < 1000 || year > 9999)
        return false;
    int parts[6] = {year, tm.tm_mon + 1, tm.tm_mday, (int)(rest / 3600), (int)(rest / 60 % 60),
                    (int)(rest % 60)};
    out[0] = (char)('0' + year / 1000);
    out[1] = (char)('0' + year / 100 % 10);
    out[2] = (char)('0' + year / 10 % 10);
    out[3] = (char)('0' + year % 10);
    static const char after[5] = {'-', '-', ' ', ':', ':'};
    char *p = out + 4;
    for (int i = 1; i < 6; i++) {
        *p++ = i == 3 ? sep : after[i - 1];
        *p++ = (char)('0' + parts[i] / 10);
        *p++ = (char)('0' + parts[i] % 10);
    }
    return true;
}

void utc_text(time_t t, char out[20])
{
    if (utc_digits(t, ' ', out)) {
        out[19] = '\0';
        return;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

size_t int_text(long long n, char out[20])
{
    char digits[20];
    size_t k = 0, len = 0;
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    do {
        digits[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (n < 0)
        out[len++] = '-';
    while (k)
        out[len++] = digits[--k];
    return len;
}

void utc_iso8601(time_t t, char out[21])
{
    if (utc_digits(t, 'T', out)) {
        out[19] = 'Z';
        out[20] = '\0';
        return;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t local_midnight(const char *s)
{
    int y, m, d;
    if (!s || scan_date(&s, &y, &m, &d) != 3 || *s)
        return -1;
    if (y < 2000 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d) /* 31 February and the like */
        return -1;
    return t;
}

time_t parse_utc(const char *s)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (!s || scan_date(&s, &y, &mo, &d) != 3)
        return -1;
    /* Then " %2d:%2d:%2d": a time whole or none at all; what follows either is not read. */
    const char *p = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    if (scan_field(&p, 2, &h)) {
        if (*p != ':' || (++p, !scan_field(&p, 2, &mi)) || *p != ':' ||
            (++p, !scan_field(&p, 2, &sec)))
            return -1;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -1;
    return (time_t)(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec);
}

/* The zone's offset per UTC hour, for the hours this thread converted lately: a page's rows
 * come close together in time or are the same from one request to the next, so localtime_r
 * (a lock and a search of the zone's changes) runs about once an hour of them. An hour in
 * which the offset changes is not kept. tzset() changes timezone and tzname, which the table
 * checks, so a new TZ takes effect as it does for localtime_r. */
enum { LOCAL_HOURS = 1024 };
struct local_hour {
    int64_t hour; /* hours since the epoch, UTC; the slot is hour % LOCAL_HOURS */
    long offset;
    int isdst;
    const char *zone;
    bool known;
};
static _Thread_local struct {
    struct local_hour hours[LOCAL_HOURS];
    long tz_timezone;
    const char *tz_names[2];
} local_cache;

/* Empties the table when the zone is no longer the one its offsets are of. */
static void local_cache_check(void)
{
    if (local_cache.tz_timezone != timezone || local_cache.tz_names[0] != tzname[0] ||
        local_cache.tz_names[1] != tzname[1]) {
        memset(local_cache.hours, 0, sizeof local_cache.hours);
        local_cache.tz_timezone = timezone;
        local_cache.tz_names[0] = tzname[0];
        local_cache.tz_names[1] = tzname[1];
    }
}

bool local_tm(time_t t, struct tm *out)
{
    int64_t hour = (int64_t)t >= 0 ? (int64_t)t / 3600 : -((-(int64_t)t + 3599) / 3600);
    local_cache_check();
    struct local_hour *h = &local_cache.hours[(uint64_t)hour % LOCAL_HOURS];
    if (!h->known || h->hour != hour) {
        time_t first = (time_t)(hour * 3600), last = first + 3599;
        struct tm a, b;
        if (!localtime_r(&first, &a) || !localtime_r(&last, &b))
            return localtime_r(&t, out) != NULL;
        /* The first conversion may have read the zone: the table's key after it. */
        local_cache_check();
        if (a.tm_gmtoff != b.tm_gmtoff || a.tm_isdst != b.tm_isdst) /* the clock changes */
            return localtime_r(&t, out) != NULL;
        *h = (struct local_hour){.hour = hour,
                                 .offset = a.tm_gmtoff,
                                 .isdst = a.tm_isdst,
                                 .zone = a.tm_zone,
                                 .known = true};
    }
    int64_t local = (int64_t)t + h->offset;
    int64_t day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t rest = local - day * 86400;
    civil_from_days(day, out);
    out->tm_hour = (int)(rest / 3600);
    out->tm_min = (int)(rest / 60 % 60);
    out->tm_sec = (int)(rest % 60);
    out->tm_isdst = h->isdst;
    out->tm_gmtoff = h->offset;
    out->tm_zone = h->zone;
    return true;
}


/* Skips spaces, no-break spaces (U+00A0) and narrow no-break spaces (U+202F). */
static const char *skip_spaces(const char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t')
            s++;
        else if (s[0] == '\xc2' && s[1] == '\xa0')
            s += 2;
        else if (s[0] == '\xe2' && s[1] == '\x80' && s[2] == '\xaf')
            s += 3;
        else
            return s;
    }
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

enum euros_result parse_euros(const char *s, int64_t min_cents, int64_t max_cents, int64_t *out)
{
    if (!s)
        return EUROS_EMPTY;
    s = skip_spaces(s);
    if (!*s)
        return EUROS_EMPTY;
    bool negative = false;
    if (*s == '-') {
        negative = true;
        s = skip_spaces(s + 1);
    }
    if (s[0] == '\xe2' && s[1] == '\x82' && s[2] == '\xac') /* the euro sign */
        s = skip_spaces(s + 3);
    if (*s == '-' && !negative) {
        negative = true;
        s = skip_spaces(s + 1);
    }
    if (!is_digit(*s))
        return EUROS_NOT_AMOUNT;
    /* Whole euros: digits, or groups of three after a first group of one to three. Past 13
     * digits it is still a number, only far too high. */
    int64_t euros = 0;
    int digits = 0, lead = 0;
    bool huge = false, grouped = false;
    for (; is_digit(*s); s++, lead++) {
        if (++digits > 13)
            huge = true;
        else
            euros = euros * 10 + (*s - '0');
    }
    while (s[0] == '.' && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && !is_digit(s[4])) {
        if (lead > 3)
            return EUROS_NOT_AMOUNT;
        grouped = true;
        for (int k = 1; k <= 3; k++) {
            if (++digits > 13)
                huge = true;
            else
                euros = euros * 10 + (s[k] - '0');
        }
        s += 4;
    }
    /* Cents after a comma (or after a dot when no dot grouped the thousands). */
    int64_t cents = 0;
    if (*s == ',' && (s[1] == '-')) {
        s += s[2] == '-' ? 3 : 2; /* "12,-" and "12,--": whole euros */
    } else if (*s == ',' || (*s == '.' && !grouped)) {
        s++;
        int n = 0;
        for (; is_digit(*s); s++, n++)
            if (n < 2)
                cents = cents * 10 + (*s - '0');
        if (n == 0)
            return EUROS_NOT_AMOUNT;
        if (n == 1)
            cents *= 10;
        if (n > 2) {
            if (*skip_spaces(s))
                return EUROS_NOT_AMOUNT;
            return negative ? EUROS_NEGATIVE : EUROS_TOO_PRECISE;
        }
    }
    s = skip_spaces(s);
    if (*s)
        return EUROS_NOT_AMOUNT;
    if (negative)
        return EUROS_NEGATIVE;
    if (huge || euros > (INT64_MAX - 99) / 100)
        return EUROS_TOO_HIGH;
    int64_t total = euros * 100 + cents;
    if (total > max_cents)
        return EUROS_TOO_HIGH;
    if (total < min_cents)
        return EUROS_TOO_LOW;
    *out = total;
    return EUROS_OK;
}

bool parse_cents(const char *s, int64_t max_cents, int64_t *out)
{
    return parse_euros(s, 0, max_cents, out) == EUROS_OK;
}
