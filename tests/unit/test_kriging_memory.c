/* Kriging that runs out of memory fails with an error; it does not hand back
 * a cell without a prediction. The address space is capped just above what
 * the process already uses, as `ulimit -v` or a batch scheduler's memory
 * limit would, so that a factor of some MB cannot be had. */
#include "core/error.h"
#include "geostat/kdtree.h"
#include "geostat/kriging.h"
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifdef SM_SANITIZE
/* ASan's allocator returns NULL where malloc would, instead of aborting. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1"; }
#endif

enum { N = 4000 };
static double xs[N], ys[N], zs[N];
static struct rlimit saved;

static sm_vgm model(void)
{
    sm_vgm m = {.n = 2};
    m.part[0] = (sm_vgm_part){SM_VGM_NUG, 0.1, 0, 0, 0, 1};
    m.part[1] = (sm_vgm_part){SM_VGM_SPH, 1.0, 400, 0.5, 0, 1};
    return m;
}

/* Allows `headroom` bytes of address space beyond what is mapped now. */
static void cap_address_space(long headroom)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0;
    assert_non_null(f);
    assert_int_equal(fscanf(f, "%ld", &pages), 1);
    fclose(f);
    assert_int_equal(getrlimit(RLIMIT_AS, &saved), 0);
    struct rlimit cap = {(rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (rlim_t)headroom,
                         saved.rlim_max};
    assert_int_equal(setrlimit(RLIMIT_AS, &cap), 0);
}

static void uncap_address_space(void) { assert_int_equal(setrlimit(RLIMIT_AS, &saved), 0); }

static void assert_out_of_memory(void)
{
    assert_int_equal(sm_error_status(), SM_EINTERNAL);
    if (!strstr(sm_error_message(), "kriging: out of memory"))
        fail_msg("'%s' does not say kriging ran out of memory", sm_error_message());
}

/* Only a radius bounds the neighbourhood: every sample may be a neighbour,
 * so a thread's factor is N x N, twice (256 MB): with 32 MB to spare the
 * scratch cannot be made, and says so. */
static void test_scratch_out_of_memory(void **state)
{
    (void)state;
    sm_kdtree tree;
    sm_kriging k;
    sm_vgm m = model();
    assert_int_equal(sm_kdtree_build(&tree, N, xs, ys), 0);
    assert_int_equal(sm_kriging_init(&k, &m, N, xs, ys, zs, &tree, 0, 1, 50.0), SM_OK);
    sm_error_clear();
    cap_address_space(32L << 20);
    sm_kriging_scratch *s = sm_kriging_scratch_new(&k);
    uncap_address_space();
    sm_kriging_scratch_free(s); /* before a failed assertion leaves */
    assert_null(s);
    assert_out_of_memory();
    if (!strstr(sm_error_message(), "neighbours.max"))
        fail_msg("'%s' does not say what to change", sm_error_message());
    sm_kriging_free(&k);
    sm_kdtree_free(&tree);
}

/* Leave-one-out in the global neighbourhood factors each sample's own
 * system, which grows the scratch at the first cell: without the memory
 * that cell is an error (-1), not "no prediction" (1); with it back, the
 * same scratch predicts what a fresh one does. */
static void test_predict_out_of_memory(void **state)
{
    (void)state;
    enum { n = 1000 };
    sm_kdtree tree;
    sm_kriging k;
    sm_vgm m = model();
    assert_int_equal(sm_kdtree_build(&tree, n, xs, ys), 0);
    assert_int_equal(sm_kriging_init(&k, &m, n, xs, ys, zs, &tree, 0, 1, HUGE_VAL), SM_OK);
    assert_non_null(k.L); /* global */
    sm_kriging_scratch *s = sm_kriging_scratch_new(&k), *fresh = sm_kriging_scratch_new(&k);
    assert_non_null(s);
    assert_non_null(fresh);
    sm_kriging_result r, want;
    sm_error_clear();
    cap_address_space(4L << 20); /* the factor needs 2 x 8 MB */
    int rc = sm_kriging_predict(&k, s, xs[0], ys[0], 0, &r);
    uncap_address_space();
    assert_int_equal(rc, -1);
    assert_out_of_memory();
    assert_int_equal(sm_kriging_predict(&k, s, xs[0], ys[0], 0, &r), 0);
    assert_int_equal(sm_kriging_predict(&k, fresh, xs[0], ys[0], 0, &want), 0);
    assert_true(r.pred == want.pred && r.var == want.var && r.neighbours == n - 1);
    sm_kriging_scratch_free(s);
    sm_kriging_scratch_free(fresh);
    sm_kriging_free(&k);
    sm_kdtree_free(&tree);
}

/* A caller that did not check sm_kriging_scratch_new gets an error, not a
 * crash or a missing value. */
static void test_no_scratch(void **state)
{
    (void)state;
    sm_kdtree tree;
    sm_kriging k;
    sm_vgm m = model();
    assert_int_equal(sm_kdtree_build(&tree, 50, xs, ys), 0);
    assert_int_equal(sm_kriging_init(&k, &m, 50, xs, ys, zs, &tree, 8, 1, HUGE_VAL), SM_OK);
    sm_kriging_result r;
    sm_kriging_scratch_reset(NULL);
    sm_error_clear();
    assert_int_equal(sm_kriging_predict(&k, NULL, xs[0], ys[0], -1, &r), -1);
    assert_int_equal(sm_error_status(), SM_EINTERNAL);
    sm_kriging_free(&k);
    sm_kdtree_free(&tree);
}

static int setup(void **state)
{
    (void)state;
    unsigned r = 7;
    for (int i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        xs[i] = (r >> 8) % 100000 / 100.0;
        r = r * 1103515245u + 12345u;
        ys[i] = (r >> 8) % 100000 / 100.0;
        zs[i] = sin(xs[i] / 200) + cos(ys[i] / 150) + ((r >> 20) % 100) / 200.0;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scratch_out_of_memory),
        cmocka_unit_test(test_predict_out_of_memory),
        cmocka_unit_test(test_no_scratch),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
