/* Sequential Gaussian simulation against simple kriging: with every datum
 * and every simulated node in the neighbourhood, SGS draws exactly from the
 * conditional Gaussian distribution, so over N realizations each node's
 * mean and variance, and two nodes' covariance, must match simple kriging's
 * within their Monte-Carlo error (4 standard errors, from N). */
#include "core/error.h"
#include "geostat/kdtree.h"
#include "geostat/sgsim.h"
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { NC = 6, NR = 6, NREAL = 2000 };
static const double dx[] = {12, 33, 52}, dy[] = {47, 22, 8}, dz[] = {1.2, -0.8, 0.3};

static sm_vgm exp_model(void)
{
    sm_vgm m = {.n = 1};
    m.part[0] = (sm_vgm_part){.type = SM_VGM_EXP, .psill = 1, .range = 15, .anis_ratio = 1};
    return m;
}

static void node_xy(int node, double *x, double *y)
{
    *x = (node % NC + 0.5) * 10, *y = 60 - (node / NC + 0.5) * 10;
}

/* Simple kriging from the three data alone: C^-1 by Gauss-Jordan (3 x 3). */
static void sk(const sm_vgm *m, double xa, double ya, double xb, double yb, double *mean,
               double *cov)
{
    double A[3][7];
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            A[i][j] = sm_vgm_cov(m, dx[i] - dx[j], dy[i] - dy[j]);
        A[i][3] = sm_vgm_cov(m, xa - dx[i], ya - dy[i]); /* ca */
        A[i][4] = sm_vgm_cov(m, xb - dx[i], yb - dy[i]); /* cb */
        A[i][5] = dz[i];
    }
    for (int p = 0; p < 3; p++)
        for (int i = 0; i < 3; i++) {
            if (i == p)
                continue;
            double f = A[i][p] / A[p][p];
            for (int j = 0; j < 6; j++)
                A[i][j] -= f * A[p][j];
        }
    /* A[i][3] / A[i][i] = (C^-1 ca)_i, and so on */
    double ca_b = 0;
    *mean = 0;
    for (int i = 0; i < 3; i++) {
        double wa = A[i][3] / A[i][i];
        *mean += wa * dz[i];
        ca_b += wa * sm_vgm_cov(m, xb - dx[i], yb - dy[i]);
    }
    *cov = sm_vgm_cov(m, xa - xb, ya - yb) - ca_b;
}

/* The 6 x 6 grid of 10 m cells over the three data. */
static sm_sgs on_grid(const sm_kdtree *tree, int ndata, int nsim, double radius, uint64_t seed)
{
    return (sm_sgs){.n = 3,
                    .x = dx,
                    .y = dy,
                    .z = dz,
                    .tree = tree,
                    .model = exp_model(),
                    .ndata = ndata,
                    .nsim = nsim,
                    .radius = radius,
                    .ncols = NC,
                    .nrows = NR,
                    .xmin = 0,
                    .ymax = 60,
                    .res = 10,
                    .seed = seed};
}

static void test_matches_simple_kriging(void **state)
{
    (void)state;
    sm_kdtree tree;
    assert_int_equal(sm_kdtree_build(&tree, 3, dx, dy), 0);
    sm_sgs s = on_grid(&tree, 3, NC * NR, 1e9, 20261206);
    double sum[NC * NR] = {0}, sq[NC * NR] = {0}, cross = 0, out[NC * NR];
    const int a = 14, b = 15; /* neighbours in a row, near the first datum */
    for (int r = 0; r < NREAL; r++) {
        assert_int_equal(sm_sgs_realization(&s, r, out), SM_OK);
        for (int k = 0; k < NC * NR; k++)
            sum[k] += out[k], sq[k] += out[k] * out[k];
        cross += out[a] * out[b];
    }
    const int nodes[] = {0, a, b, 21, 35};
    for (int i = 0; i < 5; i++) {
        int k = nodes[i];
        double x, y, mean, var;
        node_xy(k, &x, &y);
        sk(&s.model, x, y, x, y, &mean, &var);
        double m = sum[k] / NREAL, v = (sq[k] - NREAL * m * m) / (NREAL - 1);
        print_message("node %2d: mean %.4f (SK %.4f), variance %.4f (SK %.4f)\n", k, m, mean, v,
                      var);
        assert_true(fabs(m - mean) <= 4 * sqrt(var / NREAL));
        assert_true(fabs(v - var) <= 4 * var * sqrt(2.0 / (NREAL - 1)));
    }
    double xa, ya, xb, yb, ma, mb, va, vb, cab, unused;
    node_xy(a, &xa, &ya), node_xy(b, &xb, &yb);
    sk(&s.model, xa, ya, xa, ya, &ma, &va), sk(&s.model, xb, yb, xb, yb, &mb, &vb);
    sk(&s.model, xa, ya, xb, yb, &unused, &cab);
    double c = (cross - NREAL * (sum[a] / NREAL) * (sum[b] / NREAL)) / (NREAL - 1);
    print_message("nodes %d, %d: covariance %.4f (SK %.4f)\n", a, b, c, cab);
    assert_true(fabs(c - cab) <= 4 * sqrt((va * vb + cab * cab) / NREAL));
    sm_kdtree_free(&tree);
}

/* A realization is a function of (seed, r) alone; others differ. */
static void test_reproducible(void **state)
{
    (void)state;
    sm_kdtree tree;
    assert_int_equal(sm_kdtree_build(&tree, 3, dx, dy), 0);
    sm_sgs s = on_grid(&tree, 2, 8, 40, 7);
    double one[NC * NR], two[NC * NR], other[NC * NR];
    assert_int_equal(sm_sgs_realization(&s, 5, one), SM_OK);
    assert_int_equal(sm_sgs_realization(&s, 6, other), SM_OK);
    assert_int_equal(sm_sgs_realization(&s, 5, two), SM_OK);
    assert_memory_equal(one, two, sizeof one);
    assert_memory_not_equal(one, other, sizeof one);
    s.ndata = 200, s.nsim = 100;
    assert_int_equal(sm_sgs_realization(&s, 5, two), SM_EDATA);
    assert_non_null(strstr(sm_error_message(), "200 data and 100 simulated neighbours"));
    sm_kdtree_free(&tree);
}

/* The generator's numbers are uniform: mean 1/2, variance 1/12. */
static void test_uniform(void **state)
{
    (void)state;
    const int n = 200000;
    double s = 0, q = 0;
    for (int i = 0; i < n; i++) {
        double u = sm_sgs_uniform(1, 2, (uint64_t)i, 3);
        assert_true(u > 0 && u < 1);
        s += u, q += u * u;
    }
    double m = s / n, v = q / n - m * m;
    assert_true(fabs(m - 0.5) < 4 * sqrt(1.0 / 12 / n));
    assert_true(fabs(v - 1.0 / 12) < 4 * sqrt(1.0 / 180 / n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_simple_kriging),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_uniform),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
