/* Trusted reverse proxies: which peers may tell the client's address and scheme
 * (X-Forwarded-For, X-Forwarded-Proto), and what they tell. */
#ifndef BS_PROXY_H
#define BS_PROXY_H
#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"

enum { PROXIES_MAX = 32 };

/* One network: an IPv6 address (IPv4 as ::ffff:a.b.c.d) and a prefix length over 128 bits. */
struct proxy_net {
    unsigned char addr[16];
    int bits;
};

struct proxies {
    struct proxy_net nets[PROXIES_MAX];
    size_t count;
};

/* Reads "10.0.0.1, 192.168.0.0/16 ::1 fd00::/8" (commas and/or spaces; empty: none). False
 * with a one-line reason in err on an entry that is not an address or CIDR, or too many. */
bool proxies_parse(const char *spec, struct proxies *out, char *err, size_t err_size);

/* True when the address (IPv4, IPv6, IPv4-mapped IPv6, optionally in brackets) is in one of
 * the networks. False for anything that is not an address. */
bool proxies_contains(const struct proxies *p, const char *address);

/* The client a chain of X-Forwarded-For values names, seen from a trusted peer: the
 * right-most entry that is not itself a trusted proxy (or the left-most when all are), in
 * canonical form. False when the chain is empty or that entry is not an address. */
bool proxy_forwarded_client(const struct proxies *trusted, const char *chain, char *out,
                            size_t out_size);

/* Sets req->client_addr and req->https from the TCP peer (peer_https: the connection itself
 * is TLS, or the web server says so) and, only when the peer is trusted, from the
 * X-Forwarded-For and X-Forwarded-Proto headers already in req->headers. */
void proxy_apply(struct request *req, const struct proxies *trusted, const char *peer,
                 bool peer_https);

#endif
