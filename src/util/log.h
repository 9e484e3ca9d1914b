/* Log lines to standard error, one per event, with a UTC timestamp. */
#ifndef BS_LOG_H
#define BS_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Quiet mode drops info lines (used by benchmarks). */
void log_set_quiet(int quiet);

#endif
