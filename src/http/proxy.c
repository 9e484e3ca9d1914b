/* Trusted reverse proxies: CIDR matching and the X-Forwarded-For / -Proto headers. */
#include "http/proxy.h"
#include "util/text.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const unsigned char V4_MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* One address as 16 bytes (IPv4 mapped); *v4 tells which it was. Accepts [v6], [v6]:port and
 * a.b.c.d:port as proxies write them. */
static bool address_read(const char *s, size_t len, unsigned char out[16], bool *v4)
{
    char text[64];
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof text)
        return false;
    memcpy(text, s, len);
    text[len] = '\0';
    char *a = text;
    if (a[0] == '[') {
        char *close = strchr(a, ']');
        if (!close || (close[1] != '\0' && close[1] != ':'))
            return false;
        *close = '\0';
        a++;
    } else {
        char *colon = strchr(a, ':');
        if (colon && !strchr(colon + 1, ':') && strchr(a, '.'))
            *colon = '\0'; /* a.b.c.d:port */
    }
    struct in_addr in4;
    if (inet_pton(AF_INET, a, &in4) == 1) {
        memcpy(out, V4_MAPPED, 12);
        memcpy(out + 12, &in4, 4);
        *v4 = true;
        return true;
    }
    if (inet_pton(AF_INET6, a, out) == 1) {
        *v4 = memcmp(out, V4_MAPPED, 12) == 0;
        return true;
    }
    return false;
}

static void address_text(const unsigned char addr[16], char *out, size_t size)
{
    if (memcmp(addr, V4_MAPPED, 12) == 0)
        inet_ntop(AF_INET, addr + 12, out, (socklen_t)size);
    else
        inet_ntop(AF_INET6, addr, out, (socklen_t)size);
}

static bool net_contains(const struct proxy_net *n, const unsigned char addr[16])
{
    int full = n->bits / 8, rest = n->bits % 8;
    if (memcmp(n->addr, addr, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (n->addr[full] & mask) == (addr[full] & mask);
}

static bool contains(const struct proxies *p, const unsigned char addr[16])
{
    for (size_t i = 0; i < p->count; i++)
        if (net_contains(&p->nets[i], addr))
            return true;
    return false;
}

bool proxies_parse(const char *spec, struct proxies *out, char *err, size_t err_size)
{
    memset(out, 0, sizeof *out);
    const char *p = spec ? spec : "";
    for (;;) {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return true;
        size_t len = strcspn(p, ", \t");
        const char *slash = memchr(p, '/', len);
        size_t addr_len = slash ? (size_t)(slash - p) : len;
        struct proxy_net n;
        bool v4 = false;
        int64_t bits = -1;
        bool ok = address_read(p, addr_len, n.addr, &v4) && p[0] != '[';
        if (ok && slash) {
            char num[8];
            size_t nlen = len - addr_len - 1;
            ok = nlen > 0 && nlen < sizeof num;
            if (ok) {
                memcpy(num, slash + 1, nlen);
                num[nlen] = '\0';
                ok = parse_int64(num, 0, v4 ? 32 : 128, &bits);
            }
        }
        if (!ok) {
            snprintf(err, err_size, "trusted_proxies: '%.*s' is not an address or CIDR",
                     (int)(len > 60 ? 60 : len), p);
            return false;
        }
        if (out->count == PROXIES_MAX) {
            snprintf(err, err_size, "trusted_proxies: more than %d entries", PROXIES_MAX);
            return false;
        }
        n.bits = bits < 0 ? 128 : (int)bits + (v4 ? 96 : 0);
        /* Host bits are ignored, so 10.1.2.3/8 means 10.0.0.0/8. */
        for (int b = n.bits; b < 128; b++)
            n.addr[b / 8] &= (unsigned char)~(0x80 >> (b % 8));
        out->nets[out->count++] = n;
        p += len;
    }
}

bool proxies_contains(const struct proxies *p, const char *address)
{
    unsigned char addr[16];
    bool v4;
    return address && address_read(address, strlen(address), addr, &v4) && contains(p, addr);
}

bool proxy_forwarded_client(const struct proxies *trusted, const char *chain, char *out,
                            size_t out_size)
{
    size_t end = chain ? strlen(chain) : 0;
    unsigned char addr[16];
    bool v4, seen = false;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && chain[start - 1] != ',')
            start--;
        size_t len = end - start;
        end = start > 0 ? start - 1 : 0;
        const char *entry = chain + start;
        size_t lead = strspn(entry, " \t");
        if (lead >= len)
            continue; /* an empty entry between commas */
        /* A trusted proxy writes what it saw; anything else there is not to be believed. */
        if (!address_read(entry, len, addr, &v4))
            return false;
        seen = true;
        if (!contains(trusted, addr) || start == 0)
            break;
    }
    if (!seen)
        return false;
    address_text(addr, out, out_size);
    return true;
}

/* All values of a header, joined by commas in order (a list may come as several lines). */
static const char *header_list(struct request *req, const char *name)
{
    const char *joined = NULL;
    for (size_t i = 0; i < req->headers.count; i++) {
        if (!ascii_ieq(req->headers.items[i].name, name))
            continue;
        const char *v = req->headers.items[i].value;
        joined = joined ? arena_printf(&req->arena, "%s,%s", joined, v) : v;
    }
    return joined;
}

void proxy_apply(struct request *req, const struct proxies *trusted, const char *peer,
                 bool peer_https)
{
    unsigned char addr[16];
    bool v4;
    bool known = peer && address_read(peer, strlen(peer), addr, &v4);
    if (known)
        address_text(addr, req->client_addr, sizeof req->client_addr);
    else
        snprintf(req->client_addr, sizeof req->client_addr, "%s", peer ? peer : "unknown");
    req->https = peer_https;
    if (!known || !contains(trusted, addr))
        return;
    char client[64];
    if (proxy_forwarded_client(trusted, header_list(req, "X-Forwarded-For"), client,
                               sizeof client))
        snprintf(req->client_addr, sizeof req->client_addr, "%s", client);
    /* The nearest proxy's word counts: the right-most value. */
    const char *proto = header_list(req, "X-Forwarded-Proto");
    if (proto) {
        const char *last = strrchr(proto, ',');
        last = last ? last + 1 : proto;
        while (*last == ' ' || *last == '\t')
            last++;
        size_t n = strcspn(last, " \t");
        if (n == 5 && ascii_ieqn(last, "https", 5))
            req->https = true;
        else if (n == 4 && ascii_ieqn(last, "http", 4))
            req->https = peer_https;
    }
}
