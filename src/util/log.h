/* Log lines to standard error, one per event, with a UTC timestamp. */
#ifndef BS_LOG_H
#define BS_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The line of one request: method (at most 10 bytes), path (at most 200, already masked),
 * status and duration. */
void log_request(const char *method, const char *path, int status, double ms);
/* Quiet mode drops info lines (used by benchmarks). */
void log_set_quiet(int quiet);

#endif
