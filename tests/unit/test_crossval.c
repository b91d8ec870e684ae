/* Cross-validation: seeded k-fold, and k-fold with one sample per fold is
 * leave-one-out; the original-scale figures of a log-scale one. */
#include "geostat/crossval.h"
#include "interpolate/crossval_original.h"
#include "testutil.h"

#include <math.h>
#include <string.h>

enum { N = 120 };
static double xs[N], ys[N], zs[N];

static sm_cv_setup setup_for(int kriging, int folds, unsigned seed)
{
    sm_vgm m = {.n = 2};
    m.part[0] = (sm_vgm_part){SM_VGM_NUG, 0.1, 0, 0, 0, 1};
    m.part[1] = (sm_vgm_part){SM_VGM_SPH, 1.0, 400, 0.5, 0, 1};
    sm_cv_setup s = {N, xs, ys, zs, kriging, m, 2, 0, 16, 1, HUGE_VAL, folds, seed};
    return s;
}

static void test_folds_seeded_and_balanced(void **state)
{
    (void)state;
    sm_cv a, b, c;
    sm_cv_setup s = setup_for(0, 7, 42);
    assert_int_equal(sm_crossval(&s, &a), 0);
    assert_int_equal(sm_crossval(&s, &b), 0);
    s.seed = 43;
    assert_int_equal(sm_crossval(&s, &c), 0);
    int count[8] = {0}, differ = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(a.fold[i], b.fold[i]); /* same seed, same folds */
        assert_true(a.fold[i] >= 1 && a.fold[i] <= 7);
        count[a.fold[i]]++;
        differ += a.fold[i] != c.fold[i];
        assert_true(a.pred[i] == b.pred[i]);
    }
    for (int f = 1; f <= 7; f++) /* 120 = 7 * 17 + 1 */
        assert_in_range(count[f], 17, 18);
    assert_true(differ > N / 2); /* another seed, other folds */
    sm_cv_free(&a), sm_cv_free(&b), sm_cv_free(&c);
}

static void test_n_folds_equal_leave_one_out(void **state)
{
    (void)state;
    for (int kriging = 0; kriging <= 1; kriging++) {
        sm_cv loo, nf;
        sm_cv_setup s = setup_for(kriging, 1, 1);
        assert_int_equal(sm_crossval(&s, &loo), 0);
        s.folds = N;
        assert_int_equal(sm_crossval(&s, &nf), 0);
        for (int i = 0; i < N; i++) {
            assert_true(fabs(loo.pred[i] - nf.pred[i]) < 1e-10);
            if (kriging)
                assert_true(fabs(loo.var[i] - nf.var[i]) < 1e-10);
        }
        assert_true(fabs(loo.rmse - nf.rmse) < 1e-10);
        assert_int_equal(loo.used, N);
        sm_cv_free(&loo), sm_cv_free(&nf);
    }
}

static void test_summary_figures(void **state)
{
    (void)state;
    sm_cv cv;
    sm_cv_setup s = setup_for(1, 1, 1);
    assert_int_equal(sm_crossval(&s, &cv), 0);
    double se = 0, ss = 0, sa = 0, mean = 0, tot = 0, z2 = 0;
    for (int i = 0; i < N; i++)
        mean += zs[i] / N;
    for (int i = 0; i < N; i++) {
        double r = zs[i] - cv.pred[i];
        se += r, ss += r * r, sa += fabs(r), tot += (zs[i] - mean) * (zs[i] - mean);
        z2 += r * r / cv.var[i];
    }
    assert_true(fabs(cv.mean_error - se / N) < 1e-12);
    assert_true(fabs(cv.rmse - sqrt(ss / N)) < 1e-12);
    assert_true(fabs(cv.mae - sa / N) < 1e-12);
    assert_true(fabs(cv.msdr - z2 / N) < 1e-12);
    assert_true(fabs(cv.r2 - (1 - ss / tot)) < 1e-12);
    sm_cv_free(&cv);
}

static int setup(void **state)
{
    (void)state;
    unsigned r = 3;
    for (int i = 0; i < N; i++) {
        r = r * 1103515245u + 12345u;
        xs[i] = (r >> 8) % 1000;
        ys[i] = (r >> 3) % 997;
        zs[i] = sin(xs[i] / 200) + cos(ys[i] / 150) + ((r >> 20) % 100) / 200.0;
    }
    return 0;
}

/* Back-transformed by hand: observed e^0, e^1, e^2; predictions ln 2,
 * ln 2, ln 8 with variance 2 ln 2 (so exp(pred + var / 2) doubles exp(pred))
 * and one sample without a prediction. */
static void test_original_scale(void **state)
{
    (void)state;
    const double obs[] = {0, 1, 2, 5}, pred[] = {log(2), log(2), log(8), NAN},
                 var[] = {2 * log(2), 2 * log(2), 2 * log(2), 1};
    sm_cv cv;
    sm_cv_original(obs, pred, NULL, 4, SM_BACK_EXP, &cv);
    double r[] = {1 - 2, exp(1) - 2, exp(2) - 8}, me = (r[0] + r[1] + r[2]) / 3;
    assert_int_equal(cv.used, 3);
    assert_true(fabs(cv.mean_error - me) < 1e-12);
    assert_true(fabs(cv.mae - (fabs(r[0]) + fabs(r[1]) + fabs(r[2])) / 3) < 1e-12);
    assert_true(fabs(cv.rmse - sqrt((r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) / 3)) < 1e-12);
    assert_true(isnan(cv.msdr));
    double mean = (1 + exp(1) + exp(2)) / 3, sst = 0;
    for (int i = 0; i < 3; i++)
        sst += pow(exp(i) - mean, 2);
    assert_true(fabs(cv.r2 - (1 - (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]) / sst)) < 1e-12);
    /* unbiased: the variance term doubles every prediction */
    sm_cv_original(obs, pred, var, 4, SM_BACK_UNBIASED, &cv);
    assert_true(fabs(cv.mean_error - ((1 - 4) + (exp(1) - 4) + (exp(2) - 16)) / 3) < 1e-12);
    /* nothing predicted: no figures */
    sm_cv_original(obs + 3, pred + 3, NULL, 1, SM_BACK_EXP, &cv);
    assert_int_equal(cv.used, 0);
    assert_true(isnan(cv.rmse) && isnan(cv.r2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folds_seeded_and_balanced),
        cmocka_unit_test(test_n_folds_equal_leave_one_out),
        cmocka_unit_test(test_summary_figures),
        cmocka_unit_test(test_original_scale),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
