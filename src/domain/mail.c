/* Outgoing e-mail: the outbox queue, the message format and the hand-over to sendmail. */
#include "domain/mail.h"
#include "db/db.h"
#include "domain/settings.h"
#include "util/config.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Fixed on purpose: a mail system that needs longer is broken, and the message waits. */
static const int COMMAND_TIMEOUT_SECONDS = 30;
/* While one sender hands a message over, other senders leave it alone for this long. Longer
 * than the timeout, so a claim only runs out when its sender died halfway. */
static const int CLAIM_SECONDS = 5 * 60;
static const int64_t BACKOFF_FIRST_SECONDS = 60;
static const int64_t BACKOFF_MAX_SECONDS = 6 * 3600;

enum {
    ADDRESS_MAX = 254,     /* RFC 5321 path limit */
    SUBJECT_MAX = 200,     /* bytes */
    HEADER_LINE_MAX = 78,  /* RFC 5322 "SHOULD" line length */
    ENCODED_LINE_MAX = 76, /* RFC 2047: a line holding encoded words */
    QP_LINE_MAX = 76,      /* RFC 2045: encoded line, soft-break '=' included */
    ERROR_MAX = 200,
};

/* ---- Queueing ---- */

/* C0 controls and DEL: none may appear in a header. */
static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* One bare ASCII address: anything that could name a second mailbox (commas, angle brackets,
 * quotes, spaces) or break the header (controls) is refused, because sendmail -t takes the
 * recipients from the To: header. */
static bool address_usable(const char *to)
{
    size_t len = strlen(to);
    if (len < 3 || len > ADDRESS_MAX)
        return false;
    const char *at = strchr(to, '@');
    if (!at || at == to || at[1] == '\0' || strchr(at + 1, '@'))
        return false;
    for (const unsigned char *p = (const unsigned char *)to; *p; p++)
        if (is_control(*p) || *p >= 0x80 || *p == ' ' || strchr("\"(),:;<>[\\]", *p))
            return false;
    return true;
}

static bool subject_usable(const char *subject)
{
    size_t len = strlen(subject);
    if (len > SUBJECT_MAX || !utf8_valid(subject, len))
        return false;
    for (const unsigned char *p = (const unsigned char *)subject; *p; p++) {
        if (is_control(*p))
            return false;
        /* C1 controls, U+0080..U+009F, are C2 80..C2 9F in UTF-8. */
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return false;
    }
    return true;
}

bool mail_queue(struct db *db, time_t now, const char *to, const char *subject, const char *body)
{
    if (!to || !subject || !body || !address_usable(to) || !subject_usable(subject))
        return false;
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO outbox(created_at, to_addr, subject, body, "
                                     "next_attempt_at) VALUES (?1, ?2, ?3, ?4, ?1)");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, (int64_t)now);
    sqlite3_bind_text(s, 2, to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, subject, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, body, -1, SQLITE_TRANSIENT);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    if (!ok)
        log_error("mail: queueing failed: %s", sqlite3_errmsg(db_handle(db)));
    sqlite3_reset(s);
    return ok;
}

int64_t mail_queue_waiting(struct db *db)
{
    int64_t waiting = -1;
    return db_get_int(db, "SELECT count(*) FROM outbox WHERE sent_at IS NULL", &waiting) ? waiting
                                                                                       : -1;
}

/* ---- The message ---- */

/* "Name: value" with any control byte dropped, so that no value can start a header of its own. */
static void put_header(struct buf *out, const char *name, const char *value)
{
    buf_puts(out, name);
    buf_puts(out, ": ");
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (!is_control(*p))
            buf_putc(out, (char)*p);
    buf_puts(out, "\r\n");
}

/* Encoded words are needed for non-ASCII text, for controls (never raw in a header), and for
 * ASCII that a reader would take for an encoded word. */
static bool needs_encoded_words(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80 || is_control(*p) || (p[0] == '=' && p[1] == '?'))
            return true;
    return false;
}

/* ASCII subject, folded before a space where the line would pass 78 characters. A fold point
 * is a space followed by text, so no folded line is white space only. */
static void put_subject_folded(struct buf *out, const char *s)
{
    static const char name[] = "Subject: ";
    buf_puts(out, name);
    size_t col = sizeof name - 1;
    size_t left = strlen(s);
    while (col + left > HEADER_LINE_MAX) {
        size_t room = HEADER_LINE_MAX - col;
        size_t cut = 0; /* the last fold point that fits, else the first one after */
        for (size_t i = 1; i < left; i++) {
            if (s[i] != ' ' || s[i + 1] == ' ' || s[i + 1] == '\0')
                continue;
            if (i > room && cut != 0)
                break;
            cut = i;
            if (i > room)
                break;
        }
        if (cut == 0)
            break; /* one long word: legal up to 998 characters */
        buf_append(out, s, cut);
        buf_puts(out, "\r\n");
        s += cut;
        left -= cut;
        col = 0;
    }
    buf_puts(out, s);
    buf_puts(out, "\r\n");
}

/* Bytes in the UTF-8 character starting at p, never more than are left. */
static size_t utf8_char_length(const unsigned char *p, size_t left)
{
    size_t n = p[0] < 0xc0 ? 1 : p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
    return n < left ? n : left;
}

/* RFC 2047 B-encoded words, one per line, each line at most 76 characters, never splitting a
 * UTF-8 character (every word must decode to whole characters on its own). */
static void put_subject_encoded(struct buf *out, const char *s)
{
    static const char name[] = "Subject:", open[] = "=?UTF-8?B?", close[] = "?=";
    buf_puts(out, name);
    const unsigned char *text = (const unsigned char *)s;
    size_t len = strlen(s), pos = 0, col = sizeof name - 1;
    do {
        /* The line is " " + word; the base64 text is whole groups of 4 for 3 bytes. */
        size_t room = ENCODED_LINE_MAX - col - 1 - (sizeof open - 1) - (sizeof close - 1);
        size_t max_bytes = room / 4 * 3;
        size_t take = 0;
        while (pos + take < len) {
            size_t n = utf8_char_length(text + pos + take, len - pos - take);
            if (take + n > max_bytes)
                break;
            take += n;
        }
        char b64[sodium_base64_ENCODED_LEN(48, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof b64, text + pos, take, sodium_base64_VARIANT_ORIGINAL);
        buf_putc(out, ' ');
        buf_puts(out, open);
        buf_puts(out, b64);
        buf_puts(out, close);
        pos += take;
        if (pos < len) {
            buf_puts(out, "\r\n");
            col = 0;
        }
    } while (pos < len);
    buf_puts(out, "\r\n");
}

/* RFC 5322 date in UTC, with English names whatever the locale. */
static void put_date(struct buf *out, time_t t)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        t = 0;
        gmtime_r(&t, &tm);
    }
    buf_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
               months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The domain of the From address (after the last '@', up to '>'), for the Message-ID. */
static void put_domain(struct buf *out, const char *from)
{
    const char *at = strrchr(from, '@');
    size_t start = out->len;
    for (const char *p = at ? at + 1 : ""; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-';
        if (!ok)
            break;
        buf_putc(out, c);
    }
    if (out->len == start)
        buf_puts(out, "localhost");
}

/* Quoted-printable (RFC 2045 6.7): printable ASCII as is, '=' and every other byte as =XX,
 * space and tab as is except before a line break (where transport may strip them), encoded
 * lines of at most 76 characters with '=' soft breaks, any line break of the text as CRLF.
 * A '.' or "From " at the start of a line is encoded too, so neither a lone dot (the end of
 * an SMTP message) nor an mbox "From " line can come of it. The result ends with CRLF. */
static void put_quoted_printable(struct buf *out, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)text;
    size_t col = 0;
    while (*p) {
        if (*p == '\r' || *p == '\n') {
            p += p[0] == '\r' && p[1] == '\n' ? 2 : 1;
            buf_puts(out, "\r\n");
            col = 0;
            continue;
        }
        unsigned char c = *p;
        bool line_end = p[1] == '\0' || p[1] == '\r' || p[1] == '\n';
        bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
        size_t width = literal ? 1 : 3;
        /* The last character of a line may use column 76; others leave room for a soft '='. */
        if (col + width > (line_end ? QP_LINE_MAX : QP_LINE_MAX - 1)) {
            buf_puts(out, "=\r\n");
            col = 0;
        }
        if (col == 0 && (c == '.' || (c == 'F' && strncmp((const char *)p, "From ", 5) == 0)))
            literal = false;
        if (literal) {
            buf_putc(out, (char)c);
            col += 1;
        } else {
            char escaped[3] = {'=', hex[c >> 4], hex[c & 15]};
            buf_append(out, escaped, 3);
            col += 3;
        }
        p++;
    }
    if (col > 0)
        buf_puts(out, "\r\n");
}

void mail_format(struct buf *out, const struct mail_config *config, time_t now, long long id,
                 const char *to, const char *subject, const char *body)
{
    const char *from =
        config && config->from && config->from[0] ? config->from : "buurtsamen@localhost";
    put_header(out, "From", from);
    put_header(out, "To", to);
    if (needs_encoded_words(subject))
        put_subject_encoded(out, subject);
    else
        put_subject_folded(out, subject);
    put_date(out, now);
    buf_printf(out, "Message-ID: <%lld.%lld@", id, (long long)now);
    put_domain(out, from);
    buf_puts(out, ">\r\n"
                  "MIME-Version: 1.0\r\n"
                  "Content-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n"
                  "Auto-Submitted: auto-generated\r\n"
                  "\r\n");
    put_quoted_printable(out, body);
}

/* The sendmail command reads a message in the local text convention, LF line ends, and writes
 * CRLF on the wire itself; a CRLF handed to it may arrive as a stray CR (older Postfix, Exim
 * without -dropcr) or a doubled line. mail_format builds the canonical CRLF form, so every CR
 * in it is followed by LF and dropping them all gives the LF form. */
static void to_local_line_ends(struct buf *message)
{
    size_t kept = 0;
    for (size_t i = 0; i < message->len; i++)
        if (!(message->data[i] == '\r' && i + 1 < message->len && message->data[i + 1] == '\n'))
            message->data[kept++] = message->data[i];
    message->len = kept;
    message->data[kept] = '\0';
}

/* ---- Running the command ---- */

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
static bool run_command(char *const argv[], const char *message, size_t len, char *error,
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
    deadline.tv_sec += COMMAND_TIMEOUT_SECONDS;
    int write_errno = write_message(fds[1], message, len, &deadline);
    close(fds[1]); /* end of the message */
    int status = 0;
    int waited = wait_until(pid, &deadline, &status);
    if (waited == 0) {
        stop_child(pid);
        snprintf(error, error_size, "%s gave no answer within %d s and was stopped", argv[0],
                 COMMAND_TIMEOUT_SECONDS);
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

/* ---- The queue runner ---- */

struct outgoing {
    long long id;
    time_t created_at;
    int64_t attempts;
    char *to, *subject, *body;
};

static void outgoing_free(struct outgoing *msg)
{
    free(msg->to);
    free(msg->subject);
    free(msg->body);
}

static char *column_copy(sqlite3_stmt *s, int column)
{
    const char *text = (const char *)sqlite3_column_text(s, column);
    return xstrdup(text ? text : "");
}

/* Claims the oldest due message by moving its next attempt past the claim time: 1 with msg
 * filled, 0 when nothing is due, -1 on a database error. */
static int claim_next(struct db *db, time_t now, struct outgoing *msg)
{
    if (!db_begin(db))
        return -1;
    sqlite3_stmt *s = db_prepare(db, "SELECT id, created_at, to_addr, subject, body, attempts "
                                     "FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?1 "
                                     "ORDER BY next_attempt_at, id LIMIT 1");
    if (!s) {
        db_rollback(db);
        return -1;
    }
    sqlite3_bind_int64(s, 1, (int64_t)now);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        msg->id = sqlite3_column_int64(s, 0);
        msg->created_at = (time_t)sqlite3_column_int64(s, 1);
        msg->to = column_copy(s, 2);
        msg->subject = column_copy(s, 3);
        msg->body = column_copy(s, 4);
        msg->attempts = sqlite3_column_int64(s, 5);
    }
    sqlite3_reset(s);
    if (rc == SQLITE_DONE)
        return db_commit(db) ? 0 : -1;
    if (rc != SQLITE_ROW) {
        log_error("mail: reading the outbox failed: %s", sqlite3_errmsg(db_handle(db)));
        db_rollback(db);
        return -1;
    }
    sqlite3_stmt *u = db_prepare(db, "UPDATE outbox SET next_attempt_at = ?2 WHERE id = ?1");
    bool ok = u != NULL;
    if (u) {
        sqlite3_bind_int64(u, 1, msg->id);
        sqlite3_bind_int64(u, 2, (int64_t)now + CLAIM_SECONDS);
        ok = sqlite3_step(u) == SQLITE_DONE;
        sqlite3_reset(u);
    }
    if (!ok)
        db_rollback(db);
    if (!ok || !db_commit(db)) {
        outgoing_free(msg);
        return -1;
    }
    return 1;
}

/* 1 minute after the first failed attempt, doubling each time, at most 6 hours. */
static int64_t backoff_seconds(int64_t attempts)
{
    int64_t delay = BACKOFF_FIRST_SECONDS;
    for (int64_t i = 1; i < attempts && delay < BACKOFF_MAX_SECONDS; i++)
        delay *= 2;
    return delay < BACKOFF_MAX_SECONDS ? delay : BACKOFF_MAX_SECONDS;
}

/* Attempts counts every hand-over, the successful one included. */
static bool record_result(struct db *db, time_t now, const struct outgoing *msg, bool sent,
                          const char *error)
{
    if (!db_begin(db))
        return false;
    sqlite3_stmt *s;
    if (sent) {
        s = db_prepare(db, "UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, "
                           "last_error = '' WHERE id = ?1");
        if (s)
            sqlite3_bind_int64(s, 2, (int64_t)now);
    } else {
        s = db_prepare(db, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, "
                           "next_attempt_at = ?3 WHERE id = ?1");
        if (s) {
            sqlite3_bind_text(s, 2, error, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(s, 3, (int64_t)now + backoff_seconds(msg->attempts + 1));
        }
    }
    bool ok = s != NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, msg->id);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    if (!ok) {
        log_error("mail: recording message %lld failed: %s", msg->id,
                  sqlite3_errmsg(db_handle(db)));
        db_rollback(db);
        return false;
    }
    return db_commit(db);
}

int mail_send_due(struct db *db, const struct mail_config *config, time_t now, int max)
{
    char *storage = NULL;
    char **argv = NULL;
    if (config && config->command)
        argv = split_command(config->command, &storage);
    int sent = 0;
    for (int i = 0; i < max; i++) {
        struct outgoing msg;
        int claimed = claim_next(db, now, &msg);
        if (claimed <= 0) {
            if (claimed < 0)
                sent = -1;
            break;
        }
        /* Date and Message-ID come from the queueing time, so a retry is the same message
         * and a receiver can recognise a duplicate. */
        struct buf message = {0};
        mail_format(&message, config, msg.created_at, msg.id, msg.to, msg.subject, msg.body);
        to_local_line_ends(&message);
        char error[ERROR_MAX] = "";
        bool ok = false;
        if (argv && argv[0])
            ok = run_command(argv, message.data, message.len, error, sizeof error);
        else
            snprintf(error, sizeof error, "no mail command configured");
        buf_free(&message);
        if (!ok)
            log_error("mail: message %lld (attempt %lld) not sent: %s", msg.id,
                      (long long)msg.attempts + 1, error);
        bool recorded = record_result(db, now, &msg, ok, error);
        outgoing_free(&msg);
        if (!recorded) {
            sent = -1;
            break;
        }
        if (ok)
            sent++;
    }
    free(argv);
    free(storage);
    return sent;
}

void mail_sender_from(struct db *db, const struct config *config, char *out, size_t size)
{
    if (config->mail_from[0]) {
        snprintf(out, size, "%s", config->mail_from);
        return;
    }
    json_t *settings = settings_all(db);
    snprintf(out, size, "%s <%s>",
             json_string_value(json_object_get(settings, "site_naam")) ?: config->site_naam,
             json_string_value(json_object_get(settings, "contact_email"))
                 ?: config->contact_email);
    json_decref(settings);
}
