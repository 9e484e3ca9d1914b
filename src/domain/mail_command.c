/* Outgoing e-mail, the hand-over: the sendmail command run as a child process through
 * fork/exec without a shell, the message on its standard input, with a timeout. */
#include "domain/mail_command.h"
#include "util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Milliseconds until the deadline, 0 once it passed. */
static int remaining_ms(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
                   (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms <= 0 ? 0 : ms > INT_MAX ? INT_MAX : (int)ms;
}

/* Our descriptors must not be 0, 1 or 2 (only when the process runs with those closed), so
 * the child's dup2 onto them never meets one of its own sources. */
static int fd_above_stdio(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return moved;
}

/* Between fork and exec only async-signal-safe calls: the server has other threads, and any
 * lock one of them held is held forever in the child. On a failed exec the child reports its
 * errno through report_fd (closed by a successful exec, being close-on-exec). */
static void child_exec(char *const argv[], int stdin_fd, int null_fd, int report_fd)
    __attribute__((noreturn));
static void child_exec(char *const argv[], int stdin_fd, int null_fd, int report_fd)
{
    /* The worker threads block SIGINT and SIGTERM and the server ignores SIGPIPE; both would
     * carry over into sendmail. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    static const struct sigaction default_action = {.sa_handler = SIG_DFL};
    sigaction(SIGPIPE, &default_action, NULL);
    /* Its own process group, so that a timeout stops its helpers too. */
    setpgid(0, 0);
    if (dup2(stdin_fd, STDIN_FILENO) >= 0 && dup2(null_fd, STDOUT_FILENO) >= 0) {
#ifdef CLOSE_RANGE_CLOEXEC
        /* Nothing of the server (sockets, database files) reaches the mail system. */
        close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
        execv(argv[0], argv);
    }
    int error = errno;
    ssize_t ignored = write(report_fd, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

/* Writes the whole message before the deadline: 0, or the errno that stopped it (ETIMEDOUT).
 * SIGPIPE is blocked in this thread meanwhile and a SIGPIPE that the write raised is taken
 * back, so a command that exits without reading gives EPIPE here rather than killing a
 * process that does not ignore SIGPIPE. */
static int write_message(int fd, const char *data, size_t len, const struct timespec *deadline)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return errno;
    sigset_t pipe_signal, old_mask, pending;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &old_mask);
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    int result = 0;
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            result = errno;
            break;
        }
        int ms = remaining_ms(deadline);
        if (ms == 0) {
            result = ETIMEDOUT;
            break;
        }
        struct pollfd writable = {.fd = fd, .events = POLLOUT};
        if (poll(&writable, 1, ms) < 0 && errno != EINTR) {
            result = errno;
            break;
        }
    }
    if (result == EPIPE && !was_pending) {
        static const struct timespec no_wait = {0, 0};
        while (sigtimedwait(&pipe_signal, NULL, &no_wait) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return result;
}

/* Waits for the child until the deadline: 1 when it ended (status set), 0 when it still
 * runs, -1 when it cannot be waited for (errno set). */
static int wait_until(pid_t pid, const struct timespec *deadline, int *status)
{
    long pause_ns = 1000000;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
        if (r < 0)
            continue;
        int ms = remaining_ms(deadline);
        if (ms == 0)
            return 0;
        long ns = (long)ms * 1000000 < pause_ns ? (long)ms * 1000000 : pause_ns;
        struct timespec pause = {0, ns};
        nanosleep(&pause, NULL);
        if (pause_ns < 50000000)
            pause_ns *= 2;
    }
}

static void stop_child(pid_t pid)
{
    if (kill(-pid, SIGKILL) != 0)
        kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

/* Runs argv with the message on its standard input and its output discarded (its error output
 * goes to the server's log). True on exit status 0; otherwise error says why. */
static bool run_argv(char *const argv[], const char *message, size_t len, char *error,
                     size_t error_size)
{
    int in[2] = {-1, -1}, report[2] = {-1, -1};
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(report, O_CLOEXEC) != 0) {
        snprintf(error, error_size, "cannot make a pipe: %s", strerror(errno));
        for (int i = 0; i < 2; i++) {
            if (in[i] >= 0)
                close(in[i]);
        }
        return false;
    }
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int fds[5] = {in[0], in[1], report[0], report[1], null_fd};
    bool fds_ok = true;
    for (int i = 0; i < 5; i++) {
        fds[i] = fd_above_stdio(fds[i]);
        fds_ok = fds_ok && fds[i] >= 0;
    }
    pid_t pid = fds_ok ? fork() : -1;
    if (pid == 0)
        child_exec(argv, fds[0], fds[4], fds[3]);
    int fork_errno = errno;
    for (int i = 0; i < 5; i++) {
        /* The parent keeps the write end of stdin and the read end of the report. */
        if (fds[i] >= 0 && (pid < 0 || (i != 1 && i != 2)))
            close(fds[i]);
    }
    if (pid < 0) {
        snprintf(error, error_size, "cannot start %s: %s", argv[0],
                 fds_ok ? strerror(fork_errno) : "out of file descriptors");
        return false;
    }
    setpgid(pid, pid); /* also in the child: whichever runs first */

    int child_errno = 0;
    ssize_t n;
    do
        n = read(fds[2], &child_errno, sizeof child_errno);
    while (n < 0 && errno == EINTR);
    close(fds[2]);
    if (n == (ssize_t)sizeof child_errno) {
        close(fds[1]);
        stop_child(pid);
        snprintf(error, error_size, "cannot start %s: %s", argv[0], strerror(child_errno));
        return false;
    }

    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += MAIL_COMMAND_TIMEOUT_SECONDS;
    int write_errno = write_message(fds[1], message, len, &deadline);
    close(fds[1]); /* end of the message */
    int status = 0;
    int waited = wait_until(pid, &deadline, &status);
    if (waited == 0) {
        stop_child(pid);
        snprintf(error, error_size, "%s gave no answer within %d s and was stopped", argv[0],
                 MAIL_COMMAND_TIMEOUT_SECONDS);
        return false;
    }
    if (waited < 0) {
        snprintf(error, error_size, "cannot learn how %s ended: %s", argv[0], strerror(errno));
        return false;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (write_errno == 0)
            return true;
        snprintf(error, error_size, "%s did not read the whole message: %s", argv[0],
                 strerror(write_errno));
        return false;
    }
    if (WIFEXITED(status))
        snprintf(error, error_size, "%s failed with exit status %d", argv[0], WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(error, error_size, "%s was killed by signal %d", argv[0], WTERMSIG(status));
    else
        snprintf(error, error_size, "%s ended abnormally", argv[0]);
    return false;
}

/* "prog -a -b" → {"prog", "-a", "-b", NULL}, all pointing into *storage (to free with it). */
static char **split_command(const char *command, char **storage)
{
    *storage = xstrdup(command);
    char **argv = xcalloc(strlen(command) / 2 + 2, sizeof *argv);
    size_t count = 0;
    char *save = NULL;
    for (char *word = strtok_r(*storage, " ", &save); word; word = strtok_r(NULL, " ", &save))
        argv[count++] = word;
    return argv;
}

bool mail_command_run(const char *command, const char *message, size_t len, char *error,
                      size_t error_size)
{
    char *storage = NULL;
    char **argv = command ? split_command(command, &storage) : NULL;
    bool ok = false;
    if (argv && argv[0])
        ok = run_argv(argv, message, len, error, error_size);
    else
        snprintf(error, error_size, "no mail command configured");
    free(argv);
    free(storage);
    return ok;
}
