/* The request arena (util/alloc.c): jansson's memory while a request is answered comes from
 * the thread's slot, is reused by the next request, is poisoned under ASan when the request
 * ends, and values a cache keeps are made outside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static int setup(void **state)
{
    (void)state;
    alloc_init();
    return 0;
}

static void outside_a_request_jansson_uses_malloc(void **state)
{
    (void)state;
    json_t *v = json_pack("{s:s}", "a", "b");
    assert_false(alloc_in_request_arena(v));
    json_decref(v); /* a leak here would fail the test under LeakSanitizer */
}

static void a_request_takes_from_the_arena_and_the_next_reuses_it(void **state)
{
    (void)state;
    alloc_request_begin();
    json_t *first = json_object();
    assert_true(alloc_in_request_arena(first));
    json_object_set_new(first, "name", json_string("Buurtfeest"));
    json_t *row = json_pack("{s:i, s:s}", "id", 7, "title", "Bankje");
    assert_true(alloc_in_request_arena(row));
    json_object_set_new(first, "row", row);
    assert_string_equal(json_string_value(json_object_get(row, "title")), "Bankje");
    json_decref(first); /* giving back is a no-op, and no crash */
    alloc_request_end();

    alloc_request_begin();
    json_t *again = json_object();
    assert_ptr_equal(again, first); /* the slot starts over at its beginning */
    json_decref(again);
    alloc_request_end();
}

/* A request handled inside another ends nothing: only the outermost end resets the arena. */
static void an_inner_pair_leaves_the_outer_request_alone(void **state)
{
    (void)state;
    alloc_request_begin();
    json_t *first = json_object();
    json_t *outer = json_string("buiten");
    alloc_request_begin();
    json_t *inner = json_string("binnen");
    alloc_request_end();
    json_t *after = json_string("daarna");
    assert_true(alloc_in_request_arena(after));
    assert_ptr_not_equal(after, outer);
    assert_ptr_not_equal(after, inner);
    assert_string_equal(json_string_value(outer), "buiten");
#if defined(__SANITIZE_ADDRESS__)
    assert_int_equal(__asan_address_is_poisoned(outer), 0);
#endif
    alloc_request_end();
    alloc_request_end(); /* one end too many changes nothing */
    alloc_request_begin();
    assert_ptr_equal(json_object(), first); /* the next request starts over */
    alloc_request_end();
}

static void a_value_kept_past_its_request_is_poisoned(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    alloc_request_begin();
    json_t *v = json_string("kept too long");
    assert_int_equal(__asan_address_is_poisoned(v), 0);
    alloc_request_end();
    assert_int_not_equal(__asan_address_is_poisoned(v), 0);
    /* Between two allocations there is a poisoned gap: an overrun is caught too. */
    alloc_request_begin();
    char *a = json_dumps(json_integer(1), JSON_ENCODE_ANY);
    assert_int_not_equal(__asan_address_is_poisoned(a + strlen(a) + 1), 0);
    alloc_request_end();
#else
    skip();
#endif
}

static void using_a_value_after_its_request_is_reported(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    alloc_request_begin();
    json_t *v = json_string("kept too long");
    alloc_request_end();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* AddressSanitizer ends the child on the read of poisoned memory (jansson itself is
         * not instrumented: the read is ours, as when a template writes a value out). */
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 2);
        volatile size_t refs = v->refcount;
        _exit(refs ? 0 : 2);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
#else
    skip();
#endif
}

static void a_value_made_outside_the_arena_survives_the_request(void **state)
{
    (void)state;
    json_t *before = json_string("from before the request");
    alloc_request_begin();
    json_t *row = json_object();
    json_object_set(row, "kept", before); /* a cached value in a page: refcounts only */
    bool was = alloc_heap_begin();
    assert_true(was);
    json_t *cached = json_pack("{s:s}", "site_naam", "Buurt Samen");
    alloc_heap_end(was);
    assert_false(alloc_in_request_arena(cached));
    json_t *after = json_object();
    assert_true(alloc_in_request_arena(after));
    json_decref(row);
    alloc_request_end();
    assert_string_equal(json_string_value(before), "from before the request");
    assert_string_equal(json_string_value(json_object_get(cached, "site_naam")), "Buurt Samen");
    /* Freed while another request runs: given to free(), which LeakSanitizer checks. */
    alloc_request_begin();
    json_decref(cached);
    json_decref(before);
    alloc_request_end();
}

static void what_does_not_fit_comes_from_malloc(void **state)
{
    (void)state;
    size_t big = (size_t)20 << 20; /* more than a slot */
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, 'a', big);
    text[big] = '\0';
    alloc_request_begin();
    json_t *small = json_object();
    json_t *large = json_stringn(text, big);
    assert_non_null(large);
    assert_true(alloc_in_request_arena(small));
    assert_false(alloc_in_request_arena(json_string_value(large)));
    json_decref(large); /* freed for real */
    json_t *next = json_object();
    assert_true(alloc_in_request_arena(next));
    alloc_request_end();
    free(text);
}

/* Pages of the slot that are in memory, of `pages` from `start`. */
static size_t resident(const char *start, size_t pages)
{
    unsigned char *in = calloc(pages, 1);
    assert_non_null(in);
    assert_int_equal(mincore((void *)start, pages * 4096, in), 0);
    size_t n = 0;
    for (size_t i = 0; i < pages; i++)
        n += in[i] & 1;
    free(in);
    return n;
}

/* A request that needed much leaves only the slot's first MiB in memory. */
static void a_large_request_gives_its_pages_back(void **state)
{
    (void)state;
    assert_int_equal(sysconf(_SC_PAGESIZE), 4096);
    alloc_request_begin();
    json_t *first = json_object();
    char *base = (char *)first;
    json_t *rows = json_array();
    for (int i = 0; i < 15000; i++) /* some MiB of small values */
        json_array_append_new(rows, json_pack("{s:i, s:s}", "id", i, "title", "Een bankje"));
    size_t pages = (size_t)(8 << 20) / 4096;
    assert_true(alloc_in_request_arena(json_array_get(rows, 14999)));
    assert_true(resident(base, pages) > (size_t)(2 << 20) / 4096);
    json_decref(rows);
    alloc_request_end();
    assert_true(resident(base, pages) <= (size_t)(1 << 20) / 4096);
}

static void *one_request(void *arg)
{
    json_t **out = arg;
    alloc_request_begin();
    *out = json_object();
    json_t *again = *out;
    alloc_request_end();
    return again;
}

static void threads_have_their_own_slots(void **state)
{
    (void)state;
    alloc_request_begin();
    json_t *here = json_object();
    json_t *there = NULL;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, one_request, &there), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_true(alloc_in_request_arena(here));
    assert_true(alloc_in_request_arena(there)); /* seen as arena memory from any thread */
    assert_ptr_not_equal(here, there);
    alloc_request_end();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outside_a_request_jansson_uses_malloc),
        cmocka_unit_test(a_request_takes_from_the_arena_and_the_next_reuses_it),
        cmocka_unit_test(an_inner_pair_leaves_the_outer_request_alone),
        cmocka_unit_test(a_value_kept_past_its_request_is_poisoned),
        cmocka_unit_test(using_a_value_after_its_request_is_reported),
        cmocka_unit_test(a_value_made_outside_the_arena_survives_the_request),
        cmocka_unit_test(what_does_not_fit_comes_from_malloc),
        cmocka_unit_test(a_large_request_gives_its_pages_back),
        cmocka_unit_test(threads_have_their_own_slots),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
