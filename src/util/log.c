/* Logging to standard error; one write per line so threads do not interleave. */
#include "util/log.h"

#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_quiet;

void log_set_quiet(int quiet)
{
    log_quiet = quiet;
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int n = (int)strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, "%s", level);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    if (m < 0)
        m = 0;
    n += m;
    if ((size_t)n > sizeof line - 2)
        n = sizeof line - 2;
    line[n++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)n);
    (void)ignored;
}

void log_info(const char *fmt, ...)
{
    if (log_quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_line("", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("error: ", fmt, ap);
    va_end(ap);
}

void log_request(const char *method, const char *path, int status, double ms)
{
    if (log_quiet)
        return;
    /* Written by hand, not formatted: every request writes one. */
    char line[20 + 1 + 10 + 1 + 200 + 1 + 12 + 1 + 24 + 4];
    char *p = line;
    utc_iso8601(time(NULL), p);
    p += 20;
    *p++ = ' ';
    size_t n = strnlen(method, 10);
    memcpy(p, method, n);
    p += n;
    *p++ = ' ';
    n = strnlen(path, 200);
    memcpy(p, path, n);
    p += n;
    *p++ = ' ';
    p += int_text(status, p);
    *p++ = ' ';
    unsigned long long tenths = ms > 0 ? (unsigned long long)(ms * 10 + 0.5) : 0;
    p += int_text((long long)(tenths / 10), p);
    *p++ = '.';
    *p++ = (char)('0' + tenths % 10);
    memcpy(p, "ms\n", 3);
    p += 3;
    ssize_t ignored = write(STDERR_FILENO, line, (size_t)(p - line));
    (void)ignored;
}
