/* Dutch formatting. */
#include "view/format.h"
#include "view/escape.h"
#include "util/amount.h"
#include "util/text.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void format_money(char *out, size_t size, int64_t cents)
{
    amount_format(cents, out, size);
}

static const char *const months[] = {"januari", "februari", "maart",     "april",
                                     "mei",     "juni",     "juli",      "augustus",
                                     "september", "oktober", "november", "december"};

/* "4 november 2026" (and " om 12:05" with the time) digit by digit: a page writes one per row.
 * The length is at most 2 + 1 + 9 + 1 + 4 + 9 + 1 bytes; a shorter buffer or a year of other
 * than four digits goes through snprintf. */
static bool local_text(char *out, size_t size, const struct tm *tm, bool with_time)
{
    int year = tm->tm_year + 1900;
    if (size < 32 || year < 1000 || year > 9999)
        return false;
    char *p = out;
    if (tm->tm_mday >= 10)
        *p++ = (char)('0' + tm->tm_mday / 10);
    *p++ = (char)('0' + tm->tm_mday % 10);
    *p++ = ' ';
    size_t n = strlen(months[tm->tm_mon]);
    memcpy(p, months[tm->tm_mon], n);
    p += n;
    *p++ = ' ';
    *p++ = (char)('0' + year / 1000);
    *p++ = (char)('0' + year / 100 % 10);
    *p++ = (char)('0' + year / 10 % 10);
    *p++ = (char)('0' + year % 10);
    if (with_time) {
        memcpy(p, " om ", 4);
        p += 4;
        *p++ = (char)('0' + tm->tm_hour / 10);
        *p++ = (char)('0' + tm->tm_hour % 10);
        *p++ = ':';
        *p++ = (char)('0' + tm->tm_min / 10);
        *p++ = (char)('0' + tm->tm_min % 10);
    }
    *p = '\0';
    return true;
}

void format_date(char *out, size_t size, time_t t)
{
    struct tm tm;
    local_tm(t, &tm);
    if (!local_text(out, size, &tm, false))
        snprintf(out, size, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
}

void format_datetime(char *out, size_t size, time_t t)
{
    struct tm tm;
    local_tm(t, &tm);
    if (!local_text(out, size, &tm, true))
        snprintf(out, size, "%d %s %d om %02d:%02d", tm.tm_mday, months[tm.tm_mon],
                 tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

int64_t days_until(time_t t, time_t now)
{
    int64_t diff = (int64_t)t - (int64_t)now;
    if (diff >= 0)
        return (diff + 86399) / 86400;
    return -((-diff) / 86400);
}

static size_t link_length(const char *s)
{
    if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
        return 0;
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\n' && s[n] != '\r' && s[n] != '\t' && s[n] != '<' &&
           s[n] != '>' && s[n] != '"')
        n++;
    /* A sentence's closing punctuation is not part of the link. */
    while (n && strchr(".,;:!?)'", s[n - 1]))
        n--;
    return n > 8 ? n : 0;
}

void format_paragraphs(struct buf *out, const char *text)
{
    if (!text)
        return; /* a missing field (JSON null) shows as nothing */
    const char *p = text;
    bool open = false;
    while (*p) {
        if (*p == '\r') {
            p++;
            continue;
        }
        if (*p == '\n') {
            const char *q = p + 1;
            while (*q == '\r' || *q == ' ' || *q == '\t')
                q++;
            if (*q == '\n' || !*q) {
                if (open)
                    buf_puts(out, "</p>\n");
                open = false;
                while (*q == '\n' || *q == '\r' || *q == ' ' || *q == '\t')
                    q++;
                p = q;
                continue;
            }
            if (open)
                buf_puts(out, "<br>\n");
            p++;
            continue;
        }
        if (!open) {
            buf_puts(out, "<p>");
            open = true;
        }
        size_t link = link_length(p);
        if (link) {
            buf_puts(out, "<a href=\"");
            escape_html(out, p, link);
            buf_puts(out, "\" rel=\"nofollow noopener\">");
            escape_html(out, p, link);
            buf_puts(out, "</a>");
            p += link;
            continue;
        }
        size_t run = strcspn(p, "\r\nh");
        if (run == 0)
            run = 1;
        escape_html(out, p, run);
        p += run;
    }
    if (open)
        buf_puts(out, "</p>\n");
}

void format_slug(char *out, size_t size, const char *text)
{
    size_t n = 0;
    bool hyphen = false;
    for (const unsigned char *p = (const unsigned char *)text; *p && n + 2 < size; p++) {
        unsigned char c = *p;
        /* Common Latin-1 letters with accents, as UTF-8 (C3 xx), folded to ASCII. */
        if (c == 0xC3 && p[1]) {
            static const char fold[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";
            unsigned char d = p[1];
            p++;
            if (d >= 0xA0 && d <= 0xBF)
                c = (unsigned char)fold[d - 0xA0];
            else if (d >= 0x80 && d <= 0x9F)
                c = (unsigned char)fold[d - 0x80];
            else
                c = ' ';
        }
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (hyphen && n)
                out[n++] = '-';
            hyphen = false;
            out[n++] = (char)c;
        } else {
            hyphen = true;
        }
    }
    out[n] = '\0';
}

bool format_calendar_date(char *out, size_t size, const char *yyyy_mm_dd)
{
    time_t t = parse_utc(yyyy_mm_dd);
    if (t == (time_t)-1)
        return false;
    struct tm tm;
    gmtime_r(&t, &tm); /* already a local date: no time-zone shift */
    snprintf(out, size, "%d %s %d", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900);
    return true;
}
