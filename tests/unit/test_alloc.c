/* Unit tests for the allocation helpers: jansson routed through the aborting allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>

#include "util/alloc.h"

static void jansson_uses_xmalloc(void **state)
{
    (void)state;
    json_malloc_t m = NULL;
    json_free_t f = NULL;
    json_get_alloc_funcs(&m, &f);
    assert_ptr_equal(m, malloc);
    alloc_init();
    json_get_alloc_funcs(&m, &f);
    assert_ptr_not_equal(m, malloc);
    assert_ptr_not_equal(f, free);
    json_t *v = json_pack("{s:s, s:[i]}", "a", "b", "c", 1);
    assert_non_null(v);
    json_decref(v);
}

static void zero_sizes_give_memory(void **state)
{
    (void)state;
    void *p = xmalloc(0);
    assert_non_null(p);
    p = xrealloc(p, 0);
    assert_non_null(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jansson_uses_xmalloc),
        cmocka_unit_test(zero_sizes_give_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
