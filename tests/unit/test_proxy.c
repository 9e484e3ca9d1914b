/* Unit tests for trusted proxies: CIDR parsing and matching (IPv4, IPv6, mapped), the
 * X-Forwarded-For chain, and what a request believes from a trusted or another peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http/proxy.h"

static void cidr_parsing(void **state)
{
    (void)state;
    struct proxies p;
    char err[128];
    assert_true(proxies_parse("", &p, err, sizeof err));
    assert_int_equal(p.count, 0);
    assert_true(proxies_parse(NULL, &p, err, sizeof err));
    assert_true(proxies_parse(" 127.0.0.1, 10.0.0.0/8 ::1,fd00::/8 ,192.168.1.7/32", &p, err,
                              sizeof err));
    assert_int_equal(p.count, 5);
    const char *bad[] = {"10.0.0.0/33", "::/129", "10.0.0.1/", "10.0.0.1/x", "host.example",
                         "10.0.0", "1.2.3.4/-1", "[::1]", "300.1.1.1", "10.0.0.1/8/8"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(proxies_parse(bad[i], &p, err, sizeof err));
        assert_non_null(strstr(err, "trusted_proxies"));
    }
    char many[2048] = "";
    for (int i = 0; i <= PROXIES_MAX; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "10.0.0.%d ", i);
    assert_false(proxies_parse(many, &p, err, sizeof err));
}

static void cidr_matching(void **state)
{
    (void)state;
    struct proxies p;
    char err[128];
    assert_true(proxies_parse("127.0.0.1 10.1.2.3/8 172.16.0.0/12 2001:db8::/32 ::1", &p, err,
                              sizeof err));
    assert_true(proxies_contains(&p, "127.0.0.1"));
    assert_false(proxies_contains(&p, "127.0.0.2"));
    assert_true(proxies_contains(&p, "::ffff:127.0.0.1")); /* as a dual-stack socket shows it */
    assert_true(proxies_contains(&p, "10.255.255.255"));   /* host bits of 10.1.2.3/8 ignored */
    assert_false(proxies_contains(&p, "11.0.0.0"));
    assert_true(proxies_contains(&p, "172.31.255.1"));
    assert_false(proxies_contains(&p, "172.32.0.1"));
    assert_true(proxies_contains(&p, "2001:db8:ffff::1"));
    assert_true(proxies_contains(&p, "[2001:db8::1]"));
    assert_false(proxies_contains(&p, "2001:db9::1"));
    assert_true(proxies_contains(&p, "::1"));
    assert_false(proxies_contains(&p, "::2"));
    assert_false(proxies_contains(&p, "unknown"));
    assert_false(proxies_contains(&p, ""));
    assert_false(proxies_contains(&p, NULL));
    /* An IPv4 network never matches a plain IPv6 address with the same low bytes. */
    assert_false(proxies_contains(&p, "::7f00:1"));

    assert_true(proxies_parse("0.0.0.0/0", &p, err, sizeof err));
    assert_true(proxies_contains(&p, "203.0.113.9"));
    assert_false(proxies_contains(&p, "2001:db8::1"));
    assert_true(proxies_parse("::/0", &p, err, sizeof err));
    assert_true(proxies_contains(&p, "2001:db8::1"));
    assert_true(proxies_contains(&p, "203.0.113.9"));
    assert_true(proxies_parse("fe80::/10", &p, err, sizeof err));
    assert_true(proxies_contains(&p, "febf::1"));
    assert_false(proxies_contains(&p, "fec0::1"));
}

static void forwarded_for_chain(void **state)
{
    (void)state;
    struct proxies p;
    char err[128], out[64];
    assert_true(proxies_parse("127.0.0.1, 10.0.0.0/8", &p, err, sizeof err));
    assert_true(proxy_forwarded_client(&p, "203.0.113.5", out, sizeof out));
    assert_string_equal(out, "203.0.113.5");
    /* A client that sends its own header cannot choose: the right-most untrusted wins. */
    assert_true(proxy_forwarded_client(&p, "1.1.1.1, 203.0.113.5", out, sizeof out));
    assert_string_equal(out, "203.0.113.5");
    assert_true(proxy_forwarded_client(&p, "1.1.1.1, 203.0.113.5, 10.0.0.2", out, sizeof out));
    assert_string_equal(out, "203.0.113.5");
    assert_true(proxy_forwarded_client(&p, "203.0.113.5,10.9.9.9,127.0.0.1", out, sizeof out));
    assert_string_equal(out, "203.0.113.5");
    /* All trusted: the left-most. */
    assert_true(proxy_forwarded_client(&p, "10.0.0.7, 127.0.0.1", out, sizeof out));
    assert_string_equal(out, "10.0.0.7");
    /* Ports and brackets as some proxies write them; canonical form out. */
    assert_true(proxy_forwarded_client(&p, "198.51.100.1:4711", out, sizeof out));
    assert_string_equal(out, "198.51.100.1");
    assert_true(proxy_forwarded_client(&p, "[2001:DB8::0:1]:443", out, sizeof out));
    assert_string_equal(out, "2001:db8::1");
    assert_true(proxy_forwarded_client(&p, "::ffff:198.51.100.2", out, sizeof out));
    assert_string_equal(out, "198.51.100.2");
    assert_true(proxy_forwarded_client(&p, " 198.51.100.3 ,, ", out, sizeof out));
    assert_string_equal(out, "198.51.100.3");
    /* Garbage where the address should be: nothing believed. */
    assert_false(proxy_forwarded_client(&p, "1.1.1.1, nonsense", out, sizeof out));
    assert_false(proxy_forwarded_client(&p, "", out, sizeof out));
    assert_false(proxy_forwarded_client(&p, " , ", out, sizeof out));
    assert_false(proxy_forwarded_client(&p, NULL, out, sizeof out));
    char long_entry[200];
    memset(long_entry, '1', sizeof long_entry - 1);
    long_entry[sizeof long_entry - 1] = '\0';
    assert_false(proxy_forwarded_client(&p, long_entry, out, sizeof out));
}

static void request_headers(struct request *req, const char *xff, const char *proto)
{
    request_init(req);
    if (xff)
        fields_add(&req->arena, &req->headers, "X-Forwarded-For", xff, strlen(xff));
    if (proto)
        fields_add(&req->arena, &req->headers, "x-forwarded-proto", proto, strlen(proto));
}

static void applied_to_a_request(void **state)
{
    (void)state;
    struct proxies p, none;
    char err[128];
    assert_true(proxies_parse("127.0.0.1", &p, err, sizeof err));
    assert_true(proxies_parse("", &none, err, sizeof err));
    struct request req;

    request_headers(&req, "203.0.113.5", "https");
    proxy_apply(&req, &p, "127.0.0.1", false);
    assert_string_equal(req.client_addr, "203.0.113.5");
    assert_true(req.https);
    request_free(&req);

    /* From a peer that is not trusted, the headers change nothing. */
    request_headers(&req, "203.0.113.5", "https");
    proxy_apply(&req, &p, "127.0.0.2", false);
    assert_string_equal(req.client_addr, "127.0.0.2");
    assert_false(req.https);
    request_free(&req);
    request_headers(&req, "203.0.113.5", "https");
    proxy_apply(&req, &none, "127.0.0.1", false);
    assert_string_equal(req.client_addr, "127.0.0.1");
    assert_false(req.https);
    request_free(&req);

    /* Several header lines make one list; the last line is the nearest proxy's. */
    request_headers(&req, "1.1.1.1", "http, https");
    fields_add(&req.arena, &req.headers, "X-Forwarded-For", "198.51.100.7", 12);
    proxy_apply(&req, &p, "::ffff:127.0.0.1", false);
    assert_string_equal(req.client_addr, "198.51.100.7");
    assert_true(req.https);
    request_free(&req);

    /* The proxy says http: a TLS connection of our own still counts; garbage XFF: the peer. */
    request_headers(&req, "nonsense", "http");
    proxy_apply(&req, &p, "127.0.0.1", true);
    assert_string_equal(req.client_addr, "127.0.0.1");
    assert_true(req.https);
    request_free(&req);
    request_headers(&req, NULL, "HTTPS ");
    proxy_apply(&req, &p, "127.0.0.1", false);
    assert_true(req.https);
    request_free(&req);
    request_headers(&req, NULL, "httpsx");
    proxy_apply(&req, &p, "127.0.0.1", false);
    assert_false(req.https);
    request_free(&req);

    /* A peer that is not an address (a unix socket) is kept as it is. */
    request_headers(&req, "203.0.113.5", NULL);
    proxy_apply(&req, &p, NULL, false);
    assert_string_equal(req.client_addr, "unknown");
    request_free(&req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cidr_parsing),
        cmocka_unit_test(cidr_matching),
        cmocka_unit_test(forwarded_for_chain),
        cmocka_unit_test(applied_to_a_request),
    };
    return cmocka_run_group_tests_name("trusted proxies", tests, NULL, NULL);
}
