/* The normal-score transform against its definition (GSLIB's nscore and
 * backtr): scores from the middle of each value's cumulative weight, exact
 * round trips at the data, linear interpolation between them, and the
 * tails' formulas beyond. */
#include "core/error.h"
#include "geostat/nscore.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

static const sm_tail linear = {SM_TAIL_LINEAR, 0};

/* Standard normal quantiles, from Python's statistics.NormalDist (not from
 * the GSL the code under test uses). */
enum { Q0125, Q0375, Q03, Q07, Q09, NQ };
static const double quantile[NQ] = {-1.1503493803760079, -0.31863936396437514, -0.5244005127080407,
                                    0.5244005127080407, 1.2815515655446008};

static void test_scores_equal_weights(void **state)
{
    (void)state;
    const double z[] = {7, 1, 5, 3}; /* any order */
    sm_nscore t;
    assert_int_equal(sm_nscore_fit(&t, 4, z, NULL, 0, 10, linear, linear), SM_OK);
    assert_int_equal(t.n, 4);
    assert_true(t.z[0] == 1 && t.z[3] == 7);
    assert_true(fabs(t.y[0] - quantile[Q0125]) < 1e-12);
    assert_true(fabs(t.y[1] - quantile[Q0375]) < 1e-12);
    assert_true(fabs(t.y[2] + quantile[Q0375]) < 1e-12);
    assert_true(fabs(t.y[3] + quantile[Q0125]) < 1e-12);
    sm_nscore_free(&t);
}

/* Ties are one score at the middle of their weight: {1,1,1,2,3} gives 1 the
 * frequency 0.3, 2 0.7, 3 0.9. Weights count the same way. */
static void test_ties_and_weights(void **state)
{
    (void)state;
    const double z[] = {1, 2, 1, 3, 1};
    sm_nscore t;
    assert_int_equal(sm_nscore_fit(&t, 5, z, NULL, 0, 10, linear, linear), SM_OK);
    assert_int_equal(t.n, 3);
    assert_true(fabs(t.y[0] - quantile[Q03]) < 1e-12);
    assert_true(fabs(t.y[1] - quantile[Q07]) < 1e-12);
    assert_true(fabs(t.y[2] - quantile[Q09]) < 1e-12);
    sm_nscore_free(&t);
    /* weights 3 and 1: frequencies 0.375 and 0.875; a zero weight is no datum */
    const double zw[] = {2, 1, 9}, w[] = {1, 3, 0};
    assert_int_equal(sm_nscore_fit(&t, 3, zw, w, 0, 10, linear, linear), SM_OK);
    assert_int_equal(t.n, 2);
    assert_true(fabs(t.cp[0] - 0.375) < 1e-15 && fabs(t.cp[1] - 0.875) < 1e-15);
    assert_true(fabs(t.y[0] - quantile[Q0375]) < 1e-12);
    sm_nscore_free(&t);
}

/* Back and forth: a datum comes back exactly; between data the transform
 * is linear in the scores both ways; the back-transform never decreases
 * and stays within [zmin, zmax]. */
static void test_round_trip_and_monotone(void **state)
{
    (void)state;
    double z[50];
    for (int i = 0; i < 50; i++)
        z[i] = exp(0.1 * ((i * 37) % 50)); /* skewed, as concentrations are */
    sm_nscore t;
    assert_int_equal(sm_nscore_fit(&t, 50, z, NULL, 0, 500, linear, linear), SM_OK);
    for (int i = 0; i < 50; i++)
        assert_true(fabs(sm_nscore_back(&t, sm_nscore_forward(&t, z[i])) - z[i]) < 1e-12 * z[i]);
    double mid = (t.z[10] + t.z[11]) / 2;
    assert_true(fabs(sm_nscore_back(&t, sm_nscore_forward(&t, mid)) - mid) < 1e-12 * mid);
    double prev = -1;
    for (double y = -8; y <= 8; y += 0.01) {
        double v = sm_nscore_back(&t, y);
        assert_true(v >= prev && v >= 0 && v <= 500);
        prev = v;
    }
    assert_true(sm_nscore_back(&t, -40) == 0 && sm_nscore_back(&t, 40) == 500);
    sm_nscore_free(&t);
}

/* The tails: linear and power in the cumulative probability down to zmin
 * and up to zmax, hyperbolic 1 - F = lambda / z^w above the largest datum. */
static void test_tails(void **state)
{
    (void)state;
    const double z[] = {2, 4, 6, 8};
    sm_nscore t;
    sm_tail power2 = {SM_TAIL_POWER, 2}, hyper = {SM_TAIL_HYPERBOLIC, 1.5};
    assert_int_equal(sm_nscore_fit(&t, 4, z, NULL, 0, 20, power2, linear), SM_OK);
    /* lower, power 2 (exponent 1/2): F = F0 / 4 is half way from zmin to z0 */
    double y = quantile[Q0125]; /* F0 = 0.125 */
    assert_true(fabs(sm_nscore_back(&t, y) - 2) < 1e-12);
    double quarter = -1.862731867421651; /* the quantile of 0.125 / 4 */
    assert_true(fabs(sm_nscore_back(&t, quarter) - 1) < 1e-9);
    /* upper, linear: F half way from 0.875 to 1 is half way from 8 to 20 */
    double half = 1.5341205443525459; /* the quantile of 0.9375 */
    assert_true(fabs(sm_nscore_back(&t, half) - 14) < 1e-9);
    sm_nscore_free(&t);
    assert_int_equal(sm_nscore_fit(&t, 4, z, NULL, 0, HUGE_VAL, linear, hyper), SM_OK);
    /* 1 - F eight times smaller than at the largest datum: z = 8 * 8^(1/1.5) */
    double eighth = 2.1538746940614555; /* the quantile of 1 - 0.125 / 8 */
    assert_true(fabs(sm_nscore_back(&t, eighth) - 8 * pow(8, 1 / 1.5)) < 1e-7);
    assert_true(isinf(sm_nscore_back(&t, 60)));
    sm_nscore_free(&t);
}

static void expect_error(int n, const double *z, const double *w, double zmin, double zmax,
                         sm_tail lower, sm_tail upper, const char *fragment)
{
    sm_nscore t;
    assert_int_equal(sm_nscore_fit(&t, n, z, w, zmin, zmax, lower, upper), SM_EDATA);
    if (!strstr(sm_error_message(), fragment))
        fail_msg("error '%s' lacks '%s'", sm_error_message(), fragment);
    assert_null(t.z);
}

static void test_bad_input(void **state)
{
    (void)state;
    const double z[] = {1, 2, 3}, same[] = {4, 4, 4}, nan_z[] = {1, NAN, 3}, neg[] = {1, -1, 1};
    sm_tail hyper = {SM_TAIL_HYPERBOLIC, 1.5}, hyper_low = {SM_TAIL_HYPERBOLIC, 0.5};
    expect_error(3, same, NULL, 0, 10, linear, linear, "1 distinct value; at least 2");
    expect_error(3, nan_z, NULL, 0, 10, linear, linear, "value 2 is not a number");
    expect_error(3, z, neg, 0, 10, linear, linear, "weight 2 is -1");
    expect_error(3, z, NULL, 1.5, 10, linear, linear, "zmin 1.5 is above the smallest value 1");
    expect_error(3, z, NULL, 0, 2.5, linear, linear, "zmax 2.5 is below the largest value 3");
    expect_error(3, z, NULL, 0, 10, hyper, linear, "for the upper tail only");
    expect_error(3, z, NULL, 0, HUGE_VAL, linear, hyper_low, "a parameter >= 1");
    expect_error(3, z, NULL, 0, HUGE_VAL, linear, linear, "zmax must be finite");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores_equal_weights),
        cmocka_unit_test(test_ties_and_weights),
        cmocka_unit_test(test_round_trip_and_monotone),
        cmocka_unit_test(test_tails),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
