/* The probability of exceeding a guideline value that classify's probability
 * rasters and screen's sites share: NaN in, NaN out; no variance, a step;
 * else the normal tail, checked against GSL and tabulated values. */
#include "guideline/exceedance.h"
#include "testutil.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("%.17g, want %.17g (within %g)", got, want, tol);
}

static void test_nan_is_no_probability(void **state)
{
    (void)state;
    /* a cell without a prediction is unknown, not "certainly below" */
    assert_true(isnan(sm_exceedance_probability(NAN, 1.0, 0.0)));
    assert_true(isnan(sm_exceedance_probability(NAN, 0.0, 0.0)));
    assert_true(isnan(sm_exceedance_probability(NAN, NAN, 0.0)));
    /* a mean without its variance is no probability either */
    assert_true(isnan(sm_exceedance_probability(5.0, NAN, 0.0)));
    assert_true(isnan(sm_exceedance_probability(-5.0, NAN, 0.0)));
    assert_true(isnan(sm_exceedance_probability(1.0, 1.0, NAN)));
    assert_true(isnan(sm_exceedance_probability(1.0, 0.0, NAN)));
}

static void test_zero_variance_is_a_step(void **state)
{
    (void)state;
    assert_true(sm_exceedance_probability(3.0, 0.0, 2.0) == 1.0);
    assert_true(sm_exceedance_probability(1.0, 0.0, 2.0) == 0.0);
    /* strictly above, as a class is: a value equal to the tier is not above */
    assert_true(sm_exceedance_probability(2.0, 0.0, 2.0) == 0.0);
    /* a variance below 0 can only be round-off: the same step */
    assert_true(sm_exceedance_probability(3.0, -1e-12, 2.0) == 1.0);
    assert_true(sm_exceedance_probability(1.0, -1e-12, 2.0) == 0.0);
    /* the log of a guideline of 0 mg/kg: everything exceeds it */
    assert_true(sm_exceedance_probability(-50.0, 0.0, -HUGE_VAL) == 1.0);
    assert_true(sm_exceedance_probability(-50.0, 2.0, -HUGE_VAL) == 1.0);
}

static void test_symmetric(void **state)
{
    (void)state;
    double means[] = {0.0, 4.6, -3.2, 1e3}, vars[] = {1e-6, 0.3, 1.0, 25.0};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double m = means[i], v = vars[j];
            assert_true(sm_exceedance_probability(m, v, m) == 0.5);
            for (double d = 0.1; d < 5; d *= 2) {
                double up = sm_exceedance_probability(m, v, m + d * sqrt(v));
                double down = sm_exceedance_probability(m, v, m - d * sqrt(v));
                assert_true(up > 0 && up < 0.5 && down > 0.5 && down < 1);
                assert_near(up + down, 1.0, 1e-12);
            }
        }
}

/* Against GSL's upper normal tail and tabulated values, not erfc. */
static void test_independent_values(void **state)
{
    (void)state;
    /* P(Z > 1) and P(Z > 1.959963984540054) for Z standard normal */
    assert_near(sm_exceedance_probability(0.0, 1.0, 1.0), 0.15865525393145707, 1e-15);
    assert_near(sm_exceedance_probability(0.0, 1.0, 1.959963984540054), 0.025, 1e-15);
    /* the same tail, mean 10 and standard deviation 2 */
    assert_near(sm_exceedance_probability(10.0, 4.0, 12.0), 0.15865525393145707, 1e-15);
    /* a log-scale prediction of 100 mg/kg (variance 0.25) against 200 mg/kg */
    double p = sm_exceedance_probability(log(100.0), 0.25, log(200.0));
    assert_near(p, gsl_cdf_gaussian_Q(log(2.0), 0.5), 1e-14);
    for (double t = -6; t <= 6; t += 0.25) {
        double want = gsl_cdf_gaussian_Q(t - 1.5, sqrt(2.25));
        double got = sm_exceedance_probability(1.5, 2.25, t);
        if (fabs(got - want) > 1e-14 + 1e-12 * want)
            fail_msg("t = %g: %.17g, GSL %.17g", t, got, want);
    }
    /* far tails stay in [0, 1] */
    assert_true(sm_exceedance_probability(0.0, 1.0, 40.0) >= 0.0);
    assert_true(sm_exceedance_probability(0.0, 1.0, -40.0) <= 1.0);
    assert_true(sm_exceedance_probability(0.0, HUGE_VAL, 3.0) == 0.5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nan_is_no_probability),
        cmocka_unit_test(test_zero_variance_is_a_step),
        cmocka_unit_test(test_symmetric),
        cmocka_unit_test(test_independent_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
