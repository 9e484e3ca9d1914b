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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#if defined(ARENA_ASAN)
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
#if defined(ARENA_ASAN)
    /* Under ASan a request goes on where the last one ended, so that what the last one made
     * stays poisoned for a while (quarantine). */
    assert_ptr_not_equal(again, first);
    assert_int_not_equal(__asan_address_is_poisoned(first), 0);
#else
    /* The slot starts over at its beginning. */
    assert_ptr_equal(again, first);
#endif
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
#if defined(ARENA_ASAN)
    assert_int_equal(__asan_address_is_poisoned(outer), 0);
#endif
    alloc_request_end();
    alloc_request_end(); /* one end too many changes nothing */
    alloc_request_begin();
#if defined(ARENA_ASAN)
    assert_ptr_not_equal(json_object(), first); /* quarantine: see above */
#else
    assert_ptr_equal(json_object(), first); /* the next request starts over */
#endif
    alloc_request_end();
}

static void a_value_kept_past_its_request_is_poisoned(void **state)
{
    (void)state;
#if defined(ARENA_ASAN)
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

#if defined(ARENA_ASAN)
/* Reads *p in a forked child: whether AddressSanitizer ended the child for it. */
static bool reading_is_reported(const volatile char *p)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0)
            dup2(fd, 2);
        char c = *p;
        (void)c;
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
#endif

static void using_a_value_after_its_request_is_reported(void **state)
{
    (void)state;
#if defined(ARENA_ASAN)
    alloc_request_begin();
    json_t *v = json_string("kept too long");
    alloc_request_end();
    /* jansson itself is not instrumented: the read is ours, as when a template writes a value
     * out. */
    assert_true(reading_is_reported((const char *)&v->refcount));
#else
    skip();
#endif
}

/* A value of one request read while the next runs (and has taken memory) is reported. */
static void a_value_read_in_the_next_request_is_reported(void **state)
{
    (void)state;
#if defined(ARENA_ASAN)
    alloc_request_begin();
    json_t *v = json_string("eerste aanvraag");
    alloc_request_end();
    alloc_request_begin();
    json_t *w = json_string("tweede aanvraag");
    assert_int_equal(__asan_address_is_poisoned(w), 0);
    assert_int_not_equal(__asan_address_is_poisoned(v), 0);
    assert_true(reading_is_reported((const char *)v));
    alloc_request_end();
#else
    skip();
#endif
}

/* What jansson gave back inside a request is poisoned at once, its string too. */
static void a_value_used_after_its_decref_is_reported(void **state)
{
    (void)state;
#if defined(ARENA_ASAN)
    alloc_request_begin();
    json_t *row = json_pack("{s:s}", "naam", "Bankje bij de speeltuin");
    json_t *kept = json_object();
    const char *name = json_string_value(json_object_get(row, "naam"));
    assert_int_equal(__asan_address_is_poisoned(name), 0);
    json_decref(row);
    assert_int_not_equal(__asan_address_is_poisoned(name), 0);
    assert_int_not_equal(__asan_address_is_poisoned(name + 10), 0);
    assert_int_not_equal(__asan_address_is_poisoned(row), 0);
    assert_true(reading_is_reported(name));
    assert_int_equal(__asan_address_is_poisoned(kept), 0); /* its neighbour lives on */
    json_decref(kept);
    alloc_request_end();
#else
    skip();
#endif
}

/* A request that ends inside a heap section ends: after the section, jansson uses malloc. */
static void a_request_may_end_inside_a_heap_section(void **state)
{
    (void)state;
    alloc_request_begin();
    alloc_heap_begin();
    alloc_request_end();
    alloc_heap_end();
    json_t *v = json_object();
    assert_false(alloc_in_request_arena(v));
    json_decref(v);
    alloc_request_begin(); /* and the next request has its arena again */
    json_t *w = json_object();
    assert_true(alloc_in_request_arena(w));
    alloc_request_end();
}

/* A request that begins inside a heap section takes from the heap until the section ends. */
static void a_request_may_begin_inside_a_heap_section(void **state)
{
    (void)state;
    alloc_heap_begin();
    alloc_request_begin();
    json_t *cached = json_object();
    assert_false(alloc_in_request_arena(cached));
    alloc_heap_end();
    json_t *v = json_object();
    assert_true(alloc_in_request_arena(v));
    alloc_request_end();
    json_t *after = json_object();
    assert_false(alloc_in_request_arena(after));
    json_decref(after);
    json_decref(cached);
}

/* Heap sections nest: only the outermost end gives the request its arena back. */
static void heap_sections_nest(void **state)
{
    (void)state;
    alloc_request_begin();
    alloc_heap_begin();
    alloc_heap_begin();
    alloc_heap_end();
    json_t *cached = json_object();
    assert_false(alloc_in_request_arena(cached));
    alloc_heap_end();
    json_t *v = json_object();
    assert_true(alloc_in_request_arena(v));
    alloc_request_end();
    json_decref(cached);
}

/* Outside a request the end of a heap section leaves the arena off. */
static void a_heap_section_never_turns_the_arena_on_outside_a_request(void **state)
{
    (void)state;
    alloc_heap_begin();
    alloc_heap_end();
    json_t *v = json_object();
    assert_false(alloc_in_request_arena(v));
    json_decref(v);
    alloc_heap_end(); /* one end too many changes nothing */
    alloc_request_begin();
    json_t *w = json_object();
    assert_true(alloc_in_request_arena(w));
    alloc_heap_begin(); /* not held open by the ends too many */
    json_t *x = json_object();
    assert_false(alloc_in_request_arena(x));
    alloc_heap_end();
    json_decref(x);
    alloc_request_end();
}

static pthread_key_t late_key;
static bool late_in_arena = true;

/* Runs as the thread ends, after the arena gave its slot back (glibc runs destructors in
 * the order the keys were made, and the arena's key is older). */
static void late_request(void *p)
{
    (void)p;
    alloc_request_begin();
    json_t *v = json_object();
    late_in_arena = alloc_in_request_arena(v);
    alloc_request_end();
    json_decref(v);
}

static void *request_then_late_request(void *arg)
{
    (void)arg;
    alloc_request_begin();
    json_t *v = json_object();
    assert_true(alloc_in_request_arena(v));
    alloc_request_end();
    pthread_setspecific(late_key, &late_key);
    return NULL;
}

/* A thread's slot given back is no longer its own: a request made later on it uses malloc. */
static void a_slot_given_back_is_not_used_again(void **state)
{
    (void)state;
    assert_int_equal(pthread_key_create(&late_key, late_request), 0);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, request_then_late_request, NULL), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    assert_false(late_in_arena);
    pthread_key_delete(late_key);
}

static void a_value_made_outside_the_arena_survives_the_request(void **state)
{
    (void)state;
    json_t *before = json_string("from before the request");
    alloc_request_begin();
    json_t *row = json_object();
    json_object_set(row, "kept", before); /* a cached value in a page: refcounts only */
    alloc_heap_begin();
    json_t *cached = json_pack("{s:s}", "site_naam", "Buurt Samen");
    alloc_heap_end();
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
    char *base = (char *)((uintptr_t)first & ~(uintptr_t)4095); /* its page */
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
        cmocka_unit_test(a_value_read_in_the_next_request_is_reported),
        cmocka_unit_test(a_value_used_after_its_decref_is_reported),
        cmocka_unit_test(a_value_made_outside_the_arena_survives_the_request),
        cmocka_unit_test(a_request_may_end_inside_a_heap_section),
        cmocka_unit_test(a_request_may_begin_inside_a_heap_section),
        cmocka_unit_test(heap_sections_nest),
        cmocka_unit_test(a_heap_section_never_turns_the_arena_on_outside_a_request),
        cmocka_unit_test(a_slot_given_back_is_not_used_again),
        cmocka_unit_test(what_does_not_fit_comes_from_malloc),
        cmocka_unit_test(a_large_request_gives_its_pages_back),
        cmocka_unit_test(threads_have_their_own_slots),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
