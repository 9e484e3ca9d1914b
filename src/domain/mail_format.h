/* Outgoing e-mail, the message itself: the RFC 5322 text handed to sendmail, and what may go
 * into its headers. No database, no processes. */
#ifndef BS_MAIL_FORMAT_H
#define BS_MAIL_FORMAT_H
#include <stdbool.h>
#include <time.h>

struct buf;

/* One bare ASCII address (a@b.example: no spaces, commas, quotes, angle brackets or controls,
 * at most 254 bytes), since sendmail -t takes the recipients from To:. */
bool mail_address_usable(const char *to);
/* Valid UTF-8 of at most 200 bytes without C0 or C1 control characters. */
bool mail_subject_usable(const char *subject);

/* The full RFC 5322 message as it is handed to sendmail, with CRLF line ends; the body is
 * quoted-printable and ends with a line break. `from` is the From header ("Name <a@b>"; NULL
 * or empty: buurtsamen@localhost), `id` and `now` make the Date and Message-ID. */
void mail_format(struct buf *out, const char *from, time_t now, long long id, const char *to,
                 const char *subject, const char *body);
/* As mail_format, with a Reply-To header when reply_to ("Name <a@b>" or a bare address) names
 * a usable address (mail_address_usable): one mailbox, its name quoted or encoded as From's;
 * NULL, empty or unusable: no Reply-To. */
void mail_format_reply(struct buf *out, const char *from, const char *reply_to, time_t now,
                       long long id, const char *to, const char *subject, const char *body);
/* As mail_format_reply, for a message to a follower: with list_unsubscribe (an http(s) URL of
 * printable ASCII without spaces, quotes or angle brackets) the RFC 2369 List-Unsubscribe
 * header and the RFC 8058 List-Unsubscribe-Post header, which tell a mail program that a POST
 * to that URL unsubscribes in one click. The URL goes on a line of its own when the header
 * would pass 78 octets. NULL, empty or unusable: neither header. */
void mail_format_message(struct buf *out, const char *from, const char *reply_to,
                         const char *list_unsubscribe, time_t now, long long id, const char *to,
                         const char *subject, const char *body);
/* Whether url may go into List-Unsubscribe (see mail_format_message). */
bool mail_unsubscribe_usable(const char *url);
/* CRLF → LF throughout a mail_format result: the sendmail command reads the local text
 * convention and writes CRLF on the wire itself. */
void mail_to_local_line_ends(struct buf *message);

#endif
