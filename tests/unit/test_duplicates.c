/* Merging samples at one location. */
#include "ingest/duplicates.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static sm_sample *add(sm_sample_set *set, double x, double y, const char *id, double v0,
                      sm_value_flag f0, double v1)
{
    sm_sample *s = sm_samples_push(set);
    s->x = x, s->y = y;
    s->id = strdup(id);
    s->row = set->n;
    s->value[0] = v0, s->flag[0] = f0;
    if (f0 == SM_FLAG_CENSORED)
        s->limit[0] = 2 * v0;
    s->value[1] = v1, s->flag[1] = isnan(v1) ? SM_FLAG_MISSING : SM_FLAG_DETECTED;
    return s;
}

/* Five rows: A and B coincide, C is 0.5 mm from B (chains into the group with
 * a 1 mm tolerance), D stands alone, E is 2 mm from D (separate). */
static void make(sm_sample_set *set)
{
    memset(set, 0, sizeof *set);
    set->n_contaminants = 2;
    add(set, 100.0, 200.0, "A", 1.0, SM_FLAG_DETECTED, 10.0);
    add(set, 500.0, 500.0, "D", 7.0, SM_FLAG_DETECTED, 70.0);
    add(set, 100.0, 200.0, "B", 3.0, SM_FLAG_DETECTED, NAN);
    add(set, 100.0005, 200.0, "C", 0.25, SM_FLAG_CENSORED, 40.0);
    add(set, 500.002, 500.0, "E", 9.0, SM_FLAG_DETECTED, 90.0);
}

static void test_mean(void **state)
{
    (void)state;
    sm_sample_set set;
    make(&set);
    sm_merge_counts mc;
    sm_duplicates_merge(&set, 0.001, SM_DUP_MEAN, &mc);
    assert_int_equal(mc.groups, 1);
    assert_int_equal(mc.absorbed, 2);
    assert_int_equal(set.n, 3);
    const sm_sample *g = &set.items[0];
    assert_string_equal(g->id, "A");
    assert_string_equal(g->merged_ids, "A,B,C");
    assert_int_equal(g->n_merged, 3);
    assert_true(fabs(g->value[0] - (1.0 + 3.0 + 0.25) / 3) < 1e-12);
    assert_int_equal(g->flag[0], SM_FLAG_CENSORED); /* one of its values was */
    assert_true(fabs(g->limit[0] - 0.5) < 1e-12);
    assert_true(fabs(g->value[1] - (10.0 + 40.0) / 2) < 1e-12); /* B's is missing */
    assert_true(fabs(g->x - (100.0 + 100.0 + 100.0005) / 3) < 1e-9);
    assert_string_equal(set.items[1].id, "D");
    assert_null(set.items[1].merged_ids);
    assert_string_equal(set.items[2].id, "E");
    sm_samples_free(&set);
}

static void test_first_and_max(void **state)
{
    (void)state;
    sm_sample_set set;
    sm_merge_counts mc;
    make(&set);
    sm_duplicates_merge(&set, 0.001, SM_DUP_FIRST, &mc);
    assert_true(set.items[0].value[0] == 1.0 && set.items[0].value[1] == 10.0);
    assert_true(set.items[0].x == 100.0);
    sm_samples_free(&set);

    /* B's missing second value does not count; under "first", C fills a gap */
    make(&set);
    set.items[0].value[1] = NAN, set.items[0].flag[1] = SM_FLAG_MISSING;
    sm_duplicates_merge(&set, 0.001, SM_DUP_FIRST, &mc);
    assert_true(set.items[0].value[0] == 1.0 && set.items[0].value[1] == 40.0);
    sm_samples_free(&set);

    make(&set);
    sm_duplicates_merge(&set, 0.001, SM_DUP_MAX, &mc);
    assert_true(set.items[0].value[0] == 3.0 && set.items[0].value[1] == 40.0);
    assert_int_equal(set.items[0].flag[0], SM_FLAG_DETECTED); /* the max was detected */
    sm_samples_free(&set);
}

static void test_tolerance(void **state)
{
    (void)state;
    sm_sample_set set;
    sm_merge_counts mc;
    make(&set);
    sm_duplicates_merge(&set, 0.0025, SM_DUP_MEAN, &mc); /* now D and E merge too */
    assert_int_equal(mc.groups, 2);
    assert_int_equal(mc.absorbed, 3);
    assert_int_equal(set.n, 2);
    sm_samples_free(&set);
    make(&set);
    sm_duplicates_merge(&set, 0.0, SM_DUP_MEAN, &mc); /* only exact A = B */
    assert_int_equal(mc.absorbed, 1);
    assert_int_equal(set.n, 4);
    sm_samples_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_mean),
                                       cmocka_unit_test(test_first_and_max),
                                       cmocka_unit_test(test_tolerance)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
