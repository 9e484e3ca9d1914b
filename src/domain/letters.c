/* Voucher letters: base URL, round and municipality, and issuing with the audit row. */
#include "domain/letters.h"
#include "db/db.h"
#include "domain/audit.h"
#include "domain/households.h"
#include "domain/rounds.h"
#include "domain/settings.h"
#include "util/alloc.h"
#include "util/config.h"
#include "util/log.h"
#include "util/text.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool letters_info_load(struct db *db, const struct config *config, int64_t round_id,
                       struct letters_info *out)
{
    memset(out, 0, sizeof *out);
    json_t *round = round_get(db, round_id);
    if (!round)
        return false;
    snprintf(out->round_name, sizeof out->round_name, "%s",
             json_string_value(json_object_get(round, "name")) ?: "");
    out->value_cents = json_integer_value(json_object_get(round, "voucher_cents"));
    out->valid_until = parse_utc(json_string_value(json_object_get(round, "closes_at"))) - 1;
    json_decref(round);
    settings_base_url(db, config, out->base_url, sizeof out->base_url);
    json_t *settings = settings_all(db);
    snprintf(out->site_name, sizeof out->site_name, "%s",
             settings_value(settings, "site_naam", config));
    snprintf(out->gemeente, sizeof out->gemeente, "%s",
             settings_value(settings, "gemeente_naam", config));
    snprintf(out->contact_email, sizeof out->contact_email, "%s",
             settings_value(settings, "contact_email", config));
    json_decref(settings);
    return true;
}

bool letters_logo(struct db *db, struct buf *out)
{
    json_t *settings = settings_all(db);
    const char *b64 = json_string_value(json_object_get(settings, "brief_logo"));
    bool ok = false;
    if (b64 && *b64) {
        size_t max = strlen(b64) / 4 * 3 + 3, len = 0;
        buf_grow(out, max);
        ok = sodium_base642bin((unsigned char *)out->data + out->len, max, b64, strlen(b64),
                               " \r\n", &len, NULL, sodium_base64_VARIANT_ORIGINAL) == 0;
        if (ok) {
            out->len += len;
            out->data[out->len] = '\0';
        }
    }
    json_decref(settings);
    return ok;
}

bool letters_logo_save(struct db *db, const unsigned char *data, size_t len, const char *what,
                       const char *actor, time_t now)
{
    char *b64 = NULL;
    if (len) {
        size_t size = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
        b64 = xmalloc(size);
        sodium_bin2base64(b64, size, data, len, sodium_base64_VARIANT_ORIGINAL);
    }
    bool ok = db_begin(db);
    if (ok) {
        /* The setting holds the file; the log says only what it was, not its bytes. */
        ok = settings_set(db, "brief_logo", b64 ? b64 : "") &&
             audit_add(db, now, actor, "logo", "brief_logo", "", what, "") && db_commit(db);
        if (!ok)
            db_rollback(db);
    }
    free(b64);
    return ok;
}

/* 0 no such round, 1 open or to come, 2 closed (at now). */
static int round_state(struct db *db, int64_t round_id, time_t now)
{
    sqlite3_stmt *s = db_prepare(db, "SELECT closes_at FROM rounds WHERE id = ?");
    if (!s)
        return 0;
    sqlite3_bind_int64(s, 1, round_id);
    int state = 0;
    if (sqlite3_step(s) == SQLITE_ROW)
        state = parse_utc((const char *)sqlite3_column_text(s, 0)) <= now ? 2 : 1;
    sqlite3_reset(s);
    return state;
}

/* True when host (lower case, no port) ends with the label suffix (".example") or is it. */
static bool host_in(const char *host, const char *domain)
{
    size_t h = strlen(host), d = strlen(domain);
    return (h == d && !strcmp(host, domain)) ||
           (h > d && host[h - d - 1] == '.' && !strcmp(host + h - d, domain));
}

enum issue_refusal letters_base_url_check(const char *url)
{
    const char *rest = !strncasecmp(url, "https://", 8)  ? url + 8
                       : !strncasecmp(url, "http://", 7) ? url + 7
                                                         : NULL;
    if (!rest || !*rest)
        return ISSUE_REFUSED_URL_INVALID;
    char host[256];
    size_t n = 0;
    if (*rest == '[') { /* an IPv6 literal */
        const char *end = strchr(rest, ']');
        if (!end || (size_t)(end - rest - 1) >= sizeof host)
            return ISSUE_REFUSED_URL_INVALID;
        n = (size_t)(end - rest - 1);
        memcpy(host, rest + 1, n);
    } else {
        while (rest[n] && rest[n] != '/' && rest[n] != ':' && rest[n] != '?' && rest[n] != '#' &&
               n < sizeof host - 1) {
            host[n] = (char)tolower((unsigned char)rest[n]);
            n++;
        }
    }
    host[n] = '\0';
    while (n && host[n - 1] == '.') /* "localhost." is localhost */
        host[--n] = '\0';
    if (!n)
        return ISSUE_REFUSED_URL_INVALID;
    for (size_t i = 0; i < n; i++)
        host[i] = (char)tolower((unsigned char)host[i]);
    /* The names reserved for examples and tests (RFC 2606, RFC 6761), which the shipped
     * config's buurtsamen.almelo.example is one of. */
    static const char *const reserved[] = {"example", "example.com", "example.net", "example.org",
                                           "test", "invalid"};
    for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
        if (host_in(host, reserved[i]))
            return ISSUE_REFUSED_URL_DEFAULT;
    if (host_in(host, "localhost"))
        return ISSUE_REFUSED_URL_LOCAL;
    struct in_addr v4;
    struct in6_addr v6;
    if (inet_pton(AF_INET, host, &v4) == 1) {
        uint32_t a = ntohl(v4.s_addr);
        bool local = (a >> 24) == 127 || (a >> 24) == 10 || (a >> 24) == 0 ||
                     (a >> 16) == ((192u << 8) | 168) || (a >> 20) == ((172u << 4) | 1) ||
                     (a >> 16) == ((169u << 8) | 254) || (a >> 22) == ((100u << 2) | 1);
        return local ? ISSUE_REFUSED_URL_LOCAL : ISSUE_ALLOWED;
    }
    if (inet_pton(AF_INET6, host, &v6) == 1) {
        const unsigned char *b = v6.s6_addr;
        bool local = IN6_IS_ADDR_LOOPBACK(&v6) || IN6_IS_ADDR_UNSPECIFIED(&v6) ||
                     IN6_IS_ADDR_LINKLOCAL(&v6) || (b[0] & 0xfe) == 0xfc; /* fc00::/7 */
        if (IN6_IS_ADDR_V4MAPPED(&v6)) {
            char mapped[32];
            snprintf(mapped, sizeof mapped, "http://%u.%u.%u.%u/", b[12], b[13], b[14], b[15]);
            return letters_base_url_check(mapped);
        }
        return local ? ISSUE_REFUSED_URL_LOCAL : ISSUE_ALLOWED;
    }
    /* A single label ("intranet") is no public name either. */
    return strchr(host, '.') ? ISSUE_ALLOWED : ISSUE_REFUSED_URL_LOCAL;
}

enum issue_refusal letters_issue_check(struct db *db, const struct config *config,
                                       int64_t round_id, time_t now, struct issue_preview *out)
{
    memset(out, 0, sizeof *out);
    settings_base_url(db, config, out->base_url, sizeof out->base_url);
    json_t *round = round_get(db, round_id);
    if (!round)
        return ISSUE_REFUSED_NO_ROUND;
    snprintf(out->round_name, sizeof out->round_name, "%s",
             json_string_value(json_object_get(round, "name")) ?: "");
    time_t opens = parse_utc(json_string_value(json_object_get(round, "opens_at")));
    time_t closes = parse_utc(json_string_value(json_object_get(round, "closes_at")));
    json_decref(round);
    if (opens > now)
        out->weeks_away = (long)((opens - now) / (7 * 24 * 3600));
    out->far_ahead = opens > now && opens - now > (time_t)ISSUE_WARN_WEEKS * 7 * 24 * 3600;
    sqlite3_stmt *s = db_prepare(
        db, "SELECT count(*), count(DISTINCT coalesce(a.parent_id, a.id)) FROM households h "
            "JOIN areas a ON a.id = h.area_id WHERE NOT EXISTS (SELECT 1 FROM vouchers v "
            "WHERE v.household_id = h.id AND v.round_id = ? AND v.voided_at IS NULL)");
    if (s) {
        sqlite3_bind_int64(s, 1, round_id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            out->letters = (long)sqlite3_column_int64(s, 0);
            out->areas = (long)sqlite3_column_int64(s, 1);
        }
        sqlite3_reset(s);
    }
    if (closes <= now)
        return ISSUE_REFUSED_CLOSED;
    return letters_base_url_check(out->base_url);
}

static bool audit_issue(struct db *db, const char *actor, time_t now, const char *action,
                        int64_t round_id, long count)
{
    char subject[40], to[24];
    snprintf(subject, sizeof subject, "round:%lld", (long long)round_id);
    snprintf(to, sizeof to, "%ld", count);
    return audit_add(db, now, actor, action, subject, "", to, "");
}

enum issue_result letters_issue(struct db *db, const unsigned char secret[SECRET_BYTES],
                                int64_t round_id, const char *actor, time_t now,
                                const struct issue_sink *sink, long *issued)
{
    *issued = 0;
    if (!db_begin(db))
        return ISSUE_FAILED;
    int state = round_state(db, round_id, now);
    if (state != 1) {
        db_rollback(db);
        return state ? ISSUE_CLOSED : ISSUE_NO_ROUND;
    }
    /* vouchers_issue's transaction nests in this one, so the audit row commits with it. */
    char err[300];
    long n = vouchers_issue(db, secret, round_id, now, sink, err, sizeof err);
    if (n < 0)
        log_error("issuing round %lld: %s", (long long)round_id, err);
    if (n < 0 || !audit_issue(db, actor, now, "vouchers-issue", round_id, n)) {
        db_rollback(db);
        return ISSUE_FAILED;
    }
    if (!db_commit(db))
        return ISSUE_FAILED;
    *issued = n;
    return ISSUE_OK;
}

/* Why a replacement would be refused, read in the replacing transaction: ISSUE_OK when the
 * household exists and its voucher of the round (if any) was not given. */
static enum issue_result replace_check(struct db *db, int64_t round_id, const char *postcode,
                                       int64_t number, const char *addition)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT EXISTS (SELECT 1 FROM vouchers v JOIN ledger d ON d.voucher_id = v.id "
            "WHERE v.household_id = h.id AND v.round_id = ?4 AND v.voided_at IS NULL "
            "AND d.kind = 'donation' AND NOT EXISTS (SELECT 1 FROM ledger x "
            "WHERE x.reverses_id = d.id)) FROM households h "
            "WHERE h.postcode = ?1 AND h.house_number = ?2 AND h.addition = ?3");
    if (!s)
        return ISSUE_FAILED;
    sqlite3_bind_text(s, 1, postcode, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, number);
    sqlite3_bind_text(s, 3, addition, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, round_id);
    int rc = sqlite3_step(s);
    enum issue_result r = rc == SQLITE_DONE          ? ISSUE_NO_HOUSEHOLD
                          : rc != SQLITE_ROW         ? ISSUE_FAILED
                          : sqlite3_column_int(s, 0) ? ISSUE_USED
                                                     : ISSUE_OK;
    sqlite3_reset(s);
    return r;
}

enum issue_result letters_replace(struct db *db, const unsigned char secret[SECRET_BYTES],
                                  int64_t round_id, const char *postcode, int64_t number,
                                  const char *addition, const char *actor, time_t now,
                                  const struct issue_sink *sink)
{
    if (!db_begin(db))
        return ISSUE_FAILED;
    int state = round_state(db, round_id, now);
    enum issue_result r = state == 1   ? replace_check(db, round_id, postcode, number, addition)
                          : state == 2 ? ISSUE_CLOSED
                                       : ISSUE_NO_ROUND;
    if (r == ISSUE_OK) {
        char err[300];
        if (!vouchers_replace(db, secret, round_id, postcode, number, addition, now, sink, err,
                              sizeof err) ||
            !audit_issue(db, actor, now, "vouchers-replace", round_id, 1))
            r = ISSUE_FAILED;
    }
    if (r != ISSUE_OK) {
        db_rollback(db);
        return r;
    }
    return db_commit(db) ? ISSUE_OK : ISSUE_FAILED;
}

bool letters_codes_add(void *ctx, const struct letter *l)
{
    struct letter_codes *c = ctx;
    buf_printf(&c->text, "%lld %lld %s\n", (long long)l->household_id, (long long)l->voucher_id,
               l->code);
    c->count++;
    return true;
}

long letters_replay(struct db *db, const char *codes, size_t len,
                    bool (*letter)(void *ctx, const struct letter *letter), void *ctx)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT h.postcode, h.house_number, h.addition, h.street, h.city, a.name, "
            "coalesce(p.name, a.name), v.value_cents, v.voided_at IS NOT NULL "
            "FROM vouchers v JOIN households h ON h.id = v.household_id "
            "JOIN areas a ON a.id = h.area_id LEFT JOIN areas p ON p.id = a.parent_id "
            "WHERE v.id = ? AND v.household_id = ?");
    if (!s)
        return -1;
    long done = 0;
    const char *p = codes, *end = codes + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return -1;
        char line[96];
        size_t n = (size_t)(nl - p);
        if (n >= sizeof line)
            return -1;
        memcpy(line, p, n);
        line[n] = '\0';
        p = nl + 1;
        long long household, voucher;
        struct letter l = {0};
        int used = 0;
        if (sscanf(line, "%lld %lld %19s%n", &household, &voucher, l.code, &used) != 3 ||
            (size_t)used != n || strlen(l.code) != CODE_DISPLAY - 1) {
            sodium_memzero(line, sizeof line);
            return -1;
        }
        sodium_memzero(line, sizeof line);
        sqlite3_bind_int64(s, 1, voucher);
        sqlite3_bind_int64(s, 2, household);
        int rc = sqlite3_step(s);
        bool ok = true;
        if (rc == SQLITE_ROW && !sqlite3_column_int(s, 8)) {
            l.household_id = household;
            l.voucher_id = voucher;
            snprintf(l.postcode, sizeof l.postcode, "%s", (const char *)sqlite3_column_text(s, 0));
            house_number_format(sqlite3_column_int64(s, 1),
                                (const char *)sqlite3_column_text(s, 2), l.house_number);
            l.street = (const char *)sqlite3_column_text(s, 3);
            l.city = (const char *)sqlite3_column_text(s, 4);
            l.area = (const char *)sqlite3_column_text(s, 5);
            l.wijk = (const char *)sqlite3_column_text(s, 6);
            l.value_cents = sqlite3_column_int64(s, 7);
            ok = letter(ctx, &l);
            done++;
        } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            ok = false;
        }
        sqlite3_reset(s);
        sodium_memzero(l.code, sizeof l.code);
        if (!ok)
            return -1;
    }
    return done;
}
