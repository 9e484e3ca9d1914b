/* Outgoing e-mail, the message itself: which addresses and subjects are usable, headers with
 * encoded words and folding, the quoted-printable body, line ends for the sendmail command. */
#include "domain/mail_format.h"
#include "util/buf.h"
#include "util/text.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    ADDRESS_MAX = 254,     /* RFC 5321 path limit */
    SUBJECT_MAX = 200,     /* bytes */
    HEADER_LINE_MAX = 78,  /* RFC 5322 "SHOULD" line length */
    ENCODED_LINE_MAX = 76, /* RFC 2047: a line holding encoded words */
    QP_LINE_MAX = 76,      /* RFC 2045: encoded line, soft-break '=' included */
};

/* C0 controls and DEL: none may appear in a header. */
static bool is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

/* One bare ASCII address: anything that could name a second mailbox (commas, angle brackets,
 * quotes, spaces) or break the header (controls) is refused, because sendmail -t takes the
 * recipients from the To: header. */
bool mail_address_usable(const char *to)
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

bool mail_subject_usable(const char *subject)
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

/* RFC 2047 B-encoded words after column col, one per line, each line at most 76 characters,
 * never splitting a UTF-8 character (every word must decode to whole characters on its own).
 * Returns the column after the last word. */
static size_t put_encoded_words(struct buf *out, size_t col, const char *s)
{
    static const char open[] = "=?UTF-8?B?", close[] = "?=";
    const unsigned char *text = (const unsigned char *)s;
    size_t len = strlen(s), pos = 0;
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
        col += 1 + strlen(open) + strlen(b64) + strlen(close);
        pos += take;
        if (pos < len) {
            buf_puts(out, "\r\n");
            col = 0;
        }
    } while (pos < len);
    return col;
}

static void put_subject_encoded(struct buf *out, const char *s)
{
    buf_puts(out, "Subject:");
    put_encoded_words(out, strlen("Subject:"), s);
    buf_puts(out, "\r\n");
}

/* Splits "Display Name <a@b>" (or a bare address) into the name, trimmed, outer quotes and
 * controls removed, and the address. */
static void split_mailbox(const char *from, char *name, size_t name_size, char *addr,
                          size_t addr_size)
{
    const char *lt = strrchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    name[0] = '\0';
    if (!lt || !gt)
        snprintf(addr, addr_size, "%s", from);
    else
        snprintf(addr, addr_size, "%.*s", (int)(gt - lt - 1), lt + 1);
    /* Keep only bytes allowed in a bare address: nothing can start a header of its own. */
    size_t k = 0;
    for (const char *p = addr; *p; p++)
        if (!is_control((unsigned char)*p) && *p != ' ' && *p != '<' && *p != '>' && *p != '"')
            addr[k++] = *p;
    addr[k] = '\0';
    if (!lt || !gt)
        return;
    const char *start = from, *end = lt;
    while (start < end && (*start == ' ' || *start == '\t'))
        start++;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (end - start >= 2 && *start == '"' && end[-1] == '"')
        start++, end--;
    size_t n = 0;
    for (const char *p = start; p < end && n + 1 < name_size; p++) {
        if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
            p++; /* an escape of the quoted form: keep what it escapes */
        name[n++] = is_control((unsigned char)*p) ? ' ' : *p;
    }
    name[n] = '\0';
}

/* From: one mailbox whatever the site name holds. An ASCII name becomes an RFC 5322 quoted-
 * string ("Buurt Samen, Almelo" stays one mailbox; \ and " escaped); a non-ASCII or long one
 * RFC 2047 encoded words. The address goes on a line of its own when it would pass 78. */
static void put_mailbox(struct buf *out, const char *header, const char *from)
{
    char name[400], addr[300];
    split_mailbox(from, name, sizeof name, addr, sizeof addr);
    buf_printf(out, "%s:", header);
    size_t col = strlen(header) + 1;
    if (name[0]) {
        bool plain = strlen(name) <= 60 && !needs_encoded_words(name);
        if (plain) {
            buf_puts(out, " \"");
            col += 2;
            for (const char *p = name; *p; p++) {
                if (*p == '"' || *p == '\\') {
                    buf_putc(out, '\\');
                    col++;
                }
                buf_putc(out, *p);
                col++;
            }
            buf_putc(out, '"');
            col++;
        } else {
            col = put_encoded_words(out, col, name);
        }
        if (col + 3 + strlen(addr) > HEADER_LINE_MAX)
            buf_puts(out, "\r\n");
        buf_printf(out, " <%s>\r\n", addr);
        return;
    }
    buf_printf(out, " %s\r\n", addr);
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

/* Reply-To: the same one-mailbox writing as From, only for an address that could be a To. */
static void put_reply_to(struct buf *out, const char *reply_to)
{
    if (!reply_to || !reply_to[0])
        return;
    char name[400], addr[300];
    split_mailbox(reply_to, name, sizeof name, addr, sizeof addr);
    if (mail_address_usable(addr))
        put_mailbox(out, "Reply-To", reply_to);
}

bool mail_unsubscribe_usable(const char *url)
{
    if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
        return false;
    size_t len = strlen(url);
    if (len > 900)
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>\\,", *p))
            return false;
    return true;
}

/* RFC 2369 and RFC 8058. The URL is one word and is never broken: a URL of up to 75 octets
 * keeps every line under 78. */
static void put_list_unsubscribe(struct buf *out, const char *url)
{
    if (!mail_unsubscribe_usable(url))
        return;
    static const char name[] = "List-Unsubscribe:";
    bool fold = sizeof name - 1 + strlen(" <>") + strlen(url) > HEADER_LINE_MAX;
    buf_printf(out, "%s%s <%s>\r\n", name, fold ? "\r\n" : "", url);
    buf_puts(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
}

void mail_format(struct buf *out, const char *from, time_t now, long long id, const char *to,
                 const char *subject, const char *body)
{
    mail_format_reply(out, from, NULL, now, id, to, subject, body);
}

void mail_format_reply(struct buf *out, const char *from, const char *reply_to, time_t now,
                       long long id, const char *to, const char *subject, const char *body)
{
    mail_format_message(out, from, reply_to, NULL, now, id, to, subject, body);
}

void mail_format_message(struct buf *out, const char *from, const char *reply_to,
                         const char *list_unsubscribe, time_t now, long long id, const char *to,
                         const char *subject, const char *body)
{
    if (!from || !from[0])
        from = "buurtsamen@localhost";
    put_mailbox(out, "From", from);
    put_reply_to(out, reply_to);
    put_header(out, "To", to);
    if (needs_encoded_words(subject))
        put_subject_encoded(out, subject);
    else
        put_subject_folded(out, subject);
    put_date(out, now);
    buf_printf(out, "Message-ID: <%lld.%lld@", id, (long long)now);
    put_domain(out, from);
    buf_puts(out, ">\r\n");
    put_list_unsubscribe(out, list_unsubscribe);
    buf_puts(out, "MIME-Version: 1.0\r\n"
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
void mail_to_local_line_ends(struct buf *message)
{
    size_t kept = 0;
    for (size_t i = 0; i < message->len; i++)
        if (!(message->data[i] == '\r' && i + 1 < message->len && message->data[i + 1] == '\n'))
            message->data[kept++] = message->data[i];
    message->len = kept;
    message->data[kept] = '\0';
}
