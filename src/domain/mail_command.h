/* Outgoing e-mail, the hand-over: runs the sendmail command as a child process, without a
 * shell, with the message on its standard input. */
#ifndef BS_MAIL_COMMAND_H
#define BS_MAIL_COMMAND_H
#include <stdbool.h>
#include <stddef.h>

/* Fixed on purpose: a mail system that needs longer is broken, and the message waits. */
enum { MAIL_COMMAND_TIMEOUT_SECONDS = 30 };

/* Runs command ("/usr/sbin/sendmail -t -i": the program and its arguments split on spaces,
 * executed directly) with the message (len bytes) on its standard input and its output
 * discarded; its error output goes to ours. True on exit status 0. Otherwise error says why:
 * no command, it cannot start, a non-zero exit, killed by a signal, or no end within
 * MAIL_COMMAND_TIMEOUT_SECONDS (then it and its process group are killed). Safe in a
 * threaded server: the child calls only async-signal-safe functions before exec, gets the
 * default signal mask and SIGPIPE, and none of our descriptors. */
bool mail_command_run(const char *command, const char *message, size_t len, char *error,
                      size_t error_size);

#endif
